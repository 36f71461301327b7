"""Friendly date input: `YYYY-MM-DD`, `24.12.` (as cards show dates), `24.12.2026`, `today`,
`tomorrow`, `+3d`, `-1w`, `fri` (the coming Friday), `next fri` (a week after that).

Used by every form with a date field. `parse_date` raises `ValueError` with a message
meant to be shown next to the field.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_REL = re.compile(r"^([+-])\s*(\d{1,4})\s*([dwm]?)$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.?(\d{2}|\d{4})?$")

HINT = "use YYYY-MM-DD, 24.12., today, tomorrow, +3d, +2w, fri or next fri"


def _weekday(word: str) -> int | None:
    word = word[:3]
    return WEEKDAYS.index(word) if word in WEEKDAYS else None


def next_weekday(today: date, weekday: int, *, strictly_after: bool = True) -> date:
    """The next date with that weekday (0 = Monday) after today (or today if allowed)."""
    delta = (weekday - today.weekday()) % 7
    if delta == 0 and strictly_after:
        delta = 7
    return today + timedelta(days=delta)


def next_monday(today: date) -> date:
    return next_weekday(today, 0)


def parse_date(text: str, today: date) -> date:
    """Parse user input into a date relative to `today`."""
    raw = text.strip().lower()
    if not raw:
        raise ValueError("enter a date: " + HINT)
    if raw in {"today", "tod", "now"}:
        return today
    if raw in {"tomorrow", "tom", "tmrw"}:
        return today + timedelta(days=1)
    if raw == "yesterday":
        return today - timedelta(days=1)
    if raw in {"next week", "nw"}:
        return next_monday(today)
    m = _REL.match(raw)
    if m:
        sign = 1 if m.group(1) == "+" else -1
        n = int(m.group(2)) * sign
        unit = m.group(3) or "d"
        if unit == "d":
            return today + timedelta(days=n)
        if unit == "w":
            return today + timedelta(weeks=n)
        month = today.month - 1 + n
        year = today.year + month // 12
        month = month % 12 + 1
        day = min(today.day, _days_in_month(year, month))
        return date(year, month, day)
    m = _DOTTED.match(raw)
    if m:
        return _dotted(int(m.group(1)), int(m.group(2)), m.group(3), today, text)
    words = raw.split()
    if len(words) == 2 and words[0] == "next":
        wd = _weekday(words[1])
        if wd is not None:
            # "fri" is the coming Friday; "next fri" always the one a week after it
            return next_weekday(today, wd) + timedelta(weeks=1)
    if len(words) == 1:
        wd = _weekday(words[0])
        if wd is not None:
            return next_weekday(today, wd)
    try:
        return date.fromisoformat(raw)
    except ValueError:
        pass
    raise ValueError(f"'{text.strip()}' is not a date: {HINT}")


def _dotted(day: int, month: int, year_text: str | None, today: date, text: str) -> date:
    """`24.12.` (no year): this year's, unless that was more than a month ago, then next year's."""
    if year_text is None:
        year = today.year
    else:
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
    try:
        found = date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text.strip()}' is not a date: {HINT}") from None
    if year_text is None and found < today - timedelta(days=31):
        found = date(year + 1, month, day) if not (month == 2 and day == 29) else found
    return found


def describe(day: date, today: date) -> str:
    """How a parsed date reads next to the field: `Fri 27 Nov 2026 (in 9 days)`."""
    delta = (day - today).days
    when = {0: "today", 1: "tomorrow", -1: "yesterday"}.get(delta)
    if when is None:
        when = f"in {delta} days" if delta > 0 else f"{-delta} days ago"
    return f"{day:%a %d %b %Y} ({when})"


def parse_time(text: str) -> str | None:
    """`9`, `9:30`, `09:30`, `14:05` -> `HH:MM`; empty -> None. Raises ValueError."""
    raw = text.strip()
    if not raw:
        return None
    m = re.match(r"^(\d{1,2})(?::?(\d{2}))?$", raw)
    if not m:
        raise ValueError(f"'{raw}' is not a time: use HH:MM, e.g. 09:30")
    hour, minute = int(m.group(1)), int(m.group(2) or 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"'{raw}' is not a time of day (00:00-23:59)")
    return f"{hour:02d}:{minute:02d}"


def _days_in_month(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (date(year, month + 1, 1) - date(year, month, 1)).days


_CLOCK = re.compile(r"^\d{1,2}:\d{2}$|^\d{1,2}(?::\d{2})?\s*[ap]m$")
WHEN_HINT = "a date with an optional time: tomorrow, +2d, fri 10:00, next fri 9:30, 24.12. 14:00"


def parse_when(text: str, today: date) -> tuple[date, str | None]:
    """A date and an optional time of day in one field: `+2d`, `fri 10:00`, `next fri 9:30`,
    `24.12. 14:00`, `10:00` (today). Returns (local date, `HH:MM` or None for all day)."""
    raw = " ".join(text.strip().lower().split())
    if not raw:
        raise ValueError("enter a date: " + WHEN_HINT)
    words = raw.split(" ")
    clock = None
    if _CLOCK.match(words[-1]):
        clock = words.pop()
    elif len(words) >= 2 and _CLOCK.match(" ".join(words[-2:])):  # "fri 9 am"
        clock = "".join(words[-2:])
        words = words[:-2]
    hhmm = None
    if clock is not None:
        hhmm = _twelve_hour(clock) if clock.endswith(("am", "pm")) else parse_time(clock)
    if not words:
        if hhmm is None:
            raise ValueError(f"'{text.strip()}' is not a date: {WHEN_HINT}")
        return today, hhmm
    try:
        day = parse_date(" ".join(words), today)
    except ValueError:
        raise ValueError(f"'{text.strip()}' is not a date: {WHEN_HINT}") from None
    return day, hhmm


def _twelve_hour(clock: str) -> str:
    suffix = clock[-2:]
    hour_text, _, minute_text = clock[:-2].strip().partition(":")
    hour, minute = int(hour_text), int(minute_text or 0)
    if not 1 <= hour <= 12 or minute > 59:
        raise ValueError(f"'{clock}' is not a time of day")
    hour = hour % 12 + (12 if suffix == "pm" else 0)
    return f"{hour:02d}:{minute:02d}"
