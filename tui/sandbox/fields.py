"""Field definitions and custom-field values in the v2 shapes (the migration guide's table):

varchar / varchar_auto / text / phone  "str"            double   500
monetary   {"value": 500, "currency": "USD"}           enum     123 (option id)
set        [123, 456] (null clears; [] is a 400)        date     "2026-01-31"
daterange  {"value": "2026-01-01", "until": "2026-02-01"}
time       {"value": "09:00:00", "timezone_id": .., "timezone_name": "Europe/Berlin"}
timerange  like time, plus "until"
address    {"value": "...", country, ..., formatted_address} (only value required on write)
user / people / org   1234 (a user, person or organization id)

Definitions keep a numeric `_id` (v1's field id, used by filter conditions); keys starting
with "_" never leave the sandbox.
"""

from __future__ import annotations

import copy
import re
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from tui.sandbox import validate as v
from tui.sandbox.state import Obj, State

ENTITY_FIELDS = {"deal": "deal_fields", "person": "person_fields", "organization": "organization_fields", "product": "product_fields"}
ADDRESS_PARTS = (
    "value",
    "country",
    "admin_area_level_1",
    "admin_area_level_2",
    "locality",
    "sublocality",
    "route",
    "street_number",
    "subpremise",
    "postal_code",
    "formatted_address",
)
TEXT_TYPES = {"varchar": 255, "varchar_auto": 255, "phone": 255, "text": 65535}
CUSTOM_TYPES = (
    "varchar",
    "text",
    "double",
    "monetary",
    "enum",
    "set",
    "date",
    "daterange",
    "time",
    "timerange",
    "phone",
    "address",
    "user",
    "people",
    "org",
    "varchar_auto",
)
TIME_RX = re.compile(r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?")


def subfields_for(field_type: str, name: str) -> list[Obj] | None:
    if field_type == "monetary":
        return [
            {"field_code": "value", "field_name": f"Amount of {name}", "field_type": "double"},
            {"field_code": "currency", "field_name": f"Currency of {name}", "field_type": "varchar"},
        ]
    if field_type == "daterange":
        return [
            {"field_code": "value", "field_name": f"Start of {name}", "field_type": "date"},
            {"field_code": "until", "field_name": f"End of {name}", "field_type": "date"},
        ]
    if field_type in ("time", "timerange"):
        parts = [{"field_code": "value", "field_name": f"{'Start of ' if field_type == 'timerange' else ''}{name}", "field_type": "time"}]
        if field_type == "timerange":
            parts.append({"field_code": "until", "field_name": f"End of {name}", "field_type": "time"})
        return parts + [
            {"field_code": "timezone_id", "field_name": f"Time zone id of {name}", "field_type": "int"},
            {"field_code": "timezone_name", "field_name": f"Time zone of {name}", "field_type": "varchar"},
        ]
    if field_type == "address":
        return [
            {"field_code": p, "field_name": f"{p.replace('_', ' ').capitalize()} of {name}", "field_type": "varchar"} for p in ADDRESS_PARTS
        ]
    return None


def make_field(
    fid: int,
    code: str,
    name: str,
    field_type: str,
    *,
    custom: bool = True,
    options: list[Obj] | None = None,
    description: str = "",
    optional: bool = False,
) -> Obj:
    return {
        "field_code": code,
        "field_name": name,
        "description": description,
        "field_type": field_type,
        "options": options,
        "subfields": subfields_for(field_type, name) if custom or field_type == "monetary" else None,
        "is_custom_field": custom,
        "is_optional_response_field": optional,
        "_id": fid,
    }


def defs(st: State, entity: str) -> list[Obj]:
    return getattr(st, ENTITY_FIELDS[entity])


def custom_defs(st: State, entity: str) -> list[Obj]:
    return [f for f in defs(st, entity) if f["is_custom_field"]]


def by_code(st: State, entity: str) -> dict[str, Obj]:
    return {f["field_code"]: f for f in defs(st, entity)}


def by_id(st: State, entity: str) -> dict[int, Obj]:
    return {f["_id"]: f for f in defs(st, entity) if "_id" in f}


# -- output -------------------------------------------------------------------------------------

UI = {
    "ui_visibility": lambda f: {
        "add_visible_flag": True,
        "details_visible_flag": True,
        "projects_detail_visible_flag": False,
        "show_in_pipelines": {"show_in_all": True, "pipeline_ids": []},
    },
    "important_fields": lambda f: {"enabled": bool(f.get("_important")), "stage_ids": list(f.get("_important") or [])},
    "required_fields": lambda f: {
        "enabled": f["field_code"] == "title" or bool(f.get("_required")),
        "stage_ids": list((f.get("_required") or {}).get("stages") or []),
        "statuses": dict((f.get("_required") or {}).get("statuses") or {}),
    },
}


def field_out(f: Obj, include: set[str]) -> Obj:
    out = {k: copy.deepcopy(val) for k, val in f.items() if not k.startswith("_")}
    for name in include:
        out[name] = UI[name](f)
    return out


def include_namespaces(q: dict[str, str], allowed: tuple[str, ...] = tuple(UI)) -> set[str]:
    raw = q.get("include_fields")
    if not raw:
        return set()
    names = {x.strip() for x in raw.split(",") if x.strip()}
    unknown = names - set(allowed)
    if unknown:
        raise v.bad(
            f"Validation failed: include_fields: Invalid enum value. Expected {' | '.join(allowed)}, received '{sorted(unknown)[0]}'"
        )
    return names


def present_custom(
    st: State, entity: str, stored: dict[str, Any] | None, q: dict[str, str], cdefs: list[Obj] | None = None
) -> dict[str, Any]:
    """Every custom field of the entity (null when unset), narrowed by custom_fields=,
    enum/set values as {id,label} with include_option_labels=true."""
    stored = stored or {}
    cdefs = custom_defs(st, entity) if cdefs is None else cdefs
    wanted = q.get("custom_fields")
    keys = [f for f in cdefs]
    if wanted:
        names = [x.strip() for x in wanted.split(",") if x.strip()]
        if len(names) > 15:
            raise v.bad("Validation failed: custom_fields: A maximum of 15 keys is allowed")
        known = {f["field_code"]: f for f in cdefs}
        missing = [n for n in names if n not in known]
        if missing:
            raise v.bad(f"Validation failed: custom_fields: Unknown custom field key '{missing[0]}'")
        keys = [known[n] for n in names]
    labels = bool_param(q, "include_option_labels")
    out: dict[str, Any] = {}
    for f in keys:
        val: Any = copy.deepcopy(stored.get(f["field_code"]))
        if labels and val is not None and f["field_type"] in ("enum", "set"):
            option_labels = {o["id"]: o["label"] for o in f.get("options") or []}
            if f["field_type"] == "enum":
                val = {"id": val, "label": option_labels.get(val)}
            else:
                val = [{"id": i, "label": option_labels.get(i)} for i in val]
        out[f["field_code"]] = val
    return out


def bool_param(q: dict[str, str], key: str) -> bool:
    raw = q.get(key)
    if raw is None or raw == "":
        return False
    if raw not in ("true", "false"):
        raise v.bad(f"Validation failed: {key}: Expected boolean, received '{raw}'")
    return raw == "true"


# -- writing values -----------------------------------------------------------------------------


def _fail(code: str, message: str) -> v.ApiFailure:
    return v.bad(f"Validation failed: custom_fields.{code}: {message}")


def _date(code: str, value: Any, part: str = "") -> str:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise _fail(code, f"{part}Expected a date (YYYY-MM-DD)")
    try:
        date.fromisoformat(value)
    except ValueError:
        raise _fail(code, f"{part}Invalid date") from None
    return value


def _time(code: str, value: Any, part: str = "") -> str:
    if not isinstance(value, str) or not TIME_RX.fullmatch(value):
        raise _fail(code, f"{part}Expected a time (HH:MM:SS)")
    return value if len(value) == 8 else value + ":00"


def _number(code: str, value: Any, part: str = "") -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _fail(code, f"{part}Expected number, received {type(value).__name__}")
    return value


def _zone(st: State, code: str, value: dict[str, Any]) -> tuple[int | None, str]:
    name = value.get("timezone_name")
    tz_id = value.get("timezone_id")
    if tz_id is not None and not v.is_int(tz_id):
        raise _fail(code, "timezone_id: Expected integer")
    if name is None:
        return tz_id, st.users[st.me_id].get("timezone_name") or "UTC"
    if not isinstance(name, str):
        raise _fail(code, "timezone_name: Expected string")
    try:
        ZoneInfo(name)
    except Exception:
        raise _fail(code, f"timezone_name: Unknown time zone '{name}'") from None
    return tz_id, name


def _object(code: str, value: Any, allowed: tuple[str, ...], what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(code, f"Expected object {what}, received {type(value).__name__}")
    extra = sorted(set(value) - set(allowed))
    if extra:
        raise _fail(code, f"unrecognized keys: {', '.join(extra)}")
    return value


def check_value(st: State, f: Obj, value: Any) -> Any:
    """The stored form of one custom-field value, or a 400 naming the field_code."""
    code, kind = f["field_code"], f["field_type"]
    if value is None:
        return None
    if kind in TEXT_TYPES:
        if not isinstance(value, str):
            raise _fail(code, f"Expected string, received {type(value).__name__}")
        if len(value) > TEXT_TYPES[kind]:
            raise _fail(code, f"String must contain at most {TEXT_TYPES[kind]} characters")
        return value
    if kind == "double":
        return _number(code, value)
    if kind == "monetary":
        obj = _object(code, value, ("value", "currency"), "{value, currency}")
        if "value" not in obj or obj["value"] is None:
            raise _fail(code, "value: Required")
        currency = obj.get("currency") or st.users[st.me_id].get("default_currency") or "EUR"
        if not isinstance(currency, str) or currency not in {c["code"] for c in st.currencies.values()}:
            raise _fail(code, f"currency: Unknown currency {currency}")
        return {"value": _number(code, obj["value"], "value: "), "currency": currency}
    if kind in ("enum", "set"):
        ids = {o["id"] for o in f.get("options") or []}
        if kind == "enum":
            if not v.is_int(value):
                raise _fail(code, f"Expected an option id (integer), received {type(value).__name__}")
            if value not in ids:
                raise _fail(code, f"Option {value} does not exist")
            return value
        if not isinstance(value, list) or not all(v.is_int(i) for i in value):
            raise _fail(code, "Expected an array of option ids (integers)")
        if not value:
            raise _fail(code, "Use null to clear a multiple option field; an empty array is not supported")
        bad_ids = [i for i in value if i not in ids]
        if bad_ids:
            raise _fail(code, f"Option {bad_ids[0]} does not exist")
        return list(dict.fromkeys(value))
    if kind == "date":
        return _date(code, value)
    if kind == "daterange":
        obj = _object(code, value, ("value", "until"), "{value, until}")
        start, until = _date(code, obj.get("value"), "value: "), _date(code, obj.get("until"), "until: ")
        if until < start:
            raise _fail(code, "until must not be before value")
        return {"value": start, "until": until}
    if kind in ("time", "timerange"):
        keys = ("value", "until", "timezone_id", "timezone_name") if kind == "timerange" else ("value", "timezone_id", "timezone_name")
        obj = _object(code, value, keys, "{value" + (", until" if kind == "timerange" else "") + ", timezone_name?}")
        out: dict[str, Any] = {"value": _time(code, obj.get("value"), "value: ")}
        if kind == "timerange":
            out["until"] = _time(code, obj.get("until"), "until: ")
        out["timezone_id"], out["timezone_name"] = _zone(st, code, obj)
        return out
    if kind == "address":
        obj = _object(code, value, ADDRESS_PARTS, "{value, ...}")
        if not isinstance(obj.get("value"), str) or not obj["value"].strip():
            raise _fail(code, "value: Required")
        for part in ADDRESS_PARTS:
            if obj.get(part) is not None and not isinstance(obj[part], str):
                raise _fail(code, f"{part}: Expected string")
        return {p: obj.get(p) for p in ADDRESS_PARTS}
    if kind in ("user", "people", "org"):
        if not v.is_int(value):
            raise _fail(code, f"Expected integer id, received {type(value).__name__}")
        coll, what = {"user": (st.users, "User"), "people": (st.persons, "Person"), "org": (st.organizations, "Organization")}[kind]
        obj = coll.get(value)  # type: ignore[assignment]
        if obj is None or obj.get("is_deleted"):
            raise _fail(code, f"{what} with id {value} not found")
        return value
    raise _fail(code, f"Fields of type {kind} cannot be written")


def check_custom(st: State, entity: str, values: Any) -> dict[str, Any]:
    """Validate a `custom_fields` write; returns the normalised values to merge."""
    if values is None:
        return {}
    if not isinstance(values, dict):
        raise v.bad("Validation failed: custom_fields: Expected object")
    known = {f["field_code"]: f for f in custom_defs(st, entity)}
    out = {}
    for code, value in values.items():
        f = known.get(code)
        if f is None:
            raise v.bad(f"Validation failed: custom_fields.{code}: Unknown custom field")
        out[code] = check_value(st, f, value)
    return out
