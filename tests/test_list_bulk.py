"""Bulk actions on the people and organization lists (tui/screens/list_bulk.py): marks by id
that survive re-sorting and filtering, a new owner for all with one confirmation and one undo,
deletion asked once (the safe answer first), every change queued and pushed like any edit."""

from __future__ import annotations

from tests.support.env import app_env
from tests.support.screen import screen_text
from tests.support.wait import settle
from tui.screens.dialogs import ChoiceScreen, ConfirmScreen
from tui.screens.people import PeopleScreen


async def open_people(env) -> PeopleScreen:
    await env.pilot.press("3")
    await settle(env)
    screen = env.app.screen
    assert isinstance(screen, PeopleScreen)
    return screen


async def test_marked_people_get_a_new_owner_at_once_and_undo_gives_theirs_back(tmp_path):
    async with app_env(tmp_path) as env:
        people = await open_people(env)
        await env.pilot.press("space", "shift+down", "shift+down")
        await settle(env)
        marked = set(people.marked)
        assert len(marked) == 3 and marked == {people.row_id(i) for i in range(3)}
        assert "☑" in screen_text(env.app)
        await env.pilot.press("s")  # re-sorted: the same people stay marked
        await settle(env)
        assert people.marked == marked
        before = {i: env.sandbox.state.persons[i]["owner_id"] for i in marked}
        target = next(u["id"] for u in env.sandbox.state.users.values() if u["id"] not in before.values())
        await env.pilot.press("b")
        await settle(env)
        assert isinstance(env.app.screen, ChoiceScreen)
        await env.pilot.press("enter")  # Change owner…
        await settle(env)
        users = env.app.screen.options
        await env.pilot.press(*["down"] * [v for _l, v in users].index(target), "enter")
        await settle(env)
        assert isinstance(env.app.screen, ConfirmScreen)
        await env.pilot.press("y")
        await settle(env)
        await env.store.drain()
        assert {i: env.sandbox.state.persons[i]["owner_id"] for i in marked} == dict.fromkeys(marked, target)
        assert people.marked == set()
        await env.pilot.press("u")
        await settle(env)
        await env.store.drain()
        assert {i: env.sandbox.state.persons[i]["owner_id"] for i in marked} == before


async def test_mark_all_shown_then_delete_asks_once_with_the_count(tmp_path):
    async with app_env(tmp_path) as env:
        people = await open_people(env)
        await env.pilot.press("slash", *"gmbh", "enter")
        await settle(env)
        shown = {people.row_id(i) for i in range(people.table.total)}
        await env.pilot.press("asterisk")
        await settle(env)
        assert people.marked == shown and shown
        await env.pilot.press("b", "down", "enter")  # Delete…
        await settle(env)
        confirm = env.app.screen
        assert isinstance(confirm, ConfirmScreen) and f"Delete {len(shown)} people" in confirm.message
        await env.pilot.press("enter")  # the safe answer has focus: nothing is deleted
        await settle(env)
        await env.store.drain()
        assert all(env.sandbox.state.persons[i].get("active_flag", True) for i in shown)
        assert people.marked == shown
        await env.pilot.press("escape")  # the filter first (marks are ids: they stay) …
        await settle(env)
        assert people.text == "" and people.marked == shown
        await env.pilot.press("escape")  # … then the marks
        await settle(env)
        assert people.marked == set()


async def test_marked_organizations_are_deleted_after_one_yes(tmp_path):
    async with app_env(tmp_path) as env:
        await env.pilot.press("4")
        await settle(env)
        orgs = env.app.screen
        await env.pilot.press("space", "shift+down")
        await settle(env)
        marked = set(orgs.marked)
        assert len(marked) == 2
        await env.pilot.press("b", "down", "enter", "y")
        await settle(env)
        await env.store.drain()
        live = {o["id"] for o in env.sandbox.live("organization")}
        assert marked.isdisjoint(live)
        assert (
            await env.store.read(
                lambda c: c.execute(f"SELECT COUNT(*) FROM organizations WHERE id IN ({','.join(map(str, marked))})").fetchone()[0]
            )
            == 0
        )
