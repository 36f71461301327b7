"""`--demo` keeps its settings in a config dir of its own (tui/runtime.py): a theme chosen or
a view pinned in the demo never reaches the real config dir, and the demo's data is new on
each start (README, Configuration)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from tests.support.wait import settle
from tui import local_views
from tui.app import app_for
from tui.runtime import Runtime, build_runtime
from tui.screens.views import ViewsScreen
from tui.store.store import Store


def files_under(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*") if p.is_file())


async def demo_session(runtime: Runtime, *, theme: str, won: bool = False) -> list[int]:
    """One demo session as `pipedrive-tui --demo` runs it: choose a theme, pin a view (and
    maybe mark the first card won). Returns the ids of the cards the board showed at the start."""
    store = await Store.open(runtime.db_path, runtime.client, clock=runtime.clock, profile="demo", policy=runtime.policy)
    try:
        await store.sync_now()
        app = app_for(runtime, store, start_store=False)
        async with app.run_test(size=(160, 45)) as pilot:
            env = SimpleNamespace(app=app, pilot=pilot)
            await settle(env)
            board = app.screen
            cards = sorted(c.id for column in board.columns for c in column.cards.cards)
            app.theme = theme
            await settle(env)
            await pilot.press("v")
            await settle(env)
            picker = app.screen
            assert isinstance(picker, ViewsScreen)
            names = [v.name for v in picker.views]
            await pilot.press(*["down"] * (1 + names.index("My open deals")), "p")
            await settle(env)
            await pilot.press("escape")
            await settle(env)
            if won:
                await pilot.press("w")
                await settle(env)
                await store.drain()
        assert cards  # the board showed the demo's deals
        return cards
    finally:
        await store.close()
        await runtime.client.aclose()
        runtime.cleanup()


async def test_two_demo_sessions_leave_no_file_in_the_real_config_dir(tmp_path, monkeypatch):
    real = tmp_path / "real-config"
    home = tmp_path / "home"
    real.mkdir()
    home.mkdir()
    monkeypatch.setenv("PIPEDRIVE_TUI_CONFIG_DIR", str(real))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    monkeypatch.delenv("PIPEDRIVE_TUI_DATA_DIR", raising=False)
    temps = []
    for theme in ("nord", "textual-light"):
        runtime = build_runtime(SimpleNamespace(demo=True, demo_deals=20))
        temps.append(runtime.data_dir)
        assert runtime.config_dir is not None and runtime.config_dir.is_relative_to(runtime.data_dir)
        assert runtime.theme is None  # a fresh demo: not the last session's theme, not the real file's
        await demo_session(runtime, theme=theme)
    assert files_under(real) == []
    assert files_under(home) == []
    assert not any(t.exists() for t in temps)  # the temporary data dir (cache and settings) went at exit


async def test_with_a_data_dir_the_demo_keeps_its_settings_there_and_its_data_is_new(tmp_path, monkeypatch):
    real = tmp_path / "real-config"
    real.mkdir()
    (real / "config.toml").write_text('theme = "gruvbox"\n\n[keys]\n"board.won" = "W"\n')
    monkeypatch.setenv("PIPEDRIVE_TUI_CONFIG_DIR", str(real))
    data = tmp_path / "demo-data"
    args = SimpleNamespace(demo=True, demo_deals=20, data_dir=str(data))
    first = build_runtime(args)
    assert first.theme is None and first.keymap == {}  # the real config.toml is not the demo's
    before = await demo_session(first, theme="nord", won=True)  # w marks the first card won
    assert sorted(p.name for p in files_under(real)) == ["config.toml"]
    assert (real / "config.toml").read_text() == 'theme = "gruvbox"\n\n[keys]\n"board.won" = "W"\n'
    assert 'theme = "nord"' in (data / "config" / "config.toml").read_text()
    assert local_views.load(data / "config").pins == {"f1": "My open deals"}
    second = build_runtime(args)
    assert second.theme == "nord"  # the demo's own settings are kept in its data dir
    again = await demo_session(second, theme="nord")
    assert again == before  # the deal won in the first session is open again: new data on each start
