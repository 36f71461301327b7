"""Saved filters (v1 /filters) and `filter_id` on the v2 lists.

Conditions use Pipedrive's JSON: {"glue":"and","conditions":[{"glue":"and","conditions":[...]},
{"glue":"or","conditions":[...]}]}, each condition {object, field_id, operator, value, extra_value}
where field_id is the field's numeric (v1) id. Dates take YYYY-MM-DD or a relative value
(today, this_month, last_quarter, in_2_weeks, ...), evaluated on the server's date.
"""

from __future__ import annotations

import calendar
import copy
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from tui.sandbox import fields
from tui.sandbox import validate as v
from tui.sandbox.state import Obj, State, to_v1

TYPES = ("deals", "leads", "org", "people", "products", "activity", "projects")
OBJECT_OF = {"deals": "deal", "people": "person", "org": "organization", "activity": "activity", "products": "product", "leads": "lead"}
OPERATORS = (
    "=",
    "!=",
    "<",
    ">",
    "<=",
    ">=",
    "IS NULL",
    "IS NOT NULL",
    "LIKE '$%'",
    "LIKE '%$%'",
    "NOT LIKE '$%'",
    "NOT LIKE '%$%'",
    "LIKE '%$'",
    "NOT LIKE '%$'",
    "contains",
    "not_contains",
)
NUMERIC = {"double", "monetary", "int"}
DATES = {"date"}
# fields the sandbox has no Fields API for (ids in v1's style)
ACTIVITY_FIELDS = [
    fields.make_field(i, c, n, t, custom=False)
    for i, c, n, t in (
        (9001, "subject", "Subject", "varchar"),
        (9002, "type", "Type", "varchar"),
        (9003, "owner_id", "Assigned to", "user"),
        (9004, "due_date", "Due date", "date"),
        (9005, "done", "Done", "int"),
        (9006, "deal_id", "Deal", "deal"),
        (9007, "person_id", "Contact person", "people"),
        (9008, "org_id", "Organization", "org"),
        (9009, "add_time", "Add time", "date"),
        (9010, "marked_as_done_time", "Marked as done time", "date"),
    )
]
LEAD_FIELDS = [
    fields.make_field(i, c, n, t, custom=False)
    for i, c, n, t in (
        (9101, "title", "Title", "varchar"),
        (9102, "owner_id", "Owner", "user"),
        (9103, "person_id", "Person", "people"),
        (9104, "organization_id", "Organization", "org"),
        (9105, "expected_close_date", "Expected close date", "date"),
        (9106, "value", "Value", "monetary"),
        (9107, "add_time", "Lead created", "date"),
        (9108, "source_name", "Source", "varchar"),
        (9109, "label_ids", "Labels", "set"),
    )
]


def field_defs(st: State, obj: str) -> list[Obj]:
    if obj == "activity":
        return ACTIVITY_FIELDS
    if obj == "lead":
        return LEAD_FIELDS
    return fields.defs(st, obj)


# -- relative dates -------------------------------------------------------------------------


def _add_months(d: date, n: int) -> date:
    m = d.month - 1 + n
    y, m = d.year + m // 12, m % 12 + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def date_range(value: str, today: date) -> tuple[date | None, date | None]:
    """The (first, last) day a date condition value stands for (None = open end)."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        d = date.fromisoformat(value)
        return d, d
    monday = today - timedelta(days=today.weekday())
    first = today.replace(day=1)
    q0 = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    fixed: dict[str, tuple[date | None, date | None]] = {
        "today": (today, today),
        "now": (today, today),
        "yesterday": (today - timedelta(1),) * 2,
        "tomorrow": (today + timedelta(1),) * 2,
        "before_today": (None, today - timedelta(1)),
        "later_or_today": (today, None),
        "before_tomorrow": (None, today),
        "later_or_tomorrow": (today + timedelta(1), None),
        "this_week": (monday, monday + timedelta(6)),
        "last_week": (monday - timedelta(7), monday - timedelta(1)),
        "next_week": (monday + timedelta(7), monday + timedelta(13)),
        "this_month": (first, _add_months(first, 1) - timedelta(1)),
        "last_month": (_add_months(first, -1), first - timedelta(1)),
        "next_month": (_add_months(first, 1), _add_months(first, 2) - timedelta(1)),
        "this_quarter": (q0, _add_months(q0, 3) - timedelta(1)),
        "last_quarter": (_add_months(q0, -3), q0 - timedelta(1)),
    }
    if value in fixed:
        return fixed[value]
    m = re.fullmatch(r"(in_)?(\d+)_(weeks?|months?)(_ago)?", value)
    if m and bool(m.group(1)) != bool(m.group(4)):
        n = int(m.group(2)) * (1 if m.group(1) else -1)
        d = today + timedelta(weeks=n) if m.group(3).startswith("week") else _add_months(today, n)
        return d, d
    raise v.bad(f"Invalid date value in filter condition: {value}")


# -- evaluation -----------------------------------------------------------------------------------


def _value_of(obj: Obj, f: Obj) -> Any:
    code = f["field_code"]
    if f["is_custom_field"]:
        val = (obj.get("custom_fields") or {}).get(code)
        return val.get("value") if isinstance(val, dict) else val
    val = obj.get(code)
    if code == "value" and isinstance(val, dict):  # a lead's {amount, currency}
        return val.get("amount")
    return val


def _like(op: str, have: str, want: str) -> bool:
    have, want = have.lower(), want.lower()
    starts, ends, inner = have.startswith(want), have.endswith(want), want in have
    return {
        "LIKE '$%'": starts,
        "LIKE '%$%'": inner,
        "NOT LIKE '$%'": not starts,
        "NOT LIKE '%$%'": not inner,
        "LIKE '%$'": ends,
        "NOT LIKE '%$'": not ends,
    }[op]


def _test(cond: Obj, f: Obj, have: Any, today: date) -> bool:
    op, want = cond["operator"], cond.get("value")
    if op == "IS NULL":
        return have in (None, "", [])
    if op == "IS NOT NULL":
        return have not in (None, "", [])
    if have in (None, ""):
        return op in ("!=", "NOT LIKE '$%'", "NOT LIKE '%$%'", "NOT LIKE '%$'", "not_contains")
    kind = f["field_type"]
    if isinstance(have, list):
        member = str(want) in {str(x) for x in have}
        return member if op in ("=", "contains") else not member
    if op.startswith(("LIKE", "NOT LIKE")):
        return _like(op, str(have), str(want))
    if kind in DATES:
        lo, hi = date_range(str(want), today)
        d = date.fromisoformat(str(have)[:10])
        inside = (lo is None or d >= lo) and (hi is None or d <= hi)
        return {
            "=": inside,
            "!=": not inside,
            "<": lo is not None and d < lo,
            ">": hi is not None and d > hi,
            "<=": hi is None or d <= hi,
            ">=": lo is None or d >= lo,
        }[op]
    if kind in NUMERIC or (isinstance(have, (int, float)) and not isinstance(have, bool) and op in ("<", ">", "<=", ">=")):
        a: Any
        b: Any
        try:
            a, b = float(have), float(want)  # type: ignore[arg-type]  # None: TypeError, no match
        except (TypeError, ValueError):
            return False
    else:
        a, b = str(have).lower(), str(want).lower()
    return {"=": a == b, "!=": a != b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}.get(op, False)


def _related(st: State, item: Obj, primary: str, obj: str) -> Obj | None:
    if obj == primary:
        return item
    link = {"person": "person_id", "organization": "org_id" if primary != "lead" else "organization_id", "deal": "deal_id"}
    coll = {"person": st.persons, "organization": st.organizations, "deal": st.deals}.get(obj)
    key = link.get(obj)
    if coll is None or key is None or item.get(key) is None:
        return None
    return coll.get(item[key])


def compile_filter(st: State, flt: Obj, primary: str, today: date) -> Callable[[Obj], bool]:
    groups = []
    for group in flt["conditions"]["conditions"]:
        conds = []
        for cond in group.get("conditions") or []:
            f = {x["_id"]: x for x in field_defs(st, cond["object"])}.get(int(cond["field_id"]))
            if f is None:
                raise v.bad(f"Filter {flt['id']}: unknown field {cond['field_id']} for {cond['object']}")
            conds.append((cond, f))
        groups.append((group.get("glue", "and"), conds))

    def test(item: Obj) -> bool:
        for glue, conds in groups:
            if not conds:
                continue
            results = []
            for cond, f in conds:
                target = _related(st, item, primary, cond["object"])
                results.append(_test(cond, f, _value_of(target, f) if target is not None else None, today))
            if not (all(results) if glue == "and" else any(results)):
                return False
        return True

    return test


def apply(st: State, q: dict[str, str], ftype: str, items: list[Obj], today: date) -> list[Obj] | None:
    """Items matching filter_id (None when no filter_id was given)."""
    raw = q.get("filter_id")
    if raw is None or raw == "":
        return None
    try:
        fid = int(raw)
    except ValueError:
        raise v.bad("Validation failed: filter_id: Expected integer") from None
    flt = st.filters.get(fid)
    if flt is None or not flt.get("active_flag"):
        raise v.bad(f"Filter with id {fid} not found")
    if flt["type"] != ftype:
        raise v.bad(f"Filter {fid} is of type '{flt['type']}', not '{ftype}'")
    test = compile_filter(st, flt, OBJECT_OF[ftype], today)
    return [i for i in items if test(i)]


# -- the v1 endpoints -------------------------------------------------------------------------------


def out(flt: Obj, with_conditions: bool, field_code: bool = False) -> Obj:
    data = {k: copy.deepcopy(val) for k, val in flt.items() if k != "conditions"}
    if with_conditions:
        cond = copy.deepcopy(flt["conditions"])
        if not field_code:
            for group in cond["conditions"]:
                for c in group["conditions"]:
                    c.pop("field_code", None)
        data["conditions"] = cond
    return data


def list_filters(st: State, q: dict[str, str]) -> list[Obj]:
    ftype = q.get("type")
    if ftype and ftype not in TYPES:
        raise v.bad(f"Invalid filter type: {ftype}. Expected one of {', '.join(TYPES)}")
    return [out(f, False) for f in st.filters.values() if f.get("active_flag") and (not ftype or f["type"] == ftype)]


def get_filter(st: State, fid: int, q: dict[str, str]) -> Obj:
    flt = st.filters.get(fid)
    if flt is None or not flt.get("active_flag"):
        raise v.not_found("Filter")
    raw = q.get("include_field_code")
    if raw not in (None, "", "true", "false", "1", "0"):
        raise v.bad("include_field_code must be a boolean")
    return out(flt, True, raw in ("true", "1"))


def check_conditions(st: State, conditions: Any, ftype: str) -> Obj:
    if not isinstance(conditions, dict) or conditions.get("glue") != "and" or not isinstance(conditions.get("conditions"), list):
        raise v.bad('conditions must be {"glue":"and","conditions":[...]}')
    groups = conditions["conditions"]
    if not 1 <= len(groups) <= 2 or [g.get("glue") if isinstance(g, dict) else None for g in groups] not in (["and"], ["and", "or"]):
        raise v.bad("conditions must hold one group glued with 'and' and optionally one glued with 'or'")
    total = 0
    clean: dict[str, Any] = {"glue": "and", "conditions": []}
    for g in groups:
        if not isinstance(g.get("conditions"), list):
            raise v.bad("each condition group needs a conditions array")
        items = []
        for c in g["conditions"]:
            total += 1
            if not isinstance(c, dict) or not {"object", "field_id", "operator"} <= set(c):
                raise v.bad("each condition needs object, field_id and operator")
            if c["operator"] not in OPERATORS:
                raise v.bad(f"Unknown operator: {c['operator']}")
            try:
                f = {x["_id"]: x for x in field_defs(st, c["object"])}.get(int(c["field_id"]))
            except (KeyError, ValueError, TypeError):
                f = None
            if f is None:
                raise v.bad(f"Unknown field {c.get('field_id')} for object {c.get('object')}")
            if f["field_type"] in DATES and c.get("value") not in (None, ""):
                date_range(str(c["value"]), date.today())
            items.append(
                {
                    "object": c["object"],
                    "field_id": str(c["field_id"]),
                    "operator": c["operator"],
                    "value": None if c.get("value") is None else str(c["value"]),
                    "extra_value": c.get("extra_value"),
                    "json_value_flag": False,
                    "field_code": f["field_code"],
                }
            )
        clean["conditions"].append({"glue": g["glue"], "conditions": items})
    if total > 16:
        raise v.bad("A maximum of 16 conditions is allowed per filter")
    return clean


def create_filter(st: State, body: dict[str, Any], now: str) -> Obj:
    extra = set(body) - {"name", "conditions", "type"}
    if extra:
        raise v.bad(f"Unknown parameters: {', '.join(sorted(extra))}")
    if not isinstance(body.get("name"), str) or not body["name"].strip():
        raise v.bad("name is required")
    if body.get("type") not in TYPES:
        raise v.bad(f"type must be one of {', '.join(TYPES)}")
    conditions = check_conditions(st, body.get("conditions"), body["type"])
    fid = st.new_id("filters")
    st.filters[fid] = {
        "id": fid,
        "name": body["name"].strip(),
        "filter_code": None,
        "is_editable": True,
        "active_flag": True,
        "type": body["type"],
        "temporary_flag": None,
        "user_id": st.me_id,
        "add_time": to_v1(now),
        "update_time": to_v1(now),
        "visible_to": "1",
        "last_used_time": None,
        "custom_view_id": None,
        "conditions": conditions,
    }
    return out(st.filters[fid], True, True)
