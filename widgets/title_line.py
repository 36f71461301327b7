"""A screen's title line: a Static of one line whose width its neighbours decide."""

from __future__ import annotations

from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Static


class TitleLine(Static):
    # Textual sets a widget's virtual size after each layout in which its size changed, and a
    # virtual size set lays the screen out again. The board's title gives room to the filter
    # box beside it: opening or clearing the filter laid the board out twice (~35 ms at 160x45
    # each, half of clearing it at 10k deals). One line of a width fixed by the layout: its
    # virtual size needs no layout.
    virtual_size = Reactive(Size(0, 0), layout=False)
