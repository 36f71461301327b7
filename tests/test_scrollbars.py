"""A virtual list's new number of lines (widgets/scrollbars.py: set_virtual_height), as the
board's columns and the agenda list set it: a list that keeps its scrollbar is not laid out at
all (setting `virtual_size` lays out the whole screen: every column of the board, the agenda's
every line); one that comes to need a scrollbar or stops needing it gets or loses it."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tests.support.paint import count_layouts, layouts_run
from tui.widgets.scrollbars import set_virtual_height


class Lines(ScrollView):
    DEFAULT_CSS = "Lines { height: 10; overflow-x: hidden; }"

    def render_line(self, y: int) -> Strip:
        return Strip.blank(self.size.width)


class One(App[None]):
    def compose(self) -> ComposeResult:
        yield Lines()


async def _laid_out(pilot, app: App[None]) -> None:
    """Until a pause goes by with no layout due and none run (or ~1 s has passed): a message
    still queued after the last layout (a Resize) can ask for one more."""
    for _ in range(50):
        with layouts_run() as runs:
            await pilot.pause()
        if not runs and not (app.screen._layout_required or any(w._layout_required for w in app.screen.walk_children())):
            return


async def test_a_list_that_keeps_its_scrollbar_is_not_laid_out_and_one_that_fits_loses_it(monkeypatch):
    app = One()
    async with app.run_test(size=(40, 20)) as pilot:
        view = app.query_one(Lines)
        set_virtual_height(view, 5)
        await pilot.pause()
        assert not view.show_vertical_scrollbar
        set_virtual_height(view, 50)  # comes to overflow: the scrollbar shows
        await pilot.pause()
        await pilot.pause()
        assert view.show_vertical_scrollbar and view.virtual_size.height == 50
        await _laid_out(pilot, app)  # on a loaded machine that layout can still be due here
        layouts = count_layouts(monkeypatch)
        set_virtual_height(view, 60)  # still overflowing: the scrollbar is updated, nothing laid out
        await pilot.pause()
        await pilot.pause()
        assert view.virtual_size.height == 60 and view.show_vertical_scrollbar and layouts == []
        set_virtual_height(view, 3)  # fits again: the layout takes the scrollbar away
        await pilot.pause()
        await pilot.pause()
        assert not view.show_vertical_scrollbar and layouts
        await _laid_out(pilot, app)
        layouts.clear()
        set_virtual_height(view, 7)  # still fits (a column of 3 cards that gets 5): nothing laid out
        await pilot.pause()
        await pilot.pause()
        assert view.virtual_size.height == 7 and not view.show_vertical_scrollbar and layouts == []
