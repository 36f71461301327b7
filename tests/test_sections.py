"""Opening a section for the first time: the style sheets are read once at launch, so a first
open does not parse them all again (it cost ~70 ms of each first open, twice per section);
the section is styled all the same, and follows a theme chosen while it was hidden. A virtual
column decides its scrollbars before its first layout: a vertical one when its cards overflow,
never a horizontal one (a stray horizontal bar used to take a line of cards); a layout of the
screen elsewhere leaves them alone, a new number of cards updates them."""

from __future__ import annotations

from textual.css.stylesheet import Stylesheet

from tests.support.env import app_env
from tests.support.wait import settle
from tui.sections import SECTIONS
from tui.widgets.kanban_column import KanbanColumn

OTHERS = [s for s in SECTIONS if s.mode != "board"]  # the board is open at start


async def test_a_first_open_of_every_section_parses_no_style_sheet(tmp_path, monkeypatch):
    parses: list[str] = []
    real = Stylesheet.reparse

    def counted(self: Stylesheet) -> None:
        parses.append("reparse")
        real(self)

    monkeypatch.setattr(Stylesheet, "reparse", counted)
    async with app_env(tmp_path) as env:
        opened = []
        for section in OTHERS:
            env.app.switch_mode(section.mode)
            await settle(env)
            assert env.app.current_mode == section.mode
            assert parses == [], f"opening {section.title!r} parsed the style sheets again"
            assert env.app.screen.styles.background.a > 0, section.title  # styled: app.tcss applies
            opened.append(section.mode)
        assert len(opened) == len(SECTIONS) - 1


async def test_a_section_opened_before_a_theme_change_follows_it(tmp_path):
    async with app_env(tmp_path) as env:
        app = env.app
        app.switch_mode("insights")
        await settle(env)
        dark = app.screen.styles.background
        header = app.screen.query_one(".forecast-header")
        app.switch_mode("board")
        await settle(env)
        app.theme = "textual-light"
        await settle(env)
        app.switch_mode("insights")
        await settle(env)
        assert dark.brightness < 0.5 < app.screen.styles.background.brightness
        assert header.styles.height is not None and header.styles.height.value == 3  # insights.tcss still applies


async def test_a_column_with_more_cards_than_room_scrolls_down_and_never_sideways(tmp_path):
    async with app_env(tmp_path, deals=200, size=(160, 45)) as env:
        await settle(env)  # the board loaded and laid out
        columns = list(env.app.screen.query(KanbanColumn))
        assert columns
        tall = [c for c in columns if c.virtual_size.height > c.size.height]
        assert tall, "the demo has a stage with more cards than fit"
        for column in columns:
            assert not column.show_horizontal_scrollbar
            assert column.show_vertical_scrollbar == (column in tall)
        env.app.switch_mode("insights")
        await settle(env)
        for column in env.app.screen.query(KanbanColumn):
            assert not column.show_horizontal_scrollbar
            assert column.show_vertical_scrollbar == (column.virtual_size.height > column.size.height)


async def test_a_layout_elsewhere_leaves_the_columns_scrollbars_alone_and_a_new_card_count_updates_them(tmp_path, monkeypatch):
    async with app_env(tmp_path, deals=200, size=(160, 45)) as env:
        await settle(env)  # the board loaded and laid out
        columns = list(env.app.screen.query(KanbanColumn))
        tall = [c for c in columns if c.show_vertical_scrollbar]
        assert tall
        updates: list[KanbanColumn] = []
        real = KanbanColumn._scroll_update

        def counted(self: KanbanColumn, virtual_size) -> None:  # type: ignore[no-untyped-def]
            updates.append(self)
            real(self, virtual_size)

        monkeypatch.setattr(KanbanColumn, "_scroll_update", counted)
        env.app.notify("a toast: the screen lays out again")
        env.app.screen.query_one("#board-title").refresh(layout=True)
        await settle(env)
        assert updates == [], "a layout elsewhere repainted the columns' scrollbars"
        await env.pilot.press("slash", "z", "z", "q")  # nothing matches: every column empties
        await settle(env)
        assert all(not c.show_vertical_scrollbar for c in columns)
        await env.pilot.press("escape")
        await settle(env)
        assert [c for c in columns if c.show_vertical_scrollbar] == tall
