"""NO_COLOR without a crash: Textual 8's Monochrome line filter (what NO_COLOR turns on)
fails on a segment that has no style at all (`monochrome_style(None)`), and several widgets
render such segments; the app used to exit at its first frame under NO_COLOR."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import LineFilter, Monochrome

NULL = Style()


class SafeMonochrome(Monochrome):
    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        return super().apply([Segment(text, NULL if style is None else style, control) for text, style, control in segments], background)


def safe_filters(filters: list[LineFilter]) -> list[LineFilter]:
    return [SafeMonochrome() if type(f) is Monochrome else f for f in filters]
