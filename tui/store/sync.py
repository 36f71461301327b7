"""Sync engine: a progressive first sync, then cheap change probes.

First sync: see sync_plan.py (the board after ~60 tokens, resumable page by page).

Live refresh (`refresh`), the probe: one v1 `GET /recents?since_timestamp=…` (20 tokens,
one request for deals, persons, organizations, activities, notes, pipelines, stages,
users and activity types) answers "what changed since the last look", deletions included.
Nothing changed: 20 tokens, no write, no screen reload. Something changed: the changed
v2 items are fetched by id (`?ids=`, up to 100 per request, 10 tokens; ids the answer
lacks were deleted or archived), notes are taken from the recents answer itself (notes
are v1 anyway), a changed pipeline/stage/user list is fetched again. Items whose cached
`update_time` is already as new (our own edits, acknowledged) are not fetched.
Why recents: the alternatives cost more per look. A v2 list with `updated_since` and
`limit=1` is 10 tokens per collection, 40 for the four v2 collections plus 20 for notes,
so 60 tokens to learn that nothing changed; recents is 20 for all of them.

`lists` (the `r` key): v2 lists with `updated_since` for each collection (+ deleted
deals, + deals archived since: they leave the cache) and v1 notes with `updated_since`
(since January 2026), the metadata and the field definitions again: about 130 tokens.
Archived deals: the lists and the fetch by ids leave them out, so a deal archived elsewhere
is dropped by the probe (its id is missing from the answer) and by `lists`; an answer that
carries one (`is_archived`) removes it too (ingest.is_deleted).
`full` (`sync --full`, a rare reconcile): everything listed again, rows the server no longer
has dropped. No re-list happens on a timer any more (it was most of the token cost).

Entities with edits waiting in the outbox are not overwritten: the server's version goes
to `server_copy` (the conflict/rollback base) and the local edit stays visible; an item
whose delete is queued is not brought back.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from tui.api.client import PipedriveClient
from tui.store import ingest, sync_extras
from tui.store.server_rows import OVERLAP_SECONDS, apply_server_objects, newest_update, store_page
from tui.store.server_rows import from_text as _parse
from tui.store.server_rows import now_text as _now
from tui.store.server_rows import utc_text as _fmt
from tui.store.server_rows import drop_gone as _drop_gone
from tui.store.server_rows import clean_note as _clean_note
from tui.store.db import Database
from tui.store.registry import ENTITIES, RECENT_ITEMS, RECENT_KIND, REGISTRY, table_of
from tui.store.sync_leads import LeadSync, LeadWatch
from tui.store.sync_plan import MAX_IN_FLIGHT, Task, first_sync_done, missing_names, plan, task_state
from tui.store.views import FILTERS_KEY, sync_filters

OVERLAP = timedelta(seconds=OVERLAP_SECONDS)
V2_COLLECTIONS: dict[str, tuple[str, str]] = {e.table: (e.name, e.path or "") for e in ENTITIES if e.synced}
RECENT_V2 = {e.name: e.resource for e in ENTITIES if e.synced}
RECENT_META = {item: REGISTRY[RECENT_KIND[item]].table for item in ("pipeline", "stage", "user", "activityType")}
META_TASKS = {
    "pipelines": Task("pipelines", "pipeline", "/api/v2/pipelines", meta=True),
    "stages": Task("stages", "stage", "/api/v2/stages", meta=True),
    "users": Task("users", "user", "/api/v1/users", version="v1once", meta=True),
    "activity_types": Task("activity_types", "activity_type", "/api/v1/activityTypes", version="v1once", meta=True),
    "currencies": Task("currencies", "currency", "/api/v1/currencies", version="v1once", meta=True),
}

Progress = Callable[[str, int, int | None], None]
PageHook = Callable[["Changes"], None]


@dataclass
class Changes:
    """What a sync changed: counts per collection, ids per table (None: too many to list)."""

    counts: dict[str, int] = field(default_factory=dict)
    ids: dict[str, set[int] | None] = field(default_factory=dict)
    full: bool = False
    first: bool = False

    @property
    def tables(self) -> frozenset[str]:
        return frozenset(self.ids)

    def add(self, table: str, ids: list[int] | None, label: str | None = None, count: int | None = None) -> None:
        n = count if count is not None else len(ids or [])
        if label:
            self.counts[label] = self.counts.get(label, 0) + n
        if not n and ids is not None:
            return
        if ids is None or len(ids) > 200:
            self.ids[table] = None
        else:
            known = self.ids.get(table, set())
            self.ids[table] = None if known is None else known | set(ids)


SyncResult = Changes  # the name callers knew


def _high_water(conn: sqlite3.Connection, collection: str) -> str | None:
    row = conn.execute("SELECT high_water FROM sync_state WHERE collection = ?", (collection,)).fetchone()
    return row[0] if row else None


def _set_mark(conn: sqlite3.Connection, collection: str, mark: str) -> None:
    conn.execute(
        """INSERT INTO sync_state (collection, high_water, complete, last_sync) VALUES (?,?,1,?)
           ON CONFLICT(collection) DO UPDATE SET high_water = MAX(COALESCE(sync_state.high_water, ''), excluded.high_water),
                                                 last_sync = excluded.last_sync""",
        (collection, mark, _now()),
    )


class Syncer:
    def __init__(
        self,
        client: PipedriveClient,
        db: Database,
        progress: Progress | None = None,
        on_page: PageHook | None = None,
        focus_pipeline: int | None = None,
        leads: LeadWatch | None = None,
    ) -> None:
        self.client = client
        self.db = db
        self.leads = leads or LeadWatch()
        self.progress = progress or (lambda c, d, t: None)
        self.on_page = on_page or (lambda changes: None)
        self.focus_pipeline = focus_pipeline
        self._sem = asyncio.Semaphore(MAX_IN_FLIGHT)

    async def is_first(self) -> bool:
        return not await self.db.read(first_sync_done)

    async def run(self, full: bool = False, lists: bool = False) -> Changes:
        if await self.is_first():
            return await self.first()
        if full:
            return await self.full()
        if lists:
            return await self.lists()
        return await self.refresh()

    # -- paging ------------------------------------------------------------------------------

    async def _page(self, task: Task, cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
        spec = REGISTRY.get(task.entity)
        params = {**(spec.list_params if spec else {}), **task.params}
        if task.version == "v1once":
            async with self._sem:
                return await self.client.list_v1(task.path.removeprefix("/api/v1/"), **params), None
        async with self._sem:  # the client's pager: v1 start offsets or v2 cursors, resumable
            env, nxt = await self.client.page(task.path, params, cursor)
        return list(env.get("data") or []), nxt

    async def run_task(self, task: Task, changes: Changes, after_page: Callable[[int], Any] | None = None) -> None:
        cursor, complete = await self.db.read(task_state, task.key)
        if complete:
            return
        page = 0
        while True:
            items, nxt = await self._page(task, cursor)
            ids = await self.db.write(store_page, task, items, nxt, nxt is None)
            table = "fields" if task.entity.startswith("field:") else table_of(task.entity)
            changes.add(table, ids if ids else None, task.key, len(items))
            self.progress(task.key, changes.counts.get(task.key, 0), None)
            page += 1
            if after_page is not None:
                await after_page(page)
            self.on_page(changes)
            if not nxt:
                return
            cursor = nxt

    # -- the first sync ------------------------------------------------------------------------

    async def first(self) -> Changes:
        changes = Changes(full=True, first=True)
        phases = plan([], None)
        await asyncio.gather(*(self.run_task(t, changes) for t in phases[0]))
        pipelines = await self.db.read(
            lambda c: [r[0] for r in c.execute("SELECT id FROM pipelines WHERE is_deleted = 0 ORDER BY order_nr, id")]
        )
        phases = plan(pipelines, self.focus_pipeline)
        focus = phases[1][0].params["pipeline_id"] if phases[1] else None

        async def names(page: int) -> None:
            if page == 1 and focus is not None:
                await self._names_by_ids(focus, changes)

        for task in phases[1]:
            await self.run_task(task, changes, after_page=names)
        for phase in phases[2:]:
            await asyncio.gather(*(self.run_task(t, changes) for t in phase))
        if not (await self.db.read(task_state, FILTERS_KEY))[1]:
            await self.filters(changes)
        await self.db.write(_finish_first)
        return changes

    async def filters(self, changes: Changes) -> None:
        """The saved deal filters (tui/store/views.py)."""
        ids, _fetched = await sync_filters(self.client, self.db)
        changes.add("filters", ids, "filters")

    async def _names_by_ids(self, pipeline_id: int, changes: Changes) -> None:
        """Names of the first cards on screen, before the full lists arrive (2 requests)."""
        orgs, persons = await self.db.read(missing_names, pipeline_id)
        for entity, resource, ids in (("organization", "organizations", orgs), ("person", "persons", persons)):
            if ids:
                items = await self.client.list_v2(resource, ids=ids)
                await self.db.write(apply_server_objects, entity, items)
                changes.add(table_of(entity), [o["id"] for o in items])
        self.on_page(changes)

    # -- probes and refreshes --------------------------------------------------------------------

    async def refresh(self) -> Changes:
        """The cheap probe (module docstring); falls back to `lists` without a mark."""
        mark = await self.db.read(_high_water, "recents")
        if not mark:
            return await self.lists()
        changes = Changes()
        since = (_parse(mark) - OVERLAP).strftime("%Y-%m-%d %H:%M:%S")
        entries: list[dict[str, Any]] = []
        newest = mark
        start = 0
        while True:
            env = await self.client.request(
                "GET", "/api/v1/recents", params={"since_timestamp": since, "items": RECENT_ITEMS, "start": start, "limit": 500}
            )
            entries += [e for e in env.get("data") or [] if isinstance(e, dict)]
            extra = env.get("additional_data") or {}
            last = ingest.norm_time(extra.get("last_timestamp_on_page"))
            if last and last > newest:
                newest = last
            pagination = extra.get("pagination") or {}
            if not pagination.get("more_items_in_collection"):
                break
            start = pagination.get("next_start", start + 500)
        if entries:
            await self._apply_recents(entries, changes)
        await self.db.write(_set_mark, "recents", newest)
        if self.leads.shown:
            await LeadSync(self, self.leads).probe(changes)
        return changes

    async def _apply_recents(self, entries: list[dict[str, Any]], changes: Changes) -> None:
        wanted: dict[str, dict[int, str]] = {}
        notes: list[dict[str, Any]] = []
        metas: set[str] = set()
        for e in entries:
            kind, data = e.get("item"), e.get("data")
            if kind in RECENT_V2 and isinstance(e.get("id"), int):
                wanted.setdefault(kind, {})[e["id"]] = ingest.norm_time((data or {}).get("update_time")) or ""
            elif kind == "note" and isinstance(data, dict):
                notes.append(_clean_note(dict(data)))
            elif kind in RECENT_META:
                metas.add(RECENT_META[kind])
            elif kind == "filter":
                metas.add("filters")
        for kind, stamps in wanted.items():
            table = table_of(kind)
            stale = await self.db.read(_stale_ids, table, stamps)
            for i in range(0, len(stale), 100):
                chunk = stale[i : i + 100]
                items = await self.client.list_v2(RECENT_V2[kind], ids=chunk, **REGISTRY[kind].list_params)
                got = {o["id"] for o in items}

                def write(
                    conn: sqlite3.Connection, kind: str = kind, items: list[Any] = items, chunk: list[Any] = chunk, got: set[Any] = got
                ) -> list[int]:
                    apply_server_objects(conn, kind, items)
                    return _drop_gone(conn, kind, set(chunk) - got)

                gone = await self.db.write(write)
                changes.add(table, sorted(got) + gone, table, len(got) + len(gone))
        if notes:
            ids = [n["id"] for n in notes]
            await self.db.write(apply_server_objects, "note", notes)
            changes.add("notes", ids, "notes")
        for name in sorted(metas):
            if name == "filters":
                await self.filters(changes)
            else:
                await self.run_meta(name, changes)

    async def run_meta(self, name: str, changes: Changes) -> None:
        task = META_TASKS[name]
        items, _ = await self._page(task, None)
        ids = await self.db.write(store_page, task, items, None, True)
        changes.add(name, ids or None, name, len(items))

    async def lists(self) -> Changes:
        """v2 lists with updated_since per collection, v1 notes likewise (`r`)."""
        changes = Changes()
        tasks = [self._since(name, entity, path, changes) for name, (entity, path) in V2_COLLECTIONS.items()]
        tasks.append(self._notes_since(changes))
        tasks += [self.run_meta(name, changes) for name in ("pipelines", "stages", "users")]
        tasks.append(self.filters(changes))
        if self.leads.shown:
            tasks.append(LeadSync(self, self.leads).probe(changes, reconcile=True))
        tasks += [self._archived_since(changes), self.refresh_fields(changes)]
        await asyncio.gather(*tasks)
        mark = await self.db.read(newest_update)
        if mark:
            await self.db.write(_set_mark, "recents", mark)
        return changes

    async def _since(self, name: str, entity: str, path: str, changes: Changes) -> None:
        mark = await self.db.read(newest_update, name)
        params: dict[str, Any] = dict(REGISTRY[entity].list_params)
        if mark:
            params["updated_since"] = _fmt(_parse(mark) - OVERLAP)
        items = await self._all(path, params)
        if name == "deals" and mark:
            items += await self._all(path, {**params, "status": "deleted"})
        if items:
            await self.db.write(apply_server_objects, entity, items)
            changes.add(name, [o["id"] for o in items], name)

    async def _archived_since(self, changes: Changes) -> None:
        await sync_extras.archived_since(self, changes)

    async def refresh_fields(self, changes: Changes) -> None:
        await sync_extras.refresh_fields(self, changes)

    async def _notes_since(self, changes: Changes) -> None:
        mark = await self.db.read(newest_update, "notes")
        params = {"updated_since": _fmt(_parse(mark) - OVERLAP)} if mark else {}
        items = [_clean_note(n) for n in await self._all("/api/v1/notes", params)]
        if items:
            await self.db.write(apply_server_objects, "note", items)
            changes.add("notes", [n["id"] for n in items], "notes")

    async def _all(self, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        pages = self.client.pages_v1(path, params) if path.startswith("/api/v1") else self.client.pages_v2(path, params)
        while True:
            async with self._sem:
                try:
                    page = await pages.__anext__()
                except StopAsyncIteration:
                    break
            items += page
        return items

    async def full(self) -> Changes:
        """Everything listed again; rows the server no longer has are dropped (reconcile)."""
        changes = Changes(full=True)

        async def collection(name: str, entity: str, path: str) -> None:
            items = await self._all(path, dict(REGISTRY[entity].list_params))
            if entity == "note":
                items = [_clean_note(n) for n in items]
            keep = {o["id"] for o in items}

            def write(conn: sqlite3.Connection) -> None:
                table = table_of(entity)
                _drop_gone(conn, entity, {r[0] for r in conn.execute(f"SELECT id FROM {table} WHERE id > 0")} - keep)
                apply_server_objects(conn, entity, items)

            await self.db.write(write)
            changes.add(name, None, name, len(items))

        jobs = [collection(name, entity, path) for name, (entity, path) in V2_COLLECTIONS.items()]
        jobs.append(collection("notes", "note", "/api/v1/notes"))
        jobs += [self.run_meta(name, changes) for name in META_TASKS]
        jobs += [self.filters(changes), LeadSync(self, self.leads).reconcile(changes)]
        await asyncio.gather(*jobs)
        await self.refresh_fields(changes)
        mark = await self.db.read(newest_update)
        if mark:
            await self.db.write(_set_mark, "recents", mark)
        return changes


def _stale_ids(conn: sqlite3.Connection, table: str, stamps: dict[int, str]) -> list[int]:
    """Ids whose server update_time is newer than the cached one (or not cached)."""
    out = []
    for item_id, stamp in stamps.items():
        row = conn.execute(f"SELECT update_time FROM {table} WHERE id = ?", (item_id,)).fetchone()
        if row is None or not row[0] or not stamp or stamp > row[0]:
            out.append(item_id)
    return sorted(out)


def _finish_first(conn: sqlite3.Connection) -> None:
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('first_sync_done', '1')")
    mark = newest_update(conn)
    if mark:
        _set_mark(conn, "recents", mark)
