"""The key bar (widgets/key_bar.py): the keys of the screen in front on the bottom line, as
remapped, the command palette's key on the right; a click on a key presses it."""

from __future__ import annotations

from tests.support.env import app_env
from tests.support.wait import settle
from tui.screens.deal import DealScreen
from tui.screens.help import HelpScreen
from tui.widgets.key_bar import KeyBar


def bar_text(app) -> str:
    bar = app.screen.query_one(KeyBar)
    return "".join(segment.text for segment in bar.render_line(0))


async def test_the_bar_shows_the_keys_of_the_screen_in_front_as_remapped(tmp_path):
    async with app_env(tmp_path, keymap={"app.help": "f12"}) as env:
        await settle(env)
        text = bar_text(env.app)
        assert " f12 Help " in text and " 1 Board " in text and " q Quit " in text
        assert text.rstrip().endswith("^p Commands")
        assert "? Help" not in text
        await env.pilot.press("enter")  # the deal under the cursor
        await settle(env)
        assert isinstance(env.app.screen, DealScreen)
        deal_bar = bar_text(env.app)
        assert " esc Back " in deal_bar and " e Edit " in deal_bar and " h History " in deal_bar
        await env.pilot.press("escape")
        await settle(env)
        assert bar_text(env.app) == text


async def test_a_click_on_a_key_presses_it(tmp_path):
    async with app_env(tmp_path) as env:
        await settle(env)
        bar = env.app.screen.query_one(KeyBar)
        bar_text(env.app)
        start = next(start for start, _end, key in bar._spans if key == "question_mark")
        await env.pilot.click(KeyBar, offset=(start + 1, 0))
        await settle(env)
        assert isinstance(env.app.screen, HelpScreen)


async def test_at_80_columns_help_and_quit_stay_and_the_screens_later_keys_go(tmp_path):
    async with app_env(tmp_path, size=(80, 24)) as env:
        await settle(env)
        text = bar_text(env.app)
        assert " ? Help " in text and " q Quit " in text
        assert text.rstrip().endswith("^p Commands")
        assert " > Advance " in text  # the screen's first keys stay, in their order
        assert text.index(" > Advance ") < text.index(" ? Help ") < text.index(" q Quit ")
        assert " 4 Orgs " not in text  # the later ones made room
        await env.pilot.press("enter")
        await settle(env)
        deal_bar = bar_text(env.app)
        assert " ? Help " in deal_bar and " q Quit " in deal_bar and " esc Back " in deal_bar
