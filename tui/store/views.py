"""Saved Pipedrive deal filters in the cache, and the deals a filter selects on the server.

Sync (with the metadata: the first sync, `r`, a full sync, and a probe whose /recents answer
names a changed filter): `GET /v1/filters?type=deals` (20 tokens) lists them without their
conditions; `GET /v1/filters/{id}?include_field_code=true` (2 tokens each) fetches the
conditions of the filters that are new or changed since the cache last saw them (the
listing's `update_time`). Filters the listing lacks are dropped with their results.

Conditions the cache can evaluate become SQL (tui/store/queries/filters.py); for a filter with
one it cannot, `fetch_results` asks Pipedrive: `GET /api/v2/deals?filter_id=` (10 tokens per
500 deals), the deal ids kept per filter in `filter_results` (the deals themselves are
stored too: they are fresh), with the time in `filter_runs`.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from typing import Any

from tui.api.client import PipedriveClient
from tui.store import ingest
from tui.store.boundary import check_and_record
from tui.store.db import Database
from tui.store.rows import said_false
from tui.store.sync_plan import save_progress

FILTERS_KEY = "filters:deals"
RESULTS_MAX_AGE = 600.0  # seconds a server-side view's deal list is used before it is fetched again


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def known_filters(conn: sqlite3.Connection) -> dict[int, tuple[str | None, bool]]:
    """filter id -> (update_time, whether its conditions are cached)."""
    return {r[0]: (r[1], json.loads(r[2]).get("conditions") is not None) for r in conn.execute("SELECT id, update_time, data FROM filters")}


def store_filters(conn: sqlite3.Connection, listed: list[dict[str, Any]], detailed: list[dict[str, Any]]) -> list[int]:
    """The listing (ids kept) and the fetched details (stored). Returns the ids dropped."""
    keep = {f["id"] for f in listed if isinstance(f.get("id"), int)}
    gone = sorted({r[0] for r in conn.execute("SELECT id FROM filters")} - keep)
    ingest.delete(conn, "filter", gone)
    conn.executemany("DELETE FROM filter_results WHERE filter_id = ?", [(g,) for g in gone])
    conn.executemany("DELETE FROM filter_runs WHERE filter_id = ?", [(g,) for g in gone])
    good = check_and_record(conn, "filter", detailed)
    ingest.upsert(conn, "filter", good)
    for f in good:  # a changed filter selects other deals: its server results are stale
        conn.execute("DELETE FROM filter_runs WHERE filter_id = ?", (f["id"],))
    save_progress(conn, FILTERS_KEY, None, True, _now())
    return gone


async def sync_filters(client: PipedriveClient, db: Database) -> tuple[list[int], int]:
    """(ids of filters changed or dropped, how many conditions were fetched)."""
    listed = await client.list_v1("filters", type="deals")
    listed = [f for f in listed if not said_false(f.get("active_flag")) and f.get("type", "deals") == "deals"]
    known = await db.read(known_filters)
    detailed = []
    for f in listed:
        cached = known.get(f["id"])
        if cached is not None and cached[1] and cached[0] == ingest.norm_time(f.get("update_time")):
            continue
        env = await client.request("GET", f"/api/v1/filters/{f['id']}", params={"include_field_code": True})
        if isinstance(env.get("data"), dict):
            detailed.append(env["data"])
    gone = await db.write(store_filters, listed, detailed)
    return [f["id"] for f in detailed] + gone, len(detailed)


def store_results(conn: sqlite3.Connection, filter_id: int, deals: list[dict[str, Any]]) -> None:
    from tui.store.server_rows import apply_server_objects

    apply_server_objects(conn, "deal", deals)
    conn.execute("DELETE FROM filter_results WHERE filter_id = ?", (filter_id,))
    conn.executemany(
        "INSERT OR IGNORE INTO filter_results (filter_id, deal_id) VALUES (?,?)",
        [(filter_id, d["id"]) for d in deals if isinstance(d.get("id"), int)],
    )
    conn.execute("INSERT OR REPLACE INTO filter_runs (filter_id, fetched_at, count) VALUES (?,?,?)", (filter_id, _now(), len(deals)))


async def fetch_results(client: PipedriveClient, db: Database, filter_id: int) -> int:
    """The deals the filter selects, as Pipedrive evaluates it. Returns how many."""
    deals: list[dict[str, Any]] = []
    async for page in client.pages_v2("/api/v2/deals", {"filter_id": filter_id}):
        deals += page
    await db.write(store_results, filter_id, deals)
    return len(deals)


def results_age(conn: sqlite3.Connection, filter_id: int) -> float | None:
    """Seconds since the filter's server results were fetched (None: never)."""
    row = conn.execute("SELECT fetched_at FROM filter_runs WHERE filter_id = ?", (filter_id,)).fetchone()
    if row is None:
        return None
    fetched = datetime.fromisoformat(row[0].replace("Z", "+00:00"))
    return (datetime.now(timezone.utc) - fetched).total_seconds()
