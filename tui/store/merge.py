"""Merging two persons or two organizations, exactly once, through the outbox (op 'merge').

    await store.merge("person", keep_id=105, other_id=151)   # 151 is merged into 105

`queue` (writer thread, one transaction): the survivor becomes what Pipedrive will make of
it (tui/store/merge_fields.py), the other's deals, activities (and participations), notes,
leads (and, for an organization, people) point at the survivor, edits still queued that
name the other are re-pointed, the other leaves the cache, and an outbox row
`op='merge', entity, entity_id=<other>, payload={"merge_with_id": <keep>}` is written; its
`base` keeps both items, the moved rows and the re-pointed payloads, so a refusal can put
everything back (`rollback`).

`push` (event loop): `PUT /v1/{persons|organizations}/{other}/merge {"merge_with_id": keep}`
(40 tokens); then the survivor is read back (GET v2, 1 token) and the moved items are fetched
by id (deals and activities 1 token each, notes 2), or, when more than FETCH_BY_ID of a kind
moved, listed by the survivor (10 tokens, notes 20). A lost answer is sent again: the second
PUT finds the other gone (404), and "the other no longer exists and the survivor does" is
taken as done, so a merge is never made twice nor reported as refused when it happened.
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

from tui.api.errors import NotFound
from tui.store import ingest
from tui.store.edits import EditError, enqueue, is_local, save_server_copy
from tui.store.merge_fields import merged
from tui.store.registry import strip_related
from tui.store.server_rows import apply_server_objects

if TYPE_CHECKING:
    from tui.store.outbox import Pusher

FETCH_BY_ID = 10  # moved items of one kind fetched one by one up to this many, else listed
PATHS = {"person": "/api/v1/persons", "organization": "/api/v1/organizations"}
# (table, column, the key in the item's JSON) of what points at a person / an organization
REFS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "person": (
        ("deals", "person_id", "person_id"),
        ("activities", "person_id", "person_id"),
        ("notes", "person_id", "person_id"),
        ("leads", "person_id", "person_id"),
    ),
    "organization": (
        ("persons", "org_id", "org_id"),
        ("deals", "org_id", "org_id"),
        ("activities", "org_id", "org_id"),
        ("notes", "org_id", "org_id"),
        ("leads", "org_id", "organization_id"),
    ),
}
ENTITY_OF = {"deals": "deal", "activities": "activity", "notes": "note", "persons": "person", "leads": "lead"}


def _table(entity: str) -> str:
    return "persons" if entity == "person" else "organizations"


def merging(conn: sqlite3.Connection, entity: str, item_id: int) -> bool:
    """A merge of this item (as either side) waits in the outbox."""
    for payload, eid in conn.execute(
        "SELECT payload, entity_id FROM outbox WHERE op = 'merge' AND entity = ? AND state IN ('pending','conflict')", (entity,)
    ):
        if eid == item_id or json.loads(payload).get("merge_with_id") == item_id:
            return True
    return False


def _repoint(conn: sqlite3.Connection, table: str, column: str, key: str, ids: list[Any], new: int) -> None:
    for item_id in ids:
        conn.execute(f"UPDATE {table} SET {column} = ?, data = json_set(data, '$.{key}', ?) WHERE id = ?", (new, new, item_id))


def _participants(conn: sqlite3.Connection, old: int, new: int) -> dict[str, Any]:
    """Activities where the other takes part: their participants before (for a rollback)."""
    before: dict[str, Any] = {}
    for aid, data in conn.execute("SELECT id, data FROM activities WHERE data LIKE ?", (f"%{old}%",)).fetchall():
        obj = json.loads(data)
        parts = obj.get("participants") or []
        if not any(isinstance(p, dict) and p.get("person_id") == old for p in parts):
            continue
        before[str(aid)] = parts
        kept: dict[Any, dict[str, Any]] = {}
        for p in parts:
            pid = new if p.get("person_id") == old else p.get("person_id")
            kept[pid] = {**p, "person_id": pid, "primary": bool(p.get("primary") or kept.get(pid, {}).get("primary"))}
        conn.execute(
            "UPDATE activities SET data = json_set(data, '$.participants', json(?)) WHERE id = ?", (json.dumps(list(kept.values())), aid)
        )
    return before


def _queued_refs(conn: sqlite3.Connection, entity: str, old: int, new: int) -> dict[str, str]:
    """Queued edits (payloads) that name the other: re-pointed; their payloads before, by seq."""
    keys = {key for _t, _c, key in REFS[entity]}
    before: dict[str, str] = {}
    for seq, payload in conn.execute("SELECT seq, payload FROM outbox WHERE state IN ('pending','conflict','created')").fetchall():
        obj = json.loads(payload)
        changed = False
        for key in keys:
            if obj.get(key) == old:
                obj[key] = new
                changed = True
        if entity == "person":
            for p in obj.get("participants") or []:
                if isinstance(p, dict) and p.get("person_id") == old:
                    p["person_id"] = new
                    changed = True
        if changed:
            before[str(seq)] = payload
            conn.execute("UPDATE outbox SET payload = ? WHERE seq = ?", (json.dumps(obj, ensure_ascii=False), seq))
    return before


def queue(conn: sqlite3.Connection, entity: str, keep_id: int, other_id: int) -> int:
    """The optimistic merge and its outbox row, in the caller's transaction."""
    if entity not in PATHS:
        raise EditError(f"cannot merge {entity}s")
    if keep_id == other_id:
        raise EditError(f"a {entity} cannot be merged with itself")
    if is_local(keep_id) or is_local(other_id):
        raise EditError(f"the {entity} is not saved in Pipedrive yet")
    keep, other = ingest.load(conn, entity, keep_id), ingest.load(conn, entity, other_id)
    if keep is None or other is None:
        raise EditError(f"{entity} {keep_id if keep is None else other_id} is not in the cache")
    if merging(conn, entity, keep_id) or merging(conn, entity, other_id):
        raise EditError(f"this {entity} is already being merged")
    save_server_copy(conn, entity, keep_id, keep)
    save_server_copy(conn, entity, other_id, other)
    moved: dict[str, list[Any]] = {}
    for table, column, key in REFS[entity]:
        ids = [r[0] for r in conn.execute(f"SELECT id FROM {table} WHERE {column} = ?", (other_id,))]
        if ids:
            moved[table] = ids
            _repoint(conn, table, column, key, ids, keep_id)
    participants = _participants(conn, other_id, keep_id) if entity == "person" else {}
    if entity == "person":  # deal participants (refetched with the deal's screen): the survivor once
        conn.execute(
            """DELETE FROM deal_participants WHERE person_id = ? AND deal_id IN
               (SELECT deal_id FROM deal_participants WHERE person_id = ?)""",
            (other_id, keep_id),
        )
        conn.execute("UPDATE deal_participants SET person_id = ? WHERE person_id = ?", (keep_id, other_id))
    payloads = _queued_refs(conn, entity, other_id, keep_id)
    ingest.upsert(conn, entity, [merged(entity, keep, other)])
    ingest.delete(conn, entity, [other_id])
    base = {"keep": keep, "other": other, "moved": moved, "participants": participants, "payloads": payloads}
    return enqueue(conn, "merge", entity, other_id, {"merge_with_id": keep_id}, base)


# -- after the answer (writer thread) --------------------------------------------------------------


def finish(conn: sqlite3.Connection, row: dict[str, Any], survivor: dict[str, Any], fetched: dict[str, list[dict[str, Any]]]) -> None:
    """Pipedrive merged them: its survivor and the moved items replace the optimistic ones."""
    entity, other_id = row["entity"], row["entity_id"]
    keep_id = int(survivor["id"])
    conn.execute("DELETE FROM outbox WHERE seq = ?", (row["seq"],))
    conn.execute("DELETE FROM server_copy WHERE entity = ? AND id IN (?, ?)", (entity, keep_id, other_id))
    ingest.delete(conn, entity, [other_id])
    for table, column, key in REFS[entity]:  # anything a sync brought back meanwhile
        ids = [r[0] for r in conn.execute(f"SELECT id FROM {table} WHERE {column} = ?", (other_id,))]
        _repoint(conn, table, column, key, ids, keep_id)
    apply_server_objects(conn, entity, [survivor])
    for table, items in fetched.items():
        if table == "activities":  # a GET by id lacks the attendees (only listed with include_fields)
            items = [{**a, "attendees": (ingest.load(conn, "activity", a["id"]) or {}).get("attendees"), **a} for a in items]
        apply_server_objects(conn, ENTITY_OF[table], items)


def rollback(conn: sqlite3.Connection, row: dict[str, Any]) -> None:
    """Refused: both items as they were, the moved rows and re-pointed edits back on the other.
    (outbox.rollback has already restored the other from the server or its saved copy.)"""
    base = json.loads(row["base"] or "{}")
    entity, other_id = row["entity"], row["entity_id"]
    keep = base.get("keep")
    if keep:
        ingest.upsert(conn, entity, [keep])
        conn.execute("DELETE FROM server_copy WHERE entity = ? AND id = ?", (entity, keep["id"]))
    if ingest.load(conn, entity, other_id) is None:
        return  # the other is gone from Pipedrive too: its rows stay with the survivor
    for table, column, key in REFS[entity]:
        _repoint(conn, table, column, key, base.get("moved", {}).get(table, []), other_id)
    for aid, parts in (base.get("participants") or {}).items():
        conn.execute("UPDATE activities SET data = json_set(data, '$.participants', json(?)) WHERE id = ?", (json.dumps(parts), int(aid)))
    for seq, payload in (base.get("payloads") or {}).items():
        conn.execute("UPDATE outbox SET payload = ? WHERE seq = ?", (payload, int(seq)))


# -- the push (event loop) ---------------------------------------------------------------------------


async def push(pusher: "Pusher", row: dict[str, Any]) -> str:
    entity, other_id = row["entity"], row["entity_id"]
    keep_id = int(json.loads(row["payload"])["merge_with_id"])
    try:
        await pusher.client.request("PUT", f"{PATHS[entity]}/{other_id}/merge", json={"merge_with_id": keep_id})
    except NotFound:
        if not await _already_merged(pusher, entity, other_id, keep_id):
            raise
    survivor = await pusher.client.get_v2(_table(entity), keep_id)
    fetched = await _moved(pusher, json.loads(row["base"] or "{}").get("moved") or {}, entity, keep_id)
    await pusher.db.write(finish, row, survivor, fetched)
    pusher.emit_changed(entity, "deals", "activities", "notes", "persons", "leads")
    return "pushed"


async def _exists(pusher: "Pusher", entity: str, item_id: int) -> bool:
    try:
        item = await pusher.client.get_v2(_table(entity), item_id)
    except NotFound:
        return False
    return not item.get("is_deleted")


async def _already_merged(pusher: "Pusher", entity: str, other_id: int, keep_id: int) -> bool:
    """A PUT answered 404: done if the other is gone and the survivor is there (an earlier
    attempt whose answer was lost, or someone merged them meanwhile)."""
    return not await _exists(pusher, entity, other_id) and await _exists(pusher, entity, keep_id)


async def _moved(pusher: "Pusher", moved: dict[str, list[Any]], entity: str, keep_id: int) -> dict[str, list[dict[str, Any]]]:
    """The moved items as Pipedrive has them now (leads follow with the next sync)."""
    client = pusher.client
    key = "person_id" if entity == "person" else "org_id"
    out: dict[str, list[dict[str, Any]]] = {}
    for table, ids in moved.items():
        if table == "leads":
            continue
        if len(ids) > FETCH_BY_ID:
            if table == "notes":
                out[table] = [strip_related(n) for n in await client.list_notes(**{key: keep_id})]
            else:
                extra = {"include_fields": "attendees"} if table == "activities" else {}
                out[table] = await client.list_v2(table, **{key: keep_id}, **extra)
            continue
        items = []
        for item_id in ids:
            try:
                if table == "notes":
                    items.append(strip_related(await client.get_note(item_id)))
                else:
                    items.append(await client.get_v2(table, item_id))
            except NotFound:
                continue  # deleted meanwhile: the next sync says so
        out[table] = items
    return out
