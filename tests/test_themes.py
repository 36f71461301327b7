"""Themes: every colour of text built in Python follows the theme (widgets/tones.py), a theme
chosen in the app is the theme of the next start, and the board reads in a light theme and
under NO_COLOR (SVG snapshots)."""

from __future__ import annotations

import re
from pathlib import Path

from rich.style import Style

from tests.support.env import app_env
from tests.support.snapshots import snapshot
from tests.support.store_env import data_env
from tests.test_board_keys import board, settle
from tui.app import PipedriveApp
from tui.config import Config
from tui.runtime import Runtime

ROOT = Path(__file__).resolve().parents[1]
DATA_COLOURS = {"widgets/lead_labels.py", "widgets/tones.py"}  # a label's own colour; the tones' dark defaults


def card_colours(app: PipedriveApp) -> set[str]:
    column = board_of(app).columns[0].cards
    return {seg.style.color.name for y in range(column.size.height) for seg in column.render_line(y) if seg.style and seg.style.color}


def board_of(app: PipedriveApp):
    return app.screen


def test_no_hard_coded_colour_in_widgets_or_screens():
    """Styles in Python name a tone, never a colour: a quoted Rich style with a colour is a miss."""
    found = []
    files = [*ROOT.glob("widgets/*.py"), *ROOT.glob("tui/screens/**/*.py"), ROOT / "tui/app.py"]
    for path in files:
        rel = path.relative_to(ROOT).as_posix()
        if rel in DATA_COLOURS:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in re.finditer(r'"([a-z_0-9 #]+)"', line):
                try:
                    style = Style.parse(match.group(1))
                except Exception:
                    continue
                if (style.color and not style.color.is_default) or (style.bgcolor and not style.bgcolor.is_default):
                    found.append(f"{rel}:{number}: {match.group(1)}")
    assert found == []


async def test_a_theme_chosen_in_the_app_is_the_theme_of_the_next_start(tmp_path, monkeypatch):
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    (config_dir / "config.toml").write_text('# my settings\ndefault_profile = "work"\n\n[keys]\n"board.won" = "W"\n')
    monkeypatch.setenv("PIPEDRIVE_TUI_CONFIG_DIR", str(config_dir))
    runtime = Runtime(None, "demo", tmp_path, tmp_path / "x.sqlite3")
    async with data_env(tmp_path / "one", deals=40) as env:
        app = PipedriveApp(env.store, start_store=False, on_theme=runtime.save_theme)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle_app(pilot)
            dark = card_colours(app)
            app.theme = "textual-light"
            await settle_app(pilot)
            light = card_colours(app)
            assert light and light != dark  # the cards were repainted with the light theme's tones
            assert app.console.get_style("tone.error").color.triplet.hex.lower() == app.theme_variables["text-error"].lower()
    text = (config_dir / "config.toml").read_text()
    assert 'theme = "textual-light"' in text
    assert "# my settings" in text and '"board.won" = "W"' in text  # the rest of the file is left alone
    assert Config.load().theme == "textual-light"
    async with data_env(tmp_path / "two", deals=40) as env:
        app = PipedriveApp(env.store, start_store=False, theme=Config.load().theme, on_theme=runtime.save_theme)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle_app(pilot)
            assert app.theme == "textual-light"
            assert card_colours(app) == light


async def test_an_unknown_theme_in_the_config_is_said_and_the_default_kept(tmp_path):
    async with data_env(tmp_path, deals=10) as env:
        app = PipedriveApp(env.store, start_store=False, theme="no-such-theme")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert app.theme == "textual-dark"
            assert any("Unknown theme 'no-such-theme'" in n.message for n in app._notifications)


def test_config_check_names_an_unknown_theme_with_its_line(tmp_path):
    from tui.config_check import check_text

    problems = check_text('default_profile = "w"\ntheme = "textual-lite"\n', tmp_path / "config.toml")
    assert [(p.line, p.message.split(" (")[0]) for p in problems] == [(2, "unknown theme 'textual-lite'")]
    assert "did you mean textual-light?" in problems[0].message


async def settle_app(pilot) -> None:
    for _ in range(3):
        await pilot.pause()


async def test_board_snapshot_light_theme_160x45(tmp_path):
    async with app_env(tmp_path, size=(160, 45), deals=120) as env:
        env.app.theme = "textual-light"
        board(env)
        await settle(env, 0.3)
        await snapshot(env, "board_light_160x45")


async def test_board_snapshot_no_color_160x45(tmp_path, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    async with app_env(tmp_path, size=(160, 45), deals=120) as env:
        assert env.app.no_color
        board(env)
        await settle(env, 0.3)
        await snapshot(env, "board_no_color_160x45")


def test_the_runtime_carries_the_config_files_theme(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from tui.runtime import build_runtime

    config_dir = tmp_path / "config"
    config_dir.mkdir()
    (config_dir / "config.toml").write_text('theme = "nord"\n')
    monkeypatch.setenv("PIPEDRIVE_TUI_CONFIG_DIR", str(config_dir))
    runtime = build_runtime(SimpleNamespace(demo=False, data_dir=str(tmp_path / "data")))
    try:
        assert runtime.theme == "nord"
    finally:
        runtime.cleanup()


async def test_separators_stand_out_at_least_3_to_1_in_light_and_dark(tmp_path):
    """The board's column lines and the triage side panel's line against what they are drawn on
    (WCAG contrast of the colours Textual paints; before: 1.15:1 in textual-light)."""
    from tui.widgets.tones import contrast

    async with app_env(tmp_path) as env:
        await settle(env)
        for theme in ("textual-light", "textual-dark", "nord", "solarized-light"):
            env.app.theme = theme
            await settle(env)
            for column in env.app.screen.query(".stage-column"):
                line = column.styles.border_right[1]
                for ground in column.background_colors:
                    assert contrast(line, ground) >= 3.0, (theme, line, ground, contrast(line, ground))
        await env.pilot.press("6")
        await settle(env)
        for theme in ("textual-light", "textual-dark"):
            env.app.theme = theme
            await settle(env)
            side = env.app.screen.query_one("#triage-side")
            line = side.styles.border_left[1]
            assert all(contrast(line, ground) >= 3.0 for ground in side.background_colors), theme


def test_contrast_is_wcags():
    from textual.color import Color

    from tui.widgets.tones import contrast

    assert round(contrast(Color(0, 0, 0), Color(255, 255, 255)), 1) == 21.0
    assert round(contrast(Color.parse("#E5E5E5"), Color.parse("#D8D8D8")), 2) == 1.13  # the old light separator
