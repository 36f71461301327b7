"""A labelled input with its validation message right under it.

Server text is shown sanitized (no terminal escapes, no bidi controls: `clean`), but what
is saved stays the server's value unless the user edits the field: `value` returns the
original when the Input still shows its sanitized form.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from tui.formatting import clean


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
        self.shown = clean(value)
        self.placeholder = placeholder
        self.hint = hint

    def compose(self) -> ComposeResult:
        yield Label(self.label + (f"  ({self.hint})" if self.hint else ""))
        yield Input(self.shown, placeholder=self.placeholder, id=f"input-{self.field_name}")
        yield Static("", classes="error")

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def value(self) -> str:
        text = self.input.value
        return self.initial if text == self.shown else text

    def set_error(self, message: str | None) -> None:
        self.query_one(".error", Static).update(Text(message or ""))
        self.set_class(bool(message), "-invalid")

    @property
    def error(self) -> str:
        return str(self.query_one(".error", Static).render())
