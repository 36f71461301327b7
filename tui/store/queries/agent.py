"""Reads the MCP server (tui/agent/) needs beyond the screens' queries: the cache's age, the
pipelines and stages by name, a person's calls."""

from __future__ import annotations

import sqlite3
from typing import Any

from tui.store.sync_plan import first_sync_done


def last_sync(conn: sqlite3.Connection) -> str | None:
    """When the cache was last synced (UTC, the latest collection's), None before the first sync."""
    if not first_sync_done(conn):
        return None
    row = conn.execute("SELECT MAX(last_sync) FROM sync_state").fetchone()
    return str(row[0]) if row and row[0] else None


def pipelines_with_stages(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    out = []
    for p in conn.execute("SELECT id, name FROM pipelines ORDER BY order_nr, id"):
        stages = [
            {"id": s["id"], "name": s["name"]}
            for s in conn.execute("SELECT id, name FROM stages WHERE pipeline_id = ? AND is_deleted = 0 ORDER BY order_nr, id", (p["id"],))
        ]
        out.append({"id": p["id"], "name": p["name"], "stages": stages})
    return out


def exists(conn: sqlite3.Connection, table: str, entity_id: int | str) -> bool:
    if table not in ("deals", "persons", "organizations", "activities", "leads", "notes", "users"):
        raise ValueError(f"unknown table {table}")
    return conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (entity_id,)).fetchone() is not None


def calls_of(conn: sqlite3.Connection, column: str, value: int | str) -> list[dict[str, Any]]:
    """The logged calls (activities of type call) of a deal, person or organization."""
    if column not in ("deal_id", "person_id", "org_id"):
        raise ValueError(column)
    return [
        dict(r)
        for r in conn.execute(
            "SELECT id, subject, due_date, due_time, done, json_extract(data, '$.note') AS note FROM activities"
            f" WHERE {column} = ? AND type = 'call' ORDER BY due_date DESC, id DESC LIMIT 50",
            (value,),
        )
    ]


def stage_names(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    """(stage id, "Pipeline / Stage") of every stage."""
    return [
        (r[0], f"{r[1]} / {r[2]}")
        for r in conn.execute(
            "SELECT s.id, p.name, s.name FROM stages s JOIN pipelines p ON p.id = s.pipeline_id"
            " WHERE s.is_deleted = 0 ORDER BY p.order_nr, s.order_nr"
        )
    ]
