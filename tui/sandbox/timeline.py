"""GET /v1/deals/timeline (20 tokens): open and won deals, not archived, grouped into `amount`
intervals (day, week, month, quarter) from `start_date` by a date field (`field_key`: e.g.
expected_close_date, add_time, won_time), with per-currency totals (and, with
totals_convert_currency, converted at the demo rates). The spec draws `data` as one period; for
`amount` periods it is a list of them, one per interval, in order (Pipedrive's own answer)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tui.sandbox import insights, v1shapes
from tui.sandbox import validate as v
from tui.sandbox.state import Obj, State

INTERVALS = ("day", "week", "month", "quarter")
DATE_FIELDS = ("expected_close_date", "add_time", "update_time", "won_time", "close_time", "stage_change_time", "first_won_time")


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    last = (date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(day.day, last))


def _next(day: date, interval: str) -> date:
    if interval == "day":
        return day + timedelta(days=1)
    if interval == "week":
        return day + timedelta(days=7)
    return _add_months(day, 1 if interval == "month" else 3)


def _weight(deal: Obj) -> float:
    return float(deal["probability"] if deal.get("probability") is not None else 100) / 100


def _totals(st: State, deals: list[Obj], convert: str | None) -> Obj:
    def by_currency(items: list[Obj], weighted: bool = False) -> dict[str, float]:
        out: dict[str, float] = {}
        for d in items:
            value = float(d.get("value") or 0)
            if weighted:
                value = value * _weight(d)
            code = d.get("currency") or insights.base_currency(st)
            out[code] = round(out.get(code, 0.0) + value, 2)
        return out

    opened = [d for d in deals if d["status"] == "open"]
    won = [d for d in deals if d["status"] == "won"]
    totals: Obj = {
        "count": len(deals),
        "values": by_currency(deals),
        "weighted_values": by_currency(deals, True),
        "open_count": len(opened),
        "open_values": by_currency(opened),
        "weighted_open_values": by_currency(opened, True),
        "won_count": len(won),
        "won_values": by_currency(won),
    }
    if convert:
        totals["totals_converted"] = {
            "currency": convert,
            "value": round(sum((d.get("value") or 0) * insights.rate(st, d.get("currency")) for d in deals), 2),
            "weighted_value": round(sum((d.get("value") or 0) * insights.rate(st, d.get("currency")) * _weight(d) for d in deals), 2),
        }
    return totals


def timeline(st: State, q: dict[str, str]) -> tuple[list[Obj], None]:
    try:
        start = date.fromisoformat(str(q.get("start_date")))
    except ValueError:
        raise v.bad("start_date is required (YYYY-MM-DD)") from None
    interval = q.get("interval")
    if interval not in INTERVALS:
        raise v.bad(f"interval must be one of: {', '.join(INTERVALS)}")
    try:
        amount = int(str(q.get("amount")))
    except ValueError:
        raise v.bad("amount is required (an integer)") from None
    if not 1 <= amount <= 366:
        raise v.bad("amount must be between 1 and 366")
    field_key = q.get("field_key") or ""
    if field_key not in DATE_FIELDS:
        raise v.bad(f"field_key must be a date field of deals, e.g. {', '.join(DATE_FIELDS[:3])}")
    user, pipeline = insights._int(q, "user_id"), insights._int(q, "pipeline_id")
    exclude = q.get("exclude_deals") in ("1", "true")
    convert = q.get("totals_convert_currency")
    if convert == "default_currency":
        convert = insights.base_currency(st)
    elif convert and convert not in {c["code"] for c in st.currencies.values()}:
        raise v.bad(f"Unknown currency {convert}")
    deals = [
        d
        for d in insights._live_deals(st)
        if d["status"] in ("open", "won")
        and (user is None or d.get("owner_id") == user)
        and (pipeline is None or d.get("pipeline_id") == pipeline)
        and d.get(field_key)
    ]
    out: list[Obj] = []
    lo = start
    for _ in range(amount):
        hi = _next(lo, interval)
        inside = [d for d in deals if lo.isoformat() <= str(d[field_key])[:10] < hi.isoformat()]
        period: dict[str, Any] = {
            "period_start": f"{lo.isoformat()} 00:00:00",
            "period_end": f"{(hi - timedelta(days=1)).isoformat()} 23:59:59",
            "deals": [] if exclude else [v1shapes.deal(st, d) for d in inside],
            "totals": _totals(st, inside, convert),
        }
        out.append(period)
        lo = hi
    return out, None
