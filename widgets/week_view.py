"""Seven days side by side (or stacked on narrow terminals), activities in time order."""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll
from textual.widgets import Static

from tui.formatting import clean
from tui.store.queries.agenda import AgendaRow
from widgets.agenda_list import type_mark


def day_text(day: date, rows: list[AgendaRow], today: date, width: int) -> Text:
    head = Text(day.strftime("%a %d %b") + ("  today" if day == today else ""),
                style="bold reverse green" if day == today else "bold")
    lines = [head]
    for r in rows:
        line = Text.assemble((f"{r.time or 'all day':<8}", "grey70"), (type_mark(r.type) + " ", "cyan"), clean(r.subject))
        if r.done:
            line.stylize("dim strike")
        line.truncate(max(8, width), overflow="ellipsis")
        lines.append(line)
    if not rows:
        lines.append(Text("—", style="grey50"))
    return Text("\n").join(lines)


class WeekView(VerticalScroll):
    DEFAULT_CSS = """
    WeekView { height: 1fr; }
    WeekView Grid { grid-size: 7; grid-gutter: 0 1; height: auto; }
    WeekView.-narrow Grid { grid-size: 1; }
    WeekView .day { height: auto; min-height: 5; border: round $panel-lighten-2; padding: 0 1; }
    WeekView .day.-today { border: round $success; }
    """

    def compose(self) -> ComposeResult:
        with Grid():
            for i in range(7):
                yield Static(classes="day", id=f"day-{i}")

    def show(self, days: dict[date, list[AgendaRow]], today: date) -> None:
        narrow = (self.size.width or 160) < 110
        self.set_class(narrow, "-narrow")
        width = (self.size.width or 160) - 4 if narrow else max(10, (self.size.width or 160) // 7 - 5)
        for i, (day, rows) in enumerate(sorted(days.items())):
            cell = self.query_one(f"#day-{i}", Static)
            cell.update(day_text(day, rows, today, width))
            cell.set_class(day == today, "-today")
