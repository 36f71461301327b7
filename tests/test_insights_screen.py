"""Insights on screen (issue 27): 7 opens the forecast; > moves a deal's expected close date a
month through the outbox and u undoes it; the funnel's stage drills into its deals and escape
comes back; snapshots of the views at 160x45 and 80x24, dark and light."""

from __future__ import annotations

import pytest

from tests.conftest import FROZEN_NOW
from tests.support.env import app_env
from tests.support.snapshots import snapshot
from tests.support.wait import settle
from tui.sandbox import Sandbox
from tui.store.queries import forecast as fq

TODAY = FROZEN_NOW.date().isoformat()

# each view and the keys that open it (from the last one); "drill" lists the funnel's first stage
VIEWS = (
    ("forecast", ("7",)),
    ("won_lost", ("w",)),
    ("funnel", ("n",)),
    ("reasons", ("x",)),
    ("owners", ("t",)),
    ("activities", ("a",)),
    ("goals", ("G",)),
    ("drill", ("n", "enter")),
)


def history_sandbox() -> Sandbox:
    return Sandbox(seed=7, deals=120, token="t0k3n-for-tests", now=FROZEN_NOW, history=True)


async def _press(env, *keys: str) -> None:
    for key in keys:
        await env.pilot.press(key)
        await settle(env)
    await settle(env, 8)


async def test_forecast_move_a_month_and_undo(tmp_path):
    sb = history_sandbox()
    async with app_env(tmp_path, sandbox=sb) as env:
        await _press(env, "7")
        screen = env.app.screen
        assert type(screen).__name__ == "InsightsScreen"
        month = TODAY[:7]
        keys = [c.key for c in screen.columns]
        assert keys == fq.buckets(TODAY)
        # the next month's first open deal with a date
        await _press(env, "l", "l")
        card = screen.selected
        assert card is not None and card.status == "open" and card.expected_close_date
        before = card.expected_close_date
        await _press(env, "greater_than_sign")
        await env.store.drain(timeout=5)
        assert sb.state.deals[card.id]["expected_close_date"] == fq.shift_month(before, 1)
        await _press(env)
        moved_to = [c.key for c in screen.columns].index(fq.shift_month(before, 1)[:7])
        assert screen.col == moved_to and screen.selected is not None and screen.selected.id == card.id  # the cursor went with it
        await _press(env, "u")
        await env.store.drain(timeout=5)
        assert sb.state.deals[card.id]["expected_close_date"] == before
        header = str(screen.columns[1].header.render())
        assert month and "deals =" in header  # one converted total beside the count


async def test_funnel_drills_into_a_stage_and_escape_comes_back(tmp_path):
    sb = history_sandbox()
    async with app_env(tmp_path, sandbox=sb) as env:
        await _press(env, "7", "n", "j")
        chart = env.app.screen.query_one("BarChart")
        drill = chart.selected
        assert drill.kind == "stage"
        assert any(r.note.endswith(" d") for r in chart.chart.rows)  # days in the stage: Pipedrive's movement statistics
        await _press(env, "enter")
        drilled = env.app.screen
        assert type(drilled).__name__ == "InsightDealsScreen"
        funnel_row = next(r for r in chart.chart.rows if r.drill == drill)
        assert f"{len(drilled.rows)} deals" in funnel_row.bars[0].text
        await _press(env, "escape")
        assert env.app.screen.query_one("BarChart").selected == drill


@pytest.mark.heavy
async def test_insights_snapshots(tmp_path):
    sb = history_sandbox()
    async with app_env(tmp_path, sandbox=sb) as env:
        problems: list[str] = []
        for name, keys in VIEWS:
            await _press(env, *keys)
            for short, theme in (("dark", "textual-dark"), ("light", "textual-light")):
                env.app.theme = theme
                for width, height in ((160, 45), (80, 24)):
                    await env.pilot.resize_terminal(width, height)
                    await settle(env, 8)
                    try:
                        await snapshot(env, f"insights_{name}_{short}_{width}x{height}")
                    except AssertionError as exc:
                        problems.append(str(exc))
            env.app.theme = "textual-dark"
            await env.pilot.resize_terminal(160, 45)
            await settle(env)
        assert not problems, "\n".join(problems)


@pytest.mark.heavy
async def test_insights_snapshots_without_colour(tmp_path, monkeypatch):
    """NO_COLOR: every view still reads (values and patterns written on the bars, ✔ won)."""
    monkeypatch.setenv("NO_COLOR", "1")
    sb = history_sandbox()
    async with app_env(tmp_path, sandbox=sb) as env:
        assert env.app.no_color
        problems: list[str] = []
        for name, keys in VIEWS:
            await _press(env, *keys)
            for width, height in ((160, 45), (80, 24)):
                await env.pilot.resize_terminal(width, height)
                await settle(env, 8)
                try:
                    await snapshot(env, f"insights_{name}_no_color_{width}x{height}")
                except AssertionError as exc:
                    problems.append(str(exc))
            await env.pilot.resize_terminal(160, 45)
            await settle(env)
        assert not problems, "\n".join(problems)


async def test_a_custom_range_is_typed_checked_and_drives_the_funnel(tmp_path):
    """d, "A range of dates…": a range that ends before it starts is refused next to the field;
    a good one sets the title and the funnel counts the deals added in it (as the sandbox says)."""
    from tui.screens.insight_range import RangeForm

    sb = history_sandbox()
    async with app_env(tmp_path, sandbox=sb) as env:
        await _press(env, "7", "n", "d")
        options = env.app.screen
        await _press(env, "end", "enter")
        form = env.app.screen
        assert isinstance(form, RangeForm), options
        form.field("start").input.value = "2026-09-01"
        form.field("end").input.value = "2026-08-01"
        await _press(env, "ctrl+s")
        assert env.app.screen is form and "ends before it starts" in form.field("end").error
        form.field("end").input.value = "2026-10-31"
        await _press(env, "ctrl+s")
        screen = env.app.screen
        assert screen.period == "custom" and screen.span() == ("2026-09-01", "2026-10-31")
        title = str(screen.query_one("#insights-title").render())
        assert "2026-09-01 – 2026-10-31" in title
        added = [
            d
            for d in sb.state.deals.values()
            if d["pipeline_id"] == screen.pipeline_id
            and "2026-09-01" <= (d.get("add_time") or "")[:10] <= "2026-10-31"
            and not d.get("is_deleted")
        ]
        first = screen.query_one("BarChart").chart.rows[0]
        assert f"{len(added)}" in first.bars[0].text
