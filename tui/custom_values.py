"""Custom fields: their definitions (v2 Fields API, cached in `fields`), how a value reads, and
what the editor's input becomes in the shape the v2 API takes inside `custom_fields` (no
textual import: the editor screen and the tests use it alike).

Shapes written (the same as read; `null` clears any type):

    varchar, varchar_auto, text, phone   "text"
    double                               1250.5
    monetary                             {"value": 500, "currency": "EUR"}
    enum                                 12 (option id)          set   [31, 33]  ([] is a 400: null)
    date                                 "2026-11-30"            daterange {"value": "...", "until": "..."}
    time                                 {"value": "09:30:00", "timezone_name": "Europe/Berlin"}
    timerange                            time plus "until"
    address                              {"value": "Unter den Linden 5, Berlin"}
    user, people, org                    1234 (a user, person or organization id)

Other types (int, stage, status, visible_to, picture, ...) are shown as they come and never sent.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tui import numbers
from tui.formatting import clean, money

TEXT_LIMITS = {"varchar": 255, "varchar_auto": 255, "phone": 255, "text": 65535}
EDITABLE = set(TEXT_LIMITS) | {
    "double",
    "monetary",
    "enum",
    "set",
    "date",
    "daterange",
    "time",
    "timerange",
    "address",
    "user",
    "people",
    "org",
}
REF_KINDS = {"user": "user", "people": "person", "org": "organization"}
PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{2,}[0-9]$")
Result = tuple[Any, str | None]
Names = Callable[[str, int], str | None]  # (kind, id) -> name in the cache, or None


@dataclass
class FieldDef:
    code: str
    name: str
    type: str
    options: list[tuple[Any, str]] = field(default_factory=list)
    important_stages: tuple[int, ...] = ()
    required_stages: tuple[int, ...] = ()
    required_statuses: dict[str, list[str]] = field(default_factory=dict)  # pipeline id -> won/lost

    @property
    def editable(self) -> bool:
        return self.type in EDITABLE

    def label(self, option_id: Any) -> str:
        return next((label for oid, label in self.options if oid == option_id), f"#{option_id} (unknown option)")

    def flags(self, stage_id: int | None, pipeline_id: int | None) -> list[str]:
        """What the deal's stage asks of this field (Pipedrive's important/required fields)."""
        out = []
        if stage_id is not None and stage_id in self.required_stages:
            out.append("required in this stage")
        elif stage_id is not None and stage_id in self.important_stages:
            out.append("important in this stage")
        statuses = self.required_statuses.get(str(pipeline_id)) or []
        if statuses:
            out.append("required to mark " + " or ".join(statuses))
        return out


def from_row(code: str, name: str, field_type: str | None, data: str | dict[str, Any]) -> FieldDef:
    raw = json.loads(data) if isinstance(data, str) else data
    important = raw.get("important_fields") or {}
    required = raw.get("required_fields") or {}
    return FieldDef(
        code,
        name,
        field_type or "",
        [(o.get("id"), str(o.get("label"))) for o in raw.get("options") or []],
        tuple(important.get("stage_ids") or ()) if important.get("enabled") else (),
        tuple(required.get("stage_ids") or ()) if required.get("enabled") else (),
        dict(required.get("statuses") or {}) if required.get("enabled") else {},
    )


# -- reading --------------------------------------------------------------------------------------


def _num(value: Any) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return numbers.shown(value)
    return clean(value)


def _hm(value: Any) -> str:
    return clean(value)[:5]


def display(fd: FieldDef, value: Any, names: Names) -> str:
    """How a value reads on screen: option labels, names of people, amounts with currency."""
    if value is None or value == "" or value == []:
        return "—"
    kind = fd.type
    if isinstance(value, dict) and kind in ("enum",) and "id" in value:
        value = value["id"]  # include_option_labels shape
    if kind == "enum":
        return clean(fd.label(value))
    if kind == "set":
        ids = [v.get("id") if isinstance(v, dict) else v for v in (value if isinstance(value, list) else [value])]
        return ", ".join(clean(fd.label(i)) for i in ids)
    if kind in REF_KINDS:
        ref = value.get("value", value.get("id")) if isinstance(value, dict) else value
        try:
            name = names(REF_KINDS[kind], int(ref))  # type: ignore[arg-type]  # None -> TypeError
        except (TypeError, ValueError):
            name = None
        return clean(name) if name else f"#{ref} (not in the cache)"
    if kind == "monetary" and isinstance(value, dict):
        return money(value.get("value"), value.get("currency"))
    if kind == "double":
        return _num(value)
    if kind == "daterange" and isinstance(value, dict):
        return f"{clean(value.get('value'))} → {clean(value.get('until'))}"
    if kind in ("time", "timerange") and isinstance(value, dict):
        span = _hm(value.get("value")) + (f"–{_hm(value.get('until'))}" if kind == "timerange" else "")
        zone = value.get("timezone_name")
        return span + (f" ({clean(zone)})" if zone else "")
    if kind == "address" and isinstance(value, dict):
        return clean(value.get("value") or value.get("formatted_address"))
    if isinstance(value, dict):
        return clean(value.get("value", json.dumps(value, ensure_ascii=False)))
    if isinstance(value, list):
        return ", ".join(clean(v) for v in value)
    return clean(value)


def inputs(fd: FieldDef, value: Any) -> dict[str, Any]:
    """The editor's starting inputs for a value (text, until, currency, choice, choices)."""
    kind = fd.type
    if value is None:
        return {"choices": []} if kind == "set" else {}
    if kind in TEXT_LIMITS or kind == "date":
        return {"text": str(value)}
    if kind == "double":
        return {"text": _plain(value)}
    if kind == "monetary" and isinstance(value, dict):
        return {"text": _plain(value.get("value")), "currency": value.get("currency") or ""}
    if kind == "enum":
        return {"choice": value.get("id") if isinstance(value, dict) else value}
    if kind == "set":
        return {"choices": [v.get("id") if isinstance(v, dict) else v for v in value]}
    if kind == "daterange" and isinstance(value, dict):
        return {"text": value.get("value") or "", "until": value.get("until") or ""}
    if kind in ("time", "timerange") and isinstance(value, dict):
        return {"text": _hm(value.get("value")), "until": _hm(value.get("until")), "zone": value.get("timezone_name")}
    if kind == "address" and isinstance(value, dict):
        return {"text": value.get("value") or ""}
    if kind in REF_KINDS:
        return {"choice": value.get("value", value.get("id")) if isinstance(value, dict) else value}
    return {"text": str(value)}


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return numbers.plain(value)  # as the user types it back: the locale's decimal mark
    return str(value)


# -- writing --------------------------------------------------------------------------------------


def _number(text: str, what: str) -> Result:
    return numbers.parse(text, what)  # in the user's locale: "12500,50" is never 1,250,050


def _date(text: str, today: date, what: str) -> Result:
    from tui.dates import parse_date

    if not text.strip():
        return None, None
    try:
        return parse_date(text, today).isoformat(), None
    except ValueError as exc:
        return None, f"{what}: {exc}"


def _time(text: str, what: str) -> Result:
    from tui.dates import parse_time

    try:
        hhmm = parse_time(text)
    except ValueError as exc:
        return None, f"{what}: {exc}"
    return (f"{hhmm}:00" if hhmm else None), None


def parse(
    fd: FieldDef, given: dict[str, Any], *, today: date, zone: str, currencies: set[str], default_currency: str | None = None
) -> Result:
    """(the value to send, or an error message for next to the field). None clears the field."""
    kind = fd.type
    text = str(given.get("text") or "")
    if kind not in EDITABLE:
        return None, f"{fd.name} ({kind}) cannot be edited here"
    if kind in TEXT_LIMITS:
        value = text if kind == "text" else text.strip()
        if not value.strip():
            return None, None
        if len(value) > TEXT_LIMITS[kind]:
            return None, f"{fd.name} takes at most {TEXT_LIMITS[kind]} characters ({len(value)} now)"
        if kind == "phone" and not PHONE.match(value):
            return None, f"'{value}' is not a phone number (digits, spaces, +-()./)"
        return value, None
    if kind == "double":
        return _number(text, fd.name)
    if kind == "monetary":
        amount, error = _number(text, f"{fd.name}: the amount")
        if error or amount is None:
            return None, error
        code = str(given.get("currency") or default_currency or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", code):
            return None, "The currency is a 3-letter code, e.g. EUR"
        if currencies and code not in currencies:
            return None, f"Unknown currency {code}"
        return {"value": amount, "currency": code}, None
    if kind == "enum":
        choice = given.get("choice")
        if choice is not None and choice not in {oid for oid, _ in fd.options}:
            return None, f"Pick one of the options of {fd.name}"
        return choice, None
    if kind == "set":
        chosen = list(dict.fromkeys(given.get("choices") or []))
        known = {oid for oid, _ in fd.options}
        if any(c not in known for c in chosen):
            return None, f"Pick options of {fd.name}"
        return (chosen or None), None  # an empty set is cleared with null ([] is refused)
    if kind == "date":
        return _date(text, today, fd.name)
    if kind == "daterange":
        start, error = _date(text, today, "Start")
        until, error2 = _date(str(given.get("until") or ""), today, "End")
        if error or error2:
            return None, error or error2
        if start is None and until is None:
            return None, None
        if start is None or until is None:
            return None, "A date range needs a start and an end (or neither, to clear it)"
        if until < start:
            return None, f"The end ({until}) is before the start ({start})"
        return {"value": start, "until": until}, None
    if kind in ("time", "timerange"):
        start, error = _time(text, "Start" if kind == "timerange" else fd.name)
        if error:
            return None, error
        zone_name = given.get("zone") or zone
        if kind == "time":
            return ({"value": start, "timezone_name": zone_name} if start else None), None
        until, error = _time(str(given.get("until") or ""), "End")
        if error:
            return None, error
        if start is None and until is None:
            return None, None
        if start is None or until is None:
            return None, "A time range needs a start and an end (or neither, to clear it)"
        if until <= start:
            return None, f"The end ({until[:5]}) is not after the start ({start[:5]})"
        return {"value": start, "until": until, "timezone_name": zone_name}, None
    if kind == "address":
        if len(text.strip()) > 255:
            return None, f"{fd.name} takes at most 255 characters ({len(text.strip())} now)"
        return ({"value": text.strip()} if text.strip() else None), None
    if given.get("unpicked"):  # text typed in the picker but no match chosen from its list
        return None, f"Pick a match from the list (↓ then enter), or empty the field to clear {fd.name}"
    choice = given.get("choice")  # user, people, org: an id from the picker
    return (int(choice) if choice is not None else None), None


def same(fd: FieldDef, old: Any, new: Any) -> bool:
    """Would sending `new` change nothing the editor shows? (then nothing is sent)"""
    if fd.type in ("time", "timerange", "address", "daterange", "monetary") and isinstance(old, dict):
        if not isinstance(new, dict):
            return False
        keys = {"value", "until", "currency"} & (set(new) | {"value"})
        return all(str(old.get(k) or "")[:8] == str(new.get(k) or "")[:8] for k in keys)
    if fd.type == "set" and isinstance(old, list) and isinstance(new, list):
        return sorted(map(str, old)) == sorted(map(str, new))
    if isinstance(old, (int, float)) and isinstance(new, (int, float)):
        return float(old) == float(new)
    return old == new
