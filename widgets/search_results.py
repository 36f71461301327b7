"""Search results: groups (Deals, People, Organizations, From Pipedrive) with a header line
each and one line per hit (title, context, more), line API, a visible selection that skips
the headers. The keys live on the search screen (its text box keeps the focus)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.formatting import clean
from tui.widgets import tones


@dataclass(frozen=True)
class Row:
    title: str
    context: str = ""
    more: str = ""
    key: object = None  # what the screen opens, e.g. ("deal", 7)
    dim: bool = False  # closed deals


@dataclass(frozen=True)
class Group:
    label: str
    rows: Sequence[Row]
    total: int | None = None  # matches in all (when more than shown)
    more: bool = False  # the total is a lower bound ("200+")


class SearchResults(ScrollView, can_focus=False):
    ALLOW_SELECT = False
    DEFAULT_CSS = "SearchResults { height: 1fr; overflow-x: hidden; }"

    class Chosen(Message):
        def __init__(self, row: Row) -> None:
            super().__init__()
            self.row = row

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: list[Row | Group] = []
        self.cursor: int | None = None  # index into lines (a Row), None when there are none
        self.empty_text = ""

    def set_groups(self, groups: Sequence[Group], keep: object = None) -> None:
        self.lines = []
        for group in groups:
            if group.rows:
                self.lines.append(group)
                self.lines.extend(group.rows)
        rows = [i for i, line in enumerate(self.lines) if isinstance(line, Row)]
        kept = next((i for i in rows if keep is not None and self.lines[i].key == keep), None)  # type: ignore[union-attr]
        self.cursor = kept if kept is not None else (rows[0] if rows else None)
        self.virtual_size = Size(self.size.width, len(self.lines))
        self.scroll_to(y=0, animate=False, immediate=True)
        self._show_cursor()
        self.refresh()

    @property
    def selected(self) -> Row | None:
        line = self.lines[self.cursor] if self.cursor is not None else None
        return line if isinstance(line, Row) else None

    # -- moving -----------------------------------------------------------------------------------

    def _rows(self) -> list[int]:
        return [i for i, line in enumerate(self.lines) if isinstance(line, Row)]

    def move(self, delta: int) -> None:
        rows = self._rows()
        if not rows or self.cursor is None:
            return
        at = rows.index(self.cursor)
        self.cursor = rows[max(0, min(len(rows) - 1, at + delta))]
        self._show_cursor()

    def page(self, delta: int) -> None:
        self.move(delta * max(1, self.size.height - 2))

    def next_group(self, delta: int) -> None:
        """The first hit of the next (delta 1) or previous (-1) group."""
        if self.cursor is None:
            return
        heads = [i for i, line in enumerate(self.lines) if isinstance(line, Group)]
        current = max((h for h in heads if h < self.cursor), default=heads[0])
        at = heads.index(current) + delta
        if 0 <= at < len(heads):
            self.cursor = heads[at] + 1
            self._show_cursor()

    def _show_cursor(self) -> None:
        if self.cursor is not None:
            top = self.cursor - 1 if self.cursor and isinstance(self.lines[self.cursor - 1], Group) else self.cursor
            self.scroll_to_region(Region(0, top, 1, self.cursor - top + 1), animate=False, immediate=True)
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        index = event.y + int(self.scroll_offset.y)
        if 0 <= index < len(self.lines) and isinstance(self.lines[index], Row):
            self.cursor = index
            self._show_cursor()
            if event.chain >= 2:
                self.post_message(self.Chosen(self.lines[index]))  # type: ignore[arg-type]

    # -- drawing ------------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        index = y + int(self.scroll_offset.y)
        if index >= len(self.lines):
            if not self.lines and y == 0 and self.empty_text:
                return self._strip(Text("  " + self.empty_text, style=tones.MUTED), width)
            return Strip.blank(width)
        line = self.lines[index]
        if isinstance(line, Group):
            text = Text(f" {line.label}", style="bold")
            shown = sum(1 for _ in line.rows)
            if line.total is not None and (line.total > shown or line.more):
                text.append(f"  {shown} of {line.total:,}{'+' if line.more else ''}", style=tones.MUTED)
            elif shown:
                text.append(f"  {shown}", style=tones.MUTED)
            return self._strip(text, width, Style(underline=True))
        selected = index == self.cursor
        text = self._row(line, width, "▌ " if selected else "  ")
        if selected:
            text.stylize("reverse")
            return self._strip(text, width, Style(reverse=True))
        return self._strip(text, width)

    def _row(self, row: Row, width: int, bar: str) -> Text:
        room = max(10, width - 2)
        first = min(max(24, room * 2 // 5), 60)
        second = min(max(20, room * 2 // 7), 48)
        text = Text(bar, no_wrap=True)
        for value, size, style in (
            (row.title, first, tones.FAINT if row.dim else "bold"),
            (row.context, second, tones.MUTED if row.dim else tones.INFO),
            (row.more, max(0, room - first - second - 2), tones.MUTED),
        ):
            if size <= 0:
                continue
            cell = Text(clean(value), style=style)
            cell.truncate(size, overflow="ellipsis", pad=True)
            text.append_text(cell)
            text.append(" ")
        return text

    def _strip(self, text: Text, width: int, style: Style | None = None) -> Strip:
        return Strip(list(text.render(self.app.console))).crop(0, width).adjust_cell_length(width, style or Style())

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.lines))
