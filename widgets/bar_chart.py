"""A chart of labelled horizontal bars, drawn with Rich text (no plotting library).

Each row: its label, one or more bars (each with its own fill pattern: █ ░ ▒ …) and the values
written after each bar, so a chart reads without colour (NO_COLOR), in the light theme and at
80 columns. Rows with a `drill` can be chosen (j/k, mouse) and opened (enter: `Drilled`).
Lines without a drill (titles, notes) are written as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget

from tui.widgets import tones


@dataclass(frozen=True)
class Bar:
    fraction: float  # 0..1 of the bar area
    fill: str  # the pattern: █ ░ ▒
    text: str  # the value written after it
    tone: str = tones.SUCCESS


@dataclass(frozen=True)
class Row:
    label: str
    bars: tuple[Bar, ...] = ()
    drill: Any = None  # what enter lists (None: a line of text)
    note: str = ""
    tone: str = ""


@dataclass
class Chart:
    title: str
    rows: list[Row] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)


class BarChart(Widget, can_focus=False):
    DEFAULT_CSS = """
    BarChart { height: auto; width: 1fr; padding: 0 1; }
    """

    class Drilled(Message):
        def __init__(self, drill: Any) -> None:
            super().__init__()
            self.drill = drill

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.chart = Chart("")
        self.cursor = 0

    def show(self, chart: Chart, keep: bool = True) -> None:
        choosable = self._choosable(chart)
        if not keep or self.cursor >= len(choosable):
            self.cursor = 0
        self.chart = chart
        self.refresh(layout=True)

    @staticmethod
    def _choosable(chart: Chart) -> list[int]:
        return [i for i, row in enumerate(chart.rows) if row.drill is not None]

    @property
    def selected(self) -> Any:
        rows = self._choosable(self.chart)
        return self.chart.rows[rows[self.cursor]].drill if rows else None

    def move(self, delta: int) -> None:
        rows = self._choosable(self.chart)
        if rows:
            self.cursor = max(0, min(self.cursor + delta, len(rows) - 1))
            self.refresh()
            line = 2 + rows[self.cursor]
            parent = self.parent
            if isinstance(parent, Widget):
                height = parent.size.height or 10
                if not parent.scroll_offset.y <= line < parent.scroll_offset.y + height - 1:
                    parent.scroll_to(y=max(0, line - height // 2), animate=False)

    def on_click(self, event: events.Click) -> None:
        index = event.y - 2
        rows = self._choosable(self.chart)
        if index in rows:
            self.cursor = rows.index(index)
            self.refresh()
            if event.chain >= 2:
                self.post_message(self.Drilled(self.selected))

    def render(self) -> Text:
        width = max(20, self.size.width or 80)
        chart = self.chart
        labels = max((len(row.label) for row in chart.rows if row.bars), default=0)
        labels = min(labels, max(8, width // 4))
        texts = [max((len(bar.text) for row in chart.rows for bar in row.bars if bar), default=0)]
        bars_per_row = max((len(row.bars) for row in chart.rows), default=0) or 1
        notes = max((len(row.note) for row in chart.rows if row.bars), default=0)
        area = max(4, (width - labels - 3 - notes - bars_per_row * (texts[0] + 2)) // bars_per_row)
        chosen = self._choosable(chart)
        current = chosen[self.cursor] if chosen else -1
        out = [Text(chart.title, style="bold"), Text("")]
        for i, row in enumerate(chart.rows):
            marker = "▶ " if i == current else "  "
            line = Text(marker, style=tones.CURSOR if i == current else "")
            if not row.bars:
                line.append(row.label, style=row.tone or tones.MUTED)
            else:
                line.append(row.label[:labels].ljust(labels) + " ", style="bold" if i == current else "")
                for bar in row.bars:
                    cells = round(max(0.0, min(1.0, bar.fraction)) * area)
                    if bar.fraction > 0 and cells == 0:
                        cells = 1
                    line.append(bar.fill * cells, style=bar.tone)
                    line.append(" " * (area - cells + 1))
                    line.append(bar.text.ljust(texts[0]) + " ")
                if row.note:
                    line.append(row.note, style=tones.MUTED)
            if i == current:
                line.stylize(tones.ROW)
            line.truncate(width, overflow="ellipsis")
            out.append(line)
        if chart.footer:
            out.append(Text(""))
            out += [Text(note, style=tones.MUTED) for note in chart.footer]
        text = Text("\n").join(out)
        text.no_wrap = True
        return text
