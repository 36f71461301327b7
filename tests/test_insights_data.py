"""Insights figures from the cache, each compared with a reference computed independently
from the sandbox's own state (issue 27): converted totals at the sandbox's rates (to the
cent), won and lost per month, the funnel, forecast columns, goal progress, token costs."""

from __future__ import annotations

from datetime import date

from tests.conftest import FROZEN_NOW
from tests.support.store_env import data_env
from tui.sandbox import Sandbox
from tui.sandbox import insights as sb_insights
from tui.store.queries import forecast as fq
from tui.store.queries import insights as iq
from tui.store.queries.rates import rates

TODAY = FROZEN_NOW.date().isoformat()


def history_sandbox(deals: int = 120) -> Sandbox:
    return Sandbox(seed=7, deals=deals, token="t0k3n-for-tests", now=FROZEN_NOW, history=True)


def _live(sb: Sandbox) -> list[dict]:
    return [d for d in sb.state.deals.values() if not d.get("is_deleted") and not d.get("is_archived")]


def _cents(value: float) -> int:
    return round(value * 100)


async def test_rates_come_from_one_summary_a_day_and_convert_to_the_cent(tmp_path):
    sb = history_sandbox()
    async with data_env(tmp_path, sandbox=sb) as env:
        assert await env.store.refresh_rates() is True
        assert await env.store.refresh_rates() is False  # once a day
        summaries = [r for r in sb.requests if r[1].endswith("/deals/summary")]
        assert len(summaries) == 1
        got = await env.store.read(rates, TODAY)
        assert got.base == "EUR" and not got.stale("USD")
        # every deal's value converted at the sandbox's rates, per currency, summed
        for status in ("open", "won", "lost"):
            ours: dict[str, float] = {}
            reference = 0.0
            for d in _live(sb):
                if d["status"] == status:
                    ours[d["currency"]] = ours.get(d["currency"], 0.0) + d["value"]
                    reference += d["value"] * sb_insights.DEMO_RATES_EUR[d["currency"]]
            total, missing = got.total(ours)
            assert not missing
            assert _cents(total) == _cents(reference)


async def test_missing_and_old_rates_are_labelled(tmp_path):
    sb = history_sandbox(60)
    async with data_env(tmp_path, sandbox=sb) as env:
        await env.store.refresh_rates()
        got = await env.store.read(rates, "2999-01-01")  # a later day: today's rates are old
        assert got.stale("USD")
        assert got.label(["USD", "XYZ"]) == f"no rate: XYZ; rates of {TODAY}"
        total, missing = got.total({"EUR": 10.0, "XYZ": 5.0})
        assert total == 10.0 and missing == ["XYZ"]


async def test_won_and_lost_per_month_match_the_sandbox(tmp_path):
    sb = history_sandbox()
    async with data_env(tmp_path, sandbox=sb) as env:
        start, end = iq.period("12 months", TODAY)
        rows = await env.store.read(iq.won_lost_by_month, iq.InsightFilter(None, None, start, end))
        assert len(rows) == 12 and rows[-1].month == TODAY[:7]
        for row in rows:
            for status in ("won", "lost"):
                ref = [d for d in _live(sb) if d["status"] == status and (d.get(f"{status}_time") or "")[:7] == row.month]
                got = getattr(row, status)
                assert got.count == len(ref), (row.month, status)
                by_cur: dict[str, float] = {}
                for d in ref:
                    by_cur[d["currency"]] = by_cur.get(d["currency"], 0.0) + d["value"]
                assert {k: _cents(v) for k, v in got.totals.items()} == {k: _cents(v) for k, v in by_cur.items()}
        assert sum(r.won.count for r in rows) > 50  # 18 months of history in the demo


async def test_funnel_matches_the_sandbox_conversion_statistics(tmp_path):
    sb = history_sandbox()
    async with data_env(tmp_path, sandbox=sb) as env:
        start, end = iq.period("year", TODAY)
        funnel = await env.store.read(iq.funnel, iq.InsightFilter(1, None, start, end))
        order = sb_insights._stage_orders(sb.state, 1)
        deals = sb_insights.funnel_deals(sb.state, 1, start, end, None)
        reference = [sum(1 for d in deals if sb_insights.reached(sb.state, d, order) >= i) for i in range(len(order))]
        assert [s.reached for s in funnel.stages] == reference
        assert funnel.deals == len(deals)
        # and the sandbox's conversion_statistics (as Pipedrive computes them) round to ours
        stats = await env.client.request("GET", "/api/v1/pipelines/1/conversion_statistics", params={"start_date": start, "end_date": end})
        rates_ = [c["conversion_rate"] for c in stats["data"]["stage_conversions"]]
        assert rates_ == [round(s.conversion or 0) for s in funnel.stages[:-1]]


async def test_forecast_columns_match_the_sandbox(tmp_path):
    sb = history_sandbox()
    async with data_env(tmp_path, sandbox=sb) as env:
        query = fq.ForecastQuery(1, None, TODAY)
        sums = await env.store.read(fq.summaries, query)
        month = TODAY[:7]
        mine = [d for d in _live(sb) if d["pipeline_id"] == 1]
        this_month = [
            d
            for d in mine
            if d["status"] == "open"
            and TODAY <= (d.get("expected_close_date") or "")
            and d["expected_close_date"][:7] == month
            or d["status"] == "won"
            and (d.get("won_time") or "")[:7] == month
        ]
        overdue = [d for d in mine if d["status"] == "open" and d.get("expected_close_date") and d["expected_close_date"] < TODAY]
        no_date = [d for d in mine if d["status"] == "open" and not d.get("expected_close_date")]
        assert sums[month].count == len(this_month)
        assert sums[month].won == sum(1 for d in this_month if d["status"] == "won")
        assert sums[fq.OVERDUE].count == len(overdue)
        assert sums[fq.NO_DATE].count == len(no_date)
        cards = await env.store.read(fq.column_cards, query, month, now=FROZEN_NOW, limit=1000)
        assert {c.id for c in cards} == {d["id"] for d in this_month}


async def test_goals_progress_matches_the_sandbox_and_is_fetched_once_a_day(tmp_path):
    sb = history_sandbox()
    async with data_env(tmp_path, sandbox=sb) as env:
        goals, day = await env.store.goals()
        again, _ = await env.store.goals()
        assert day == TODAY and again == goals
        assert sum(1 for r in sb.requests if r[1].endswith("/goals/find")) == 1
        assert len(goals) == len(sb.state.goals) == 4
        for goal in goals:
            start, end = goal["period"]
            assert goal["progress"] == sb_insights.goal_progress(sb.state, sb.state.goals[goal["id"]], start, end)
            assert date.fromisoformat(start) <= FROZEN_NOW.date() <= date.fromisoformat(end)


async def test_days_in_each_stage_come_from_one_movement_statistics_a_day_and_match_the_stage_history(tmp_path):
    sb = history_sandbox()
    async with data_env(tmp_path, sandbox=sb) as env:
        pipeline = next(iter(sb.state.pipelines))
        start, end = "2026-01-01", TODAY
        days, fetched = await env.store.stage_days(pipeline, start, end)
        again, _ = await env.store.stage_days(pipeline, start, end)
        assert fetched == TODAY and again == days
        assert len([r for r in sb.requests if r[1].endswith("/movement_statistics")]) == 1  # 40 tokens, once a day
        # the reference: walk each deal's recorded stage changes (moved or closed in the period)
        spans: dict[int, list[int]] = {}
        for d in _live(sb):
            if d.get("pipeline_id") != pipeline:
                continue
            log = sorted((e for e in sb.state.deal_log.get(d["id"], []) if e["field_key"] == "stage_id"), key=lambda e: str(e["time"]))
            closed = bool(d.get("close_time")) and start <= str(d["close_time"])[:10] <= end
            if not closed and not any(start <= str(e["time"])[:10] <= end for e in log):
                continue
            at, since = (log[0]["old"] if log else d["stage_id"]), date.fromisoformat(str(d["add_time"])[:10])
            for e in log:
                when = date.fromisoformat(str(e["time"])[:10])
                spans.setdefault(at, []).append((when - since).days)
                at, since = e["new"], when
            stop = date.fromisoformat(str(d.get("close_time") or end)[:10])
            spans.setdefault(at, []).append(max(0, (stop - since).days))
        assert days == {stage: round(sum(v) / len(v)) for stage, v in spans.items()}
        assert days  # the demo's history moves deals


async def test_the_sandbox_serves_the_deals_timeline_as_pipedrive_for_20_tokens(tmp_path):
    sb = history_sandbox()
    async with data_env(tmp_path, sandbox=sb) as env:
        params = {"start_date": "2026-11-01", "interval": "month", "amount": 3, "field_key": "expected_close_date"}
        env_ = await env.client.request("GET", "/api/v1/deals/timeline", params={**params, "totals_convert_currency": "default_currency"})
        periods = env_["data"]
        assert [p["period_start"] for p in periods] == ["2026-11-01 00:00:00", "2026-12-01 00:00:00", "2027-01-01 00:00:00"]
        assert periods[0]["period_end"] == "2026-11-30 23:59:59"
        for p in periods:  # each period: the open and won deals whose expected close date falls in it
            lo, hi = p["period_start"][:10], p["period_end"][:10]
            expected = [
                d
                for d in _live(sb)
                if d["status"] in ("open", "won") and d.get("expected_close_date") and lo <= d["expected_close_date"][:10] <= hi
            ]
            assert sorted(d["id"] for d in p["deals"]) == sorted(d["id"] for d in expected)
            assert p["totals"]["count"] == len(expected)
            assert p["totals"]["open_count"] == sum(d["status"] == "open" for d in expected)
            converted = sum(d["value"] * sb_insights.DEMO_RATES_EUR[d["currency"]] for d in expected)
            assert _cents(p["totals"]["totals_converted"]["value"]) == _cents(converted)
        cost = [r for r in sb.requests if r[1] == "/api/v1/deals/timeline"]
        assert len(cost) == 1
        bad = await env.client.request("GET", "/api/v1/deals/timeline", params={**params, "exclude_deals": 1})
        assert all(p["deals"] == [] and "count" in p["totals"] for p in bad["data"])


async def test_activities_done_per_week_match_the_sandbox(tmp_path):
    from datetime import timedelta

    sb = history_sandbox()
    async with data_env(tmp_path, sandbox=sb) as env:
        start, end = iq.period("quarter", TODAY)
        names = {t["key_string"]: t["name"] for t in sb.state.activity_types.values()}
        done = [a for a in sb.state.activities.values() if a.get("done") and not a.get("is_deleted") and a.get("marked_as_done_time")]
        for owner in (None, done[0]["owner_id"]):
            rows = await env.store.read(iq.activities_per_week, iq.InsightFilter(None, owner, start, end))
            assert len(rows) == 12
            reference: dict[str, dict[str, int]] = {r.week: {} for r in rows}
            for a in done:
                if owner is not None and a["owner_id"] != owner:
                    continue
                day = date.fromisoformat(a["marked_as_done_time"][:10])
                week = (day - timedelta(days=day.weekday())).isoformat()
                if week in reference:
                    kind = names.get(a["type"], a["type"])
                    reference[week][kind] = reference[week].get(kind, 0) + 1
            assert {r.week: r.by_type for r in rows} == reference, owner
            assert sum(r.total for r in rows) > 0
