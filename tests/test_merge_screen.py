"""`M` on a person: the likely duplicates with why, a side-by-side preview of what is kept,
enter merges (one PUT) and the screen shows the survivor; escape backs out without a request."""

from __future__ import annotations

from tests.support.env import app_env
from tests.support.screen import screen_text
from tests.support.snapshots import snapshot
from tests.support.wait import settle
from tests.test_merge_store import acme, dupes_sandbox, twins
from tui.screens.merge import MergeScreen
from tui.screens.organization import OrganizationScreen
from tui.screens.person import PersonScreen


async def test_m_lists_the_duplicates_previews_and_merges_into_the_survivor(tmp_path):
    sb = dupes_sandbox()
    original, twin = twins(sb)
    async with app_env(tmp_path, sandbox=sb) as env:
        env.app.open_person(twin)
        await settle(env)
        await env.pilot.press("M")
        await settle(env)
        screen = env.app.screen
        assert isinstance(screen, MergeScreen)
        assert [(c.id, c.reasons) for c in screen.candidates][0] == (original, ("same e-mail", "same name"))
        await env.pilot.press("enter")  # preview the first
        await settle(env)
        preview = screen_text(env.app)
        name = sb.state.persons[original]["name"]
        assert f"◆ {name} #{original} (stays)" in preview and f"◇ {name} #{twin} (merged)" in preview
        assert "◆◇ both" in preview  # the phones of both are kept
        assert "Moving to ◆" in preview and "1 deal, 1 activity, 1 note" in preview
        assert [r for r in sb.requests if r[0] == "PUT"] == []  # nothing sent by looking
        await env.pilot.press("enter")
        await settle(env)
        assert not isinstance(env.app.screen, MergeScreen)
        assert isinstance(env.app.screen, PersonScreen) and env.app.screen.entity_id == original
        assert await env.store.drain()
        puts = [(r[1], r[3]) for r in sb.requests if r[0] == "PUT"]
        assert puts == [(f"/api/v1/persons/{twin}/merge", {"merge_with_id": original})]


async def test_s_swaps_the_survivor_and_escape_backs_out(tmp_path):
    sb = dupes_sandbox()
    first, second = acme(sb)
    async with app_env(tmp_path, sandbox=sb) as env:
        env.app.open_organization(first)
        await settle(env)
        await env.pilot.press("M", "enter")
        await settle(env)
        screen = env.app.screen
        assert screen.preview.keep_id == first
        await env.pilot.press("s")
        await settle(env)
        assert screen.preview.keep_id == second and "Website" in screen_text(env.app)
        await env.pilot.press("escape")  # back to the list
        await settle(env)
        assert isinstance(env.app.screen, MergeScreen) and screen.preview is None
        await env.pilot.press("escape")
        await settle(env)
        assert isinstance(env.app.screen, OrganizationScreen)
        assert [r for r in sb.requests if r[0] == "PUT"] == []


async def test_the_merge_preview_at_80x24(tmp_path):
    sb = dupes_sandbox()
    original, twin = twins(sb)
    async with app_env(tmp_path, sandbox=sb, size=(80, 24)) as env:
        env.app.open_person(twin)
        await settle(env)
        await env.pilot.press("M", "enter")
        await settle(env)
        await snapshot(env, "merge_preview_80x24")


async def test_m_on_a_row_of_the_people_list(tmp_path):
    from tests.support.typing import paste

    sb = dupes_sandbox()
    original, twin = twins(sb)
    async with app_env(tmp_path, sandbox=sb) as env:
        await env.pilot.press("3")
        await settle(env)
        await env.pilot.press("slash")
        await settle(env)
        paste(env.app, sb.state.persons[original]["name"])
        await settle(env)
        await env.pilot.press("enter")
        await settle(env)
        await env.pilot.press("M")
        await settle(env)
        screen = env.app.screen
        assert isinstance(screen, MergeScreen)
        assert {c.id for c in screen.candidates} & {original, twin}
        assert sb.state.persons[original]["name"] in screen_text(env.app)
