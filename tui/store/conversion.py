"""Converting a lead into a deal, exactly once, through the outbox.

`Store.convert_lead(lead_id, stage_id)` queues an outbox row `op='convert'` for the lead
(one at a time per lead); the pusher takes it in order like every edit, one step per
`push_next`, so a restart between two steps resumes at the right one:

1. send     `sent_at` and the largest cached deal id are written durably, then
            `POST /api/v2/leads/{id}/convert/deal {stage_id}` (40 tokens). Its answer's
            conversion id is written into the row (`idempotency_key`) before any poll.
2. poll     `GET /api/v2/leads/{id}/convert/status/{conversion_id}` (1 token) every second
            until `completed` (then 3), or `failed`/`rejected` (a refusal: rolled back).
3. finish   the new deal (GET, 1 token), its activities (v2 ?deal_id=, 10) and notes
            (v1 ?deal_id=, 20: they are the lead's, moved by Pipedrive) are stored, the lead
            leaves the cache, notes/activities still queued for the lead go to the deal, and
            a `Converted(lead_id, deal_id)` event tells the screens.

A request that certainly did not arrive (no connection) clears `sent_at` again. A lost
answer (timeout, dropped connection, a crash after sending): the row has `sent_at`
but no conversion id, so the next attempt never posts blindly. It asks whether the lead
still exists (GET, 2 tokens): gone -> the conversion happened: the deal is the one whose
`source_lead_id` is the lead (v2 deals newest first down to the saved largest id, 10 tokens
a page); there -> the conversion is still running or never started: wait GRACE seconds
(re-asking), then post again. Pipedrive refuses a second conversion of a lead that is being
converted and a converted lead no longer exists, so that post cannot convert it twice.
A status the server no longer knows (404: kept a few days) is handled the same way.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from tui.api.errors import ApiError, MalformedResponse, NotFound, ValidationError
from tui.store import ingest
from tui.store.edits import EditError, enqueue, utcnow
from tui.store.events import Converted
from tui.store.registry import strip_related

if TYPE_CHECKING:
    from tui.store.outbox import Pusher

POLL = 1.0  # seconds between status polls
RECHECK = 3.0  # seconds between looks at a lead whose conversion answer was lost
GRACE = 20.0  # seconds after a lost answer before the conversion is sent again
SCAN = 2000  # deals looked at to find the one a lost conversion made
FAILED = ("failed", "rejected")


class ConversionRefused(ValidationError):
    """Pipedrive ran the conversion and it failed: rolled back like a refused edit."""


# -- the queue (writer thread) --------------------------------------------------------------------


def queue(conn: sqlite3.Connection, lead_id: str, stage_id: int) -> int:
    """The outbox row of a conversion (the cache changes when Pipedrive has done it)."""
    if ingest.load(conn, "lead", lead_id) is None:
        raise EditError("this lead is not in the cache")
    if converting(conn, lead_id):
        raise EditError("this lead is already being converted")
    if conn.execute("SELECT 1 FROM stages WHERE id = ? AND is_deleted = 0", (stage_id,)).fetchone() is None:
        raise EditError(f"stage {stage_id} is not in the cache")
    return enqueue(conn, "convert", "lead", lead_id, {"stage_id": stage_id})


def converting(conn: sqlite3.Connection, lead_id: str) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM outbox WHERE op = 'convert' AND entity = 'lead' AND entity_id = ? AND state IN ('pending','conflict')",
            (lead_id,),
        ).fetchone()
        is not None
    )


def converted_to(conn: sqlite3.Connection, lead_id: str) -> int | None:
    row = conn.execute("SELECT deal_id FROM lead_conversions WHERE lead_id = ?", (lead_id,)).fetchone()
    return row[0] if row else None


def _mark_sent(conn: sqlite3.Connection, seq: int) -> int:
    return conn.execute(
        "UPDATE outbox SET sent_at = ?, known_max_id = COALESCE(known_max_id, (SELECT MAX(id) FROM deals WHERE id > 0)) WHERE seq = ?",
        (utcnow(), seq),
    ).rowcount


def _unsent(conn: sqlite3.Connection, seq: int) -> None:
    conn.execute("UPDATE outbox SET sent_at = NULL WHERE seq = ?", (seq,))


def _record(conn: sqlite3.Connection, seq: int, conversion_id: str | None) -> None:
    conn.execute("UPDATE outbox SET idempotency_key = ? WHERE seq = ?", (conversion_id, seq))


def finish(
    conn: sqlite3.Connection, row: dict[str, Any], deal: dict[str, Any], activities: list[dict[str, Any]], notes: list[dict[str, Any]]
) -> int:
    """The conversion is done: the deal and what moved with it in, the lead out. Returns how
    many queued edits of the lead itself were dropped (they have nothing to apply to)."""
    from tui.store.server_rows import apply_server_objects

    lead_id, deal_id = row["entity_id"], int(deal["id"])
    lead = ingest.load(conn, "lead", lead_id) or {}
    conn.execute("DELETE FROM outbox WHERE seq = ?", (row["seq"],))
    dropped = conn.execute("DELETE FROM outbox WHERE entity = 'lead' AND entity_id = ?", (lead_id,)).rowcount
    conn.execute("DELETE FROM server_copy WHERE entity = 'lead' AND id = ?", (lead_id,))
    # notes and activities made on the lead and not pushed yet go to the deal instead
    for seq, payload in conn.execute("SELECT seq, payload FROM outbox WHERE entity IN ('note','activity')").fetchall():
        obj = json.loads(payload)
        if obj.get("lead_id") == lead_id:
            obj.pop("lead_id")
            obj["deal_id"] = deal_id
            if obj.pop("pinned_to_lead_flag", None):
                obj["pinned_to_deal_flag"] = True
            conn.execute("UPDATE outbox SET payload = ? WHERE seq = ?", (json.dumps(obj, ensure_ascii=False), seq))
    # a note pinned to the lead is pinned to the deal (Pipedrive moves the pin with the note)
    conn.execute(
        "UPDATE notes SET pinned_deal = 1, pinned_lead = 0, data = json_set(data, '$.pinned_to_deal_flag', json('true'),"
        " '$.pinned_to_lead_flag', json('false')) WHERE lead_id = ? AND pinned_lead = 1",
        (lead_id,),
    )
    for table in ("notes", "activities"):
        conn.execute(
            f"UPDATE {table} SET lead_id = NULL, deal_id = ?, data = json_set(json_remove(data, '$.lead_id'),"
            " '$.deal_id', ?) WHERE lead_id = ?",
            (deal_id, deal_id, lead_id),
        )
    ingest.delete(conn, "lead", [lead_id])
    apply_server_objects(conn, "deal", [deal])
    apply_server_objects(conn, "activity", activities)
    apply_server_objects(conn, "note", notes)
    conn.execute(
        "INSERT OR REPLACE INTO lead_conversions (lead_id, deal_id, title, at) VALUES (?,?,?,?)",
        (lead_id, deal_id, lead.get("title") or deal.get("title"), utcnow()),
    )
    return dropped


# -- the push steps (event loop) -------------------------------------------------------------------


async def push(pusher: "Pusher", row: dict[str, Any]) -> str:
    """One step of a conversion: 'waiting' (poll again after pusher.wait seconds), 'pushed'
    (done); refusals and transient errors raise like any push."""
    if row["idempotency_key"]:
        return await _poll(pusher, row, row["idempotency_key"])
    if row["sent_at"]:
        outcome = await _reconcile(pusher, row)
        if outcome is not None:
            return outcome
    if not await pusher.db.write(_mark_sent, row["seq"]):
        return "pushed"  # the row is gone
    lead_id = row["entity_id"]
    try:
        env = await pusher.client.request("POST", f"/api/v2/leads/{lead_id}/convert/deal", json=json.loads(row["payload"]))
    except ApiError as exc:
        if not exc.uncertain:  # certainly not applied (no connection, refused): nothing to reconcile
            await pusher.db.write(_unsent, row["seq"])
        raise
    conversion_id = (env.get("data") or {}).get("conversion_id")
    if not isinstance(conversion_id, str) or not conversion_id:
        raise MalformedResponse("Pipedrive's answer to the conversion has no conversion id", uncertain=True)
    await pusher.db.write(_record, row["seq"], conversion_id)
    pusher.wait = POLL
    return "waiting"


async def _poll(pusher: "Pusher", row: dict[str, Any], conversion_id: str) -> str:
    lead_id = row["entity_id"]
    try:
        env = await pusher.client.request("GET", f"/api/v2/leads/{lead_id}/convert/status/{conversion_id}")
    except NotFound:
        await pusher.db.write(_record, row["seq"], None)  # forgotten by the server: reconcile next
        pusher.wait = POLL
        return "waiting"
    data = env.get("data") or {}
    status = data.get("status")
    if status == "completed" and isinstance(data.get("deal_id"), int):
        return await _finish(pusher, row, data["deal_id"])
    if status in FAILED:
        raise ConversionRefused(f"the conversion {status} on Pipedrive's side", status=400)
    pusher.wait = POLL
    return "waiting"


async def _reconcile(pusher: "Pusher", row: dict[str, Any]) -> str | None:
    """An earlier send's answer was lost: its outcome, or None to send again."""
    lead_id = row["entity_id"]
    try:
        await pusher.client.get_item("/api/v1/leads", lead_id)
    except NotFound:
        deal = await _find_deal(pusher, lead_id, row["known_max_id"] or 0)
        if deal is not None:
            return await _finish(pusher, row, int(deal["id"]))
        raise ConversionRefused("the lead no longer exists in Pipedrive (deleted, or converted by someone else)", status=404) from None
    sent = datetime.fromisoformat(row["sent_at"].replace("Z", "+00:00"))
    if (datetime.now(timezone.utc) - sent).total_seconds() < GRACE:
        pusher.wait = RECHECK
        return "waiting"
    return None


async def _find_deal(pusher: "Pusher", lead_id: str, floor: int) -> dict[str, Any] | None:
    seen = 0
    params = {"sort_by": "id", "sort_direction": "desc", "include_fields": "source_lead_id"}
    async for page in pusher.client.pages_v2("/api/v2/deals", params):
        for deal in page:
            if deal.get("source_lead_id") == lead_id:
                return deal
        seen += len(page)
        if any(d.get("id", 0) <= floor for d in page) or seen >= SCAN:
            return None
    return None


async def _finish(pusher: "Pusher", row: dict[str, Any], deal_id: int) -> str:
    client = pusher.client
    deal = await client.get_v2("deals", deal_id)
    activities = await client.list_v2("activities", deal_id=deal_id, include_fields="attendees")
    notes = [_clean_note(n) for n in await client.list_notes(deal_id=deal_id)]
    dropped = await pusher.db.write(finish, row, deal, activities, notes)
    pusher.emit(Converted(row["entity_id"], deal_id, dropped))
    pusher.emit_changed("leads", "deals", "notes", "activities")
    return "pushed"


def _clean_note(note: dict[str, Any]) -> dict[str, Any]:
    return strip_related(note)
