"""Saved Pipedrive deal filters as board views: their conditions translated into SQL over
the cache's deals table (alias `d`), or, when one cannot be, Pipedrive's own evaluation.

`translate(conditions, today, fields)` returns a Translation: `where` + `params` when every
condition translates, else `where is None` and `untranslated` lists the ones that did not.
`views(conn, today)` gives every cached deal filter as a View whose `where`/`params` the
board passes to `deal_cards` either way: a server-side view selects the deal ids Pipedrive
returned for `GET /api/v2/deals?filter_id=` (tui/store/views.py keeps them).

Semantics follow Pipedrive's (as the sandbox implements them, tui/sandbox/filters.py):
groups are ANDed, a group's conditions joined by its glue; an empty value (NULL, "", [])
matches IS NULL, `!=` and the NOT LIKE forms only; dates compare by day, relative values
(today, this_month, last_quarter, in_2_weeks …) on the server's (UTC) date; numbers as
numbers; other values as case-folded text; a set field (labels, multi-options) tests
membership. LIKE folds ASCII case only (SQLite's). What translates: the deal's own fields
that the cache keeps (columns, labels, visibility) and its custom fields of scalar types;
conditions on the person or organization of a deal (and odd field types) stay server-side.
"""

from __future__ import annotations

import calendar
import json
import re
import sqlite3
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

COLUMNS = {  # field_code -> SQL over d, and how it compares
    "title": ("d.title", "text"),
    "value": ("d.value", "number"),
    "currency": ("d.currency", "text"),
    "owner_id": ("d.owner_id", "text"),
    "person_id": ("d.person_id", "text"),
    "org_id": ("d.org_id", "text"),
    "pipeline_id": ("d.pipeline_id", "number"),
    "stage_id": ("d.stage_id", "text"),
    "status": ("d.status", "text"),
    "probability": ("d.probability", "number"),
    "expected_close_date": ("d.expected_close_date", "date"),
    "add_time": ("d.add_time", "date"),
    "update_time": ("d.update_time", "date"),
    "won_time": ("d.won_time", "date"),
    "lost_time": ("d.lost_time", "date"),
    "close_time": ("d.close_time", "date"),
    "stage_change_time": ("d.stage_change_time", "date"),
    "lost_reason": ("d.lost_reason", "text"),
    "visible_to": ("json_extract(d.data, '$.visible_to')", "text"),
    "label_ids": ("d.data", "set:$.label_ids"),
}
CUSTOM_KINDS = {
    "varchar": "text",
    "varchar_auto": "text",
    "text": "text",
    "enum": "text",
    "user": "text",
    "org": "text",
    "people": "text",
    "double": "number",
    "int": "number",
    "monetary": "number",
    "date": "date",
    "set": "set",
}
LIKES = {
    "LIKE '$%'": ("", "%", False),
    "LIKE '%$%'": ("%", "%", False),
    "LIKE '%$'": ("%", "", False),
    "NOT LIKE '$%'": ("", "%", True),
    "NOT LIKE '%$%'": ("%", "%", True),
    "NOT LIKE '%$'": ("%", "", True),
}
NEGATIVE = ("!=", "not_contains") + tuple(k for k, v in LIKES.items() if v[2])


@dataclass(frozen=True)
class Condition:
    object: str
    field_id: str
    field_code: str | None
    field_name: str
    operator: str
    value: Any
    translated: bool
    value_label: str | None = None  # the option, user, stage … the value stands for

    def describe(self) -> str:
        op = {
            "IS NULL": "is empty",
            "IS NOT NULL": "is not empty",
            "LIKE '$%'": "starts with",
            "LIKE '%$%'": "contains",
            "LIKE '%$'": "ends with",
            "NOT LIKE '$%'": "does not start with",
            "NOT LIKE '%$%'": "does not contain",
            "NOT LIKE '%$'": "does not end with",
        }.get(self.operator, self.operator)
        where = "" if self.object == "deal" else f"{self.object} "
        shown = self.value_label or self.value
        return f"{where}{self.field_name} {op}" + ("" if shown is None else f" {shown}")


@dataclass
class Translation:
    where: str | None
    params: list[Any] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)

    @property
    def untranslated(self) -> list[Condition]:
        return [c for c in self.conditions if not c.translated]


@dataclass(frozen=True)
class View:
    id: int
    name: str
    where: str  # SQL over deals d (for deal_cards)
    params: tuple[Any, ...]
    server: bool  # evaluated by Pipedrive (filter_results), not by the cache
    conditions: tuple[Condition, ...] = ()
    fetched_at: str | None = None  # server-side: when its deals were fetched
    count: int | None = None  # server-side: how many deals it selected then


# -- relative dates (the server's date) -----------------------------------------------------------


def _months(d: date, n: int) -> date:
    m = d.month - 1 + n
    y, m = d.year + m // 12, m % 12 + 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def date_range(value: str, today: date) -> tuple[date | None, date | None] | None:
    """The (first, last) day a date condition value stands for; None if not understood."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        d = date.fromisoformat(value)
        return d, d
    monday = today - timedelta(days=today.weekday())
    first = today.replace(day=1)
    q0 = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    one = timedelta(days=1)
    fixed: dict[str, tuple[date | None, date | None]] = {
        "today": (today, today),
        "now": (today, today),
        "yesterday": (today - one, today - one),
        "tomorrow": (today + one, today + one),
        "before_today": (None, today - one),
        "later_or_today": (today, None),
        "before_tomorrow": (None, today),
        "later_or_tomorrow": (today + one, None),
        "this_week": (monday, monday + timedelta(6)),
        "last_week": (monday - timedelta(7), monday - one),
        "next_week": (monday + timedelta(7), monday + timedelta(13)),
        "this_month": (first, _months(first, 1) - one),
        "last_month": (_months(first, -1), first - one),
        "next_month": (_months(first, 1), _months(first, 2) - one),
        "this_quarter": (q0, _months(q0, 3) - one),
        "last_quarter": (_months(q0, -3), q0 - one),
    }
    if value in fixed:
        return fixed[value]
    m = re.fullmatch(r"(in_)?(\d+)_(weeks?|months?)(_ago)?", value)
    if m and bool(m.group(1)) != bool(m.group(4)):
        n = int(m.group(2)) * (1 if m.group(1) else -1)
        d = today + timedelta(weeks=n) if m.group(3).startswith("week") else _months(today, n)
        return d, d
    return None


# -- one condition ----------------------------------------------------------------------------------


def _empty(expr: str, kind: str) -> str:
    if kind.startswith("set"):
        return f"COALESCE(json_array_length({expr}, '{kind[4:]}'), 0) = 0" if ":" in kind else f"COALESCE(json_array_length({expr}), 0) = 0"
    return f"({expr} IS NULL OR CAST({expr} AS TEXT) = '')"


def _sql(expr: str, kind: str, op: str, value: Any, today: date) -> tuple[str, list[Any]] | None:
    """SQL true exactly when Pipedrive's condition holds; None if it cannot be said in SQL."""
    if op == "IS NULL":
        return _empty(expr, kind), []
    if op == "IS NOT NULL":
        return f"NOT {_empty(expr, kind)}", []
    if value is None:
        return None
    want = str(value)
    if kind.startswith("set"):
        path = kind[4:] if ":" in kind else None
        each = f"json_each({expr}, '{path}')" if path else f"json_each({expr})"
        member = f"EXISTS (SELECT 1 FROM {each} WHERE CAST(json_each.value AS TEXT) = ?)"
        if op in ("=", "contains"):
            return member, [want]
        if op in ("!=", "not_contains"):
            return f"NOT {member}", [want]
        return None
    empty = _empty(expr, kind)
    if op in LIKES:
        before, after, negate = LIKES[op]
        pattern = before + want.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + after
        test = f"CAST({expr} AS TEXT) {'NOT ' if negate else ''}LIKE ? ESCAPE '\\'"
        return (f"({empty} OR {test})" if negate else f"(NOT {empty} AND {test})"), [pattern]
    if kind == "date":
        span = date_range(want, today)
        if span is None:
            return None
        lo, hi = (x.isoformat() if x else None for x in span)
        day = f"substr({expr}, 1, 10)"
        inside = " AND ".join([f"{day} >= ?"] * (lo is not None) + [f"{day} <= ?"] * (hi is not None)) or "1"
        inside_args = [x for x in (lo, hi) if x is not None]
        tests: dict[str, tuple[str, list[Any]]] = {
            "=": (inside, inside_args),
            "!=": (f"NOT ({inside})", inside_args),
            "<": (f"{day} < ?", [lo]) if lo else ("0", []),
            ">": (f"{day} > ?", [hi]) if hi else ("0", []),
            "<=": (f"{day} <= ?", [hi]) if hi else ("1", []),
            ">=": (f"{day} >= ?", [lo]) if lo else ("1", []),
        }
        if op not in tests:
            return None
        test, args = tests[op]
    elif kind == "number":
        try:
            number = float(want)
        except ValueError:  # Pipedrive: no value compares with it; an empty one is "!="
            return (empty, []) if op == "!=" else ("0", [])
        if op not in ("=", "!=", "<", ">", "<=", ">="):
            return None
        test, args = f"CAST({expr} AS REAL) {op} ?", [number]
    else:
        if op not in ("=", "!="):  # ordering ids or text: Pipedrive's rules are not the cache's
            return None
        test, args = f"lower(CAST({expr} AS TEXT)) {op} lower(?)", [want]
    if op in NEGATIVE:
        return f"({empty} OR {test})", args
    return f"(NOT {empty} AND {test})", args


def _target(cond: dict[str, Any], fields: dict[str, tuple[str, str]]) -> tuple[str, str] | None:
    """(SQL expression over d, comparison kind) of a condition's field, if the cache has it."""
    code = cond.get("field_code")
    if cond.get("object") != "deal" or not code:
        return None
    if code in COLUMNS:
        return COLUMNS[code]
    found = fields.get(code)
    if found is None or found[1] not in CUSTOM_KINDS or not re.fullmatch(r"[A-Za-z0-9_]+", code):
        return None
    kind = CUSTOM_KINDS[found[1]]
    path = f'$.custom_fields."{code}"'
    if kind == "set":
        return "d.data", f"set:{path}"
    # an object value ({value, currency}, {value, ...}) compares by its `value`
    return (
        f"(CASE json_type(d.data, '{path}') WHEN 'object' THEN json_extract(d.data, '{path}.value') "
        f"ELSE json_extract(d.data, '{path}') END)"
    ), kind


def translate(
    conditions: dict[str, Any] | None, today: date, fields: dict[str, tuple[str, str]] | None = None, labels: Labels | None = None
) -> Translation:
    """Pipedrive's condition tree -> SQL over deals d. `fields`: field_code -> (name, type)
    of the deal fields (custom ones are evaluated from the deal's JSON); `labels` names the
    fields and values of the conditions for people (views())."""
    fields = fields or {}
    out = Translation(where=None)
    parts: list[str] = []
    ok = True
    for group in (conditions or {}).get("conditions") or []:
        glue = " OR " if group.get("glue") == "or" else " AND "
        pieces = []
        for cond in group.get("conditions") or []:
            target = _target(cond, fields)
            sql = _sql(target[0], target[1], cond.get("operator", ""), cond.get("value"), today) if target else None
            code = cond.get("field_code")
            obj = cond.get("object", "?")
            name, shown = labels.name(obj, code, cond.get("value")) if labels else (None, None)
            out.conditions.append(
                Condition(
                    obj,
                    str(cond.get("field_id")),
                    code,
                    name or code or f"field {cond.get('field_id')}",
                    cond.get("operator", "?"),
                    cond.get("value"),
                    sql is not None,
                    shown,
                )
            )
            if sql is None:
                ok = False
                continue
            pieces.append(sql[0])
            out.params += sql[1]
        if pieces:
            parts.append("(" + glue.join(pieces) + ")")
    if ok:
        out.where = " AND ".join(parts) or "1"
    else:
        out.params = []
    return out


# -- the views -----------------------------------------------------------------------------------------


class Labels:
    """Names of fields and of the values conditions compare with (options, users, stages)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.fields: dict[tuple[str, str], tuple[str, dict[str, str]]] = {}
        for entity, code, name, data in conn.execute("SELECT entity, field_code, field_name, data FROM fields"):
            options = {str(o.get("id")): str(o.get("label")) for o in json.loads(data).get("options") or []}
            self.fields[(entity, code)] = (name, options)
        self.refs = {
            "owner_id": {str(r[0]): r[1] for r in conn.execute("SELECT id, name FROM users")},
            "stage_id": {
                str(r[0]): f"{r[1]} › {r[2]}"
                for r in conn.execute("SELECT s.id, p.name, s.name FROM stages s LEFT JOIN pipelines p ON p.id = s.pipeline_id")
            },
            "pipeline_id": {str(r[0]): r[1] for r in conn.execute("SELECT id, name FROM pipelines")},
        }

    def name(self, obj: str, code: str | None, value: Any) -> tuple[str | None, str | None]:
        name, options = self.fields.get((obj, code or ""), (None, {}))
        shown = None if value is None else (options.get(str(value)) or self.refs.get(code or "", {}).get(str(value)))
        return name, shown


def deal_fields(conn: sqlite3.Connection) -> dict[str, tuple[str, str]]:
    return {r[0]: (r[1], r[2] or "") for r in conn.execute("SELECT field_code, field_name, field_type FROM fields WHERE entity = 'deal'")}


SERVER_WHERE = "d.id IN (SELECT deal_id FROM filter_results WHERE filter_id = ?)"


def views(conn: sqlite3.Connection, today: date) -> list[View]:
    """Every cached deal filter as a view, by name."""
    fields = deal_fields(conn)
    labels = Labels(conn)
    runs = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT filter_id, fetched_at, count FROM filter_runs")}
    out = []
    for fid, name, data in conn.execute("SELECT id, name, data FROM filters WHERE type = 'deals' ORDER BY name COLLATE NOCASE"):
        t = translate(json.loads(data).get("conditions"), today, fields, labels)
        run = runs.get(fid, (None, None))
        if t.where is not None:
            out.append(View(fid, name, t.where, tuple(t.params), False, tuple(t.conditions)))
        else:
            out.append(View(fid, name, SERVER_WHERE, (fid,), True, tuple(t.conditions), run[0], run[1]))
    return out


def view_deal_ids(conn: sqlite3.Connection, view: View) -> list[int]:
    """The deals of the cache a view selects (every pipeline and status), by id."""
    return [r[0] for r in conn.execute(f"SELECT d.id FROM deals d WHERE {view.where} ORDER BY d.id", view.params)]
