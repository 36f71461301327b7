"""Leads and their labels in the cache: listed once, then looked at only while the leads
section is on screen.

Why not the probe: v1 /recents has no `lead` item, so the 20-token probe never says that a
lead changed. While the leads section is shown (`Store.watch_leads`), each probe of the
schedule (tui/store/schedule.py) adds one `GET /v1/leads?updated_since=…` (20 tokens; the
parameter exists on v1 leads since January 2026); elsewhere leads cost nothing. Notes and
activities of leads travel with the probe as usual (they carry `lead_id`).

What updated_since cannot say: a lead deleted, archived or converted by someone else is
simply no longer listed. So at most every RECONCILE seconds (and on `r`) the probe lists
the open leads in full instead (20 tokens per 500 leads) and drops the cached open leads
the list lacks (unless edits to them wait). Archived leads are listed only when the user
asks for them (`/v1/leads/archived`, 40 tokens per 500). Labels: 10 tokens, on the first
listing and on `r`.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from tui.store import ingest
from tui.store.sync_plan import LABELS_TASK, LEADS_TASK, task_state

if TYPE_CHECKING:
    from tui.store.sync import Changes, Syncer

OVERLAP = timedelta(seconds=2)
RECONCILE = 1800.0  # seconds between full listings of the open leads while the section is shown


def newest_lead(conn: sqlite3.Connection) -> str | None:
    latest: str | None = conn.execute("SELECT MAX(update_time) FROM leads").fetchone()[0]
    return latest


def _since(mark: str) -> str:
    dt = datetime.fromisoformat(mark.replace("Z", "+00:00")) - OVERLAP
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _pending(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT DISTINCT entity_id FROM outbox WHERE entity = 'lead' AND state IN ('pending','conflict')")}


def replace_listed(conn: sqlite3.Connection, items: list[dict[str, Any]], archived: bool) -> list[str]:
    """A complete listing of open (or archived) leads: store it, drop what it lacks. Returns
    the ids dropped."""
    from tui.store.server_rows import apply_server_objects

    apply_server_objects(conn, "lead", items)
    listed = {o["id"] for o in items}
    cached = {r[0] for r in conn.execute("SELECT id FROM leads WHERE is_archived = ?", (1 if archived else 0,))}
    gone = sorted(cached - listed - _pending(conn))
    ingest.delete(conn, "lead", gone)
    return gone


@dataclass
class LeadWatch:
    """Kept by the Store: which screens showing leads are in view (the leads section, a lead),
    and when the open leads were last listed in full."""

    watchers: set[Any] = field(default_factory=set)
    last_reconcile: float | None = None  # time.monotonic() of the last full listing

    @property
    def shown(self) -> bool:
        return bool(self.watchers)


class LeadSync:
    """The leads part of a Syncer (tui/store/sync.py) runs: first listing, probe, reconcile."""

    def __init__(self, syncer: "Syncer", watch: LeadWatch) -> None:
        self.syncer = syncer
        self.db = syncer.db
        self.watch = watch

    async def first(self, changes: "Changes") -> None:
        """The first listing (resumable page by page) and the labels."""
        await self.syncer.run_task(LABELS_TASK, changes)
        await self.syncer.run_task(LEADS_TASK, changes)
        self.watch.last_reconcile = time.monotonic()

    async def loaded(self) -> bool:
        return (await self.db.read(task_state, LEADS_TASK.key))[1]

    async def probe(self, changes: "Changes", reconcile: bool = False) -> None:
        """While the leads section is shown: what changed since the newest lead we have."""
        if not await self.loaded():
            await self.first(changes)
            return
        last = self.watch.last_reconcile
        if reconcile or last is None or time.monotonic() - last > RECONCILE:
            await self.reconcile(changes)
            return
        mark = await self.db.read(newest_lead)
        params = {"updated_since": _since(mark)} if mark else {}
        items = await self.syncer._all(LEADS_TASK.path, params)
        if items:
            from tui.store.server_rows import apply_server_objects

            await self.db.write(apply_server_objects, "lead", items)
            changes.add("leads", [o["id"] for o in items], "leads")

    async def reconcile(self, changes: "Changes") -> None:
        """The open leads listed in full (what others deleted, archived or converted goes)."""
        items = await self.syncer._all(LEADS_TASK.path, {})
        gone = await self.db.write(replace_listed, items, False)
        changes.add("leads", [o["id"] for o in items] + gone, "leads")
        await self.labels(changes)
        self.watch.last_reconcile = time.monotonic()

    async def labels(self, changes: "Changes") -> None:
        await self.db.write(lambda c: c.execute("UPDATE sync_state SET complete = 0 WHERE collection = ?", (LABELS_TASK.key,)))
        await self.syncer.run_task(LABELS_TASK, changes)

    async def archived(self, changes: "Changes") -> int:
        """The archived leads (only when the user shows them): 40 tokens per 500."""
        items = await self.syncer._all("/api/v1/leads/archived", {})
        gone = await self.db.write(replace_listed, items, True)
        changes.add("leads", [o["id"] for o in items] + gone, "leads")
        return len(items)


def label_colors(conn: sqlite3.Connection) -> dict[str, tuple[str, str | None]]:
    """label id -> (name, colour name) of every cached lead label."""
    return {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, name, color FROM lead_labels")}


def lead_json(conn: sqlite3.Connection, lead_id: str) -> dict[str, Any] | None:
    row = conn.execute("SELECT data FROM leads WHERE id = ?", (lead_id,)).fetchone()
    return json.loads(row[0]) if row else None
