"""Map server JSON objects (v2/v1 shapes) to cache rows, and back.

`upsert(conn, entity, objects)` writes objects as the server sent them; the sync engine
and the outbox call it, and tests use it to fill a cache directly. Deleted objects
(`is_deleted` true, or v1 `active_flag` false) are removed from the cache instead.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import Any

from tui.store.schema import ENTITY_TABLES


def norm_time(value: Any) -> str | None:
    """RFC 3339 or v1 `YYYY-MM-DD HH:MM:SS` (UTC) -> `YYYY-MM-DDTHH:MM:SSZ` (UTC)."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    try:
        if "T" not in text and len(text) >= 19:
            dt = datetime.strptime(text[:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)
        else:
            dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if dt.tzinfo is None:
                dt = dt.replace(tzinfo=timezone.utc)
    except ValueError:
        return text
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _b(value: Any) -> int:
    if isinstance(value, str):
        return 1 if value.strip().lower() in {"1", "true"} else 0
    return 1 if value else 0


def _primary(values: Any) -> str | None:
    if not isinstance(values, list):
        return None
    first = None
    for item in values:
        if not isinstance(item, dict):
            continue
        val = item.get("value")
        if not val:
            continue
        if item.get("primary"):
            return str(val)
        first = first or str(val)
    return first


def _primary_participant(obj: dict[str, Any]) -> Any:
    for p in obj.get("participants") or []:
        if isinstance(p, dict) and p.get("primary") and p.get("person_id") is not None:
            return p["person_id"]
    return obj.get("person_id")


def _address_text(obj: dict[str, Any]) -> str | None:
    addr = obj.get("address")
    if isinstance(addr, dict):
        return addr.get("value")
    return addr if isinstance(addr, str) else None


Row = dict[str, Any]

# entity -> function(obj) -> columns (without `data`)
_COLUMNS: dict[str, Callable[[dict[str, Any]], Row]] = {
    "user": lambda o: {
        "id": o["id"],
        "name": o.get("name") or "",
        "email": o.get("email"),
        "is_you": _b(o.get("is_you")),
        "active": _b(o.get("active_flag", True)),
    },
    "currency": lambda o: {
        "code": o["code"],
        "name": o.get("name"),
        "symbol": o.get("symbol"),
        "decimal_points": o.get("decimal_points") if o.get("decimal_points") is not None else 2,
        "active": _b(o.get("active_flag", True)),
    },
    "activity_type": lambda o: {
        "id": o["id"],
        "key_string": o["key_string"],
        "name": o.get("name") or o["key_string"],
        "icon_key": o.get("icon_key"),
        "active": _b(o.get("active_flag", True)),
        "order_nr": o.get("order_nr") or 0,
    },
    "pipeline": lambda o: {
        "id": o["id"],
        "name": o.get("name") or "",
        "order_nr": o.get("order_nr") or 0,
        "probability_enabled": _b(o.get("is_deal_probability_enabled")),
        "is_deleted": _b(o.get("is_deleted")),
    },
    "stage": lambda o: {
        "id": o["id"],
        "pipeline_id": o["pipeline_id"],
        "name": o.get("name") or "",
        "order_nr": o.get("order_nr") or 0,
        "deal_probability": o.get("deal_probability"),
        "rot_enabled": _b(o.get("is_deal_rot_enabled")),
        "days_to_rotten": o.get("days_to_rotten"),
        "is_deleted": _b(o.get("is_deleted")),
    },
    "organization": lambda o: {
        "id": o["id"],
        "name": o.get("name") or "",
        "owner_id": o.get("owner_id"),
        "address": _address_text(o),
        "add_time": norm_time(o.get("add_time")),
        "update_time": norm_time(o.get("update_time")),
    },
    "person": lambda o: {
        "id": o["id"],
        "name": o.get("name") or "",
        "org_id": o.get("org_id"),
        "owner_id": o.get("owner_id"),
        "primary_email": _primary(o.get("emails")),
        "primary_phone": _primary(o.get("phones")),
        "add_time": norm_time(o.get("add_time")),
        "update_time": norm_time(o.get("update_time")),
    },
    "deal": lambda o: {
        "id": o["id"],
        "title": o.get("title") or "",
        "value": o.get("value") or 0,
        "currency": o.get("currency"),
        "status": o.get("status") or "open",
        "pipeline_id": o.get("pipeline_id"),
        "stage_id": o.get("stage_id"),
        "owner_id": o.get("owner_id"),
        "person_id": o.get("person_id"),
        "org_id": o.get("org_id"),
        "probability": o.get("probability"),
        "expected_close_date": o.get("expected_close_date"),
        "add_time": norm_time(o.get("add_time")),
        "update_time": norm_time(o.get("update_time")),
        "stage_change_time": norm_time(o.get("stage_change_time")),
        "won_time": norm_time(o.get("won_time")),
        "lost_time": norm_time(o.get("lost_time")),
        "close_time": norm_time(o.get("close_time")),
        "lost_reason": o.get("lost_reason"),
    },
    "activity": lambda o: {
        "id": o["id"],
        "subject": o.get("subject") or "",
        "type": o.get("type") or "task",
        "owner_id": o.get("owner_id"),
        "deal_id": o.get("deal_id"),
        "person_id": _primary_participant(o),
        "org_id": o.get("org_id"),
        "due_date": o.get("due_date"),
        "due_time": o.get("due_time") or None,
        "duration": o.get("duration") or None,
        "done": _b(o.get("done")),
        "marked_as_done_time": norm_time(o.get("marked_as_done_time")),
        "add_time": norm_time(o.get("add_time")),
        "update_time": norm_time(o.get("update_time")),
    },
    "note": lambda o: {
        "id": o["id"],
        "content": o.get("content") or "",
        "deal_id": o.get("deal_id"),
        "person_id": o.get("person_id"),
        "org_id": o.get("org_id"),
        "user_id": o.get("user_id"),
        "pinned_deal": _b(o.get("pinned_to_deal_flag")),
        "pinned_person": _b(o.get("pinned_to_person_flag")),
        "pinned_org": _b(o.get("pinned_to_organization_flag")),
        "add_time": norm_time(o.get("add_time")),
        "update_time": norm_time(o.get("update_time")),
    },
}

_KEY: dict[str, str] = {"currency": "code"}


def columns(entity: str, obj: dict[str, Any]) -> Row:
    """The cache row (with `data`) for a server object."""
    row = _COLUMNS[entity](obj)
    row["data"] = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return row


def is_deleted(entity: str, obj: dict[str, Any]) -> bool:
    if obj.get("is_deleted") is True:
        return True
    if entity == "deal" and obj.get("status") == "deleted":
        return True
    if entity == "note" and "active_flag" in obj and not _b(obj.get("active_flag")):
        return True
    return False


def upsert(conn: sqlite3.Connection, entity: str, objects: Iterable[dict[str, Any]]) -> int:
    """Insert or replace objects; delete the ones the server marks deleted. Returns count."""
    table = ENTITY_TABLES[entity]
    key = _KEY.get(entity, "id")
    sql = None
    rows: list[Row] = []
    deleted: list[Any] = []
    for obj in objects:
        if is_deleted(entity, obj):
            deleted.append(obj[key])
            continue
        row = columns(entity, obj)
        rows.append(row)
        if sql is None:
            cols = ",".join(row)
            marks = ",".join(f":{c}" for c in row)
            sql = f"INSERT OR REPLACE INTO {table} ({cols}) VALUES ({marks})"
    if rows and sql:
        conn.executemany(sql, rows)
    if deleted:
        conn.executemany(f"DELETE FROM {table} WHERE {key} = ?", [(d,) for d in deleted])
    return len(rows) + len(deleted)


def delete(conn: sqlite3.Connection, entity: str, ids: Iterable[Any]) -> None:
    table = ENTITY_TABLES[entity]
    key = _KEY.get(entity, "id")
    conn.executemany(f"DELETE FROM {table} WHERE {key} = ?", [(i,) for i in ids])


def load(conn: sqlite3.Connection, entity: str, entity_id: Any) -> dict[str, Any] | None:
    """The stored JSON object of one entity, or None."""
    table = ENTITY_TABLES[entity]
    key = _KEY.get(entity, "id")
    row = conn.execute(f"SELECT data FROM {table} WHERE {key} = ?", (entity_id,)).fetchone()
    return json.loads(row[0]) if row else None
