"""Insights endpoints of the sandbox, as the v1 spec answers them: deals/summary (with
`value_converted` at fixed demo rates), pipelines' conversion and movement statistics, goals
and their results. Computed from the sandbox's own state on each call."""

from __future__ import annotations

from datetime import date
from typing import Any

from tui.sandbox import validate as v
from tui.sandbox.state import Obj, State

# one unit of each currency in euros (fixed: the demo's and the tests' rates)
DEMO_RATES_EUR: dict[str, float] = {
    "EUR": 1.0,
    "USD": 0.92,
    "GBP": 1.17,
    "JPY": 0.0062,
    "CHF": 1.04,
    "SEK": 0.088,
    "PLN": 0.23,
}


def base_currency(st: State) -> str:
    return str(st.users[st.me_id].get("default_currency") or "EUR")


def rate(st: State, currency: str | None) -> float:
    """The demo rate of `currency` into the user's default currency (0 for an unknown one)."""
    base = DEMO_RATES_EUR.get(base_currency(st), 1.0)
    return DEMO_RATES_EUR.get(currency or "", 0.0) / base


def _live_deals(st: State) -> list[Obj]:
    return [d for d in st.deals.values() if not d.get("is_deleted") and not d.get("is_archived")]


def _int(q: dict[str, str], name: str) -> int | None:
    text = q.get(name)
    if text in (None, ""):
        return None
    try:
        return int(str(text))
    except ValueError:
        raise v.bad(f"{name} must be an integer") from None


def _money(value: float, code: str) -> str:
    return f"{code} {value:,.2f}"


def summary(st: State, q: dict[str, str]) -> tuple[Obj, None]:
    status = q.get("status")
    if status not in (None, "", "open", "won", "lost"):
        raise v.bad("status must be open, won or lost")
    user, pipeline, stage = _int(q, "user_id"), _int(q, "pipeline_id"), _int(q, "stage_id")
    base = base_currency(st)
    totals: dict[str, dict[str, Any]] = {}
    weighted: dict[str, dict[str, Any]] = {}
    for d in _live_deals(st):
        if status and d["status"] != status or user is not None and d.get("owner_id") != user:
            continue
        if pipeline is not None and d.get("pipeline_id") != pipeline or stage is not None and d.get("stage_id") != stage:
            continue
        code = d.get("currency") or base
        t = totals.setdefault(code, {"value": 0.0, "count": 0, "value_converted": 0.0})
        t["value"] += d.get("value") or 0
        t["count"] += 1
        t["value_converted"] += (d.get("value") or 0) * rate(st, code)
        probability = d.get("probability")
        w = weighted.setdefault(code, {"value": 0.0, "count": 0})
        w["value"] += (d.get("value") or 0) * (probability if probability is not None else 100) / 100
        w["count"] += 1
    for code, t in totals.items():
        t["value_formatted"] = _money(t["value"], code)
        t["value_converted_formatted"] = _money(t["value_converted"], base)
    for code, w in weighted.items():
        w["value_formatted"] = _money(w["value"], code)
    total = sum(t["value_converted"] for t in totals.values())
    total_weighted = sum(w["value"] * rate(st, code) for code, w in weighted.items())
    return {
        "values_total": totals,
        "weighted_values_total": weighted,
        "total_count": sum(t["count"] for t in totals.values()),
        "total_currency_converted_value": total,
        "total_weighted_currency_converted_value": total_weighted,
        "total_currency_converted_value_formatted": _money(total, base),
        "total_weighted_currency_converted_value_formatted": _money(total_weighted, base),
    }, None


def _dates(q: dict[str, str]) -> tuple[str, str]:
    start, end = q.get("start_date"), q.get("end_date")
    for name, text in (("start_date", start), ("end_date", end)):
        try:
            date.fromisoformat(str(text))
        except ValueError:
            raise v.bad(f"{name} is required (YYYY-MM-DD)") from None
    return str(start), str(end)


def _stage_orders(st: State, pipeline_id: int) -> list[int]:
    stages = [s for s in st.stages.values() if s.get("pipeline_id") == pipeline_id and not s.get("is_deleted")]
    return [s["id"] for s in sorted(stages, key=lambda s: (s.get("order_nr", 0), s["id"]))]


def funnel_deals(st: State, pipeline_id: int, start: str, end: str, user: int | None) -> list[Obj]:
    """The pipeline's deals added between start and end (days, inclusive)."""
    return [
        d
        for d in _live_deals(st)
        if d.get("pipeline_id") == pipeline_id
        and start <= (d.get("add_time") or "")[:10] <= end
        and (user is None or d.get("owner_id") == user)
    ]


def reached(st: State, deal: Obj, order: list[int]) -> int:
    """How far along the pipeline the deal got: a won deal went through every stage; any other
    is as far as the stage it is (or was lost) in."""
    if deal["status"] == "won":
        return len(order) - 1
    return order.index(deal["stage_id"]) if deal.get("stage_id") in order else 0


def conversion_statistics(st: State, pipeline_id: int, q: dict[str, str]) -> tuple[Obj, None]:
    if pipeline_id not in st.pipelines:
        raise v.not_found("Pipeline")
    start, end = _dates(q)
    order = _stage_orders(st, pipeline_id)
    deals = funnel_deals(st, pipeline_id, start, end, _int(q, "user_id"))
    counts = [sum(1 for d in deals if reached(st, d, order) >= i) for i in range(len(order))]
    conversions = [
        {"from_stage_id": a, "to_stage_id": b, "conversion_rate": round(100 * counts[i + 1] / counts[i]) if counts[i] else 0}
        for i, (a, b) in enumerate(zip(order, order[1:]))
    ]
    won = sum(1 for d in deals if d["status"] == "won")
    lost = sum(1 for d in deals if d["status"] == "lost")
    return {
        "stage_conversions": conversions,
        "won_conversion": round(100 * won / len(deals)) if deals else 0,
        "lost_conversion": round(100 * lost / len(deals)) if deals else 0,
    }, None


def _group(st: State, deals: list[Obj]) -> Obj:
    values: dict[str, float] = {}
    for d in deals:
        values[d.get("currency") or base_currency(st)] = values.get(d.get("currency") or base_currency(st), 0.0) + (d.get("value") or 0)
    return {
        "count": len(deals),
        "deals_ids": [d["id"] for d in deals],
        "values": values,
        "formatted_values": {code: _money(value, code) for code, value in values.items()},
    }


def movement_statistics(st: State, pipeline_id: int, q: dict[str, str]) -> tuple[Obj, None]:
    if pipeline_id not in st.pipelines:
        raise v.not_found("Pipeline")
    start, end = _dates(q)
    user = _int(q, "user_id")
    mine = [d for d in _live_deals(st) if d.get("pipeline_id") == pipeline_id and (user is None or d.get("owner_id") == user)]

    def within(text: Any) -> bool:
        return bool(text) and start <= str(text)[:10] <= end

    moves = sum(
        1 for d in mine for entry in st.deal_log.get(d["id"], []) if entry.get("field_key") == "stage_id" and within(entry.get("time"))
    )
    new = [d for d in mine if within(d.get("add_time"))]
    won = [d for d in mine if d["status"] == "won" and within(d.get("won_time"))]
    lost = [d for d in mine if d["status"] == "lost" and within(d.get("lost_time"))]
    left_open = [d for d in new if d["status"] == "open"]
    ages = [
        (date.fromisoformat(str(d.get("close_time") or end)[:10]) - date.fromisoformat(str(d["add_time"])[:10])).days for d in won + lost
    ]
    return {
        "movements_between_stages": {"count": moves},
        "new_deals": _group(st, new),
        "deals_left_open": _group(st, left_open),
        "won_deals": _group(st, won),
        "lost_deals": _group(st, lost),
        "average_age_in_days": {
            "across_all_stages": round(sum(ages) / len(ages)) if ages else 0,
            "by_stages": _ages_by_stage(st, [d for d in mine if within(d.get("close_time")) or _moved(st, d, within)], end),
        },
    }, None


def _moved(st: State, deal: Obj, within: Any) -> bool:
    return any(e.get("field_key") == "stage_id" and within(e.get("time")) for e in st.deal_log.get(deal["id"], []))


def _ages_by_stage(st: State, deals: list[Obj], end: str) -> list[Obj]:
    """Average whole days the deals spent in each stage: from their recorded stage changes (a
    deal with none spent its life in the stage it is in), up to its close or the period's end."""
    spent: dict[int, list[int]] = {}
    for deal in deals:
        moves = sorted((e for e in st.deal_log.get(deal["id"], []) if e.get("field_key") == "stage_id"), key=lambda e: str(e["time"]))
        stage = moves[0]["old"] if moves else deal.get("stage_id")
        since = str(deal.get("add_time"))[:10]
        for move in moves:
            day = str(move["time"])[:10]
            if isinstance(stage, int):
                spent.setdefault(stage, []).append((date.fromisoformat(day) - date.fromisoformat(since)).days)
            stage, since = move["new"], day
        stop = str(deal.get("close_time") or end)[:10]
        if isinstance(stage, int):
            spent.setdefault(stage, []).append(max(0, (date.fromisoformat(stop) - date.fromisoformat(since)).days))
    order = {sid: st.stages[sid].get("order_nr", 0) for sid in spent if sid in st.stages}
    ordered = sorted(spent.items(), key=lambda kv: (order.get(kv[0], 0), kv[0]))
    return [{"stage_id": sid, "value": round(sum(days) / len(days))} for sid, days in ordered]


def goals_find(st: State, q: dict[str, str]) -> tuple[Obj, None]:
    active = q.get("is_active", "true") not in ("false", "0")
    assignee = _int(q, "assignee.id")
    found = [
        dict(g) for g in st.goals.values() if bool(g.get("is_active")) == active and (assignee is None or g["assignee"]["id"] == assignee)
    ]
    return {"goals": found}, None


def goal_progress(st: State, goal: Obj, start: str, end: str) -> float:
    """What the goal counts between start and end (days, inclusive), from the state."""
    kind = goal["type"]["name"]
    pipelines = set(goal["type"].get("params", {}).get("pipeline_id") or [])
    person = goal["assignee"]["id"] if goal["assignee"]["type"] == "person" else None
    metric = goal["expected_outcome"]["tracking_metric"]

    def owned(d: Obj, key: str = "owner_id") -> bool:
        return person is None or d.get(key) == person

    if kind in ("deals_won", "deals_started"):
        when = "won_time" if kind == "deals_won" else "add_time"
        deals = [
            d
            for d in _live_deals(st)
            if (kind != "deals_won" or d["status"] == "won")
            and start <= (d.get(when) or "")[:10] <= end
            and owned(d)
            and (not pipelines or d.get("pipeline_id") in pipelines)
        ]
        if metric == "sum":
            return round(sum((d.get("value") or 0) * rate(st, d.get("currency")) for d in deals), 2)
        return len(deals)
    if kind == "activities_completed":
        types = set(goal["type"].get("params", {}).get("activity_type_id") or [])
        keys = {t["key_string"] for t in st.activity_types.values() if t["id"] in types}
        return sum(
            1
            for a in st.activities.values()
            if a.get("done")
            and start <= str(a.get("marked_as_done_time") or "")[:10] <= end
            and owned(a)
            and (not keys or a.get("type") in keys)
        )
    return 0


def goal_results(st: State, goal_id: str, q: dict[str, str]) -> tuple[Obj, None]:
    goal = st.goals.get(goal_id)
    if goal is None:
        raise v.not_found("Goal")
    start, end = q.get("period.start"), q.get("period.end")
    for name, text in (("period.start", start), ("period.end", end)):
        try:
            date.fromisoformat(str(text))
        except ValueError:
            raise v.bad(f"{name} is required (YYYY-MM-DD)") from None
    if str(start) < goal["duration"]["start"] or str(end) > goal["duration"]["end"]:
        raise v.bad("The period must be within the goal's duration")
    return {"progress": goal_progress(st, goal, str(start), str(end)), "goal": dict(goal)}, None
