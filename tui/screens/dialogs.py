"""Small reusable modals: confirm, choose one of several, lost reason."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui import styles
from tui.formatting import clean
from tui.keymap.dialogs import CHOICE_BINDINGS, CONFIRM_BINDINGS, LOST_REASON_BINDINGS


class ConfirmScreen(ModalScreen[bool]):
    """Yes/no. The safe answer has focus, so enter keeps things as they are; y (or tab then
    enter) confirms; escape or n cancels."""

    CSS_PATH = styles.path("dialogs.tcss")
    BINDINGS = CONFIRM_BINDINGS

    def __init__(self, message: str, *, yes: str = "Yes", no: str = "Cancel") -> None:
        super().__init__()
        self.message, self.yes, self.no = message, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.message), classes="dialog-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.no, variant="primary", id="no")
                yield Button(f"{self.yes} (y)", variant="error", id="yes")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    @on(Button.Pressed)
    def pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")


class ChoiceScreen(ModalScreen[Any]):
    """Pick one option; returns its value, or None on escape."""

    CSS_PATH = styles.path("dialogs.tcss")
    BINDINGS = CHOICE_BINDINGS

    def __init__(self, title: str, options: list[tuple[str, Any]], *, current: Any = None) -> None:
        super().__init__()
        self.title_text = title
        self.options = options
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield OptionList(*[Option(Text(clean(label)), id=str(i)) for i, (label, _v) in enumerate(self.options)])

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        for i, (_label, value) in enumerate(self.options):
            if value == self.current:
                option_list.highlighted = i
                break
        else:
            option_list.highlighted = 0 if self.options else None
        option_list.focus()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.options[int(event.option.id or 0)][1])

    def action_cancel(self) -> None:
        self.dismiss(None)


SHORT_TERMINAL = 32  # rows: below this the lost dialog is laid out tight


class LostReasonScreen(ModalScreen[str | None]):
    """Why was the deal lost? Type a reason or pick a recent one. Required."""

    CSS_PATH = styles.path("dialogs.tcss")
    BINDINGS = LOST_REASON_BINDINGS

    def __init__(self, deal_title: str, recent: list[str]) -> None:
        super().__init__()
        self.deal_title = deal_title
        self.recent = recent

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(f"Mark “{clean(self.deal_title)}” as lost"), classes="dialog-title")
            yield Input(placeholder="Lost reason (required)", id="reason")
            yield Static("", id="reason-error", classes="field-error")
            if self.recent:
                yield Label("Recent reasons (↓ to pick):", classes="dialog-hint")
                yield OptionList(*[Option(Text(clean(r)), id=str(i)) for i, r in enumerate(self.recent)], id="recent")
            yield Label("enter: mark lost · escape: cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()
        self._fit(self.app.size.height)  # the terminal's: this screen may not be laid out yet

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.height)

    def _fit(self, height: int) -> None:
        """On a short terminal (80x24) the dialog drops its blank lines and the recent reasons
        scroll in what is left, so the hint under them is never cut off."""
        dialog = self.query_one(".dialog")
        dialog.set_class(height < SHORT_TERMINAL, "-short")
        if self.recent and height < SHORT_TERMINAL:
            # the dialog's 80%, less its border, title, input, label, error line and hint
            self.query_one("#recent", OptionList).styles.max_height = max(3, int(height * 0.8) - 9)

    def on_key(self, event: Any) -> None:
        if event.key == "down" and self.recent and self.focused is self.query_one("#reason", Input):
            self.query_one("#recent", OptionList).focus()
            event.stop()

    @on(Input.Submitted, "#reason")
    def submitted(self, event: Input.Submitted) -> None:
        reason = event.value.strip()
        if not reason:
            self.query_one("#reason-error", Static).update("A lost reason is required.")
            return
        self.dismiss(reason)

    @on(OptionList.OptionSelected, "#recent")
    def picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.recent[int(event.option.id or 0)])

    def action_cancel(self) -> None:
        self.dismiss(None)


def confirm_then(app: Any, question: str, yes: str, then: Callable[[], Awaitable[Any]]) -> None:
    """Ask once (the safe answer has focus); run `then` only on yes (the bulk actions)."""

    async def answer(ok: bool | None) -> None:
        if ok:
            await then()

    app.push_screen(ConfirmScreen(question, yes=yes, no="Cancel"), answer)
