"""Local edits: each applies to the cache AND writes its outbox row in one transaction.

These functions run on the writer thread inside `Database.write` (one transaction).
`payload` holds only the fields that changed; `base` their values before the edit (what a
conflict check compares the server's current values with).
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import datetime, timezone
from typing import Any

from tui.store import deal_lines, ingest
from tui.store.registry import EDITABLE, REGISTRY

API_ENTITIES = EDITABLE


def utcnow() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _v1now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def next_local_id(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = 'next_local_id'").fetchone()
    current = int(row[0]) if row else -1
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('next_local_id', ?)", (str(current - 1),))
    return current


def is_local(entity_id: Any) -> bool:
    """A local id of a create not yet acknowledged (negative); a lead's UUID never is."""
    return isinstance(entity_id, int) and entity_id < 0


def save_server_copy(conn: sqlite3.Connection, entity: str, entity_id: Any, obj: dict[str, Any]) -> None:
    if is_local(entity_id):
        return
    conn.execute(
        "INSERT OR IGNORE INTO server_copy (entity, id, data) VALUES (?,?,?)", (entity, entity_id, json.dumps(obj, ensure_ascii=False))
    )


def enqueue(
    conn: sqlite3.Connection,
    op: str,
    entity: str,
    entity_id: int | str,
    payload: dict[str, Any],
    base: dict[str, Any] | None = None,
    base_update_time: str | None = None,
    parent_id: int | None = None,
) -> int:
    cur = conn.execute(
        """INSERT INTO outbox (op, entity, entity_id, payload, base, base_update_time, idempotency_key, created_at,
                               parent_id)
           VALUES (?,?,?,?,?,?,?,?,?)""",
        (
            op,
            entity,
            entity_id,
            json.dumps(payload, ensure_ascii=False),
            json.dumps(base, ensure_ascii=False) if base is not None else None,
            base_update_time,
            uuid.uuid4().hex if op == "create" else None,
            utcnow(),
            parent_id,
        ),
    )
    return int(cur.lastrowid or 0)


class EditError(ValueError):
    """The edit cannot be applied locally (unknown entity/id, nothing to change)."""


def _load(conn: sqlite3.Connection, entity: str, entity_id: int) -> dict[str, Any]:
    obj = ingest.load(conn, entity, entity_id)
    if obj is None:
        raise EditError(f"{entity} {entity_id} is not in the cache")
    return obj


def _derive(conn: sqlite3.Connection, entity: str, obj: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """Server-side consequences the UI should see at once (pipeline follows stage, won/lost times)."""
    derived = dict(changes)
    if entity == "deal":
        now = utcnow()
        if "stage_id" in changes and changes["stage_id"] != obj.get("stage_id"):
            row = conn.execute("SELECT pipeline_id FROM stages WHERE id = ?", (changes["stage_id"],)).fetchone()
            if row is None:
                raise EditError(f"stage {changes['stage_id']} is not in the cache")
            derived["pipeline_id"] = row[0]
            derived["stage_change_time"] = now
        status = changes.get("status")
        if status and status != obj.get("status"):
            if status == "won":
                derived.update(won_time=now, close_time=now, lost_time=None, lost_reason=None)
            elif status == "lost":
                derived.update(lost_time=now, close_time=now, won_time=None)
            else:
                derived.update(won_time=None, lost_time=None, close_time=None, lost_reason=None)
    if entity == "activity":
        if "participants" in changes:
            parts = changes["participants"] or []
            derived["person_id"] = next((p["person_id"] for p in parts if p.get("primary")), parts[0]["person_id"] if parts else None)
        if changes.get("done") is True and not obj.get("done"):
            derived["marked_as_done_time"] = utcnow()
        elif changes.get("done") is False:
            derived["marked_as_done_time"] = None
    if entity == "deal_product":
        derived["sum"] = deal_lines.line_sum({**obj, **changes})
    return derived


def _custom_changes(obj: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any] | None:
    """The custom fields that change (each key of `custom_fields` is a field of its own)."""
    current = obj.get("custom_fields") or {}
    diff = {code: val for code, val in (changes.get("custom_fields") or {}).items() if current.get(code) != val}
    return diff or None


def update(conn: sqlite3.Connection, entity: str, entity_id: int, changes: dict[str, Any]) -> int | None:
    """Apply changed fields locally and queue a PATCH/PUT of exactly those fields."""
    if entity not in API_ENTITIES:
        raise EditError(f"cannot edit {entity}")
    obj = _load(conn, entity, entity_id)
    payload = {k: val for k, val in changes.items() if obj.get(k) != val and k != "custom_fields"}
    custom = _custom_changes(obj, changes)
    if custom:
        payload["custom_fields"] = custom
    parent_key = REGISTRY[entity].parent_key
    if parent_key:
        payload.pop(parent_key, None)  # an item stays with its parent
    if entity == "deal" and payload.get("status") == "lost" and "lost_reason" in changes:
        payload["lost_reason"] = changes["lost_reason"]
    if entity == "deal" and "pipeline_id" in payload and "stage_id" in changes:
        payload["stage_id"] = changes["stage_id"]
    if entity == "deal" and "stage_id" in payload:
        # a stage of another pipeline: Pipedrive wants the pipeline with it
        row = conn.execute("SELECT pipeline_id FROM stages WHERE id = ?", (payload["stage_id"],)).fetchone()
        if row is not None and row[0] != obj.get("pipeline_id"):
            payload["pipeline_id"] = row[0]
    if not payload:
        return None
    save_server_copy(conn, entity, entity_id, obj)
    base = {k: obj.get(k) for k in payload}
    new = {**obj, **_derive(conn, entity, obj, payload)}
    if custom:
        base["custom_fields"] = {code: (obj.get("custom_fields") or {}).get(code) for code in custom}
        new["custom_fields"] = {**(obj.get("custom_fields") or {}), **custom}
    ingest.upsert(conn, entity, [new])
    parent = obj.get(parent_key) if parent_key else None
    if entity == "deal_product":
        deal_lines.recompute(conn, parent)
    base_time = ingest.norm_time(obj.get("update_time"))
    return enqueue(conn, "update", entity, entity_id, payload, base, base_time, parent)


def create(conn: sqlite3.Connection, entity: str, fields: dict[str, Any], me_id: int | None) -> int:
    if entity not in API_ENTITIES or entity == "lead":  # leads arrive from Pipedrive (no local UUIDs)
        raise EditError(f"cannot create {entity}")
    parent_key = REGISTRY[entity].parent_key
    parent = fields.get(parent_key) if parent_key else None
    if parent_key:
        if parent is None or parent < 0:
            raise EditError(f"the {parent_key.removesuffix('_id')} is not saved in Pipedrive yet")
        fields = {k: val for k, val in fields.items() if k != parent_key}  # the parent is in the path
    local_id = next_local_id(conn)
    now = _v1now() if entity == "note" else utcnow()
    obj = {**REGISTRY[entity].defaults, **fields, "id": local_id, "add_time": now, "update_time": now}
    if entity == "deal_product":
        assert parent is not None  # a line's parent deal was checked above
        obj = {
            **REGISTRY[entity].defaults,
            **deal_lines.new_line(conn, parent, fields),
            "id": local_id,
            "add_time": now,
            "update_time": now,
        }
    if entity in ("deal", "person", "organization", "activity") and obj.get("owner_id") is None:
        obj["owner_id"] = me_id
    if entity == "note":
        obj["user_id"] = me_id
    if entity == "deal":
        if obj.get("stage_id") is not None:
            row = conn.execute("SELECT pipeline_id FROM stages WHERE id = ?", (obj["stage_id"],)).fetchone()
            if row:
                obj["pipeline_id"] = row[0]
        if obj.get("currency") is None:
            row = conn.execute("SELECT json_extract(data, '$.default_currency') FROM users WHERE is_you = 1").fetchone()
            obj["currency"] = (row[0] if row else None) or "EUR"
    obj.update(_derive(conn, entity, {}, fields) if entity == "activity" else {})
    ingest.upsert(conn, entity, [obj])
    if entity == "deal_product":
        deal_lines.recompute(conn, parent)
    enqueue(conn, "create", entity, local_id, fields, parent_id=parent)
    return local_id


def delete(conn: sqlite3.Connection, entity: str, entity_id: int) -> None:
    if entity not in API_ENTITIES:
        raise EditError(f"cannot delete {entity}")
    obj = _load(conn, entity, entity_id)
    parent_key = REGISTRY[entity].parent_key
    parent = obj.get(parent_key) if parent_key else None
    if is_local(entity_id):
        create = conn.execute(
            "SELECT sent_at FROM outbox WHERE entity = ? AND entity_id = ? AND op = 'create'", (entity, entity_id)
        ).fetchone()
        if create is None or create[0] is None:
            # never sent: drop the create and everything queued for it
            conn.execute("DELETE FROM outbox WHERE entity = ? AND entity_id = ?", (entity, entity_id))
            ingest.delete(conn, entity, [entity_id])
            _after_delete(conn, entity, parent)
            return
        # the create may have reached the server (sent, answer pending or lost): keep it and
        # delete the item after it; the delete row gets the server id when the create lands
        conn.execute("DELETE FROM outbox WHERE entity = ? AND entity_id = ? AND op = 'update'", (entity, entity_id))
        ingest.delete(conn, entity, [entity_id])
        _after_delete(conn, entity, parent)
        enqueue(conn, "delete", entity, entity_id, {}, None, None, parent)
        return
    save_server_copy(conn, entity, entity_id, obj)
    ingest.delete(conn, entity, [entity_id])
    _after_delete(conn, entity, parent)
    enqueue(conn, "delete", entity, entity_id, {}, None, ingest.norm_time(obj.get("update_time")), parent)


def _after_delete(conn: sqlite3.Connection, entity: str, parent: int | None) -> None:
    if entity == "deal_product":
        deal_lines.recompute(conn, parent)


def counts(conn: sqlite3.Connection) -> tuple[int, int, int]:
    """(pending, conflicts, created with the id unknown) outbox rows."""
    by_state = dict(conn.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall())
    return by_state.get("pending", 0), by_state.get("conflict", 0), by_state.get("created", 0)


def table_of(entity: str) -> str:
    return REGISTRY[entity].table
