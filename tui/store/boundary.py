"""What comes from the API is checked against the pydantic models before it reaches the cache.

Rule: an item that does not validate (a field of another type than the model says, a
missing id or name) is not stored; the cache keeps what it had for it, and the problem is
recorded (entity, id, field, message) in `sync_problems` for the status line. Nothing the
server sends is lost from a valid item: the models keep unknown fields (extra="allow") and
the cache stores the server's JSON as sent. Pages are checked as a whole (one TypeAdapter
call over the list): this costs a few per cent of a sync (benchmarks/sync_bench.py).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from tui.store.registry import REGISTRY


@lru_cache(maxsize=None)
def _adapter(entity: str) -> Any:
    """A TypeAdapter over a page of the entity's model (pydantic imported on first use)."""
    from pydantic import TypeAdapter

    from tui import models

    return TypeAdapter(list[getattr(models, REGISTRY[entity].model)])  # type: ignore[misc,arg-type]


def checked(entity: str, items: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[tuple[Any, str, str]]]:
    """(valid items, problems as (id, field, message)); the items are returned as given."""
    if not items or entity not in REGISTRY:
        return items, []
    from pydantic import ValidationError

    try:
        _adapter(entity).validate_python(items)
        return items, []
    except ValidationError as exc:
        bad: dict[int, tuple[str, str]] = {}
        for err in exc.errors():
            loc = err.get("loc") or ()
            if loc and isinstance(loc[0], int) and loc[0] not in bad:
                bad[loc[0]] = (".".join(str(p) for p in loc[1:]) or "(item)", str(err.get("msg")))
        good = [item for i, item in enumerate(items) if i not in bad]
        problems = [(items[i].get("id") if isinstance(items[i], dict) else None, field, msg) for i, (field, msg) in sorted(bad.items())]
        return good, problems


def record(conn: sqlite3.Connection, entity: str, problems: list[tuple[Any, str, str]]) -> None:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    conn.executemany(
        "INSERT OR REPLACE INTO sync_problems (entity, entity_id, field, message, at) VALUES (?,?,?,?,?)",
        [(entity, str(i), field, msg[:200], now) for i, field, msg in problems],
    )


def check_and_record(conn: sqlite3.Connection, entity: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    good, problems = checked(entity, items)
    if problems:
        record(conn, entity, problems)
    if good:
        conn.execute(
            f"DELETE FROM sync_problems WHERE entity = ? AND entity_id IN ({','.join('?' * len(good))})",
            [entity, *(str(o.get(REGISTRY[entity].key)) for o in good)],
        )
    return good


def summary(conn: sqlite3.Connection) -> str | None:
    rows = conn.execute("SELECT entity, entity_id, field, message FROM sync_problems ORDER BY at DESC").fetchall()
    if not rows:
        return None
    e, i, field, msg = rows[0]
    more = f" and {len(rows) - 1} more" if len(rows) > 1 else ""
    return f"{len(rows)} item(s) from Pipedrive not readable, left as they were: {e} {i}, {field}: {msg}{more}"
