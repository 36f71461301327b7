"""A section of a detail screen (links, activities, notes, custom fields, products …)."""

from __future__ import annotations

from rich.text import Text
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widget import Widget
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.keymap import detail as detail_keys
from tui.widgets import tones


class Section(OptionList):
    """An OptionList whose options map to (kind, id) actions kept beside it, never parsed from ids."""

    BINDINGS = detail_keys.SECTION_BINDINGS

    # OptionList measures its lines when it first paints and then sets `virtual_size`, which
    # lays out the whole screen: each section of a deal asked for a second layout of the deal
    # screen (~25-40 ms at 160x45 on a 2-core machine) when its height (auto, from its options)
    # was already right. Its scrollbar coming or going still lays it out: OptionList updates
    # the scrollbars right after, and they are layout reactives of their own.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def __init__(self, name: str) -> None:
        super().__init__(id=f"section-{name}")
        self.section = name
        self.targets: list[tuple[str, int]] = []

    def fill(self, rows: list[tuple[Text, tuple[str, int]]], empty: str) -> None:
        keep = self.highlighted
        self.clear_options()
        self.targets = [t for _r, t in rows]
        if rows:
            self._expect_scrollbar(len(rows))
            self.add_options([Option(text) for text, _t in rows])
            self.highlighted = min(keep or 0, len(rows) - 1)
        else:
            self.add_option(Option(Text(empty, style=tones.FAINT), disabled=True))

    def _expect_scrollbar(self, rows: int) -> None:
        """More rows than its max-height has lines: the scrollbar is shown from the first
        layout on, not added by a second one after the first paint measured the rows."""
        limit = self.styles.max_height
        if limit is not None and limit.is_cells and rows > limit.value and self.styles.overflow_y == "auto":
            if not self.show_vertical_scrollbar:
                self.set_reactive(Widget.show_vertical_scrollbar, True)

    @property
    def target(self) -> tuple[str, int] | None:
        if self.highlighted is None or not self.targets or self.highlighted >= len(self.targets):
            return None
        return self.targets[self.highlighted]
