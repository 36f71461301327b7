"""The sync side of the Store (a mixin): the progressive first sync, the probe schedule,
the budget guard and the tokens this app spends per day.

    store.touch()               a key: back from idle with stale data -> probe now
    store.set_focus(bool)       terminal focus (Textual AppFocus/AppBlur)
    store.request_sync("lists") `r`: v2 lists with updated_since, whatever the schedule says
    store.focus_pipeline = id   the pipeline on screen: its open deals come first
    store.watch_leads(bool)     the leads section is shown: probes look at leads too (sync_leads.py)
    await store.load_archived_leads()   the archived leads (40 tokens per 500), on request
    await store.view_results(filter_id) a server-side view's deals (tui/store/views.py)
    await store.sync_now()      first sync if needed, else one probe (tests, CLI)
    await store.tokens_today()  (tokens, requests) this app spent today (UTC), from token_log

A sync that changed nothing emits nothing: no screen reloads. One that did emits
DataChanged with the tables and, when few, the ids that changed.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from tui.api.errors import ApiError, NetworkError

if TYPE_CHECKING:
    from tui.api.client import PipedriveClient
    from tui.clock import Clock
    from tui.store.db import Database
    from tui.store.events import StoreEvent, StoreStatus
from tui.store import boundary
from tui.store.events import DataChanged
from tui.store.schedule import RefreshPolicy, Schedule
from tui.store.token_log import log_tokens, spent_on, today
from tui.store.sync import Changes, Syncer
from tui.store.sync_leads import LeadSync, LeadWatch
from tui.store.views import RESULTS_MAX_AGE, fetch_results, results_age

FIRST_SYNC_EMIT = 1.0  # seconds between screen refreshes while the first sync fills the cache
RETRY_FIRST = 10.0  # seconds before an interrupted first sync resumes (offline, errors)
KINDS = ("probe", "lists", "full")


class Refreshing:
    # set by Store.__init__ (declared here for the type checker)
    client: PipedriveClient | None
    db: Database
    clock: Clock
    _status: StoreStatus
    _sync_lock: asyncio.Lock
    _sync_wanted: asyncio.Event
    _held_until: float | None

    if TYPE_CHECKING:  # Store's own methods, used by the refresh loop

        def _emit(self, event: StoreEvent) -> None: ...
        def _update(self, **changes: Any) -> None: ...
        def _problem(self, exc: ApiError) -> bool: ...
        async def _wait_held(self) -> None: ...

    def _init_refresh(self, policy: RefreshPolicy | None) -> None:
        # the launch counts as a key: the first minutes are active, not idle since boot
        self.schedule = Schedule(policy or RefreshPolicy(), last_key=self._now())
        self.focus_pipeline: int | None = None
        self.leads_watch = LeadWatch()
        self._wanted_kind = "none"  # a requested sync kind (KINDS) or "none"
        self._last_emit = 0.0
        self._logged = (0, 0)
        self.last_changes: Changes | None = None
        self.last_sync_full = False

    # -- what the UI tells the store ----------------------------------------------------------

    def _now(self) -> float:
        return time.monotonic()

    def budget_left(self) -> float | None:
        """The fraction of the company's daily token budget left, when Pipedrive says."""
        budget = getattr(self.client, "budget", None)
        if budget is None or budget.daily_remaining is None or not budget.daily_limit:
            return None
        return float(budget.daily_remaining) / float(budget.daily_limit)

    def touch(self) -> None:
        now, budget = self._now(), self.budget_left()
        due = self.schedule.due_at(now, budget)
        if self.schedule.key(now, budget):
            self.request_sync("probe")
        elif self.schedule.due_at(now, budget) != due:
            self._sync_wanted.set()  # idle -> active shortens the wait: the loop plans again

    def set_focus(self, focused: bool) -> None:
        if self.schedule.focus(focused, self._now(), self.budget_left()):
            self.request_sync("probe")
        else:
            self._sync_wanted.set()  # the interval changed: let the loop look again

    def request_sync(self, kind: str = "lists") -> None:
        current = self._wanted_kind if self._wanted_kind in KINDS else "probe"
        self._wanted_kind = max(kind, current, key=KINDS.index)
        self._sync_wanted.set()

    @property
    def refresh_state(self) -> str:
        return self.schedule.state(self._now(), self.budget_left())

    # -- syncing ---------------------------------------------------------------------------------

    def _syncer(self) -> Syncer:
        assert self.client is not None  # no syncing without an account (first run)
        return Syncer(self.client, self.db, self._progress, self._first_page, self.focus_pipeline, self.leads_watch)

    # -- leads and views ---------------------------------------------------------------------------

    def watch_leads(self, shown: bool, who: Any = None) -> None:
        """A screen showing leads (`who`) came into view or left it; leads are looked at while
        any is in view (screens suspend and resume in any order). Coming into view probes at
        once when the leads were never listed in this session or the data is stale."""
        was = self.leads_watch.shown
        if shown:
            self.leads_watch.watchers.add(who)
        else:
            self.leads_watch.watchers.discard(who)
        if shown and not was and (self.leads_watch.last_reconcile is None or self.schedule.stale(self._now())):
            self.request_sync("probe")

    async def load_filters(self) -> None:
        """The saved deal filters now (a cache from before views had none)."""
        from tui.store.views import sync_filters

        async def job(changes: Changes) -> None:
            assert self.client is not None
            ids, _ = await sync_filters(self.client, self.db)
            changes.add("filters", ids, "filters")

        await self._extra(job)

    async def _extra(self, job: Any) -> Any:
        """Run one extra fetch under the sync lock; its changes reach the screens like a sync's."""
        if self.client is None:
            return None
        async with self._sync_lock:
            changes = Changes()
            try:
                result = await job(changes)
            except ApiError as exc:
                if not self._problem(exc):
                    self._update(last_error=exc.message)
                raise
            finally:
                await self._log_tokens()
            if changes.tables:
                self._emit(DataChanged(changes.tables, _frozen(changes.ids)))
            return result

    async def load_archived_leads(self) -> int:
        """The archived leads (listed only when the user shows them). Returns how many."""
        count: int = await self._extra(lambda changes: LeadSync(self._syncer(), self.leads_watch).archived(changes))
        return count

    async def view_results(self, filter_id: int, force: bool = False) -> int | None:
        """A server-side view's deals (v2 /deals?filter_id=), fetched when older than
        RESULTS_MAX_AGE or forced; None when they were fresh enough."""
        age = await self.db.read(results_age, filter_id)
        if not force and age is not None and age < RESULTS_MAX_AGE:
            return None

        async def job(changes: Changes) -> int:
            assert self.client is not None
            count = await fetch_results(self.client, self.db, filter_id)
            changes.add("filter_results", [filter_id], "filter_results")
            changes.add("deals", None, count=count)
            return count

        count: int | None = await self._extra(job)
        return count

    async def sync_now(self, full: bool = False, lists: bool = False) -> dict[str, int]:
        """The first sync if the cache has none yet, else one probe (lists / full on request)."""
        if self.client is None:
            return {}
        async with self._sync_lock:
            syncer = self._syncer()
            first = await syncer.is_first()
            self._update(mode="syncing", first_sync=first, sync_collection=None, sync_done=0, sync_total=None)
            try:
                changes = await syncer.run(full=full, lists=lists)
            except ApiError as exc:
                self._update(first_sync=False, sync_collection=None)
                if not self._problem(exc):
                    self._update(mode="offline" if isinstance(exc, NetworkError) else "online", last_error=exc.message)
                raise
            except BaseException:
                self._update(mode="online", first_sync=False, sync_collection=None)
                raise
            finally:
                await self._log_tokens()
            self.last_changes = changes
            self.last_sync_full = changes.full
            self._held_until = None
            self.schedule.refreshed(self._now())
            problems = await self.db.read(boundary.summary)
            self._update(
                mode="online", first_sync=False, sync_collection=None, last_sync=self.clock.now(), last_error=problems, resume_at=None
            )
            if changes.tables:
                self._emit(DataChanged(changes.tables, _frozen(changes.ids)))
            return changes.counts

    def _progress(self, collection: str, done: int, total: int | None) -> None:
        self._update(sync_collection=collection, sync_done=done, sync_total=total)

    def _first_page(self, changes: Changes) -> None:
        """During the first sync: show what arrived, at most once a second (the first page at once)."""
        if not changes.first:
            return
        now = self._now()
        if self._last_emit and now - self._last_emit < FIRST_SYNC_EMIT:
            return
        self._last_emit = now
        self._emit(DataChanged(changes.tables))

    async def _log_tokens(self) -> None:
        if self.client is None:
            return
        tokens, requests = self.client.tokens_spent, self.client.requests_made
        delta = (tokens - self._logged[0], requests - self._logged[1])
        if delta == (0, 0):
            return
        self._logged = (tokens, requests)
        day = datetime.now(timezone.utc).strftime("%Y-%m-%d")
        await self.db.write(log_tokens, day, *delta)

    async def tokens_today(self) -> tuple[int, int]:
        await self._log_tokens()
        return await self.db.read(spent_on, today())

    async def _sync_loop(self) -> None:
        while True:
            await self._wait_held()
            kind = self._wanted_kind
            self._wanted_kind = "none"
            self._sync_wanted.clear()
            first = await self._syncer().is_first()
            now = self._now()
            due = self.schedule.due_at(now, self.budget_left())
            if first or kind in KINDS or (due is not None and due <= now):
                try:
                    await self.sync_now(full=kind == "full", lists=kind == "lists")
                except ApiError:
                    pass
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # never let the loop die
                    self._update(last_error=f"sync failed: {exc.__class__.__name__}")
                if await self._syncer().is_first() or self._status.mode == "offline":
                    await wait_event(self._sync_wanted, RETRY_FIRST)
                continue
            self._update(refresh=self.refresh_state)
            wait = None if due is None else max(0.0, due - now)
            await wait_event(self._sync_wanted, wait)


def _frozen(ids: dict[str, set[int] | None]) -> dict[str, frozenset[int] | None]:
    return {k: (frozenset(v) if v is not None else None) for k, v in ids.items()}


async def wait_event(event: asyncio.Event, timeout: float | None) -> None:
    """Wait for the event or the timeout, whichever comes first. asyncio.timeout (not
    wait_for): Python 3.11's wait_for can swallow a cancel that arrives as the event is set,
    which made close() hang."""
    try:
        async with asyncio.timeout(timeout):
            await event.wait()
    except TimeoutError:
        pass
