"""Call logs through the outbox (op 'call'; `POST /v1/callLogs`, 10 tokens), exactly once.

    log_id = queue(conn, body)      # writer thread: the cache row ('local-<hex>') and the outbox
                                    # row in one transaction; shown at once as "sending"
    cancel(conn, log_id)            # undo while it is not sent: both rows go; False once sent
    await push(pusher, row)         # the pusher's step (tui/store/operations.py)
    await fetch_recent(client, db)  # the user's newest 50 call logs (GET /v1/callLogs, 20 tokens)

Exactly once: before the POST, `sent_at` is written durably. A row found with `sent_at` set
(an answer lost to a timeout, a dropped connection, a 5xx, or a kill -9 mid-request) first
looks for the call among the user's newest call logs (one page, 20 tokens): same number,
outcome and start time. Found, its id is adopted; only when it is not there is it sent again.
Pipedrive records a done `call` activity with each call log: its id comes in the answer and
the activity is fetched (v2, 1 token) so it shows in the item's activities at once.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from typing import TYPE_CHECKING, Any

from tui.api.errors import ApiError, CreatedWithoutId, MalformedResponse
from tui.store import ingest
from tui.store.edits import enqueue, utcnow
from tui.store.rows import norm_time
from tui.store.server_rows import apply_server_objects

if TYPE_CHECKING:
    from tui.api.client import PipedriveClient
    from tui.store.db import Database
    from tui.store.outbox import Pusher

PATH = "/api/v1/callLogs"
OUTCOMES = {
    "connected": "Connected",
    "no_answer": "No answer",
    "left_message": "Left message",
    "left_voicemail": "Left voicemail",
    "wrong_number": "Wrong number",
    "busy": "Busy",
}
LOOK_BACK = 50  # call logs looked at to find one whose answer was lost (one page)


# -- the queue (writer thread) --------------------------------------------------------------------


def queue(conn: sqlite3.Connection, body: dict[str, Any]) -> str:
    """The call, shown at once, and its outbox row, in one transaction."""
    log_id = f"local-{uuid.uuid4().hex[:12]}"
    ingest.upsert(conn, "call_log", [{**body, "id": log_id}])
    enqueue(conn, "call", "call_log", log_id, body)
    return log_id


def cancel(conn: sqlite3.Connection, log_id: str) -> bool:
    """Undo a call not yet sent (nothing reached Pipedrive): its rows go. False once sent."""
    row = conn.execute("SELECT seq, sent_at FROM outbox WHERE entity='call_log' AND entity_id=? AND op='call'", (log_id,)).fetchone()
    if row is None or row["sent_at"]:
        return False
    conn.execute("DELETE FROM outbox WHERE seq=?", (row["seq"],))
    ingest.delete(conn, "call_log", [log_id])
    return True


def _mark_sent(conn: sqlite3.Connection, seq: int) -> bool:
    return conn.execute("UPDATE outbox SET sent_at=? WHERE seq=? AND sent_at IS NULL", (utcnow(), seq)).rowcount > 0


def _unsent(conn: sqlite3.Connection, seq: int) -> None:
    conn.execute("UPDATE outbox SET sent_at=NULL WHERE seq=?", (seq,))


def _ack(conn: sqlite3.Connection, row: dict[str, Any], server: dict[str, Any]) -> None:
    conn.execute("DELETE FROM outbox WHERE seq=?", (row["seq"],))
    ingest.delete(conn, "call_log", [row["entity_id"]])
    apply_server_objects(conn, "call_log", [server])


def _same_call(found: dict[str, Any], sent: dict[str, Any]) -> bool:
    return (
        str(found.get("to_phone_number") or "") == str(sent.get("to_phone_number") or "")
        and found.get("outcome") == sent.get("outcome")
        and norm_time(found.get("start_time")) == norm_time(sent.get("start_time"))
        and (found.get("deal_id"), found.get("person_id")) == (sent.get("deal_id"), sent.get("person_id"))
    )


# -- the push (event loop) ------------------------------------------------------------------------


async def push(pusher: Pusher, row: dict[str, Any]) -> str:
    body = json.loads(row["payload"])
    if row["sent_at"]:
        found = await _find(pusher.client, body)
        if found is not None:
            return await _finish(pusher, row, found)
    if row["sent_at"] is None and not await pusher.db.write(_mark_sent, row["seq"]):
        return "pushed"  # undone meanwhile
    try:
        server = await pusher.client.create_item(PATH, body)
    except CreatedWithoutId:
        raise MalformedResponse("Pipedrive logged the call without saying its id; looking for it", uncertain=True) from None
    except ApiError as exc:
        if not exc.uncertain:  # certainly not logged (no connection, refused): nothing to look for
            await pusher.db.write(_unsent, row["seq"])
        raise
    return await _finish(pusher, row, server)


async def _find(client: PipedriveClient, body: dict[str, Any]) -> dict[str, Any] | None:
    envelope = await client.request("GET", PATH, params={"start": 0, "limit": LOOK_BACK})
    for item in envelope.get("data") or []:
        if isinstance(item, dict) and _same_call(item, body):
            return item
    return None


async def _finish(pusher: Pusher, row: dict[str, Any], server: dict[str, Any]) -> str:
    if not isinstance(server.get("id"), str):
        raise MalformedResponse("Pipedrive's answer to the call log has no id", uncertain=True)
    await pusher.db.write(_ack, row, server)
    activity_id = server.get("activity_id")
    tables = ["call_logs"]
    if isinstance(activity_id, int):
        try:
            activity = await pusher.client.get_item("/api/v2/activities", activity_id)
        except ApiError:
            activity = None  # the next refresh brings it
        if activity is not None:
            await pusher.db.write(apply_server_objects, "activity", [activity])
            tables.append("activities")
    pusher.emit_changed(*tables)
    return "pushed"


async def fetch_recent(client: PipedriveClient, db: Database) -> int:
    """The user's newest call logs (one page of 50, 20 tokens) into the cache."""
    envelope = await client.request("GET", PATH, params={"start": 0, "limit": LOOK_BACK})
    items = [i for i in envelope.get("data") or [] if isinstance(i, dict)]
    if items:
        await db.write(apply_server_objects, "call_log", items)
    return len(items)
