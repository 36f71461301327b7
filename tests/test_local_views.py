"""Views of your own and pinned views (tui/local_views.py, board `v`: s keeps the board's
filters under a name, p pins a view to F1-F9, delete removes yours; F1-F9 on the board)."""

from __future__ import annotations

import os
from pathlib import Path

from tests.support.env import app_env
from tests.support.wait import settle
from tui import local_views
from tui.screens.views import ViewNameScreen, ViewsScreen


def views_file() -> Path:
    return Path(os.environ["PIPEDRIVE_TUI_CONFIG_DIR"]) / "views.toml"


async def open_picker(env) -> ViewsScreen:
    await env.pilot.press("v")
    await settle(env)
    picker = env.app.screen
    assert isinstance(picker, ViewsScreen)
    return picker


def shown_ids(board) -> list[int]:
    return sorted(c.id for column in board.columns for c in column.cards.cards)


async def test_a_pinned_pipedrive_filter_is_one_key_away(tmp_path):
    async with app_env(tmp_path, deals=120) as env:
        board = env.app.screen
        await settle(env)
        picker = await open_picker(env)
        names = [v.name for v in picker.views]
        await env.pilot.press(*["down"] * (1 + names.index("My open deals")), "p")
        await settle(env)
        assert local_views.load().pins == {"f1": "My open deals"}
        assert "F1" in str(picker.query_one("#views-list").get_option_at_index(1 + names.index("My open deals")).prompt)
        assert oct(views_file().stat().st_mode & 0o777) == "0o600"
        await env.pilot.press("escape")
        await settle(env)
        assert board.view is None
        await env.pilot.press("f1")
        await settle(env)
        assert board.view is not None and board.view.name == "My open deals"
        expected = sorted(
            d["id"]
            for d in env.sandbox.live("deal")
            if d["status"] == "open" and d["owner_id"] == 1 and d["pipeline_id"] == board.pipeline_id
        )
        assert shown_ids(board) == expected and expected
        await env.pilot.press("f2")  # nothing pinned there: said, nothing changes
        await settle(env)
        assert board.view.name == "My open deals"
        await env.store.drain()


async def test_the_boards_filters_kept_as_a_view_pinned_and_shown_again(tmp_path):
    async with app_env(tmp_path, deals=120) as env:
        board = env.app.screen
        await settle(env)
        await env.pilot.press("S")  # sort: value
        await env.pilot.press("slash", *"oy", "enter")
        await settle(env)
        assert board.sort == "value" and board.text_filter == "oy"
        wanted = shown_ids(board)
        picker = await open_picker(env)
        await env.pilot.press("s")
        await settle(env)
        prompt = env.app.screen
        assert isinstance(prompt, ViewNameScreen)
        await env.pilot.press("enter")  # empty: said next to the field, nothing kept
        await settle(env)
        assert env.app.screen is prompt and "A name" in str(prompt.query_one("#view-name-error").render())
        await env.pilot.press(*"Oy by value", "enter")
        await settle(env)
        assert env.app.screen is picker
        kept = local_views.load().local["Oy by value"]
        assert (kept.status, kept.owner, kept.text, kept.sort) == ("open", "everyone", "oy", "value")
        await env.pilot.press("end", "p")  # pin it (the last row): F1
        await settle(env)
        assert local_views.load().pins == {"f1": "local: Oy by value"}
        await env.pilot.press("escape")
        await settle(env)
        await env.pilot.press("escape")  # clear the text filter
        await env.pilot.press("S", "S", "S")  # sort back to next activity
        await settle(env)
        assert board.text_filter == "" and board.sort == "urgency"
        await env.pilot.press("f1")
        await settle(env)
        assert board.text_filter == "oy" and board.sort == "value" and board.local_view == "Oy by value"
        assert shown_ids(board) == wanted
        assert "view: Oy by value (yours)" in str(board.query_one("#board-title").render())
        picker = await open_picker(env)
        await env.pilot.press("end", "delete")
        await settle(env)
        assert local_views.load().local == {} and local_views.load().pins == {}
        await env.store.drain()


def test_a_broken_views_file_is_no_views_and_the_next_save_rewrites_it(tmp_path):
    (tmp_path / "views.toml").write_text("[pins\nf1 = ")
    assert local_views.load(tmp_path) == local_views.ViewPrefs()
    prefs = local_views.ViewPrefs(pins={"f3": 'Won "big" deals'}, local={"A": local_views.LocalView("A", "won", "me", "gmbh", "value")})
    local_views.save(prefs, tmp_path)
    assert local_views.load(tmp_path) == prefs
