"""A labelled input with its validation message right under it."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static


class FormField(Vertical):
    DEFAULT_CSS = """
    FormField { height: auto; margin-bottom: 0; }
    FormField Label { color: $text-muted; }
    FormField .error { color: $error; height: auto; }
    FormField.-invalid Input { border: tall $error; }
    """

    def __init__(self, name: str, label: str, value: str = "", *, placeholder: str = "", hint: str = "") -> None:
        super().__init__(id=f"field-{name}", classes="form-field")
        self.field_name = name
        self.label = label
        self.initial = value
        self.placeholder = placeholder
        self.hint = hint

    def compose(self) -> ComposeResult:
        yield Label(self.label + (f"  ({self.hint})" if self.hint else ""))
        yield Input(self.initial, placeholder=self.placeholder, id=f"input-{self.field_name}")
        yield Static("", classes="error")

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def value(self) -> str:
        return self.input.value

    def set_error(self, message: str | None) -> None:
        self.query_one(".error", Static).update(Text(message or ""))
        self.set_class(bool(message), "-invalid")

    @property
    def error(self) -> str:
        return str(self.query_one(".error", Static).render())
