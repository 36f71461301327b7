"""Every screen, modal and form as the user sees it: dark and light, at 160x45 and at 80x24.

One app per group visits its screens one after another and takes the four pictures of each
(tests/support/snapshots.py compares them; a difference writes <name>.diff.html with the
expected and the current screen side by side). UPDATE_SNAPSHOTS=1 rewrites them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.support.deal_env import rich_sandbox
from tests.support.env import app_env
from tests.support.snapshots import snapshot
from tests.support.wait import settle

THEMES = (("dark", "textual-dark"), ("light", "textual-light"))
SIZES = ((160, 45), (80, 24))

pytestmark = pytest.mark.heavy  # seconds each: run first (conftest.py)

Step = tuple[str, Callable[[Any], Awaitable[None]], Callable[[Any], Awaitable[None]] | None]


async def _keys(env: Any, *keys: str) -> None:
    for key in keys:
        await env.pilot.press(key)
        await settle(env)
    await settle(env, 8)


def press(*keys: str) -> Callable[[Any], Awaitable[None]]:
    return lambda env: _keys(env, *keys)


def _steady_cursors(app: Any) -> None:
    """A blinking cursor is on or off when the picture is taken: hold it shown where the
    widget has focus, hidden elsewhere (Textual's own pause; its line cache keys on it)."""
    from textual.widgets import Input, TextArea

    for screen in app.screen_stack:
        for widget in screen.query("Input, TextArea"):
            if isinstance(widget, (Input, TextArea)):
                widget._pause_blink(visible=widget.has_focus)
                widget.refresh()


# the four pictures of a screen, in an order where each step changes one thing (the size or
# the theme): a resize or a theme change re-lays out and repaints everything (~0.2-0.3 s)
CYCLE = (("dark", 160, 45), ("dark", 80, 24), ("light", 80, 24), ("light", 160, 45))


async def _pictures(env: Any, name: str, problems: list[str]) -> None:
    themes = dict(THEMES)
    here = next((i for i, (t, w, h) in enumerate(CYCLE) if themes[t] == env.app.theme and env.app.size == (w, h)), 0)
    order = CYCLE[here:] + CYCLE[:here]  # neighbours in CYCLE differ in one thing, the last and the first too
    for short, width, height in order:
        if env.app.theme != themes[short]:
            env.app.theme = themes[short]
        if env.app.size != (width, height):
            await env.pilot.resize_terminal(width, height)
        await settle(env, 4)
        _steady_cursors(env.app)
        await settle(env, 2)
        try:
            await snapshot(env, f"m_{name}_{short}_{width}x{height}")
        except AssertionError as exc:
            problems.append(str(exc))


async def _walk(env: Any, steps: list[Step]) -> None:
    problems: list[str] = []
    for name, open_, close in steps:
        await open_(env)
        await _pictures(env, name, problems)
        if close is not None:
            await close(env)
    assert not problems, "\n".join(problems)


def _deal_id(sb: Any) -> int:
    return next(d["id"] for d in sb.live("deal") if d["status"] == "open" and d["person_id"] and d["org_id"])


async def test_sections(tmp_path):
    async with app_env(tmp_path, sandbox=rich_sandbox()) as env:
        await _walk(
            env,
            [
                ("board", press("1"), None),
                ("agenda", press("2"), None),
                ("agenda_week", press("v"), press("v")),
                ("people", press("3"), None),
                ("organizations", press("4"), None),
                ("leads", press("5"), None),
                ("triage", press("6"), None),
                ("search", press("1", "g", *"zen"), press("escape")),
                ("help", press("question_mark"), press("escape")),
            ],
        )


@pytest.mark.parametrize("which", ["deal", "person", "organization"])
async def test_detail_screens_and_their_forms(tmp_path, which):
    sb = rich_sandbox()
    async with app_env(tmp_path, sandbox=sb) as env:
        deal = sb.state.deals[_deal_id(sb)]
        opened = {"deal": deal["id"], "person": deal["person_id"], "organization": deal["org_id"]}[which]
        opener = {"deal": env.app.open_deal, "person": env.app.open_person, "organization": env.app.open_organization}[which]

        async def open_it(env: Any) -> None:
            opener(opened)
            await settle(env, 8)

        steps: list[Step] = [
            (which, open_it, None),
            (f"{which}_form", press("e"), press("escape")),
            (f"{which}_note", press("n"), press("escape")),
            (f"{which}_activity", press("a"), press("escape")),
            (f"{which}_call", press("L"), press("escape")),
        ]
        if which == "deal":
            steps += [("deal_history", press("h"), press("escape")), ("deal_lost", press("x"), press("escape"))]
        await _walk(env, steps)


async def test_board_dialogs(tmp_path):
    async with app_env(tmp_path, sandbox=rich_sandbox()) as env:
        await _walk(
            env,
            [
                ("board_pipelines", press("p"), press("escape")),
                ("board_owner", press("o"), press("escape")),
                ("board_views", press("v"), press("escape")),
                ("board_lost", press("x"), press("escape")),
                ("board_new_deal", press("c"), press("escape")),
            ],
        )


async def test_lead_screen_form_and_conversion(tmp_path):
    sb = rich_sandbox()
    async with app_env(tmp_path, sandbox=sb) as env:
        await _walk(
            env,
            [
                ("lead", press("5", "enter"), None),
                ("lead_form", press("e"), press("escape")),
                ("lead_convert", press("C"), press("escape")),
            ],
        )
