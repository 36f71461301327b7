"""One refresh path (tui/screens/base.py): a screen reloads when a table it shows changes, while
covered it is only marked stale and reloads once when shown again; other tables leave it be."""

from __future__ import annotations

from tests.support.env import app_env
from tests.support.wait import settle
from tui.messages import DataRefresh
from tui.screens.base import AppScreen
from tui.screens.people import PeopleScreen


def _count_reloads(screen, counter):
    original = screen.reload

    def counted(*args, **kwargs):
        counter.append(type(screen).__name__)
        return original(*args, **kwargs)

    screen.reload = counted


async def test_a_covered_list_reloads_once_when_shown_again_and_never_for_tables_it_does_not_show(tmp_path):
    async with app_env(tmp_path) as env:
        await env.pilot.press("3")
        await settle(env)
        people = env.app.screen
        assert isinstance(people, PeopleScreen)
        reloads: list[str] = []
        _count_reloads(people, reloads)
        people.post_message(DataRefresh(frozenset({"notes"}), None))  # not a table it shows
        await settle(env)
        assert reloads == []
        people.post_message(DataRefresh(frozenset({"persons"}), None))
        await settle(env)
        assert reloads == ["PeopleScreen"]
        person_id = next(iter(env.sandbox.state.persons))
        env.app.open_person(person_id)
        await settle(env)
        assert env.app.screen is not people
        for _ in range(3):  # three changes while covered
            people.post_message(DataRefresh(frozenset({"persons"}), None))
        await settle(env)
        assert reloads == ["PeopleScreen"]
        await env.pilot.press("escape")
        await settle(env)
        assert env.app.screen is people and reloads == ["PeopleScreen", "PeopleScreen"]  # once
        await env.pilot.press("escape")  # nothing changed meanwhile: shown as it was
        await env.pilot.press("1")
        await settle(env)
        await env.pilot.press("3")
        await settle(env)
        assert reloads == ["PeopleScreen", "PeopleScreen"]


def test_every_screen_that_shows_the_cache_names_its_tables():
    import tui.screens.agenda as agenda
    import tui.screens.board as board
    import tui.screens.detail_base as detail_base
    import tui.screens.entity_list as entity_list
    import tui.screens.leads as leads
    import tui.screens.search as search
    import tui.screens.triage as triage

    for cls in (
        agenda.AgendaScreen,
        board.BoardScreen,
        detail_base.DetailScreen,
        entity_list.EntityListScreen,
        leads.LeadsScreen,
        search.SearchScreen,
        triage.TriageScreen,
    ):
        assert issubclass(cls, AppScreen) and cls.WATCHES, cls
        assert "on_data_refresh" not in vars(cls), f"{cls.__name__} keeps a refresh handler of its own"
