"""The Store facade: the only thing screens talk to for data.

CONTRACT (the UI codes against exactly this; keep signatures stable):

    store = await Store.open(path, client, clock=clock, profile="demo")
    store.start()                     # background sync loop + outbox pusher (asyncio tasks)
    unsubscribe = store.subscribe(cb) # cb(event) for StoreEvent (events.py), called on the loop
    store.status                      # StoreStatus
    store.clock                       # tui.clock.Clock
    rows = await store.read(fn, *args, **kw)   # fn(conn: sqlite3.Connection, *args, **kw) runs
                                               # on the reader thread; returns plain data
    await store.sync_now(full=False)  # first sync, else one probe; full=True re-lists everything
    store.touch()                     # the user did something (refresh.py: schedule, focus, budget)
    await store.drain(timeout=None)   # push every pending edit now (tests, CLI); True if empty
    await store.me_id()               # the current user's id (users.is_you) or None
    await store.close()

Edits (optimistic: applied to the cache and queued in the outbox in one transaction;
return once committed; DataChanged fires; pushed in order in the background):

    await store.move_deal(deal_id, stage_id)                 # pipeline_id follows the stage
    await store.set_deal_status(deal_id, "won" | "lost" | "open", lost_reason=None)
    await store.update_entity(entity, entity_id, changes)    # only changed fields are sent
    new_id = await store.create_entity(entity, fields)       # negative local id until pushed
    await store.delete_entity(entity, entity_id)
    await store.set_activity_done(activity_id, done)
    note_id = await store.create_note(html, deal_id=None, person_id=None, org_id=None, lead_id=None)
    await store.convert_lead(lead_id, stage_id)    # queued; Converted(lead_id, deal_id) when done
                                                   # (tui/store/conversion.py: exactly once)
    await store.snooze_deal(deal_id, until) / await store.unsnooze_deal(deal_id)
                                      # triage snoozes: local only, no outbox row
    await store.conflicts() / await store.resolve_conflict(seq, keep="mine" | "theirs")

Search: `await store.read(queries.search.search, text)` over the cache; for what it lacks,
`await store.search_pipedrive(text)` -> RemoteResult (one request per query, hits stored
in the cache; tui/store/remote_search.py).

Custom fields, products on deals, history, archived deals: tui/store/deal_extras.py.
Files on deals, persons and organizations (list, attach, download, delete): tui/store/files.py.

`entity` is one of: "deal", "person", "organization", "activity", "note", "lead", "deal_product"; field names
and value shapes are the Pipedrive API's (v2 for the first four, v1 for notes and leads; a
lead's id is its UUID string and leads are not created here), e.g.
update_entity("person", 7, {"phones": [{"value": "+49 30 1", "primary": True, "label": "work"}]})
update_entity("note", 3, {"content": "<p>x</p>", "pinned_to_deal_flag": True}).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import sqlite3
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

from tui.api.client import PipedriveClient
from tui.api.auth import Auth
from tui.api.errors import ApiError, AuthError, Blocked, DailyBudgetExhausted, NetworkError
from tui import numbers
from tui.clock import Clock
from tui.numbers import NumberLocale
from tui.store import conversion, edits, proposals, snoozes
from tui.store.db import Database, move_aside
from tui.store.call_store import CallLogs
from tui.store.deal_extras import DealExtras
from tui.store.files import StoreFiles
from tui.store.follower_store import Followers
from tui.store.insight_calls import InsightCalls, StageDays
from tui.store.mail import MailStore
from tui.store.salvage import Salvage, read_outbox, restore
from tui.store.events import DataChanged, StatusChanged, StoreEvent, StoreStatus
from tui.store.locale import number_locale
from tui.store.merging import Merging
from tui.store.outbox import Pusher
from tui.store.refresh import Refreshing, wait_event
from tui.store.remote_search import RemoteResult, RemoteSearch
from tui.store.review import Review
from tui.store.schedule import RefreshPolicy

T = TypeVar("T")

BLOCKED_PAUSE = 300.0  # a firewall block (403 page): try again after this long
BUDGET_PROBE = 1800.0  # a spent budget without a known reset: look again after this long
HELD_MODES = ("signed_out", "budget_spent", "blocked")
PUSH_SETTLE = 0.3  # seconds between an edit and its push


class Store(DealExtras, StoreFiles, CallLogs, Followers, MailStore, InsightCalls, StageDays, Merging, Refreshing, Review):
    def __init__(
        self,
        db: Database,
        client: PipedriveClient | None,
        clock: Clock,
        profile: str,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        policy: RefreshPolicy | None = None,
    ) -> None:
        self.db = db
        self.client = client
        self.clock = clock
        self._subscribers: list[Callable[[StoreEvent], None]] = []
        self._status = StoreStatus(profile=profile)
        self._tasks: list[asyncio.Task[Any]] = []
        self._side_tasks: set[asyncio.Task[Any]] = set()  # count refreshes after edits
        self._sleep = sleep
        self._sync_lock = asyncio.Lock()
        self._sync_wanted = asyncio.Event()
        self._push_wanted = asyncio.Event()
        self._me_id: int | None = None
        self._init_refresh(policy)
        self._held_until: float | None = None  # loop time a held state ends (inf: until sign-in)
        self._resume = asyncio.Event()
        self.notices: list[str] = []  # one-liners the user must read (shown by the app at start)
        self.pusher = Pusher(client, db, self._emit, self._set_online, sleep=sleep, on_problem=self._problem) if client else None
        self.remote = RemoteSearch(client, lambda: self.db, self._emit, self._search_failed) if client else None

    # -- lifecycle ------------------------------------------------------------------------------

    @classmethod
    async def open(
        cls,
        path: Path | str,
        client: PipedriveClient | None,
        *,
        clock: Clock | None = None,
        profile: str = "default",
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        policy: RefreshPolicy | None = None,
    ) -> "Store":
        db = Database(path)
        await db.open()
        store = cls(db, client, clock or Clock(), profile, sleep=sleep, policy=policy)
        if db.recovered_from is not None:
            store._damaged(db.recovered_from, db.salvaged)
        try:
            await store.db.read(lambda c: c.execute("SELECT * FROM outbox").fetchall())  # small; every page read
            await store._refresh_counts()
        except sqlite3.DatabaseError as exc:  # the file opened, but its pages are damaged (e.g. the outbox's)
            await store.rebuild(f"the cache file is damaged ({exc})")
            await store._refresh_counts()
        return store

    def _damaged(self, moved_to: Path, salvaged: Salvage | None) -> None:
        kept = salvaged.describe() if salvaged is not None else "no pending edits could be read"
        line = f"The cache file was damaged: moved it to {moved_to.name}, {kept}; the rest is fetched from Pipedrive again"
        self.notices.append(line)
        self._update(last_error=line)

    def start(self) -> None:
        """Start the background sync loop and outbox pusher on the running loop."""
        if self.client is None or self._tasks:
            return
        self._tasks = [
            asyncio.create_task(self._start_loops(), name="store-sync"),
            asyncio.create_task(self._push_loop(), name="store-push"),
            asyncio.create_task(self.watch_proposals(), name="store-proposals"),
        ]

    async def _start_loops(self) -> None:
        problem = await self.db.check()
        if problem:
            await self.rebuild(f"The cache failed its integrity check ({problem}); rebuilding it from Pipedrive")
        await self._sync_loop()

    async def rebuild(self, reason: str) -> None:
        """Move a damaged cache aside and start from an empty one, carrying over every
        pending edit that can still be read (tui/store/salvage.py)."""
        await self.db.close()
        salvaged = read_outbox(self.db.path)
        moved = move_aside(self.db.path)
        db = Database(self.db.path)
        await db.open()
        self.db = db
        if self.pusher is not None:
            self.pusher.db = db
        await db.write(restore, salvaged.rows)
        self._damaged(moved, salvaged)
        self._update(last_error=f"{reason}: {self.notices[-1]}")

    async def close(self) -> None:
        tasks = self._tasks + list(self._side_tasks)
        while any(not t.done() for t in tasks):
            for task in tasks:
                task.cancel()  # again if a cancel was swallowed (asyncio.wait_for in 3.11 can)
            await asyncio.wait(tasks, timeout=0.5)
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                task.result()
        self._tasks = []
        self._side_tasks.clear()
        await self.db.close()

    # -- events and status ----------------------------------------------------------------------

    def subscribe(self, callback: Callable[[StoreEvent], None]) -> Callable[[], None]:
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback) if callback in self._subscribers else None

    def _emit(self, event: StoreEvent) -> None:
        for cb in list(self._subscribers):
            try:
                cb(event)
            except Exception:  # a broken subscriber must not stop the store
                pass
        if isinstance(event, DataChanged):
            self._push_wanted.set()
            task = asyncio.get_running_loop().create_task(self._refresh_counts())
            self._side_tasks.add(task)
            task.add_done_callback(self._side_tasks.discard)

    @property
    def status(self) -> StoreStatus:
        return self._status

    def _update(self, **changes: Any) -> None:
        if self.client is not None:
            changes.setdefault("budget", self.client.budget)
        new = StoreStatus(**{**self._status.__dict__, **changes})
        if new != self._status:
            self._status = new
            self._emit(StatusChanged(new))

    def _set_online(self, online: bool, error: str | None) -> None:
        mode = self._status.mode
        if mode in HELD_MODES and online:
            if self.held:
                return  # a held state ends by sign-in, its reset time, or a later successful request
            mode, error = "online", None
            self._update(resume_at=None)
        if not online:
            mode = "offline"
        elif mode == "offline":
            mode = "online"
        self._update(mode=mode, last_error=error)

    # -- held states: signed out, budget spent, blocked ------------------------------------------

    def _problem(self, exc: ApiError) -> bool:
        """Enter a held state for errors no retry can fix now; True if `exc` is one.
        Edits stay queued; the sync and push loops wait (tui/store/store.py _wait_held)."""
        now = self.clock.now()
        if isinstance(exc, AuthError):
            self._hold(None)
            self._update(mode="signed_out", resume_at=None, last_error="Pipedrive refused the credentials (401): press L to log in again")
        elif isinstance(exc, DailyBudgetExhausted):
            wait = exc.retry_after if exc.retry_after and exc.retry_after > 2 else None
            self._hold(wait or BUDGET_PROBE)
            self._update(mode="budget_spent", resume_at=now + timedelta(seconds=wait) if wait else None, last_error=exc.message)
        elif isinstance(exc, Blocked):
            self._hold(BLOCKED_PAUSE)
            self._update(mode="blocked", resume_at=now + timedelta(seconds=BLOCKED_PAUSE), last_error=exc.message)
        else:
            return False
        return True

    def _hold(self, seconds: float | None) -> None:
        loop = asyncio.get_running_loop()
        self._held_until = float("inf") if seconds is None else loop.time() + seconds
        self._resume.clear()

    @property
    def held(self) -> bool:
        return self._held_until is not None

    async def _wait_held(self) -> None:
        """Wait while a held state lasts; when its time is up the next request probes it."""
        loop = asyncio.get_running_loop()
        while self._held_until is not None:
            remaining = self._held_until - loop.time()
            if remaining <= 0:
                self._held_until = None
                break
            await wait_event(self._resume, None if remaining == float("inf") else remaining)

    def _release(self) -> None:
        self._held_until = None
        self._resume.set()

    async def verify_auth(self, auth: Auth) -> dict[str, Any]:
        """Check new credentials against Pipedrive (GET users/me, 2 tokens); raises ApiError."""
        if self.client is None:
            raise RuntimeError("no client")
        probe = self.client.with_auth(auth)
        try:
            me: dict[str, Any] = await probe.me()
            return me
        finally:
            await probe.aclose()

    def sign_in(self, auth: Auth) -> None:
        """Use verified credentials from now on; pending edits are pushed, a sync runs."""
        if self.client is None:
            return
        self.client.set_auth(auth)
        self._release()
        self._update(mode="online", resume_at=None, last_error=None)
        self._sync_wanted.set()
        self._push_wanted.set()

    async def _refresh_counts(self) -> None:
        pending, conflicts, unconfirmed = await self.db.read(edits.counts)
        waiting = await self.db.read(proposals.waiting_count)
        self._update(pending=pending, conflicts=conflicts, unconfirmed=unconfirmed, proposals=waiting)

    # -- reads ------------------------------------------------------------------------------------

    async def read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await self.db.read(fn, *args, **kwargs)

    async def me_id(self) -> int | None:
        if self._me_id is None:
            self._me_id = await self.db.read(
                lambda c: (lambda r: r[0] if r else None)(c.execute("SELECT id FROM users WHERE is_you = 1").fetchone())
            )
        return self._me_id

    async def number_locale(self) -> NumberLocale:
        """The locale numbers are typed and shown in (Pipedrive's, else the system's)."""
        return await number_locale(self.db, numbers.system_code())

    async def search_pipedrive(self, term: str) -> RemoteResult:
        """Pipedrive's search for `term`; what it finds is stored in the cache (DataChanged)."""
        if self.remote is None:
            return RemoteResult(term, error="not connected to Pipedrive")
        if self.held:
            return RemoteResult(term, error=self._status.last_error or "Pipedrive is not reachable now")
        return await self.remote.search(term)

    def _search_failed(self, exc: ApiError) -> None:
        if not self._problem(exc) and isinstance(exc, NetworkError):
            self._set_online(False, exc.message)

    async def conflicts(self) -> list[dict[str, Any]]:
        return await self.db.read(lambda c: [dict(r) for r in c.execute("SELECT * FROM outbox WHERE state='conflict' ORDER BY seq")])

    async def rejections(self, unseen_only: bool = True) -> list[dict[str, Any]]:
        sql = "SELECT * FROM rejections" + (" WHERE seen = 0" if unseen_only else "") + " ORDER BY id"
        return await self.db.read(lambda c: [dict(r) for r in c.execute(sql)])

    # -- push -------------------------------------------------------------------------------------

    async def _push_loop(self) -> None:
        assert self.pusher is not None
        while True:
            await self._wait_held()
            try:
                outcome = await self.pusher.push_next()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                outcome = "retry"
                self._update(last_error=f"push failed: {exc.__class__.__name__}")
            if outcome == "empty":
                await self._refresh_counts()
                self._push_wanted.clear()
                await wait_event(self._push_wanted, 30)
                if self._push_wanted.is_set():
                    # a moment for more edits (a burst of moves goes out together, and the push
                    # never competes with the repaint of the key that made it)
                    await asyncio.sleep(PUSH_SETTLE)
            elif outcome == "held":
                await self._refresh_counts()
            elif outcome == "waiting":  # a lead conversion runs on Pipedrive: look again soon
                await self._refresh_counts()
                await self._sleep(self.pusher.wait)
            elif outcome == "retry":
                row = await self.db.read(_first_pending)
                delay = self.pusher.backoff(row[0]) if row else 1.0
                await self._refresh_counts()
                await self._sleep(delay)
            else:
                await self._refresh_counts()

    async def drain(self, timeout: float | None = None, max_steps: int = 100_000) -> bool:
        """Push pending rows now (in the caller's task). True when nothing pending is left."""
        pusher = self.pusher
        if pusher is None:
            return False

        async def run() -> bool:
            for _ in range(max_steps):
                outcome = await pusher.push_next()
                if outcome in ("empty", "held"):
                    break
                if outcome == "waiting":
                    await self._sleep(pusher.wait)
                if outcome == "retry":
                    row = await self.db.read(_first_pending)
                    await self._sleep(pusher.backoff(row[0]) if row else 0.5)
            await self._refresh_counts()
            return self._status.pending == 0

        if timeout is None:
            return await run()
        return await asyncio.wait_for(run(), timeout)

    async def resolve_conflict(self, seq: int, keep: str = "mine") -> None:
        row = await self.db.read(lambda c: _as_dict(c.execute("SELECT * FROM outbox WHERE seq=?", (seq,)).fetchone()))
        if row is None:
            return
        if keep == "mine":
            await self.db.write(lambda c: c.execute("UPDATE outbox SET state='pending', force=1, last_error=NULL WHERE seq=?", (seq,)))
        else:
            assert self.pusher is not None
            server = await self.pusher._get(row["entity"], row["entity_id"], row.get("parent_id"))
            from tui.store.outbox import ack_write

            await self.db.write(ack_write, row, server)
        self._emit(DataChanged(frozenset({edits.table_of(row["entity"])})))

    # -- edits --------------------------------------------------------------------------------------

    async def _edit(self, fn: Callable[..., T], *args: Any, tables: set[str], ids: dict[str, frozenset[int] | None] | None = None) -> T:
        result = await self.db.write(fn, *args)
        await self._refresh_counts()
        self._emit(DataChanged(frozenset(tables), ids))
        return result

    async def apply_batch(self, changes: list[tuple[str, str, int, dict[str, Any]]]) -> list[str | None]:
        """Many edits in one transaction, one DataChanged (bulk actions): each change is
        ("update" | "delete", entity, id, fields); each becomes its own outbox row, pushed and
        refused one by one like any edit. Returns, per change, None or why it was not applied."""

        def run(conn: Any) -> list[str | None]:
            out: list[str | None] = []
            for op, entity, entity_id, fields in changes:
                try:
                    if op == "delete":
                        edits.delete(conn, entity, entity_id)
                    else:
                        edits.update(conn, entity, entity_id, fields)
                    out.append(None)
                except edits.EditError as exc:
                    out.append(str(exc))
            return out

        tables = {edits.table_of(entity) for _op, entity, _id, _f in changes}
        ids: dict[str, frozenset[int] | None] = {}
        for _op, entity, entity_id, _f in changes:
            table = edits.table_of(entity)
            ids[table] = (ids.get(table) or frozenset()) | {entity_id}
        return await self._edit(run, tables=tables, ids=ids)

    async def move_deal(self, deal_id: int, stage_id: int) -> None:
        await self._edit(edits.update, "deal", deal_id, {"stage_id": stage_id}, tables={"deals"}, ids={"deals": frozenset({deal_id})})

    async def set_deal_status(self, deal_id: int, status: str, lost_reason: str | None = None) -> None:
        if status not in ("open", "won", "lost"):
            raise ValueError(f"unknown deal status {status!r}")
        if status == "lost" and not (lost_reason or "").strip():
            raise ValueError("a lost deal needs a reason")
        changes: dict[str, Any] = {"status": status}
        if status == "lost":
            changes["lost_reason"] = lost_reason.strip() if lost_reason else None
        await self._edit(edits.update, "deal", deal_id, changes, tables={"deals"}, ids={"deals": frozenset({deal_id})})

    async def update_entity(self, entity: str, entity_id: int, changes: dict[str, Any]) -> None:
        if await self._as_approval("update", entity, entity_id, changes) is not None:
            return
        table = edits.table_of(entity)
        await self._edit(edits.update, entity, entity_id, changes, tables={table}, ids={table: frozenset({entity_id})})

    async def create_entity(self, entity: str, fields: dict[str, Any]) -> int:
        approved = await self._as_approval("create", entity, None, fields)
        if approved is not None:
            return approved
        me = await self.me_id()
        return await self._edit(edits.create, entity, fields, me, tables={edits.table_of(entity)})

    async def delete_entity(self, entity: str, entity_id: int) -> None:
        await self._edit(edits.delete, entity, entity_id, tables={edits.table_of(entity)})

    async def set_activity_done(self, activity_id: int, done: bool) -> None:
        await self._edit(edits.update, "activity", activity_id, {"done": bool(done)}, tables={"activities", "deals"})

    async def snooze_deal(self, deal_id: int, until: Any) -> str | None:
        """Hide a deal from the triage queue until `until` (local date). Kept in the cache
        only (Pipedrive has no snooze): nothing is queued for the server. Returns the
        snooze date it replaced, if any."""
        return await self._edit(snoozes.set_snooze, deal_id, until, tables={"triage_snoozes"})

    async def unsnooze_deal(self, deal_id: int) -> bool:
        return await self._edit(snoozes.clear_snooze, deal_id, tables={"triage_snoozes"})

    async def create_note(
        self, html: str, *, deal_id: int | None = None, person_id: int | None = None, org_id: int | None = None, lead_id: str | None = None
    ) -> int:
        if not html.strip():
            raise ValueError("a note needs some text")
        if not (deal_id or person_id or org_id or lead_id):
            raise ValueError("a note belongs to a deal, a person, an organization or a lead")
        links = (("deal_id", deal_id), ("person_id", person_id), ("org_id", org_id), ("lead_id", lead_id))
        fields = {"content": html, **{k: v for k, v in links if v}}
        return await self.create_entity("note", fields)

    async def convert_lead(self, lead_id: str, stage_id: int) -> None:
        """Queue the lead's conversion into a deal in this stage (tui/store/conversion.py)."""
        await self._edit(conversion.queue, lead_id, stage_id, tables={"leads"})


__all__ = ["Store", "datetime", "timezone", "random"]


def _first_pending(c: Any) -> Any:
    return c.execute("SELECT seq FROM outbox WHERE state='pending' ORDER BY seq LIMIT 1").fetchone()


def _as_dict(row: Any) -> dict[str, Any] | None:
    return dict(row) if row else None
