"""Followers of deals, persons and organizations (users; v2) and participants of deals
(persons; v1), kept beside the items and changed through the outbox.

    await fetch(client, db, "deal", 7)     # GET /api/v2/deals/7/followers (10 tokens)
                                           # + GET /api/v1/deals/7/participants (10) for a deal
    follow(conn, "deal", 7, user_id)       # writer thread: the row (pending 'add') and the outbox
    unfollow(conn, "deal", 7, user_id)     # row (op 'follow' / 'unfollow') in one transaction
    add_participant(conn, 7, person_id)    # op 'participant_add'; a local negative id until added
    remove_participant(conn, 7, row_id)    # op 'participant_remove'

Outbox rows are of entity 'follower' / 'participant' and carry the item in their payload under
its reference key (deal_id, person_id, org_id), so an item created offline is sent first and
its id replaced in them (outbox.remap). Exactly once: following or removing twice is harmless
(Pipedrive's "already following" and a 404 count as done); a participant added whose answer
was lost is looked for among the deal's participants before it is sent again.
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

from tui.api.errors import MalformedResponse, NotFound, ValidationError
from tui.store.edits import enqueue, utcnow
from tui.store.registry import REF_KEYS, REGISTRY

if TYPE_CHECKING:
    from tui.api.client import PipedriveClient
    from tui.store.db import Database
    from tui.store.outbox import Pusher

TABLES = ("item_followers", "deal_participants")


def _item_of(payload: dict[str, Any]) -> tuple[str, int]:
    entity = payload["entity"]
    return entity, int(payload[REF_KEYS[entity]])


# -- what the server has (writer thread) ----------------------------------------------------------


def save_followers(conn: sqlite3.Connection, entity: str, entity_id: int, rows: list[dict[str, Any]]) -> None:
    """Replace the item's followers with the server's, keeping the ones still being changed."""
    conn.execute("DELETE FROM item_followers WHERE entity=? AND entity_id=? AND pending IS NULL", (entity, entity_id))
    conn.executemany(
        "INSERT OR IGNORE INTO item_followers (entity, entity_id, user_id, add_time) VALUES (?,?,?,?)",
        [(entity, entity_id, r["user_id"], r.get("add_time")) for r in rows if isinstance(r.get("user_id"), int)],
    )


def save_participants(conn: sqlite3.Connection, deal_id: int, rows: list[dict[str, Any]]) -> None:
    conn.execute("DELETE FROM deal_participants WHERE deal_id=? AND pending IS NULL", (deal_id,))
    pending = {r[0] for r in conn.execute("SELECT id FROM deal_participants WHERE deal_id=?", (deal_id,))}
    conn.executemany(
        "INSERT OR IGNORE INTO deal_participants (id, deal_id, person_id, add_time) VALUES (?,?,?,?)",
        [(r["id"], deal_id, _person_of(r), r.get("add_time")) for r in rows if isinstance(r.get("id"), int) and r["id"] not in pending],
    )


def _person_of(row: dict[str, Any]) -> int | None:
    ref = row.get("person_id")
    value = ref.get("value") if isinstance(ref, dict) else ref
    return value if isinstance(value, int) else None


def counts(conn: sqlite3.Connection, entity: str, entity_id: int) -> str | None:
    """The item's followers (and participants) counts as Pipedrive last sent them, as one mark;
    None when unknown (not synced with them yet)."""
    table = REGISTRY[entity].table
    row = conn.execute(
        f"SELECT json_extract(data, '$.followers_count'), json_extract(data, '$.participants_count') FROM {table} WHERE id = ?",
        (entity_id,),
    ).fetchone()
    if row is None or row[0] is None or (entity == "deal" and row[1] is None):
        return None
    return f"{row[0]}/{row[1]}" if entity == "deal" else str(row[0])


def fetched_mark(conn: sqlite3.Connection, entity: str, entity_id: int) -> str | None:
    row = conn.execute("SELECT mark FROM fetch_marks WHERE kind = ? AND key = ?", (f"followers:{entity}", entity_id)).fetchone()
    return str(row[0]) if row and row[0] is not None else None


def set_fetched(conn: sqlite3.Connection, entity: str, entity_id: int, mark: str | None) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO fetch_marks (kind, key, mark, at) VALUES (?,?,?,?)", (f"followers:{entity}", entity_id, mark, utcnow())
    )


async def fetch(client: PipedriveClient, db: Database, entity: str, entity_id: int) -> None:
    """The item's followers (10 tokens) and, for a deal, its participants (10 tokens)."""
    followers: list[dict[str, Any]] = []
    async for page in client.pages_v2(f"/api/v2/{REGISTRY[entity].resource}/{entity_id}/followers"):
        followers += page
    await db.write(save_followers, entity, entity_id, followers)
    if entity == "deal":
        participants: list[dict[str, Any]] = []
        async for page in client.pages_v1(f"/api/v1/deals/{entity_id}/participants"):
            participants += page
        await db.write(save_participants, entity_id, participants)


# -- changes (writer thread) ----------------------------------------------------------------------

WHO = "entity=? AND entity_id=? AND user_id=?"


def _follower(conn: sqlite3.Connection, entity: str, entity_id: int, user_id: int) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(f"SELECT pending FROM item_followers WHERE {WHO}", (entity, entity_id, user_id)).fetchone()
    return row


def follow(conn: sqlite3.Connection, entity: str, entity_id: int, user_id: int, label: str = "") -> bool:
    """False when the user follows it already."""
    row = _follower(conn, entity, entity_id, user_id)
    if row is not None and row[0] != "remove":
        return False
    if row is not None:  # an unfollow still waiting: follow again
        conn.execute("UPDATE item_followers SET pending='add' WHERE entity=? AND entity_id=? AND user_id=?", (entity, entity_id, user_id))
    else:
        conn.execute(
            "INSERT INTO item_followers (entity, entity_id, user_id, add_time, pending) VALUES (?,?,?,?, 'add')",
            (entity, entity_id, user_id, utcnow()),
        )
    enqueue(conn, "follow", "follower", entity_id, {"entity": entity, REF_KEYS[entity]: entity_id, "user_id": user_id, "label": label})
    return True


def unfollow(conn: sqlite3.Connection, entity: str, entity_id: int, user_id: int, label: str = "") -> bool:
    row = _follower(conn, entity, entity_id, user_id)
    if row is None or row[0] == "remove":
        return False
    conn.execute("UPDATE item_followers SET pending='remove' WHERE entity=? AND entity_id=? AND user_id=?", (entity, entity_id, user_id))
    enqueue(conn, "unfollow", "follower", entity_id, {"entity": entity, REF_KEYS[entity]: entity_id, "user_id": user_id, "label": label})
    return True


def add_participant(conn: sqlite3.Connection, deal_id: int, person_id: int, label: str = "") -> int | None:
    """The new row's local id; None when the person takes part already."""
    taking_part = "SELECT 1 FROM deal_participants WHERE deal_id=? AND person_id=? AND pending IS NOT 'remove'"
    if conn.execute(taking_part, (deal_id, person_id)).fetchone():
        return None
    local = min(0, conn.execute("SELECT MIN(id) FROM deal_participants").fetchone()[0] or 0) - 1
    conn.execute(
        "INSERT INTO deal_participants (id, deal_id, person_id, add_time, pending) VALUES (?,?,?,?, 'add')",
        (local, deal_id, person_id, utcnow()),
    )
    enqueue(conn, "participant_add", "participant", local, {"entity": "deal", "deal_id": deal_id, "person_id": person_id, "label": label})
    return local


def remove_participant(conn: sqlite3.Connection, deal_id: int, row_id: int, label: str = "") -> bool:
    row = conn.execute("SELECT pending FROM deal_participants WHERE id=? AND deal_id=?", (row_id, deal_id)).fetchone()
    if row is None or row[0] == "remove":
        return False
    if row[0] == "add":  # not added yet: take the add back if it was not sent
        sent = conn.execute("SELECT seq, sent_at FROM outbox WHERE op='participant_add' AND entity_id=?", (row_id,)).fetchone()
        if sent is not None and not sent["sent_at"]:
            conn.execute("DELETE FROM outbox WHERE seq=?", (sent["seq"],))
            conn.execute("DELETE FROM deal_participants WHERE id=?", (row_id,))
            return True
    conn.execute("UPDATE deal_participants SET pending='remove' WHERE id=?", (row_id,))
    enqueue(conn, "participant_remove", "participant", row_id, {"entity": "deal", "deal_id": deal_id, "label": label})
    return True


def _ack_follow(conn: sqlite3.Connection, row: dict[str, Any], gone: bool) -> None:
    payload = json.loads(row["payload"])
    entity, item_id = _item_of(payload)
    conn.execute("DELETE FROM outbox WHERE seq=?", (row["seq"],))
    key = (entity, item_id, payload["user_id"])
    if gone:
        conn.execute("DELETE FROM item_followers WHERE entity=? AND entity_id=? AND user_id=? AND pending='remove'", key)
    else:
        conn.execute("UPDATE item_followers SET pending=NULL WHERE entity=? AND entity_id=? AND user_id=? AND pending='add'", key)


def _ack_participant(conn: sqlite3.Connection, row: dict[str, Any], server_id: int | None) -> None:
    conn.execute("DELETE FROM outbox WHERE seq=?", (row["seq"],))
    local = row["entity_id"]
    if server_id is None:  # removed
        conn.execute("DELETE FROM deal_participants WHERE id=?", (local,))
        return
    conn.execute("DELETE FROM deal_participants WHERE id=? AND id<>?", (server_id, local))
    conn.execute("UPDATE deal_participants SET id=?, pending=NULL WHERE id=?", (server_id, local))
    conn.execute("UPDATE outbox SET entity_id=? WHERE entity='participant' AND entity_id=?", (server_id, local))


def rollback(conn: sqlite3.Connection, row: dict[str, Any]) -> None:
    """Pipedrive refused it: the row shows what Pipedrive has again."""
    payload = json.loads(row["payload"])
    if row["op"] == "follow":
        entity, item_id = _item_of(payload)
        conn.execute(f"DELETE FROM item_followers WHERE {WHO} AND pending='add'", (entity, item_id, payload["user_id"]))
    elif row["op"] == "unfollow":
        entity, item_id = _item_of(payload)
        conn.execute(f"UPDATE item_followers SET pending=NULL WHERE {WHO}", (entity, item_id, payload["user_id"]))
    elif row["op"] == "participant_add":
        conn.execute("DELETE FROM deal_participants WHERE id=?", (row["entity_id"],))
    else:
        conn.execute("UPDATE deal_participants SET pending=NULL WHERE id=?", (row["entity_id"],))


# -- the pushes (event loop) ----------------------------------------------------------------------


async def push_follow(pusher: Pusher, row: dict[str, Any]) -> str:
    payload = json.loads(row["payload"])
    entity, item_id = _item_of(payload)
    try:
        path = f"/api/v2/{REGISTRY[entity].resource}/{item_id}/followers"
        await pusher.client.request("POST", path, json={"user_id": payload["user_id"]})
    except ValidationError as exc:
        if "already" not in exc.message.lower():
            raise
    await pusher.db.write(_ack_follow, row, False)
    pusher.emit_changed("item_followers")
    return "pushed"


async def push_unfollow(pusher: Pusher, row: dict[str, Any]) -> str:
    payload = json.loads(row["payload"])
    entity, item_id = _item_of(payload)
    try:
        await pusher.client.request("DELETE", f"/api/v2/{REGISTRY[entity].resource}/{item_id}/followers/{payload['user_id']}")
    except NotFound:
        pass  # not following (an earlier attempt's answer was lost)
    await pusher.db.write(_ack_follow, row, True)
    pusher.emit_changed("item_followers")
    return "pushed"


async def _participant_of(client: PipedriveClient, deal_id: int, person_id: int) -> int | None:
    async for page in client.pages_v1(f"/api/v1/deals/{deal_id}/participants"):
        for item in page:
            if _person_of(item) == person_id and isinstance(item.get("id"), int):
                return int(item["id"])
    return None


def _mark_sent(conn: sqlite3.Connection, seq: int) -> None:
    conn.execute("UPDATE outbox SET sent_at=? WHERE seq=?", (utcnow(), seq))


async def push_participant_add(pusher: Pusher, row: dict[str, Any]) -> str:
    payload = json.loads(row["payload"])
    deal_id, person_id = int(payload["deal_id"]), int(payload["person_id"])
    found = await _participant_of(pusher.client, deal_id, person_id) if row["sent_at"] else None
    if found is None:
        await pusher.db.write(_mark_sent, row["seq"])
        try:
            envelope = await pusher.client.request("POST", f"/api/v1/deals/{deal_id}/participants", json={"person_id": person_id})
            data = envelope.get("data") or {}
            found = data.get("id") if isinstance(data.get("id"), int) else None
        except ValidationError as exc:
            if "already" not in exc.message.lower():
                raise
        if found is None:
            found = await _participant_of(pusher.client, deal_id, person_id)
        if found is None:
            raise MalformedResponse("Pipedrive did not say which participant it added; looking again", uncertain=True)
    await pusher.db.write(_ack_participant, row, found)
    pusher.emit_changed("deal_participants")
    return "pushed"


async def push_participant_remove(pusher: Pusher, row: dict[str, Any]) -> str:
    payload = json.loads(row["payload"])
    try:
        await pusher.client.request("DELETE", f"/api/v1/deals/{payload['deal_id']}/participants/{row['entity_id']}")
    except NotFound:
        pass
    await pusher.db.write(_ack_participant, row, None)
    pusher.emit_changed("deal_participants")
    return "pushed"
