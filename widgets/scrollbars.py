"""Scrollbars decided before a widget's first layout.

Textual shows a scrollbar once a layout has found the content larger than the widget, and
that change needs a second layout pass, which repaints everything the scrollbar narrowed or
shortened: every column of a board or a forecast (about 150 ms at 160x45 on a 2-core
machine, measured in benchmarks/insights_bench.py). When the content's size is known before
the first layout and plainly exceeds the room it can have, say so first: the first layout
keeps the scrollbar's line, and nothing is painted twice. In doubt, nothing is said and
Textual decides as usual.
"""

from __future__ import annotations

from textual._context import NoActiveAppError
from textual.geometry import Size
from textual.containers import VerticalScroll
from textual.scroll_view import ScrollView
from textual.widget import Widget


def expect_scrollbars(widget: Widget, *, width: int | None = None, height: int | None = None) -> None:
    """`width`/`height`: the content's size (None: not known). The room is the widget's own
    size once it is laid out, else the screen's (the most it can be given). For a widget whose
    overflow is `auto` (its CSS is not applied before it is mounted, so this cannot be checked
    here; a wrong guess is corrected by Textual's next layout)."""
    room = widget.size
    if not room.width:
        try:
            room = widget.app.size
        except NoActiveAppError:  # built outside an app (a test of the widget alone)
            return
    if width is not None and width > room.width > 0 and not widget.show_horizontal_scrollbar:
        widget.set_reactive(Widget.show_horizontal_scrollbar, True)
    if height is not None and height > room.height > 0 and not widget.show_vertical_scrollbar:
        widget.set_reactive(Widget.show_vertical_scrollbar, True)


def set_virtual_height(view: ScrollView, height: int) -> None:
    """A virtual list's new number of lines (a card more or less, a reload). Setting
    `virtual_size` runs a layout pass of the whole screen (about 60 ms at 160x45 here); when the
    vertical scrollbar stays as it is (shown before and after, or fitting before and after: a
    column of 3 cards that gets 5), only the scrollbar is updated, as ScrollView does for its
    own scroll updates. Before the first layout the scrollbar is
    decided now (`expect_scrollbars`).

    The width is left at 0: the lines fit the view and never scroll sideways; a width given
    on every first layout and resize would cost a layout pass each time."""
    size = Size(0, height)
    if size == view.virtual_size:
        return
    room = view.size.height
    if not room:
        expect_scrollbars(view, height=height)
    before = view.virtual_size.height
    shown = view.show_vertical_scrollbar
    if room and ((before > room and height > room and shown) or (before <= room and height <= room and not shown)):
        view.set_reactive(ScrollView.virtual_size, size)
        view._scroll_update(size)
    else:
        view.virtual_size = size


class ScrollBody(VerticalScroll):
    """A screen's scrolling body that takes the focus so its keys scroll it (a deal's
    sections, a mail thread). Textual restyles a widget and everything inside it when its
    focus changes, for rules that style children by a parent's focus (`Select:focus >
    SelectCurrent`); no rule does that for a body, so it restyles itself alone: ~15 ms less
    when a deal opens and ~18 ms less when it closes (its 24 widgets were restyled while the
    screen was being removed)."""

    def watch_has_focus(self, _has_focus: bool) -> None:
        try:
            self.app.stylesheet.update_nodes([self], animate=True)
        except NoActiveAppError:
            pass
