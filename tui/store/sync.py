"""Sync engine: first full sync, then incremental syncs.

Strategy
- First sync pages every collection the board, detail screens and agenda need (v2,
  limit 500; v1 for users/activity types/currencies/notes), at most 4 requests in flight
  so we stay well inside the burst window.
- Later syncs ask v2 lists for `updated_since = high-water mark - 2 s`. The mark is the
  largest server `update_time` seen in that collection (server time, so client clock skew
  does not matter); the 2 s overlap catches changes made in the same second as the last
  one we saw. We chose this over v1 `recents`: v2 lists return the v2 shapes we store,
  cost 10 tokens a page against 20, and need no second request per item.
- Deletions: deals are asked for `status=deleted` since the mark as well. v2 lists hide
  deleted persons/organizations/activities and v1 hides deleted notes, so every
  RECONCILE_EVERY-th sync re-lists those ids in full and drops rows the server no longer has.
- Pipelines, stages, users, activity types, currencies and fields have no updated_since and
  are cheap: refetched every REFRESH_META_EVERY-th sync.
- Entities with edits waiting in the outbox are not overwritten: the server's version goes
  to `server_copy` (the conflict/rollback base) and the local edit stays visible.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from tui.api.client import PipedriveClient
from tui.store import ingest
from tui.store.db import Database

OVERLAP = timedelta(seconds=2)
RECONCILE_EVERY = 10
REFRESH_META_EVERY = 5
MAX_IN_FLIGHT = 4

# collection -> (entity, kind, path, params)
V2_COLLECTIONS: dict[str, tuple[str, str]] = {
    "deals": ("deal", "/api/v2/deals"),
    "persons": ("person", "/api/v2/persons"),
    "organizations": ("organization", "/api/v2/organizations"),
    "activities": ("activity", "/api/v2/activities"),
}
META = {
    "pipelines": ("pipeline", "/api/v2/pipelines", "v2"),
    "stages": ("stage", "/api/v2/stages", "v2"),
    "users": ("user", "users", "v1"),
    "activity_types": ("activity_type", "activityTypes", "v1"),
    "currencies": ("currency", "currencies", "v1"),
}
FIELDS = {"deal": "/api/v2/dealFields", "person": "/api/v2/personFields", "organization": "/api/v2/organizationFields"}

Progress = Callable[[str, int, int | None], None]


@dataclass
class SyncResult:
    counts: dict[str, int] = field(default_factory=dict)
    full: bool = False


def _fmt(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def pending_ids(conn: sqlite3.Connection, entity: str) -> set[int]:
    return {r[0] for r in conn.execute(
        "SELECT DISTINCT entity_id FROM outbox WHERE entity = ? AND state IN ('pending','conflict')", (entity,))}


def apply_server_objects(conn: sqlite3.Connection, entity: str, objects: list[dict[str, Any]]) -> int:
    """Upsert what the server sent, except entities with local edits pending."""
    held = pending_ids(conn, entity) if entity in ("deal", "person", "organization", "activity", "note") else set()
    deleting = {r[0] for r in conn.execute(
        "SELECT entity_id FROM outbox WHERE entity = ? AND op = 'delete' AND state IN ('pending','conflict')",
        (entity,))} if held else set()
    free = [o for o in objects if o.get("id") not in held]
    missing: list[dict[str, Any]] = []
    for obj in objects:
        if obj.get("id") in held:
            conn.execute("INSERT OR REPLACE INTO server_copy (entity, id, data) VALUES (?,?,?)",
                         (entity, obj["id"], json.dumps(obj, ensure_ascii=False)))
            if obj["id"] not in deleting and ingest.load(conn, entity, obj["id"]) is None:
                # the cache lost this row (e.g. rebuilt) while edits to it wait: show them on top
                merged = dict(obj)
                for (payload,) in conn.execute(
                        "SELECT payload FROM outbox WHERE entity=? AND entity_id=? AND op='update' ORDER BY seq",
                        (entity, obj["id"])):
                    merged.update(json.loads(payload))
                missing.append(merged)
    return ingest.upsert(conn, entity, free + missing)


def _high_water(conn: sqlite3.Connection, collection: str) -> str | None:
    row = conn.execute("SELECT high_water FROM sync_state WHERE collection = ?", (collection,)).fetchone()
    return row[0] if row else None


def _set_state(conn: sqlite3.Connection, collection: str, high: str | None, full: bool, now: str) -> None:
    conn.execute(
        """INSERT INTO sync_state (collection, high_water, last_full, last_sync) VALUES (?,?,?,?)
           ON CONFLICT(collection) DO UPDATE SET
             high_water = COALESCE(MAX(COALESCE(excluded.high_water, ''), COALESCE(sync_state.high_water, '')), sync_state.high_water),
             last_full = COALESCE(excluded.last_full, sync_state.last_full),
             last_sync = excluded.last_sync""",
        (collection, high, now if full else None, now),
    )


def _count(conn: sqlite3.Connection, key: str) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return int(row[0]) if row else 0


def _bump(conn: sqlite3.Connection, key: str) -> int:
    n = _count(conn, key) + 1
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, str(n)))
    return n


class Syncer:
    def __init__(self, client: PipedriveClient, db: Database, progress: Progress | None = None) -> None:
        self.client = client
        self.db = db
        self.progress = progress or (lambda c, d, t: None)
        self._sem = asyncio.Semaphore(MAX_IN_FLIGHT)

    async def is_first(self) -> bool:
        return await self.db.read(lambda c: c.execute("SELECT COUNT(*) FROM sync_state").fetchone()[0] == 0)

    async def run(self, full: bool = False) -> SyncResult:
        first = full or await self.is_first()
        n = await self.db.write(_bump, "sync_count")
        result = SyncResult(full=first)
        tasks = []
        if first or n % REFRESH_META_EVERY == 0:
            tasks += [self._meta(name, result) for name in META]
            tasks += [self._fields(entity, result) for entity in FIELDS]
        reconcile = first or n % RECONCILE_EVERY == 0
        for name in V2_COLLECTIONS:
            tasks.append(self._v2(name, result, full=reconcile))
        tasks.append(self._notes(result, full=reconcile))
        await asyncio.gather(*tasks)
        return result

    async def _paged(self, path: str, params: dict[str, Any], label: str, result: SyncResult) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        pager = self.client.pages_v1(path, params) if path.startswith("/api/v1") else self.client.pages_v2(path, params)
        while True:
            async with self._sem:
                try:
                    page = await pager.__anext__()
                except StopAsyncIteration:
                    break
            items.extend(page)
            result.counts[label] = result.counts.get(label, 0) + len(page)
            self.progress(label, result.counts[label], None)
        return items

    async def _meta(self, name: str, result: SyncResult) -> None:
        entity, path, version = META[name]
        if version == "v2":
            items = await self._paged(path, {}, name, result)
        else:
            async with self._sem:
                items = await self.client.list_v1(path)
            result.counts[name] = len(items)
            self.progress(name, len(items), len(items))

        def store(conn: sqlite3.Connection) -> None:
            table = {"pipeline": "pipelines", "stage": "stages", "user": "users", "activity_type": "activity_types",
                     "currency": "currencies"}[entity]
            key = "code" if entity == "currency" else "id"
            keep = {o.get(key) for o in items}
            existing = {r[0] for r in conn.execute(f"SELECT {key} FROM {table}")}
            ingest.delete(conn, entity, existing - keep)
            ingest.upsert(conn, entity, items)
            _set_state(conn, name, None, True, _fmt(datetime.now(timezone.utc)))

        await self.db.write(store)

    async def _fields(self, entity: str, result: SyncResult) -> None:
        items = await self._paged(FIELDS[entity], {}, f"{entity}_fields", result)

        def store(conn: sqlite3.Connection) -> None:
            conn.execute("DELETE FROM fields WHERE entity = ?", (entity,))
            conn.executemany(
                "INSERT OR REPLACE INTO fields (entity, field_code, field_name, field_type, is_custom, data) VALUES (?,?,?,?,?,?)",
                [(entity, f["field_code"], f.get("field_name") or f["field_code"], f.get("field_type"),
                  1 if f.get("is_custom_field") else 0, json.dumps(f, ensure_ascii=False)) for f in items],
            )

        await self.db.write(store)

    async def _v2(self, name: str, result: SyncResult, full: bool) -> None:
        entity, path = V2_COLLECTIONS[name]
        since = None if full else await self.db.read(_high_water, name)
        params: dict[str, Any] = {}
        if since:
            params["updated_since"] = _fmt(datetime.fromisoformat(since.replace("Z", "+00:00")) - OVERLAP)
        items = await self._paged(path, params, name, result)
        deleted: list[dict[str, Any]] = []
        if name == "deals" and since:
            deleted = await self._paged(path, {**params, "status": "deleted"}, "deals_deleted", result)
        await self._store_v2(name, entity, items + deleted, full)

    async def _store_v2(self, name: str, entity: str, items: list[dict[str, Any]], full: bool) -> None:
        high = max((ingest.norm_time(o.get("update_time")) or "" for o in items), default=None) or None

        def store(conn: sqlite3.Connection) -> None:
            if full:
                table = {"deal": "deals", "person": "persons", "organization": "organizations", "activity": "activities",
                         "note": "notes"}[entity]
                keep = {o["id"] for o in items}
                held = pending_ids(conn, entity)
                gone = {r[0] for r in conn.execute(f"SELECT id FROM {table} WHERE id > 0")} - keep - held
                ingest.delete(conn, entity, gone)
            apply_server_objects(conn, entity, items)
            _set_state(conn, name, high, full, _fmt(datetime.now(timezone.utc)))

        await self.db.write(store)

    async def _notes(self, result: SyncResult, full: bool) -> None:
        since = None if full else await self.db.read(_high_water, "notes")
        params: dict[str, Any] = {}
        if since:
            params["updated_since"] = _fmt(datetime.fromisoformat(since.replace("Z", "+00:00")) - OVERLAP)
        items = await self._paged("/api/v1/notes", params, "notes", result)
        for note in items:  # v1 related objects are derived data; keep the note itself
            for key in ("deal", "person", "organization", "user", "project", "task"):
                note.pop(key, None)
        await self._store_v2("notes", "note", items, full)
