"""v1 GET /recents: what changed since a time, oldest first, in v1 shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from tui.sandbox import paging, v1, v1shapes
from tui.sandbox import validate as v
from tui.sandbox.state import Obj, State, to_v1

ITEMS = ("activity", "activityType", "deal", "file", "filter", "note", "person", "organization", "pipeline", "product", "stage", "user")


def _since(q: dict[str, str]) -> str:
    raw = q.get("since_timestamp")
    if not raw:
        raise v.bad("since_timestamp is required")
    try:
        datetime.strptime(raw, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise v.bad("since_timestamp must be in the format YYYY-MM-DD HH:MM:SS") from None
    return raw


def recents(st: State, q: dict[str, str]) -> tuple[list[Obj], Obj]:
    since = _since(q)
    wanted = [x.strip() for x in (q.get("items") or "").split(",") if x.strip()]
    for w in wanted:
        if w not in ITEMS:
            raise v.bad(f"Invalid items value: {w}. Expected one of {', '.join(ITEMS)}")
    kinds = set(wanted or ITEMS)
    found: list[tuple[str, str, int, Any]] = []

    def scan(kind: str, coll: dict[int, Obj], shape: Any, stamp: Any = lambda o: to_v1(o.get("update_time"))) -> None:
        if kind not in kinds:
            return
        for obj in coll.values():
            t = stamp(obj)
            if t and t >= since:
                found.append((t, kind, obj["id"], lambda obj=obj: shape(st, obj)))

    scan("deal", st.deals, v1shapes.deal)
    scan("person", st.persons, v1shapes.person)
    scan("organization", st.organizations, v1shapes.organization)
    scan("activity", st.activities, v1shapes.activity)
    scan("note", st.notes, lambda s, n: v1.note_out(s, n), lambda n: n.get("update_time"))
    scan("pipeline", st.pipelines, _pipeline)
    scan("stage", st.stages, _stage)
    scan("product", st.products, _product)
    scan("filter", st.filters, lambda s, f: {k: val for k, val in f.items() if k != "conditions"}, lambda f: f.get("update_time"))
    scan("activityType", st.activity_types, lambda s, t: dict(t), lambda t: t.get("update_time"))
    scan("user", st.users, lambda s, u: dict(u), lambda u: u.get("modified"))
    found.sort(key=lambda f: (f[0], ITEMS.index(f[1]), f[2]))
    chunk, pagination = paging.v1_page(found, q)
    data = [{"item": kind, "id": oid, "data": make()} for _, kind, oid, make in chunk]
    extra = {"since_timestamp": since, "last_timestamp_on_page": chunk[-1][0] if chunk else None, "pagination": pagination}
    return data, extra


def _pipeline(st: State, p: Obj) -> Obj:
    return {
        "id": p["id"],
        "name": p["name"],
        "url_title": p["name"].replace(" ", "-"),
        "order_nr": p["order_nr"],
        "active": not p.get("is_deleted"),
        "deal_probability": p.get("is_deal_probability_enabled"),
        "add_time": to_v1(p.get("add_time")),
        "update_time": to_v1(p.get("update_time")),
    }


def _stage(st: State, s: Obj) -> Obj:
    pipe = st.pipelines.get(s["pipeline_id"]) or {}
    return {
        "id": s["id"],
        "order_nr": s["order_nr"],
        "name": s["name"],
        "active_flag": not s.get("is_deleted"),
        "deal_probability": s.get("deal_probability"),
        "pipeline_id": s["pipeline_id"],
        "rotten_flag": s.get("is_deal_rot_enabled"),
        "rotten_days": s.get("days_to_rotten"),
        "add_time": to_v1(s.get("add_time")),
        "update_time": to_v1(s.get("update_time")),
        "pipeline_name": pipe.get("name"),
        "pipeline_deal_probability": pipe.get("is_deal_probability_enabled"),
    }


def _product(st: State, p: Obj) -> Obj:
    return {
        "id": p["id"],
        "name": p["name"],
        "code": p.get("code"),
        "description": p.get("description"),
        "unit": p.get("unit"),
        "tax": p.get("tax"),
        "category": p.get("category"),
        "active_flag": not p.get("is_deleted"),
        "selectable": p.get("is_linkable"),
        "first_char": (p.get("name") or " ")[0].lower(),
        "visible_to": p.get("visible_to"),
        "owner_id": p.get("owner_id"),
        "files_count": None,
        "add_time": to_v1(p.get("add_time")),
        "update_time": to_v1(p.get("update_time")),
        "prices": [dict(x) for x in p.get("prices") or []],
    }
