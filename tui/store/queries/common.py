"""Small pieces several query modules share (so none imports another for them)."""

from __future__ import annotations

import sqlite3
from typing import Any


def _one(conn: sqlite3.Connection, sql: str, *args: Any) -> Any:
    row = conn.execute(sql, args).fetchone()
    return row[0] if row else None


def _like(text: str | None) -> str | None:
    if not text or not text.strip():
        return None
    return "%" + text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def label_of(conn: sqlite3.Connection, kind: str, entity_id: int | None) -> str:
    if entity_id is None:
        return ""
    table, col = {
        "person": ("persons", "name"),
        "organization": ("organizations", "name"),
        "deal": ("deals", "title"),
        "user": ("users", "name"),
    }[kind]
    return _one(conn, f"SELECT {col} FROM {table} WHERE id = ?", entity_id) or ""
