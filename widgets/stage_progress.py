"""The deal's pipeline as a progress bar: every stage, the current one marked; click a stage."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget

from tui.formatting import clean
from tui.widgets import tones


class StageProgress(Widget):
    DEFAULT_CSS = "StageProgress { height: 1; }"
    ALLOW_SELECT = False

    class StageClicked(Message):
        def __init__(self, stage_id: int) -> None:
            super().__init__()
            self.stage_id = stage_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.stages: list[tuple[int, str]] = []
        self.current: int | None = None
        self.days: int | None = None
        self._spans: list[tuple[int, int, int]] = []  # (start x, end x, stage id)

    def show(self, stages: list[tuple[int, str]], current: int | None, days: int | None) -> None:
        self.stages, self.current, self.days = stages, current, days
        self.refresh()

    def render(self) -> Text:
        text = Text()
        self._spans = []
        index = next((i for i, (sid, _n) in enumerate(self.stages) if sid == self.current), -1)
        width = max(40, self.size.width or 120)
        cell = max(6, (width - 2) // max(1, len(self.stages)))
        for i, (sid, name) in enumerate(self.stages):
            label = clean(name)
            if i == index and self.days is not None:
                label += f" · {self.days}d"
            mark = "◆ " if i == index else ("● " if i < index else "○ ")
            chunk = Text(mark + label)
            chunk.truncate(cell - 1, overflow="ellipsis", pad=True)
            style = tones.SUCCESS_CHIP if i == index else (tones.SUCCESS if i < index else tones.MUTED)
            chunk.stylize(style)
            start = text.cell_len
            text.append_text(chunk)
            self._spans.append((start, text.cell_len, sid))
            text.append("▸" if i < len(self.stages) - 1 else "", style=tones.FAINT)
        return text

    def on_click(self, event: events.Click) -> None:
        for start, end, sid in self._spans:
            if start <= event.x < end:
                self.post_message(self.StageClicked(sid))
                return
