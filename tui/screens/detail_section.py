"""A section of a detail screen (links, activities, notes, custom fields, products …)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui.keymap import detail as detail_keys
from tui.widgets import tones


class Section(OptionList):
    """An OptionList whose options map to (kind, id) actions kept beside it, never parsed from ids."""

    BINDINGS = detail_keys.SECTION_BINDINGS

    def __init__(self, name: str) -> None:
        super().__init__(id=f"section-{name}")
        self.section = name
        self.targets: list[tuple[str, int]] = []

    def fill(self, rows: list[tuple[Text, tuple[str, int]]], empty: str) -> None:
        keep = self.highlighted
        self.clear_options()
        self.targets = [t for _r, t in rows]
        if rows:
            self.add_options([Option(text) for text, _t in rows])
            self.highlighted = min(keep or 0, len(rows) - 1)
        else:
            self.add_option(Option(Text(empty, style=tones.FAINT), disabled=True))

    @property
    def target(self) -> tuple[str, int] | None:
        if self.highlighted is None or not self.targets or self.highlighted >= len(self.targets):
            return None
        return self.targets[self.highlighted]
