"""In-memory state of the sandbox: collections in the API's JSON shapes, ids, server time."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

Obj = dict[str, Any]

COLLECTIONS = (
    "deals",
    "persons",
    "organizations",
    "activities",
    "notes",
    "pipelines",
    "stages",
    "users",
    "activity_types",
    "currencies",
    "deal_fields",
    "person_fields",
    "organization_fields",
    "products",
    "deal_products",
    "leads",
    "lead_labels",
    "filters",
    "files",
)


def rfc3339(dt: datetime) -> str:
    """UTC, whole seconds: 2026-11-18T09:30:00Z."""
    return dt.astimezone(timezone.utc).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def v1time(dt: datetime) -> str:
    """v1's format: 2026-11-18 09:30:00 (UTC)."""
    return dt.astimezone(timezone.utc).replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")


def to_v1(ts: str | None) -> str | None:
    """RFC 3339 (v2) -> v1's "YYYY-MM-DD HH:MM:SS"."""
    return ts.replace("T", " ").replace("Z", "")[:19] if ts else ts


def iso_ms(ts: str) -> str:
    """RFC 3339 whole seconds -> the leads API's form with milliseconds (2026-11-18T09:30:00.000Z)."""
    return ts[:19] + ".000Z"


def parse_rfc3339(text: str) -> datetime:
    """Strict-ish RFC 3339 (whole seconds, as Pipedrive expects). Raises ValueError."""
    if not isinstance(text, str) or "T" not in text:
        raise ValueError(text)
    dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        raise ValueError(text)
    return dt


@dataclass
class State:
    deals: dict[int, Obj] = field(default_factory=dict)
    persons: dict[int, Obj] = field(default_factory=dict)
    organizations: dict[int, Obj] = field(default_factory=dict)
    activities: dict[int, Obj] = field(default_factory=dict)
    notes: dict[int, Obj] = field(default_factory=dict)
    pipelines: dict[int, Obj] = field(default_factory=dict)
    stages: dict[int, Obj] = field(default_factory=dict)
    users: dict[int, Obj] = field(default_factory=dict)
    activity_types: dict[int, Obj] = field(default_factory=dict)
    currencies: dict[int, Obj] = field(default_factory=dict)
    deal_fields: list[Obj] = field(default_factory=list)
    person_fields: list[Obj] = field(default_factory=list)
    organization_fields: list[Obj] = field(default_factory=list)
    product_fields: list[Obj] = field(default_factory=list)
    products: dict[int, Obj] = field(default_factory=dict)
    deal_products: dict[int, Obj] = field(default_factory=dict)  # attachment id -> deal-product
    leads: dict[str, Obj] = field(default_factory=dict)  # uuid -> lead
    lead_labels: dict[str, Obj] = field(default_factory=dict)
    filters: dict[int, Obj] = field(default_factory=dict)
    conversions: dict[str, Obj] = field(default_factory=dict)  # conversion uuid -> job
    deal_log: dict[int, list[Obj]] = field(default_factory=dict)  # deal id -> recorded changes, oldest first
    goals: dict[str, Obj] = field(default_factory=dict)  # goal id -> goal (v1 goals API)
    call_logs: dict[str, Obj] = field(default_factory=dict)  # call log id (a string) -> call log
    followers: dict[tuple[str, int], list[Obj]] = field(default_factory=dict)  # ("deals", id) -> [{user_id, add_time}]
    participants: dict[int, Obj] = field(default_factory=dict)  # participant id -> {id, deal_id, person_id, add_time}
    mail_threads: dict[int, Obj] = field(default_factory=dict)  # mail thread id -> thread (mailbox.py)
    mail_messages: dict[int, Obj] = field(default_factory=dict)  # mail message id -> message, its HTML in "_body"
    files: dict[int, Obj] = field(default_factory=dict)  # file id -> the v1 file object (routes_files.py)
    file_blobs: dict[int, bytes] = field(default_factory=dict)  # file id -> its bytes (the download)
    log_ids: int = 0
    me_id: int = 1
    company: Obj = field(default_factory=dict)
    contact_sync: bool = False  # persons carry im, postal_address, birthday, job_title, notes
    next_ids: dict[str, int] = field(default_factory=dict)

    def new_id(self, collection: str) -> int:
        coll = getattr(self, collection)
        current = self.next_ids.get(collection) or (max(coll) + 1 if coll else 1)
        self.next_ids[collection] = current + 1
        return current


class ServerClock:
    """Server time: starts at `start` and advances with real elapsed time (+ advance())."""

    def __init__(self, start: datetime | None) -> None:
        self._start = (start or datetime.now(timezone.utc)).astimezone(timezone.utc)
        self._t0 = time.monotonic()
        self._offset = 0.0

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._t0 + self._offset)

    def advance(self, seconds: float) -> None:
        self._offset += seconds

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back and includes advance() (for rate windows)."""
        return time.monotonic() + self._offset


def deal_defaults() -> dict[str, object]:
    """The fields every generated deal has alike (not archived, visible to the company …)."""
    return {
        "is_archived": False,
        "archive_time": None,
        "is_deleted": False,
        "visible_to": 3,
        "label_ids": [],
        "origin": "ManuallyCreated",
        "origin_id": None,
        "channel": None,
        "channel_id": None,
        "acv": None,
        "arr": None,
        "mrr": None,
    }
