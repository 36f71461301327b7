"""The agenda as one virtual list: group headers and activity rows (line API, 20,000 rows
stay instant). Type marks carry a symbol per type so they survive NO_COLOR."""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.formatting import clean
from tui.keymap.agenda import MOVE_BINDINGS
from tui.store.queries.agenda import AgendaGroup, AgendaRow

TYPE_MARKS = {"call": "☎", "meeting": "◎", "task": "✓", "deadline": "⚑", "email": "✉", "lunch": "☕"}
GROUP_STYLE = {"Overdue": "bold red", "Today": "bold green", "Tomorrow": "bold", "Done recently": "grey62"}


def type_mark(type_key: str) -> str:
    return TYPE_MARKS.get(type_key, "◇")


@dataclass(slots=True)
class Line:
    header: str | None = None
    count: int = 0
    row: AgendaRow | None = None


def row_text(row: AgendaRow, width: int) -> Text:
    when = row.time or "all day"
    if row.duration and row.time:
        when += f" ({row.duration})"
    links = " · ".join(clean(x) for x in (row.deal, row.person, row.org) if x)
    day = row.day.strftime("%a %d %b") if row.day else "no date"
    text = Text.assemble(
        ("☑ " if row.done else "☐ ", "green" if row.done else ""),
        (f"{type_mark(row.type)} ", "cyan"),
        (f"{day:<11}", "grey70"),
        (f"{when:<16}", "grey70"),
        (clean(row.subject), "bold" if not row.done else ""),
    )
    if row.late:
        text.append(f"  {row.late}", style="red")
    if links:
        text.append(f"  {links}", style="grey62")
    if row.owner:
        text.append(f"  @{clean(row.owner)}", style="grey50")
    if row.done:
        text.stylize("dim strike")
    text.truncate(width, overflow="ellipsis", pad=True)
    return text


class AgendaList(ScrollView, can_focus=True):
    ALLOW_SELECT = False
    DEFAULT_CSS = "AgendaList { height: 1fr; overflow-x: hidden; }"
    BINDINGS = MOVE_BINDINGS  # the arrows move the selection (a scroll view's own only scrolled)

    class Selected(Message):
        def __init__(self, row: AgendaRow) -> None:
            super().__init__()
            self.row = row

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: list[Line] = []
        self.cursor = 0

    def set_groups(self, groups: list[AgendaGroup], keep_id: int | None = None) -> None:
        self.lines = []
        for g in groups:
            self.lines.append(Line(header=g.name, count=g.count))
            self.lines += [Line(row=r) for r in g.rows]
        target = None
        if keep_id is not None:
            target = next((i for i, line in enumerate(self.lines) if line.row and line.row.id == keep_id), None)
        if target is None:
            target = min(self.cursor, len(self.lines) - 1)
            if target >= 0 and self.lines[target].row is None:
                target = self._next_row(target, 1)
        self.cursor = max(0, target or 0)
        self.virtual_size = Size(self.size.width, len(self.lines))
        self.refresh()
        self.call_after_refresh(self._scroll_to_cursor)

    @property
    def selected(self) -> AgendaRow | None:
        if 0 <= self.cursor < len(self.lines):
            return self.lines[self.cursor].row
        return None

    def _next_row(self, start: int, step: int) -> int | None:
        i = start
        while 0 <= i < len(self.lines):
            if self.lines[i].row is not None:
                return i
            i += step
        return None

    def move(self, delta: int) -> None:
        step = 1 if delta > 0 else -1
        i = self.cursor
        for _ in range(abs(delta)):
            nxt = self._next_row(i + step, step)
            if nxt is None:
                break
            i = nxt
        self.cursor = i
        self._scroll_to_cursor()
        self.refresh()

    def action_cursor(self, delta: int) -> None:
        self.move(delta)

    def action_page(self, delta: int) -> None:
        self.move(delta * max(1, self.size.height - 2))

    def action_edge(self, end: int) -> None:
        if not self.lines:
            return
        target = self._next_row(len(self.lines) - 1, -1) if end else self._next_row(0, 1)
        if target is not None:
            self.cursor = target
            self._scroll_to_cursor()
            self.refresh()

    def _scroll_to_cursor(self) -> None:
        top = self.cursor
        if top > 0 and self.lines[top - 1].header is not None:
            top -= 1  # keep the group header in view
        self.scroll_to_region(Region(0, top, 1, self.cursor - top + 1), animate=False)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        index = y + int(self.scroll_offset.y)
        if index >= len(self.lines):
            return Strip.blank(width)
        line = self.lines[index]
        if line.header is not None:
            text = Text.assemble((f" {line.header} ", GROUP_STYLE.get(line.header, "bold")), (f" {line.count}", "grey62"))
            text.truncate(width, overflow="ellipsis", pad=True)
            text.stylize("underline")
        else:
            text = row_text(line.row, max(1, width - 1))  # type: ignore[arg-type]
            if index == self.cursor:
                text = Text.assemble(("▌", "bold dodger_blue1"), text)
                text.stylize("reverse" if self.has_focus else "bold on grey23")
            else:
                text = Text.assemble(" ", text)
        return Strip(list(text.render(self.app.console))).adjust_cell_length(width, Style())

    def on_click(self, event: events.Click) -> None:
        index = event.y + int(self.scroll_offset.y)
        if 0 <= index < len(self.lines) and self.lines[index].row is not None:
            self.cursor = index
            self.refresh()
            if event.chain >= 2:
                self.post_message(self.Selected(self.lines[index].row))  # type: ignore[arg-type]

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.lines))

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
