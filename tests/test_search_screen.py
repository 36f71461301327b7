"""The search screen (`g`): as-you-type results from the cache, open and back, Pipedrive's
search after the debounce (once per query, not when the cache answered), a snapshot."""

from tests.support.env import app_env
from tests.support.screen import screen_text
from tests.support.snapshots import snapshot
from tests.support.typing import burst
from tests.support.wait import settle, workers_done
from tui.screens.search import SearchScreen


def _searches(sandbox):
    return [r for r in sandbox.requests if r[1] == "/api/v2/itemSearch"]


async def until(env, condition, rounds: int = 200) -> None:
    """Let the app run until `condition()` holds (a debounce timer fires on its own time)."""
    for _ in range(rounds):
        if condition():
            return
        await env.pilot.pause(0.02)
        await workers_done(env.app)
    raise AssertionError("the app did not get there")


async def _open_search(env, text: str = ""):
    await settle(env)
    board = env.app.screen
    burst(env.app, "g", text)
    await settle(env)
    screen = env.app.screen
    assert isinstance(screen, SearchScreen) and screen.text == text
    return board, screen


async def test_find_a_person_by_part_of_the_email_open_and_come_back(tmp_path):
    from tui.screens.person import PersonScreen

    async with app_env(tmp_path) as env:
        person = await env.store.read(
            lambda c: dict(
                c.execute("SELECT id, name, primary_email FROM persons WHERE primary_email IS NOT NULL ORDER BY id LIMIT 1").fetchone()
            )
        )
        part = person["primary_email"].split("@")[0][2:] + "@"
        board, search = await _open_search(env, part)
        assert search.listing.selected.key == ("person", person["id"])
        assert person["name"] in screen_text(env.app) and "In the cache: 1 person" in screen_text(env.app)
        await env.pilot.press("enter")
        await settle(env)
        assert isinstance(env.app.screen, PersonScreen) and env.app.screen.entity_id == person["id"]
        await env.pilot.press("escape")
        await settle(env)
        assert env.app.screen is search and search.box.value == part
        await env.pilot.press("escape")
        await settle(env)
        assert env.app.screen is board
        assert _searches(env.sandbox) == []  # the cache answered: Pipedrive was not asked


async def test_arrows_and_tab_move_through_the_groups(tmp_path):
    async with app_env(tmp_path) as env:
        _board, search = await _open_search(env, "gmbh")
        kinds = [line.key[0] for line in search.listing.lines if hasattr(line, "key")]
        assert kinds[0] == "deal" and "organization" in kinds
        await env.pilot.press("down")
        assert search.listing.selected.key == [line.key for line in search.listing.lines if hasattr(line, "key")][1]
        await env.pilot.press("tab")
        assert search.listing.selected.key[0] == "person"
        await env.pilot.press("tab")
        assert search.listing.selected.key[0] == "organization"
        await env.pilot.press("shift+tab", "shift+tab")
        assert search.listing.selected.key[0] == "deal"
        await env.pilot.press("down", "down")
        await env.pilot.press(" ")  # a new query: the selection goes back to its best hit
        await settle(env)
        keys = [line.key for line in search.listing.lines if hasattr(line, "key")]
        assert search.text == "gmbh " and search.listing.selected.key == keys[0]


async def test_pipedrive_is_asked_once_after_the_debounce_and_its_hits_are_cached(tmp_path):
    async with app_env(tmp_path) as env:
        deal = await env.client.create_v2("deals", {"title": "Quetzal cacao import", "value": 4200, "currency": "EUR"})
        _board, search = await _open_search(env, "quetz")  # typed fast: q, qu, qua, ... none in the cache
        await until(env, lambda: search.remote is not None)
        # one request, for the whole query (without the debounce, q … quet would be asked too)
        assert [r[2]["term"] for r in _searches(env.sandbox)] == ["quetz"]
        await settle(env)
        assert [h.id for h in search.results.of("deal")] == [deal["id"]]  # stored, so the cache finds it
        assert (
            await env.store.read(lambda c: c.execute("SELECT title FROM deals WHERE id=?", (deal["id"],)).fetchone()[0])
            == "Quetzal cacao import"
        )
        assert "Quetzal cacao import" in screen_text(env.app) and "Pipedrive found 1" in screen_text(env.app)
        await env.pilot.press("backspace")
        await settle(env)  # "quet": the cache answers now
        assert not search.results.empty and search._timer is None
        await env.pilot.press("z")
        await settle(env)
        await env.pilot.press("ctrl+r")  # asked again for "quetz": answered from memory
        await until(env, lambda: search.remote is not None)
        assert len(_searches(env.sandbox)) == 1


async def test_ctrl_r_asks_pipedrive_even_when_the_cache_answered(tmp_path):
    async with app_env(tmp_path) as env:
        _board, search = await _open_search(env, "gmbh")
        await settle(env)
        assert not search.results.empty and search._timer is None and _searches(env.sandbox) == []
        await env.pilot.press("ctrl+r")
        await until(env, lambda: search.remote is not None)
        assert [r[2]["term"] for r in _searches(env.sandbox)] == ["gmbh"]
        assert "Pipedrive found" in screen_text(env.app)


async def test_search_screen_snapshot(tmp_path):
    async with app_env(tmp_path, size=(160, 45)) as env:
        await _open_search(env, "ren")
        await settle(env)
        await snapshot(env, "search_160x45")


async def test_what_pipedrive_matched_elsewhere_is_listed_under_from_pipedrive(tmp_path):
    async with app_env(tmp_path) as env:
        deal_id = await env.store.read(lambda c: c.execute("SELECT id FROM deals ORDER BY id LIMIT 1").fetchone()[0])
        await env.client.create_note({"content": "<p>Wants a xylophone demo</p>", "deal_id": deal_id})
        _board, search = await _open_search(env, "xylophone")  # in a note: the cache does not index notes
        await until(env, lambda: search.remote is not None)
        await settle(env)
        assert search.results.empty and [(h.kind, h.id) for h in search.remote_hits] == [("deal", deal_id)]
        groups = [line.label for line in search.listing.lines if hasattr(line, "label")]
        assert groups == ["From Pipedrive"] and search.listing.selected.key == ("deal", deal_id)
        assert "From Pipedrive" in screen_text(env.app)
