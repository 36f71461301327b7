"""Map server JSON objects (v2/v1 shapes) to cache rows, and back.

`upsert(conn, entity, objects)` writes objects as the server sent them (the columns come
from the entity's registry entry, tui/store/registry.py); the sync engine and the outbox
call it, and tests use it to fill a cache directly. Objects the server says are deleted
are removed from the cache instead, and only on an explicit word (per the reference):
`is_deleted` true (v2), a deal's `status` "deleted", a v1 note's `active_flag` false (or 0).
A null or missing flag deletes nothing (an object that does not validate never gets here:
tui/store/boundary.py). Archived deals (`is_archived` true) leave the deals table too.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from tui.store.registry import REGISTRY
from tui.store.registry import TABLES as ENTITY_TABLES
from tui.store.rows import said_false, said_true
from tui.store.rows import norm_time

Row = dict[str, Any]
__all__ = ["ENTITY_TABLES", "norm_time", "columns", "upsert", "delete", "load", "is_deleted"]


def columns(entity: str, obj: dict[str, Any]) -> Row:
    """The cache row (with `data`) for a server object."""
    row = REGISTRY[entity].columns(obj)
    row["data"] = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return row


def is_deleted(entity: str, obj: dict[str, Any]) -> bool:
    """The server says explicitly that the object is deleted (null or missing: it is not)."""
    if said_true(obj.get("is_deleted")):
        return True
    if entity == "deal" and (obj.get("status") == "deleted" or said_true(obj.get("is_archived"))):
        return True  # archived deals leave the lists and cannot be edited: not in the deals table
    if entity in ("note", "file") and said_false(obj.get("active_flag")):
        return True
    return False


def upsert(conn: sqlite3.Connection, entity: str, objects: Iterable[dict[str, Any]]) -> int:
    """Insert or replace objects; delete the ones the server marks deleted. Returns count."""
    table = REGISTRY[entity].table
    key = REGISTRY[entity].key
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
            # an upsert, not INSERT OR REPLACE: columns the cache derives (deals.next_due,
            # kept by triggers) survive, and UPDATE triggers see the old row
            cols = ",".join(row)
            marks = ",".join(f":{c}" for c in row)
            sets = ",".join(f"{c}=excluded.{c}" for c in row if c != key)
            sql = f"INSERT INTO {table} ({cols}) VALUES ({marks}) ON CONFLICT({key}) DO UPDATE SET {sets}"
    if rows and sql:
        conn.executemany(sql, rows)
    if deleted:
        conn.executemany(f"DELETE FROM {table} WHERE {key} = ?", [(d,) for d in deleted])
    return len(rows) + len(deleted)


def delete(conn: sqlite3.Connection, entity: str, ids: Iterable[Any]) -> None:
    table = REGISTRY[entity].table
    key = REGISTRY[entity].key
    conn.executemany(f"DELETE FROM {table} WHERE {key} = ?", [(i,) for i in ids])


def load(conn: sqlite3.Connection, entity: str, entity_id: Any) -> dict[str, Any] | None:
    """The stored JSON object of one entity, or None."""
    table = REGISTRY[entity].table
    key = REGISTRY[entity].key
    row = conn.execute(f"SELECT data FROM {table} WHERE {key} = ?", (entity_id,)).fetchone()
    return json.loads(row[0]) if row else None
