"""Field validation for edit forms: each check returns (value, error message or None).

Nothing is sent until every field of a form passes. Messages are shown next to the field.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from tui import numbers
from tui.dates import parse_date, parse_time

Result = tuple[Any, str | None]

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{3,}[0-9]$")
LABELS = ("work", "home", "mobile", "other")


def required(text: str, what: str = "This field") -> Result:
    value = text.strip()
    return (value, None) if value else (None, f"{what} is required")


def number(text: str, what: str = "Value", *, minimum: float | None = None, maximum: float | None = None) -> Result:
    """A number as the user's locale writes it (tui/numbers.py): "1.234,56" is 1234.56 in
    de_DE and refused in en_US, never 1.23 or 123456."""
    return numbers.parse(text, what, minimum=minimum, maximum=maximum)


def probability(text: str) -> Result:
    return number(text, "Probability", minimum=0, maximum=100)


def friendly_date(text: str, today: date, *, required_: bool = False) -> Result:
    if not text.strip():
        return (None, "A date is required") if required_ else (None, None)
    try:
        return parse_date(text, today).isoformat(), None
    except ValueError as exc:
        return None, str(exc)


def time_of_day(text: str) -> Result:
    try:
        return parse_time(text), None
    except ValueError as exc:
        return None, str(exc)


def duration(text: str) -> Result:
    raw = text.strip().lower()
    if not raw:
        return None, None
    m = re.fullmatch(r"(\d+)\s*(m|min|h)?", raw)
    if m:
        minutes = int(m.group(1)) * (60 if m.group(2) == "h" else 1)
        return f"{minutes // 60:02d}:{minutes % 60:02d}", None
    try:
        return parse_time(raw), None
    except ValueError:
        return None, "Duration: use minutes (30), hours (1h) or HH:MM"


def currency(text: str, known: set[str]) -> Result:
    code = text.strip().upper()
    if not code:
        return None, None
    if not re.fullmatch(r"[A-Z]{3}", code):
        return None, "Currency is a 3-letter code, e.g. EUR"
    if known and code not in known:
        return None, f"Unknown currency {code}; known: {', '.join(sorted(known)[:8])}…"
    return code, None


def contact_list(text: str, kind: str) -> Result:
    """ "a@b.com (work), c@d.org (home)" -> [{"value","label","primary"}]; the first is primary."""
    items = [part.strip() for part in re.split(r"[;,\n]", text) if part.strip()]
    out = []
    for i, item in enumerate(items):
        m = re.fullmatch(r"(.+?)\s*(?:\((\w+)\))?", item)
        value, label = (m.group(1).strip(), (m.group(2) or "work").lower()) if m else (item, "work")
        pattern = EMAIL if kind == "email" else PHONE
        if not pattern.match(value):
            what = "an e-mail address" if kind == "email" else "a phone number (digits, spaces, +-()./)"
            return None, f"'{value}' is not {what}"
        if label not in LABELS:
            return None, f"Label '{label}' must be one of {', '.join(LABELS)}"
        out.append({"value": value, "label": label, "primary": i == 0})
    return out, None


def format_contacts(values: list[dict[str, Any]] | None) -> str:
    ordered = sorted(values or [], key=lambda v: not v.get("primary"))
    return ", ".join(f"{v.get('value')} ({v.get('label') or 'work'})" for v in ordered if v.get("value"))
