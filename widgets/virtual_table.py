"""A virtual table: line API, one line per row, header line, cursor; instant at 50,000 rows
(DataTable measures every row on load: 10,000 rows take seconds).

Columns get a width by what they hold: each has a minimum, an ideal width and a priority
(0 = most useful). When the terminal is too narrow the least useful columns are dropped
first; spare width grows columns toward their ideal width (most useful first) and what is
left goes to the flexible ones. The selected row is always visible, highlighted across
the table's width as the board's selected card is: bold on a tinted background and a
coloured ▌ bar while the table has focus, a lighter tint and a faint bar otherwise; the
bar, bold and the tint (as a grey) stay under NO_COLOR. Every line carries the theme's own text and background colours (a line
without them showed the terminal's default colours, whatever the theme).

Rows come in blocks of BLOCK: the table knows how many there are (`total`) and asks for a
block when it comes into view (NeedBlock); `set_rows` gives it every row at once instead.
A cell is a string (server text: cleaned here) or a rich Text its screen built from cleaned
text (e.g. coloured labels).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.keymap.lists import TABLE_BINDINGS
from tui.widgets import tones
from tui.widgets.cells import shown as shown_text

BLOCK = 200  # rows fetched at a time


@dataclass(frozen=True)
class Column:
    title: str
    min: int
    ideal: int
    priority: int = 0
    flex: bool = False
    align: str = "left"


def layout(columns: Sequence[Column], width: int) -> list[int]:
    """Cell width of each column (0 = dropped); one cell of gap after each shown column,
    and two cells for the selection bar at the start."""
    width = max(0, width - 2)
    shown = list(range(len(columns)))
    while len(shown) > 1 and sum(columns[i].min + 1 for i in shown) > width:
        shown.remove(max(shown, key=lambda i: (columns[i].priority, i)))
    widths = [columns[i].min if i in shown else 0 for i in range(len(columns))]
    spare = width - sum(widths[i] + 1 for i in shown)
    for i in sorted(shown, key=lambda i: columns[i].priority):
        grow = min(spare, max(0, columns[i].ideal - widths[i]))
        widths[i] += grow
        spare -= grow
    flexible = [i for i in shown if columns[i].flex] or shown[:1]
    for n, i in enumerate(flexible):
        share = spare // (len(flexible) - n)
        widths[i] += share
        spare -= share
    return widths


class VirtualTable(ScrollView, can_focus=True):
    ALLOW_SELECT = False
    BINDINGS = TABLE_BINDINGS
    DEFAULT_CSS = "VirtualTable { height: 1fr; overflow-x: hidden; }"

    class NeedBlock(Message):
        def __init__(self, table: "VirtualTable", block: int) -> None:
            super().__init__()
            self.table = table
            self.block = block

    class RowSelected(Message):
        def __init__(self, table: "VirtualTable", index: int) -> None:
            super().__init__()
            self.table = table
            self.index = index

    def __init__(self, columns: Sequence[Column], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = list(columns)
        self.total = 0
        self.marked_at: Callable[[int], bool] | None = None  # is row i marked (bulk actions): ☑ beside it
        self.blocks: dict[int, list[Sequence[str | None]]] = {}
        self._asked: set[int] = set()
        self.generation = 0
        self.cursor = 0

    def set_rows(self, rows: list[Sequence[str | None]], cursor: int | None = None) -> None:
        """Every row at once (small lists)."""
        self.reset(len(rows), {i // BLOCK: rows[i : i + BLOCK] for i in range(0, len(rows), BLOCK)}, cursor)

    def reset(self, total: int, blocks: dict[int, list[Sequence[str | None]]], cursor: int | None = None) -> None:
        self.total = total
        self.blocks = dict(blocks)
        self._asked = set(blocks)
        self.generation += 1
        self.cursor = max(0, min(self.cursor if cursor is None else cursor, total - 1))
        self.virtual_size = Size(self.inner_width, total + 1)
        self.refresh()
        self.call_after_refresh(self._scroll_to_cursor)

    def put_block(self, block: int, rows: list[Sequence[str | None]], generation: int) -> None:
        if generation == self.generation:
            self.blocks[block] = rows
            self.refresh()

    def row(self, index: int) -> Sequence[str | None] | None:
        if not 0 <= index < self.total:
            return None
        block, offset = divmod(index, BLOCK)
        rows = self.blocks.get(block)
        if rows is None:
            if block not in self._asked:
                self._asked.add(block)
                self.post_message(self.NeedBlock(self, block))
            return None
        return rows[offset] if offset < len(rows) else None

    @property
    def rows(self) -> list[Sequence[str | None]]:
        """The rows loaded so far, in order."""
        return [r for b in sorted(self.blocks) for r in self.blocks[b]]

    @property
    def inner_width(self) -> int:
        return self.scrollable_content_region.width or self.size.width

    def widths(self) -> list[int]:
        return layout(self.columns, self.inner_width)

    def _line(self, cells: Sequence[str | Text | None], widths: list[int], bar: str = "  ") -> Text:
        text = Text(bar, no_wrap=True)
        for value, width, column in zip(cells, widths, self.columns):
            if not width:
                continue
            if isinstance(value, Text):
                cell = value.copy()
            else:
                cell = Text(shown_text(value) if value is not None else "—")
            if column.align == "right":
                cell.truncate(width, overflow="ellipsis")
                cell = Text(" " * (width - cell.cell_len)) + cell
            else:
                cell.truncate(width, overflow="ellipsis", pad=True)
            text.append_text(cell)
            text.append(" ")
        return text

    def _strip(self, text: Text, style: Style) -> Strip:
        strip = Strip(list(text.render(self.app.console))).adjust_cell_length(self.inner_width, style)
        return strip.apply_style(self.rich_style)  # the theme's colours under what the line sets

    def render_line(self, y: int) -> Strip:
        widths = self.widths()
        if y == 0:
            header = self._line([c.title for c in self.columns], widths)
            header.stylize("bold underline")
            return self._strip(header, Style(underline=True))
        index = y - 1 + int(self.scroll_offset.y)
        if index >= self.total:
            if not self.total and y == 1:
                return self._strip(Text("  nothing matches", style=tones.FAINT), Style())
            return Strip.blank(self.inner_width)
        row = self.row(index)
        if row is None:
            return self._strip(Text("  …", style=tones.FAINT), Style())
        marked = self.marked_at is not None and self.marked_at(index)
        if index != self.cursor:
            return self._strip(self._line(row, widths, bar=" ☑" if marked else "  "), Style())
        line = self._line(row, widths, bar="▌☑" if marked else "▌ ")
        line.stylize(tones.CURSOR if self.has_focus else tones.FAINT, 0, 1)
        style = self.app.console.get_style(tones.ROW if self.has_focus else tones.SELECTED) + Style(bold=True)
        line.stylize(style)
        return self._strip(line, style)

    def action_cursor(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, delta: int) -> None:
        self.move_to(self.cursor + delta * max(1, self.size.height - 2))

    def action_edge(self, end: int) -> None:
        self.move_to(self.total - 1 if end else 0)

    def move_to(self, index: int) -> None:
        if not self.total:
            return
        self.cursor = max(0, min(index, self.total - 1))
        self._scroll_to_cursor()
        self.refresh()

    def _scroll_to_cursor(self) -> None:
        # line y of the cursor is cursor + 1 (the header); keep the header line out of the count
        self.scroll_to_region(Region(0, self.cursor, 1, 2), animate=False, immediate=True)

    def action_select(self) -> None:
        if self.total:
            self.post_message(self.RowSelected(self, self.cursor))

    def on_click(self, event: events.Click) -> None:
        index = event.y - 1 + int(self.scroll_offset.y)
        if 0 <= index < self.total and event.y > 0:
            self.move_to(index)
            if event.chain >= 2:
                self.action_select()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.inner_width, self.total + 1)
