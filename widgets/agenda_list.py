"""The agenda as one virtual list: group headers and activity rows (line API, 20,000 rows
stay instant). Type marks carry a symbol per type so they survive NO_COLOR."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.formatting import clean
from tui.keymap.agenda import MOVE_BINDINGS
from tui.store.queries.agenda import AgendaGroup, AgendaRow
from tui.widgets import tones
from tui.widgets.cells import shown
from tui.widgets.scrollbars import set_virtual_height

TYPE_MARKS = {"call": "☎", "meeting": "◎", "task": "✓", "deadline": "⚑", "email": "✉", "lunch": "☕"}
GROUP_STYLE = {"Overdue": tones.ERROR_B, "Today": tones.SUCCESS_B, "Tomorrow": "bold", "Done recently": tones.MUTED}


def type_mark(type_key: str) -> str:
    return TYPE_MARKS.get(type_key, "◇")


@dataclass(slots=True)
class Line:
    header: str | None = None
    count: int = 0
    row: AgendaRow | None = None  # None on a row line: still being read (a far "Later" row)


TAIL_BLOCK = 200


class Lines:
    """The list's lines: the groups' lines as read, then the far "Later" rows (only counted
    until they come into view: `need(block)` asks for them), then what follows "Later"."""

    def __init__(
        self, head: list[Line], tail_total: int = 0, after: list[Line] | None = None, need: Callable[[int], object] | None = None
    ) -> None:
        self.head, self.tail_total, self.after = head, tail_total, after or []
        self.tail: dict[int, list[AgendaRow]] = {}
        self._asked: set[int] = set()
        self.need = need or (lambda block: None)

    def __len__(self) -> int:
        return len(self.head) + self.tail_total + len(self.after)

    def __getitem__(self, i: int) -> Line:
        if i < 0:
            i += len(self)
        if i < len(self.head):
            return self.head[i]
        j = i - len(self.head)
        if j < self.tail_total:
            block, offset = divmod(j, TAIL_BLOCK)
            rows = self.tail.get(block)
            if rows is None:
                if block not in self._asked:
                    self._asked.add(block)
                    self.need(block)
                return Line()
            return Line(row=rows[offset]) if offset < len(rows) else Line()
        return self.after[j - self.tail_total]

    def loaded(self) -> list[tuple[int, Line]]:
        out = list(enumerate(self.head))
        for block, rows in self.tail.items():
            out += [(len(self.head) + block * TAIL_BLOCK + k, Line(row=r)) for k, r in enumerate(rows)]
        base = len(self.head) + self.tail_total
        out += [(base + k, line) for k, line in enumerate(self.after)]
        return out


def row_text(row: AgendaRow, width: int) -> Text:
    when = row.time or "all day"
    if row.duration and row.time:
        when += f" ({row.duration})"
    links = " · ".join(shown(x) for x in (row.deal, row.person, row.org) if x)
    day = row.day.strftime("%a %d %b") if row.day else "no date"
    text = Text.assemble(
        ("☑ " if row.done else "☐ ", tones.SUCCESS if row.done else ""),
        (f"{type_mark(row.type)} ", tones.INFO),
        (f"{day:<11}", tones.MUTED),
        (f"{when:<16}", tones.MUTED),
        (shown(row.subject), "bold" if not row.done else ""),
    )
    if row.late:
        text.append(f"  {row.late}", style=tones.ERROR)
    if links:
        text.append(f"  {links}", style=tones.MUTED)
    if row.owner:
        text.append(f"  @{clean(row.owner)}", style=tones.FAINT)
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

    class NeedLater(Message):
        """Far "Later" rows came into view: the screen reads this block of them."""

        def __init__(self, block: int, generation: int) -> None:
            super().__init__()
            self.block = block
            self.generation = generation

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines: Lines = Lines([])
        self.cursor = 0
        self.generation = 0

    def set_groups(self, groups: list[AgendaGroup], keep_id: int | None = None, later_more: int = 0) -> None:
        """The groups as read; `later_more` far "Later" rows follow the Later group's rows."""
        self.generation += 1
        generation = self.generation
        head: list[Line] = []
        after: list[Line] = []
        target_list = head
        for g in groups:
            count = g.count + (later_more if g.name == "Later" else 0)
            target_list.append(Line(header=g.name, count=count))
            target_list += [Line(row=r) for r in g.rows]
            if g.name == "Later":
                target_list = after
        self.lines = Lines(head, later_more, after, lambda block: self.post_message(self.NeedLater(block, generation)))
        target = None
        if keep_id is not None:
            target = next((i for i, line in self.lines.loaded() if line.row and line.row.id == keep_id), None)
        if target is None:
            target = min(self.cursor, len(self.lines) - 1)
            if target >= 0 and self.lines[target].header is not None:
                target = self._next_row(target, 1)
        self.cursor = max(0, target or 0)
        set_virtual_height(self, len(self.lines))
        self.refresh()
        self.call_after_refresh(self._scroll_to_cursor)

    @property
    def selected(self) -> AgendaRow | None:
        if 0 <= self.cursor < len(self.lines):
            return self.lines[self.cursor].row
        return None

    def put_later(self, block: int, rows: list[AgendaRow], generation: int) -> None:
        if generation == self.generation:
            self.lines.tail[block] = rows
            self.refresh()

    def _next_row(self, start: int, step: int) -> int | None:
        i = start
        while 0 <= i < len(self.lines):
            if self.lines[i].header is None:
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
            text = Text.assemble((f" {line.header} ", GROUP_STYLE.get(line.header, "bold")), (f" {line.count}", tones.MUTED))
            text.truncate(width, overflow="ellipsis", pad=True)
            text.stylize("underline")
        elif line.row is None:
            text = Text("  …", style=tones.FAINT)  # a far "Later" row on its way
        else:
            text = row_text(line.row, max(1, width - 1))
            if index == self.cursor:
                text = Text.assemble(("▌", tones.CURSOR), text)
                text.stylize("reverse" if self.has_focus else tones.ROW)
            else:
                text = Text.assemble(" ", text)
        return Strip(list(text.render(self.app.console))).adjust_cell_length(width, Style())

    def on_click(self, event: events.Click) -> None:
        index = event.y + int(self.scroll_offset.y)
        if 0 <= index < len(self.lines) and self.lines[index].header is None:
            self.cursor = index
            self.refresh()
            row = self.lines[index].row
            if event.chain >= 2 and row is not None:
                self.post_message(self.Selected(row))

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
