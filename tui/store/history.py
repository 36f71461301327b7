"""The history of a deal, person or organization: fetched when the user opens it, then cached.

Source: v1 `GET /{deals|persons|organizations}/{id}/flow` with `all_changes=1` (custom field
changes included): one mixed, newest-first feed of field changes (dealChange, with old and new
value, who and when), activities and notes. Cost: 40 tokens per request of up to 500 entries
(the spec's x-token-cost); a deal with fewer than 500 updates costs 40 tokens to open.
`GET /deals/{id}/changelog` (20 tokens per page) lists the same field changes without the
activities and notes; it is not needed on top of the flow, so it is not called: opening the
history costs exactly one flow request per 500 entries, and nothing until it is opened.

Cache: the feed is stored with the entity's `update_time` at the time of the fetch; opening
the history again shows the cache without a request unless the entity changed since (a new
fetch), or the user asks for a refresh.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from typing import Any

from tui.store.registry import REGISTRY

FLOW_COST = 40  # tokens per flow request (x-token-cost of GET /v1/deals/{id}/flow)
CHANGELOG_COST = 20  # GET /v1/deals/{id}/changelog, not used (a subset of the flow)
PAGE = 500
FLOW_PATHS = {"deal": "/api/v1/deals/{id}/flow", "person": "/api/v1/persons/{id}/flow", "organization": "/api/v1/organizations/{id}/flow"}


def cached(conn: sqlite3.Connection, entity: str, entity_id: int) -> tuple[list[dict[str, Any]], str | None, str] | None:
    """(items, mark, fetched_at) of the cached feed, or None."""
    row = conn.execute("SELECT items, mark, fetched_at FROM history WHERE entity = ? AND entity_id = ?", (entity, entity_id)).fetchone()
    return (json.loads(row[0]), row[1], row[2]) if row else None


def current_mark(conn: sqlite3.Connection, entity: str, entity_id: int) -> str | None:
    row = conn.execute(f"SELECT update_time FROM {REGISTRY[entity].table} WHERE id = ?", (entity_id,)).fetchone()
    return row[0] if row else None


def is_fresh(conn: sqlite3.Connection, entity: str, entity_id: int) -> bool:
    found = cached(conn, entity, entity_id)
    return found is not None and found[1] == current_mark(conn, entity, entity_id)


def save(conn: sqlite3.Connection, entity: str, entity_id: int, items: list[dict[str, Any]], mark: str | None) -> None:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    conn.execute(
        "INSERT OR REPLACE INTO history (entity, entity_id, mark, fetched_at, items) VALUES (?,?,?,?,?)",
        (entity, entity_id, mark, now, json.dumps(items, ensure_ascii=False)),
    )


async def fetch(client: Any, entity: str, entity_id: int) -> list[dict[str, Any]]:
    """Every flow entry of the entity (pages of 500, 40 tokens each)."""
    items: list[dict[str, Any]] = []
    path = FLOW_PATHS[entity].format(id=entity_id)
    async for page in client.pages_v1(path, {"all_changes": 1, "limit": PAGE}):
        items += [i for i in page if isinstance(i, dict)]
    return items
