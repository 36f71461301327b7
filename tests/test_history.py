"""The history of a deal: fetched only when opened (one flow request, 40 tokens), cached, and
showing exactly what happened on the sandbox: stage moves with the time spent in each stage,
field changes, won, notes and activities, filterable by kind."""

from __future__ import annotations

from tests.support.deal_env import code_of, open_screen, rich_sandbox
from tests.support.env import app_env
from tests.support.screen import screen_text
from tests.support.wait import settle
from tui.screens.history import HistoryScreen
from tui.store.queries.history import cached_timeline

HOUR = 3600
DAY = 24 * HOUR


def _history_requests(sb) -> list[str]:
    return [path for _m, path, _q, _b in sb.requests if path.endswith(("/flow", "/changelog"))]


async def _story(env) -> int:
    """A deal created, moved through three stages (1d, 2d 3h and 5h 20m apart), edited, won."""
    sb, store = env.sandbox, env.store
    local = await store.create_entity("deal", {"title": "History walk", "stage_id": 1})
    await store.drain()
    deal_id = next(d["id"] for d in sb.live("deal") if d["title"] == "History walk")
    assert deal_id != local
    for stage, wait in ((2, DAY), (3, 2 * DAY + 3 * HOUR), (4, 5 * HOUR + 20 * 60)):
        sb.advance(wait)
        await store.move_deal(deal_id, stage)
        await store.drain()
    sb.advance(DAY)
    await store.update_entity("deal", deal_id, {"value": 5000})
    await store.set_custom_field("deal", deal_id, code_of(sb, "deal", "Lead source"), 12)
    await store.drain()
    sb.advance(30 * 60)
    await store.set_deal_status(deal_id, "won")
    await store.drain()
    return deal_id


async def test_timeline_lists_exactly_the_moves_edits_and_win_with_durations(tmp_path):
    sb = rich_sandbox()
    async with app_env(tmp_path, sandbox=sb, size=(140, 40)) as env:
        deal_id = await _story(env)
        screen = await open_screen(env, "deal", deal_id)
        assert _history_requests(sb) == []  # nothing until the history is opened
        tokens = sb.counters.tokens
        await env.pilot.press("h")
        await settle(env)
        history = env.app.screen
        assert isinstance(history, HistoryScreen)
        assert _history_requests(sb) == [f"/api/v1/deals/{deal_id}/flow"]
        assert sb.counters.tokens - tokens == 40  # one flow request
        got = [(e.kind, e.title, e.detail, e.duration) for e in history.events]
        assert got == [
            ("created", "Deal created", "", ""),
            ("stage", "Qualified → Contact made", "", "1d"),
            ("stage", "Contact made → Demo scheduled", "", "2d 3h"),
            ("stage", "Demo scheduled → Proposal made", "", "5h 20m"),
            ("field", "Value", "0 EUR → 5,000 EUR", ""),
            ("field", "Lead source", "— → Referral", ""),
            ("status", "Won", "", ""),
        ]
        me = sb.state.users[sb.state.me_id]["name"]
        assert {e.who for e in history.events} == {me}  # who made each change
        text = screen_text(env.app)
        assert "Qualified → Contact made" in text and "after 2d 3h in the stage" in text and "Won" in text
        # filter by kind
        await env.pilot.press("f")
        await settle(env)
        assert history.kind == "stage" and "Lead source" not in screen_text(env.app)
        assert "Demo scheduled → Proposal made" in screen_text(env.app)
        # cached: closing and opening again costs nothing; R fetches again
        await env.pilot.press("escape")
        await settle(env)
        assert env.app.screen is screen
        await env.pilot.press("h")
        await settle(env)
        assert len(_history_requests(sb)) == 1 and "nothing spent" in screen_text(env.app)
        await env.pilot.press("R")
        await settle(env)
        assert len(_history_requests(sb)) == 2


async def test_history_of_a_deal_with_notes_and_activities_in_one_list(tmp_path):
    sb = rich_sandbox()
    async with app_env(tmp_path, sandbox=sb, size=(140, 40)) as env:
        deal = next(
            d
            for d in sb.live("deal")
            if any(a.get("deal_id") == d["id"] for a in sb.state.activities.values())
            and any(n.get("deal_id") == d["id"] for n in sb.state.notes.values())
        )
        await open_screen(env, "deal", deal["id"])
        await env.pilot.press("h")
        await settle(env)
        kinds = {e.kind for e in env.app.screen.events}
        assert {"note", "activity"} <= kinds
        times = [e.when for e in env.app.screen.events if e.when]
        assert times == sorted(times)  # chronological
        found = await env.store.read(cached_timeline, "deal", deal["id"])
        assert found is not None and len(found[0]) == len(env.app.screen.events)


async def test_opening_deals_never_fetches_history(tmp_path):
    sb = rich_sandbox()
    async with app_env(tmp_path, sandbox=sb, size=(140, 40)) as env:
        for deal in sb.live("deal")[:5]:
            await open_screen(env, "deal", deal["id"])
            await env.pilot.press("escape")
            await settle(env)
        assert _history_requests(sb) == []


async def test_person_and_organization_history_show_their_notes_and_activities(tmp_path):
    sb = rich_sandbox()
    async with app_env(tmp_path, sandbox=sb, size=(140, 40)) as env:
        person = next(p for p in sb.live("person") if any(n.get("person_id") == p["id"] for n in sb.state.notes.values()))
        await open_screen(env, "person", person["id"])
        assert _history_requests(sb) == []
        await env.pilot.press("h")
        await settle(env)
        assert _history_requests(sb) == [f"/api/v1/persons/{person['id']}/flow"]
        assert "note" in {e.kind for e in env.app.screen.events}
        await env.pilot.press("escape")
        await settle(env)
        org = next(o for o in sb.live("organization") if any(a.get("org_id") == o["id"] for a in sb.state.activities.values()))
        await open_screen(env, "organization", org["id"])
        await env.pilot.press("h")
        await settle(env)
        assert _history_requests(sb)[-1] == f"/api/v1/organizations/{org['id']}/flow"
        assert "activity" in {e.kind for e in env.app.screen.events}
