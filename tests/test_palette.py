"""The command palette knows the data (go to a deal, person, organization by name) and the
keys (every action of the screen and the app, with its key as remapped)."""

from textual.command import CommandList, CommandPalette

from tests.support.env import app_env
from tests.support.wait import settle


async def until(env, condition, rounds: int = 200) -> None:
    for _ in range(rounds):
        if condition():
            return
        await env.pilot.pause(0.02)
    raise AssertionError("the app did not get there")


def _commands(app) -> list[tuple[str, str]]:
    screen = app.screen
    if not isinstance(screen, CommandPalette):
        return []
    listing = screen.query_one(CommandList)
    return [(option.hit.text, str(option.hit.help or "")) for option in listing.options if hasattr(option, "hit")]


async def _palette(env, text: str, expect: str):
    await env.pilot.press("ctrl+p")
    await until(env, lambda: isinstance(env.app.screen, CommandPalette))
    await env.pilot.press(*text)
    await until(env, lambda: any(title == expect for title, _help in _commands(env.app)))
    return _commands(env.app)


async def _choose(env, expect: str) -> None:
    listing = env.app.screen.query_one(CommandList)
    index = next(i for i, o in enumerate(listing.options) if getattr(o, "hit", None) and o.hit.text == expect)
    listing.highlighted = index
    await env.pilot.press("enter")
    await settle(env)


async def test_the_palette_finds_a_person_by_name_and_opens_them(tmp_path):
    from tui.screens.person import PersonScreen

    async with app_env(tmp_path) as env:
        await settle(env)
        person = await env.store.read(
            lambda c: dict(c.execute("SELECT id, name FROM persons WHERE name LIKE '% %' ORDER BY id LIMIT 1").fetchone())
        )
        title = f"Open person: {person['name']}"
        commands = await _palette(env, person["name"], title)
        assert commands[0][0] == title  # the whole name matches: first
        await _choose(env, title)
        assert isinstance(env.app.screen, PersonScreen) and env.app.screen.entity_id == person["id"]


async def test_the_palette_switches_the_board_to_another_pipeline(tmp_path):
    async with app_env(tmp_path) as env:
        await settle(env)
        board = env.app.screen
        pipelines = await env.store.read(lambda c: [tuple(r) for r in c.execute("SELECT id, name FROM pipelines ORDER BY order_nr, id")])
        other_id, other_name = pipelines[1]
        assert board.pipeline_id != other_id
        commands = await _palette(env, f"pipeline: {other_name}", f"Pipeline: {other_name}")
        assert ("Pipeline: " + other_name, "p on the board · board.pipeline") in commands
        await _choose(env, f"Pipeline: {other_name}")
        assert env.app.screen is board and board.pipeline_id == other_id


async def test_the_palette_lists_the_screen_actions_with_their_remapped_keys(tmp_path):
    async with app_env(tmp_path, keymap={"board.won": "W", "app.sync": "ctrl+y"}) as env:
        await settle(env)
        await env.pilot.press("ctrl+p")
        await until(env, lambda: ("Won", "W · board.won") in _commands(env.app))
        commands = _commands(env.app)
        assert ("Sync now", "^y · app.sync") in commands
        assert ("Go to Activity agenda", "2 · app.agenda") in commands
        assert not any(help_text.endswith(("board.up", "app.palette")) for _t, help_text in commands)
        await _choose(env, "Won")  # runs the board's action on the selected card
        await env.store.drain()
        assert any(r[0] == "PATCH" and r[1].startswith("/api/v2/deals/") for r in env.sandbox.writes())


async def test_sections_without_a_key_are_in_the_palette_and_open(tmp_path):
    from tui.screens.palette import ActionCommands

    async with app_env(tmp_path, size=(120, 35)) as env:
        provider = ActionCommands(env.app.screen)
        await provider.startup()
        commands = {title: run for title, _help, run in provider._commands()}
        assert "Go to Products" in commands and "Go to Archived deals" in commands
        await commands["Go to Products"]()
        await env.pilot.pause()
        assert env.app.current_mode == "products"
