"""What the store tells its subscribers (the UI turns these into Textual messages)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from tui.api.budget import Budget


@dataclass(frozen=True)
class StoreStatus:
    profile: str = "default"
    # signed_out: the server refused the credentials (401); budget_spent: the company's daily
    # token budget is used up; blocked: Pipedrive's firewall (403 page). Edits wait meanwhile.
    mode: Literal["online", "offline", "syncing", "signed_out", "budget_spent", "blocked"] = "online"
    resume_at: datetime | None = None  # when a held state is expected to end (budget reset, block)
    refresh: str = "active"  # the live-refresh schedule's state (tui/store/schedule.py)
    first_sync: bool = False  # true while the cache is being filled the first time
    sync_collection: str | None = None  # what is being fetched now
    sync_done: int = 0  # items fetched in this sync so far
    sync_total: int | None = None  # total if known
    pending: int = 0  # outbox rows waiting to be pushed
    conflicts: int = 0  # outbox rows held as conflicts
    unconfirmed: int = 0  # creates Pipedrive made without saying the id: looked up, never sent again
    proposals: int = 0  # agent proposals waiting for review (tui/store/proposals.py)
    last_sync: datetime | None = None
    budget: Budget | None = None
    last_error: str | None = None  # human text of the last sync/push problem


@dataclass(frozen=True)
class DataChanged:
    """Rows of these tables changed (after an edit, a sync, a rollback). `ids`, when given,
    says which rows per table (a table mapped to None: too many to list)."""

    tables: frozenset[str]
    ids: dict[str, frozenset[int] | None] | None = None


@dataclass(frozen=True)
class StatusChanged:
    status: StoreStatus


@dataclass(frozen=True)
class EditRejected:
    """The server refused an edit for good; the cache was rolled back to the server's state."""

    entity: str
    entity_id: int
    op: str
    reason: str  # human readable, e.g. "Pipedrive refused moving the deal: stage 99 not found"
    fields: tuple[str, ...] = ()  # the payload's fields (for mapping a 400 to a form field)
    values: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)  # what was typed: the form gets it back
    detail: str = ""  # Pipedrive's own message ("Validation failed: value: …")


@dataclass(frozen=True)
class ConflictDetected:
    seq: int
    entity: str
    entity_id: int
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # name -> (mine, theirs)


@dataclass(frozen=True)
class Created:
    """A create reached Pipedrive: everything that used `local_id` now uses `server_id`."""

    entity: str
    local_id: int
    server_id: int


@dataclass(frozen=True)
class Converted:
    """Pipedrive converted a lead into this deal (its notes and activities moved with it and
    are in the cache); `dropped` edits still queued for the lead had nothing to apply to."""

    lead_id: str
    deal_id: int
    dropped: int = 0


StoreEvent = DataChanged | StatusChanged | EditRejected | ConflictDetected | Created | Converted
