"""Reschedule menu: +1 day, +2 days, next Monday, next week, today, or pick a date with an
optional time of day (`tomorrow 10:00`, `today 15:30`, `fri 10:00`: tui/dates.py parse_when)."""

from __future__ import annotations

from datetime import date, timedelta

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui import styles
from tui.dates import next_monday, parse_when
from tui.keymap.dialogs import RESCHEDULE_BINDINGS


def choices(current: date, today: date) -> list[tuple[str, date]]:
    base = max(current, today) if current else today
    return [
        ("+1 day", base + timedelta(days=1)),
        ("+2 days", base + timedelta(days=2)),
        ("Next Monday", next_monday(today)),
        ("Next week (+7 days)", base + timedelta(days=7)),
        ("Today", today),
    ]


# what the screen returns: the new local date and a local `HH:MM`, or None to keep the time
Moved = tuple[date, str | None]


class RescheduleScreen(ModalScreen[Moved | None]):
    """Returns the new local date and time of day (None: the caller keeps the activity's)."""

    CSS_PATH = styles.path("dialogs.tcss")
    BINDINGS = RESCHEDULE_BINDINGS

    def __init__(self, subject: str, current: date, today: date) -> None:
        super().__init__()
        self.subject, self.current, self.today = subject, current, today
        self.options = choices(current, today)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(f"Reschedule “{self.subject}” (now {self.current:%a %d %b})"), classes="dialog-title")
            yield OptionList(*[Option(f"{label:<22} {d:%a %d %b}") for label, d in self.options], Option("Pick a date…"), id="choices")
            yield Input(placeholder="tomorrow 10:00, today 15:30, fri 10:00, +3d, 24.12.", id="pick")
            yield Static("", id="pick-error", classes="field-error")

    def on_mount(self) -> None:
        self.query_one("#pick", Input).display = False
        self.query_one("#choices", OptionList).focus()

    @on(OptionList.OptionSelected, "#choices")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option_index < len(self.options):
            self.dismiss((self.options[event.option_index][1], None))
            return
        box = self.query_one("#pick", Input)
        box.display = True
        box.focus()

    @on(Input.Submitted, "#pick")
    def picked(self, event: Input.Submitted) -> None:
        try:
            self.dismiss(parse_when(event.value, self.today))
        except ValueError as exc:
            self.query_one("#pick-error", Static).update(str(exc))

    def action_cancel(self) -> None:
        self.dismiss(None)
