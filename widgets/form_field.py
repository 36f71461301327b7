"""A labelled input with its validation message right under it.

Server text is shown sanitized (no terminal escapes, no bidi controls: `clean`), but what
is saved stays the server's value unless the user edits the field: `value` returns the
original when the Input still shows its sanitized form.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from tui.formatting import clean


class FormField(Vertical):
    DEFAULT_CSS = """
    FormField { height: auto; margin-bottom: 0; }
    FormField Label { color: $text-muted; }
    FormField .error { color: $error; height: auto; }
    FormField .preview { color: $text-muted; height: auto; }
    FormField.-invalid Input { border: tall $error; }
    """

    def __init__(
        self,
        name: str,
        label: str,
        value: str = "",
        *,
        placeholder: str = "",
        hint: str = "",
        preview: Callable[[str], str | None] | None = None,
        read_only: str = "",
    ) -> None:
        super().__init__(id=f"field-{name}", classes="form-field")
        self.field_name = name
        self.label = label
        self.initial = value
        self.shown = clean(value)
        self.placeholder = placeholder
        self.hint = hint
        self.preview = preview  # what the typed text means (e.g. the date a word resolves to)
        self.read_only = read_only  # why the field cannot be changed here ("" : it can)
        self._error_for: str | None = None  # the input's text the error was given for

    def compose(self) -> ComposeResult:
        yield Label(self.label + (f"  ({self.hint})" if self.hint else ""))
        yield Input(self.shown, placeholder=self.placeholder, id=f"input-{self.field_name}", disabled=bool(self.read_only))
        yield Static(Text(self.read_only) if self.read_only else "", classes="preview")
        yield Static("", classes="error")

    def on_mount(self) -> None:
        self.show_preview()

    def show_preview(self) -> None:
        self._show_preview(self.input.value)

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        # an old error quotes the old value: it goes as soon as the value changes (not when
        # the value it was given for arrives: a form refilled with what was typed keeps it)
        if self.has_class("-invalid") and event.value != self._error_for:
            self.set_error(None)
        self._show_preview(event.value)

    def _show_preview(self, text: str) -> None:
        if self.preview is None or self.read_only:
            return
        try:
            shown = self.preview(text) if text.strip() else None
        except ValueError:
            shown = None
        if shown and not shown.startswith("="):
            shown = f"→ {shown}"
        self.query_one(".preview", Static).update(Text(shown) if shown else "")

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def value(self) -> str:
        text = self.input.value
        return self.initial if text == self.shown else text

    def set_error(self, message: str | None) -> None:
        self._error_for = self.input.value if message else None
        self.query_one(".error", Static).update(Text(message or ""))
        if message and self.preview is not None:
            self.query_one(".preview", Static).update("")  # the error says it: not twice
        self.set_class(bool(message), "-invalid")

    @property
    def error(self) -> str:
        return str(self.query_one(".error", Static).render())
