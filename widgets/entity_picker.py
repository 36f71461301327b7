"""Pick a person / organization / deal / user by typing: the cache is searched as you type.

The picker holds the chosen id; the Input shows its name. Typing opens a short list of
matches (↓ to enter it, enter to choose); clearing the text clears the choice.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui.formatting import clean
from tui.widgets import tones

Search = Callable[[str], Awaitable[list[Any]]]


class EntityPicker(Vertical):
    DEFAULT_CSS = """
    EntityPicker { height: auto; }
    EntityPicker Label { color: $text-muted; }
    EntityPicker OptionList { height: auto; max-height: 6; display: none; }
    EntityPicker OptionList.-open { display: block; }
    EntityPicker .error { color: $error; height: auto; }
    """

    def __init__(self, name: str, label: str, search: Search, *, value: int | None = None, value_label: str = "") -> None:
        super().__init__(id=f"field-{name}", classes="form-field")
        self.field_name = name
        self.label = label
        self.search = search
        self.value: int | None = value
        self.value_label = value_label
        self._results: list[Any] = []
        self._setting = False

    def compose(self) -> ComposeResult:
        yield Label(self.label + "  (type to search, ↓ to pick, empty clears)")
        yield Input(clean(self.value_label), id=f"input-{self.field_name}")
        yield OptionList()
        yield Static("", classes="error")

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    def set_error(self, message: str | None) -> None:
        self.query_one(".error", Static).update(Text(message or ""))

    @on(Input.Changed)
    async def changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._setting:
            return
        text = event.value.strip()
        options = self.query_one(OptionList)
        if not text:
            self.value = None
            options.remove_class("-open")
            return
        if text == clean(self.value_label):
            return
        self._results = await self.search(text)
        options.clear_options()
        options.add_options(
            [Option(Text.assemble(clean(r.label), ("  " + clean(r.extra) if r.extra else "", tones.MUTED))) for r in self._results]
        )
        options.set_class(bool(self._results), "-open")
        self.set_error(None if self._results else f"No match for '{text}' in the cache")

    def on_key(self, event: Any) -> None:
        options = self.query_one(OptionList)
        if event.key == "down" and self.screen.focused is self.input and options.has_class("-open"):
            options.focus()
            options.highlighted = 0
            event.stop()
            event.prevent_default()

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        if self._results and self.query_one(OptionList).has_class("-open"):
            event.stop()
            self.choose(0)

    @on(OptionList.OptionSelected)
    def selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.choose(event.option_index)

    def choose(self, index: int) -> None:
        ref = self._results[index]
        self.set_choice(ref.id, ref.label)
        self.input.focus()

    def set_choice(self, value: int | None, label: str) -> None:
        self.value = value
        self.value_label = label
        self._setting = True
        self.input.value = clean(label)
        self._setting = False
        self.query_one(OptionList).remove_class("-open")
        self.set_error(None)
