"""Derived deal facts v2 no longer returns: activity status, rotting, weighted value.

Pure functions (no SQL, no textual) used by the store's queries and tested on crafted data
with a frozen clock. See the API reference section 7.
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone, tzinfo
from enum import Enum


class ActivityStatus(str, Enum):
    """Pipedrive's next-activity mark on a deal card."""

    OVERDUE = "overdue"  # red: the next undone activity is in the past
    TODAY = "today"  # green: due today (and not yet past its time)
    NONE = "none"  # yellow warning: no undone activity planned
    LATER = "later"  # grey: planned for a later day
    LOADING = "loading"  # the open activities are still coming (first sync): not known yet

    @property
    def urgency(self) -> int:
        """Sort key of Pipedrive's default card order (lower = first)."""
        return {"overdue": 0, "today": 1, "later": 2, "loading": 3, "none": 4}[self.value]


def activity_due(due_date: str | None, due_time: str | None, tz: tzinfo) -> tuple[date, datetime | None] | None:
    """The local date (and local datetime if timed) of an activity due at date/time UTC.

    Pipedrive stores `due_time` in UTC; an activity without time is "all day" on its
    `due_date`, which is taken as the user's local date.
    """
    if not due_date:
        return None
    try:
        d = date.fromisoformat(due_date[:10])
    except ValueError:
        return None
    if not due_time:
        return d, None
    try:
        hour, minute, second = ([int(p) for p in due_time.split(":")[:3]] + [0, 0])[:3]
        t = time(hour, minute, second)
    except (ValueError, TypeError):
        return d, None
    local = datetime.combine(d, t, tzinfo=timezone.utc).astimezone(tz)
    return local.date(), local


def activity_status(due_date: str | None, due_time: str | None, now: datetime) -> ActivityStatus:
    """Status of a deal given its next undone activity (None/None when there is none)."""
    due = activity_due(due_date, due_time, now.tzinfo or timezone.utc)
    if due is None:
        return ActivityStatus.NONE
    local_date, local_dt = due
    today = now.date()
    if local_date < today:
        return ActivityStatus.OVERDUE
    if local_date > today:
        return ActivityStatus.LATER
    if local_dt is not None and local_dt < now:
        return ActivityStatus.OVERDUE
    return ActivityStatus.TODAY


def parse_utc(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def is_rotten(
    status: str,
    rot_enabled: bool,
    days_to_rotten: int | None,
    update_time: str | None,
    now: datetime,
) -> bool:
    """Open deal in a rot-enabled stage, not updated for more than `days_to_rotten` days."""
    if status != "open" or not rot_enabled or days_to_rotten is None:
        return False
    updated = parse_utc(update_time)
    if updated is None:
        return False
    return (now - updated).total_seconds() > days_to_rotten * 86400


def rotten_days(days_to_rotten: int | None, update_time: str | None, now: datetime) -> int:
    """Whole days a rotten deal has been rotting (0 if not)."""
    updated = parse_utc(update_time)
    if updated is None or days_to_rotten is None:
        return 0
    return max(0, int((now - updated).total_seconds() // 86400) - days_to_rotten)


def effective_probability(deal_probability: float | None, stage_probability: float | None, pipeline_enabled: bool) -> float | None:
    """The deal's probability, else the stage's, when the pipeline enables probabilities."""
    if not pipeline_enabled:
        return None
    if deal_probability is not None:
        return float(deal_probability)
    if stage_probability is not None:
        return float(stage_probability)
    return None


def weighted_value(
    value: float | None,
    deal_probability: float | None,
    stage_probability: float | None,
    pipeline_enabled: bool,
) -> float:
    """value × probability / 100; the plain value when probabilities are off or unknown."""
    v = float(value or 0)
    p = effective_probability(deal_probability, stage_probability, pipeline_enabled)
    return v if p is None else v * p / 100.0


# SQL mirror of activity_status's date part, for queries that must order 100k rows in
# SQLite: callers pass today's local date and the UTC offset handling is done in Python
# for the (few) rows due today. See queries/board.py.
