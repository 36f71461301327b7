"""Pipedrive's own search, for what the cache does not hold (`Store.search_pipedrive`).

One `GET /api/v2/itemSearch` (20 tokens, the search burst limit: 10 per 2 s, paced by the
client) asks for deals, persons and organizations at once: one request instead of the three
per-type endpoints. Its items are partial (a deal's stage and person as small objects, no
pipeline, no dates), so the ones the cache lacks are fetched whole by id from the v2 lists
(`?ids=`, 10 tokens per 100), with the persons and organizations a new deal or person
points to, and stored through `apply_server_objects` like any sync page; the index
triggers make them searchable, and DataChanged tells the screens.

Each query goes to Pipedrive once: the answer is kept for REMEMBER seconds per folded
query (the screen also only asks after its debounce, and only when the cache found nothing
or the user asked). A failure is not remembered: asking again tries again.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tui.api.client import PipedriveClient
from tui.api.errors import ApiError
from tui.store.db import Database
from tui.store.events import DataChanged, StoreEvent
from tui.store.registry import REGISTRY
from tui.store.search_index import fold
from tui.store.server_rows import apply_server_objects

KINDS = ("deal", "person", "organization")
LIMIT = 50  # items per search (itemSearch allows 100)
REMEMBER = 600.0  # seconds an answer stands for its query
CHUNK = 100  # ids per v2 list request


@dataclass
class RemoteResult:
    term: str
    found: dict[str, list[int]] = field(default_factory=dict)  # kind -> ids, Pipedrive's order
    stored: int = 0  # items fetched into the cache by this search
    error: str | None = None  # why Pipedrive could not be asked (offline, refused, ...)
    cached: bool = False  # the remembered answer of an earlier request

    @property
    def count(self) -> int:
        return sum(len(ids) for ids in self.found.values())


def _missing(conn: sqlite3.Connection, kind: str, ids: list[int]) -> list[int]:
    if not ids:
        return []
    table = REGISTRY[kind].table
    have = {r[0] for r in conn.execute(f"SELECT id FROM {table} WHERE id IN ({','.join('?' * len(ids))})", ids)}
    return [i for i in ids if i not in have]


class RemoteSearch:
    def __init__(
        self, client: PipedriveClient, db: Callable[[], Database], emit: Callable[[StoreEvent], None], on_error: Callable[[ApiError], Any]
    ) -> None:
        self.client = client
        self._db = db  # the store's current database (it can be rebuilt)
        self._emit = emit
        self._on_error = on_error
        self._answers: dict[str, tuple[float, RemoteResult]] = {}
        self._running: dict[str, asyncio.Task[RemoteResult]] = {}
        self.requests = 0  # searches actually sent (tests, status)

    async def search(self, term: str) -> RemoteResult:
        key = " ".join(fold(term).split())
        if len(key) < 2:
            return RemoteResult(term, error="Pipedrive searches for 2 characters or more")
        known = self._answers.get(key)
        if known and time.monotonic() - known[0] < REMEMBER:
            return RemoteResult(term, known[1].found, 0, None, cached=True)
        if key not in self._running:  # the same query asked twice at once: one request
            self._running[key] = asyncio.ensure_future(self._ask(term.strip(), key))
        try:
            return await asyncio.shield(self._running[key])
        finally:
            if self._running.get(key) is not None and self._running[key].done():
                self._running.pop(key, None)

    async def _ask(self, term: str, key: str) -> RemoteResult:
        try:
            self.requests += 1
            items = await self.client.search_v2(term, ",".join(KINDS), limit=LIMIT)
            found: dict[str, list[int]] = {k: [] for k in KINDS}
            for item in items:
                kind, item_id = item.get("type"), item.get("id")
                if kind in found and isinstance(item_id, int) and item_id not in found[kind]:
                    found[kind].append(item_id)
            stored = await self._store(found)
        except ApiError as exc:
            self._on_error(exc)
            return RemoteResult(term, error=exc.message)
        result = RemoteResult(term, {k: v for k, v in found.items() if v}, stored)
        self._answers[key] = (time.monotonic(), result)
        return result

    async def _store(self, found: dict[str, list[int]]) -> int:
        """Fetch what the cache lacks (and what it points to), store it, tell the screens."""
        db = self._db()
        wanted = {k: await db.read(_missing, k, ids) for k, ids in found.items()}
        fetched: dict[str, list[dict[str, Any]]] = {k: [] for k in KINDS}
        for kind in ("deal", "person", "organization"):  # deals first: they point to the others
            for start in range(0, len(wanted[kind]), CHUNK):
                chunk = wanted[kind][start : start + CHUNK]
                fetched[kind] += await self.client.list_v2(REGISTRY[kind].resource, ids=chunk)
            for obj in fetched[kind]:
                for ref, target in (("person_id", "person"), ("org_id", "organization")):
                    other = obj.get(ref)
                    if (
                        isinstance(other, int)
                        and other > 0
                        and other not in wanted.get(target, [])
                        and target != kind
                        and KINDS.index(target) > KINDS.index(kind)
                    ):
                        wanted[target] = wanted[target] + await db.read(_missing, target, [other])
        stored = 0
        changed: dict[str, frozenset[int] | None] = {}
        for kind, objects in fetched.items():
            if objects:
                stored += await db.write(apply_server_objects, kind, objects)
                changed[REGISTRY[kind].table] = frozenset(o["id"] for o in objects if isinstance(o.get("id"), int))
        if changed:
            self._emit(DataChanged(frozenset(changed), changed))
        return stored
