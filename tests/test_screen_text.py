"""screen_text (tests/support/screen.py) reads what an SVG screenshot shows, on every kind of
screen: board, lists, agenda, a deal, a form over it, a modal over a dimmed screen."""

from tests.support.deal_env import rich_sandbox
from tests.support.env import app_env
from tests.support.screen import screen_text, svg_text
from tests.support.wait import settle


async def test_screen_text_is_the_text_of_an_svg_screenshot(tmp_path):
    async with app_env(tmp_path, sandbox=rich_sandbox()) as env:
        seen = []
        for keys in [(), ("3",), ("2",), ("5",), ("1", "enter"), ("e",), ("escape", "escape", "question_mark")]:
            for key in keys:
                await env.pilot.press(key)
                await settle(env)
            text = screen_text(env.app)
            assert text.strip() == svg_text(env.app).strip(), keys
            seen.append(text)
        assert len(set(seen)) == len(seen)  # seven different screens were compared
        assert "Sales" in seen[0] and "Pipeline board: keys" in seen[-1]
