"""A virtual table: line API, one line per row, header line, cursor; instant at 50,000 rows
(DataTable measures every row on load, DESIGN.md section 6)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.formatting import clean

Column = tuple[str, int]  # title, width in cells (0 = take the rest)


class VirtualTable(ScrollView, can_focus=True):
    ALLOW_SELECT = False
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "edge(0)", "Top", show=False),
        Binding("end", "edge(1)", "Bottom", show=False),
        Binding("enter", "select", "Open", show=False),
    ]
    DEFAULT_CSS = "VirtualTable { height: 1fr; }"

    class RowSelected(Message):
        def __init__(self, table: "VirtualTable", index: int) -> None:
            super().__init__()
            self.table = table
            self.index = index

    def __init__(self, columns: Sequence[Column], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = list(columns)
        self.rows: list[Sequence[str | None]] = []
        self.cursor = 0

    def set_rows(self, rows: list[Sequence[str | None]]) -> None:
        self.rows = rows
        self.cursor = max(0, min(self.cursor, len(rows) - 1))
        self.virtual_size = Size(self.size.width, len(rows) + 1)
        self.refresh()

    def _widths(self) -> list[int]:
        fixed = sum(w + 1 for _t, w in self.columns if w)
        flex = [i for i, (_t, w) in enumerate(self.columns) if not w]
        rest = max(10, self.size.width - fixed - len(flex))
        return [w if w else max(10, rest // max(1, len(flex))) for _t, w in self.columns]

    def _line(self, cells: Sequence[str | None], style: str) -> Text:
        text = Text(style=style, no_wrap=True)
        for (value, width) in zip(cells, self._widths()):
            cell = Text(clean(value) if value is not None else "—")
            cell.truncate(width, overflow="ellipsis", pad=True)
            text.append_text(cell)
            text.append(" ")
        return text

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            header = self._line([t for t, _w in self.columns], "bold")
            return Strip(list(header.render(self.app.console))).adjust_cell_length(width, Style())
        index = y - 1 + int(self.scroll_offset.y)
        if index >= len(self.rows):
            if not self.rows and y == 1:
                return Strip(list(Text("  nothing matches", style="grey50").render(self.app.console))).adjust_cell_length(width)
            return Strip.blank(width)
        style = "reverse" if index == self.cursor and self.has_focus else ("on grey23" if index == self.cursor else "")
        line = self._line(self.rows[index], style)
        return Strip(list(line.render(self.app.console))).adjust_cell_length(width, Style.parse(style) if style else Style())

    def action_cursor(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, delta: int) -> None:
        self.move_to(self.cursor + delta * max(1, self.size.height - 2))

    def action_edge(self, end: int) -> None:
        self.move_to(len(self.rows) - 1 if end else 0)

    def move_to(self, index: int) -> None:
        if not self.rows:
            return
        self.cursor = max(0, min(index, len(self.rows) - 1))
        self.scroll_to_region(Region(0, self.cursor, 1, 2), animate=False)
        self.refresh()

    def action_select(self) -> None:
        if self.rows:
            self.post_message(self.RowSelected(self, self.cursor))

    def on_click(self, event: events.Click) -> None:
        index = event.y - 1 + int(self.scroll_offset.y)
        if 0 <= index < len(self.rows) and event.y > 0:
            self.move_to(index)
            if event.chain >= 2:
                self.action_select()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)
