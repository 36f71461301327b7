"""Seven days side by side (or stacked on narrow terminals), activities in time order, with
a visible selection (▌ and reversed) that the agenda's keys move and act on."""

from __future__ import annotations

from datetime import date

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll
from textual.widgets import Static

from tui.store.queries.agenda import AgendaRow
from tui.widgets.agenda_list import type_mark
from tui.widgets import tones
from tui.widgets.cells import shown


def activity_lines(r: AgendaRow, width: int, selected: bool) -> list[Text]:
    """One activity in a day of `width` cells: its time and type, the subject (on a second
    line when the first cannot hold it), then the deal or person it is for, muted."""
    mark = ("▌" if selected else " ", tones.CURSOR)
    head = Text.assemble(mark, (f"{r.time} " if r.time else "", tones.MUTED), (type_mark(r.type) + " ", tones.INFO))
    subject = shown(r.subject) or "(no subject)"
    first = Text.assemble(head, (subject, "bold" if not r.done else ""))
    lines = [first]
    room = width - head.cell_len
    if first.cell_len > width and cell_len(subject) > room:
        # the subject goes on below the time, from the line's start
        cut = max(0, subject.rfind(" ", 0, room + 1))  # at a space; with none, all of it goes below
        lines = [Text.assemble(head, (subject[:cut].rstrip(), "bold" if not r.done else ""))]
        lines.append(Text.assemble(" ", (subject[cut:].lstrip(), "bold" if not r.done else "")))
    links = " · ".join(shown(x) for x in (r.deal, r.person) if x) or shown(r.org)
    if links:
        lines.append(Text.assemble(" ", (links, tones.MUTED)))
    for line in lines:
        if r.done:
            line.stylize("dim strike")
        line.truncate(max(8, width), overflow="ellipsis", pad=selected)
        if selected:
            line.stylize("reverse")
    return lines


def day_text(day: date, rows: list[AgendaRow], today: date, width: int, selected: int | None = None) -> Text:
    head = Text(day.strftime("%a %d %b") + ("  today" if day == today else ""), style=tones.SUCCESS_CHIP if day == today else "bold")
    lines = [head]
    for i, r in enumerate(rows):
        lines.extend(activity_lines(r, width, i == selected))
    if not rows:
        lines.append(Text(" —", style=tones.FAINT))
    text = Text("\n").join(lines)
    text.no_wrap, text.overflow = True, "ellipsis"
    return text


class WeekView(VerticalScroll):
    DEFAULT_CSS = """
    WeekView { height: 1fr; }
    WeekView Grid { grid-size: 7; grid-gutter: 0 1; height: auto; }
    WeekView.-narrow Grid { grid-size: 1; }
    WeekView .day { height: auto; min-height: 5; border: round $separator; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    WeekView .day.-today { border: round $success; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.days: list[tuple[date, list[AgendaRow]]] = []
        self.order: list[tuple[int, int]] = []  # (day index, row index) in week order
        self.cursor = 0
        self.today: date | None = None

    def compose(self) -> ComposeResult:
        with Grid():
            for i in range(7):
                yield Static(classes="day", id=f"day-{i}")

    def show(self, days: dict[date, list[AgendaRow]], today: date, keep_id: int | None = None) -> None:
        self.days = sorted(days.items())
        self.today = today
        self.order = [(d, r) for d, (_day, rows) in enumerate(self.days) for r in range(len(rows))]
        ids = [self.days[d][1][r].id for d, r in self.order]
        if keep_id in ids:
            self.cursor = ids.index(keep_id)
        self.cursor = max(0, min(self.cursor, len(self.order) - 1))
        self._paint()

    @property
    def selected(self) -> AgendaRow | None:
        if not self.order:
            return None
        d, r = self.order[self.cursor]
        return self.days[d][1][r]

    def move(self, delta: int) -> None:
        if self.order:
            self.cursor = max(0, min(self.cursor + delta, len(self.order) - 1))
            self._paint()

    def edge(self, end: int) -> None:
        if self.order:
            self.cursor = len(self.order) - 1 if end else 0
            self._paint()

    def on_resize(self) -> None:
        """Side by side or stacked, and each day's text cut, follow the width (a terminal resized)."""
        self._paint()

    def _paint(self) -> None:
        if self.today is None:
            return
        narrow = (self.size.width or 160) < 110
        self.set_class(narrow, "-narrow")
        # a day's content: a seventh of the width less the gutters (6), border (2) and padding (2)
        width = (self.size.width or 160) - 6 if narrow else max(10, ((self.size.width or 160) - 6) // 7 - 4)
        at = self.order[self.cursor] if self.order else None
        for i, (day, rows) in enumerate(self.days):
            cell = self.query_one(f"#day-{i}", Static)
            cell.update(day_text(day, rows, self.today, width, at[1] if at and at[0] == i else None))
            cell.set_class(day == self.today, "-today")
        if at is not None:
            self.call_after_refresh(self.scroll_to_widget, self.query_one(f"#day-{at[0]}", Static), animate=False)
