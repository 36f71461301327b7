"""The first sync, in the order the user needs it, resumable page by page.

A task is one listing (a path, its parameters, where the items go). Tasks run in phases;
within a phase up to MAX_IN_FLIGHT listings page in parallel. After every page the items
and the task's next cursor are written in one transaction, so an interrupted first sync
resumes where it stopped (a finished task is never fetched again).

    phase 0  board frame    pipelines, stages, users, currencies            ~50 tokens
    phase 1  the board      open deals of the pipeline on screen            10 per 500 deals
             names          organizations and persons of the first cards    (by ids, <=100 each)
    phase 2  due marks      open activities; organizations, persons (all)
    phase 3  the rest       other pipelines' open deals, won, lost, done activities,
                            notes, activity types, field definitions, lead labels, leads, products;
                            then the saved deal filters (tui/store/views.py)

The board paints after the first page of phase 1 (about 60 tokens after login); screens
read `loaded(conn, what)` to say "loading…" instead of showing a fact that is not known
yet (a deal is not "no activity" while the open activities are still coming).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

MAX_IN_FLIGHT = 4


@dataclass(frozen=True)
class Task:
    key: str  # sync_state.collection
    entity: str  # where the items go (ingest entity)
    path: str
    params: dict[str, Any] = field(default_factory=dict)
    version: str = "v2"  # v2 cursor paging, v1 offset paging, "v1once" one unpaged call
    meta: bool = False  # replaces the whole table (pipelines, stages, users, ...)


LEADS_TASK = Task("leads", "lead", "/api/v1/leads", version="v1")
LABELS_TASK = Task("lead_labels", "lead_label", "/api/v1/leadLabels", version="v1once", meta=True)


def plan(pipelines: list[int], focus: int | None) -> list[list[Task]]:
    """The phases of a first sync; `pipelines` known after phase 0."""
    phase0 = [
        Task("pipelines", "pipeline", "/api/v2/pipelines", meta=True),
        Task("stages", "stage", "/api/v2/stages", meta=True),
        Task("users", "user", "/api/v1/users", version="v1once", meta=True),
        Task("currencies", "currency", "/api/v1/currencies", version="v1once", meta=True),
    ]
    focus = focus if focus in pipelines else (pipelines[0] if pipelines else None)
    phase1 = [Task(f"deals:open:{focus}", "deal", "/api/v2/deals", {"pipeline_id": focus, "status": "open"})] if focus else []
    phase2 = [
        Task("activities:open", "activity", "/api/v2/activities", {"done": False}),
        Task("organizations", "organization", "/api/v2/organizations"),
        Task("persons", "person", "/api/v2/persons"),
    ]
    phase3 = [Task(f"deals:open:{p}", "deal", "/api/v2/deals", {"pipeline_id": p, "status": "open"}) for p in pipelines if p != focus]
    phase3 += [
        Task("deals:won", "deal", "/api/v2/deals", {"status": "won"}),
        Task("deals:lost", "deal", "/api/v2/deals", {"status": "lost"}),
        Task("activities:done", "activity", "/api/v2/activities", {"done": True}),
        Task("notes", "note", "/api/v1/notes", version="v1"),
        Task("activity_types", "activity_type", "/api/v1/activityTypes", version="v1once", meta=True),
        *FIELD_TASKS,
        LABELS_TASK,
        LEADS_TASK,
        Task("products", "product", "/api/v2/products"),
    ]
    return [phase0, phase1, phase2, phase3]


# field definitions: the deal fields with the stages where each is important or required
FIELD_TASKS = (
    Task("fields:deal", "field:deal", "/api/v2/dealFields", {"include_fields": "important_fields,required_fields"}),
    Task("fields:person", "field:person", "/api/v2/personFields"),
    Task("fields:organization", "field:organization", "/api/v2/organizationFields"),
)


# -- progress kept in sync_state ----------------------------------------------------------------


def task_state(conn: sqlite3.Connection, key: str) -> tuple[str | None, bool]:
    row = conn.execute("SELECT cursor, complete FROM sync_state WHERE collection = ?", (key,)).fetchone()
    return (row[0], bool(row[1])) if row else (None, False)


def save_progress(conn: sqlite3.Connection, key: str, cursor: str | None, complete: bool, now: str) -> None:
    conn.execute(
        """INSERT INTO sync_state (collection, cursor, complete, last_sync) VALUES (?,?,?,?)
           ON CONFLICT(collection) DO UPDATE SET cursor = excluded.cursor, complete = excluded.complete,
                                                 last_sync = excluded.last_sync""",
        (key, cursor, 1 if complete else 0, now),
    )


def first_sync_done(conn: sqlite3.Connection) -> bool:
    row = conn.execute("SELECT value FROM meta WHERE key = 'first_sync_done'").fetchone()
    return bool(row and row[0] == "1")


LOADED = {
    # what a screen needs -> the task keys that must be complete
    "activities": ("activities:open",),
    "names": ("organizations", "persons"),
    "deals": ("deals:won", "deals:lost"),
    "notes": ("notes",),
}


def loaded(conn: sqlite3.Connection, what: str) -> bool:
    """True once the data a screen shows as a fact is all in the cache (or when no sync is
    filling it: a cache made by other means, e.g. tests)."""
    if first_sync_done(conn) or conn.execute("SELECT 1 FROM sync_state LIMIT 1").fetchone() is None:
        return True
    keys = LOADED[what]
    done = {
        r[0]
        for r in conn.execute(f"SELECT collection FROM sync_state WHERE complete = 1 AND collection IN ({','.join('?' * len(keys))})", keys)
    }
    return done == set(keys)


def open_deal_pages_done(conn: sqlite3.Connection) -> bool:
    return bool(conn.execute("SELECT 1 FROM sync_state WHERE collection LIKE 'deals:open:%' AND complete = 1 LIMIT 1").fetchone())


def missing_names(conn: sqlite3.Connection, pipeline_id: int, per_stage: int = 15) -> tuple[list[int], list[int]]:
    """Org and person ids of the cards likely on the first screen (the first cards of each
    stage) that the cache cannot name yet; at most 100 of each (one request each)."""
    rows = conn.execute(
        """SELECT org_id, person_id FROM (
               SELECT org_id, person_id, ROW_NUMBER() OVER (PARTITION BY stage_id ORDER BY id DESC) AS n
                 FROM deals WHERE pipeline_id = ? AND status = 'open') WHERE n <= ?""",
        (pipeline_id, per_stage),
    ).fetchall()
    orgs = sorted({r[0] for r in rows if r[0]} - {r[0] for r in conn.execute("SELECT id FROM organizations")})
    persons = sorted({r[1] for r in rows if r[1]} - {r[0] for r in conn.execute("SELECT id FROM persons")})
    return orgs[:100], persons[:100]
