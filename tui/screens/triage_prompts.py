"""The triage section's small modals: the compact next-activity form, a date prompt (close
date, snooze) and the session summary. Friendly dates everywhere (tui/dates.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from tui import styles
from tui.dates import describe, parse_date, parse_when
from tui.keymap.triage import PROMPT_BINDINGS, SCHEDULE_BINDINGS, SUMMARY_BINDINGS
from tui.screens.triage_session import LABELS
from tui.widgets import tones


@dataclass(frozen=True)
class Planned:
    type: str
    subject: str
    day: date
    time: str | None  # local HH:MM, None = all day


class _Prompt(ModalScreen[Any]):
    CSS_PATH = [styles.path("dialogs.tcss"), styles.path("triage.tcss")]
    BINDINGS = PROMPT_BINDINGS

    def ready_for_keys(self) -> bool:
        """Keys typed right after the key that opened the prompt wait for its field."""
        return self.focused is not None

    def action_cancel(self) -> None:
        self.dismiss(None)


class ScheduleScreen(_Prompt):
    """Type, subject and when (`+2d`, `fri 10:00`) of the next activity; enter saves."""

    BINDINGS = SCHEDULE_BINDINGS

    def __init__(self, title: str, types: list[tuple[str, str]], *, type_key: str, subject: str, when: str, today: date) -> None:
        super().__init__()
        self.title_text, self.types, self.today = title, types, today
        self.initial = (type_key if type_key in {k for k, _ in types} else (types[0][0] if types else "call"), subject, when)

    def compose(self) -> ComposeResult:
        type_key, subject, when = self.initial
        with Vertical(classes="dialog triage-prompt"):
            yield Static(Text(self.title_text), classes="dialog-title")
            with Horizontal(classes="prompt-row"):
                yield Label("When", classes="prompt-label")
                yield Input(when, placeholder="+2d, fri 10:00, next fri, 24.12. 9:30", id="when", compact=True)
            yield Static("", id="when-preview", classes="prompt-preview")
            with Horizontal(classes="prompt-row"):
                yield Label("Subject", classes="prompt-label")
                yield Input(subject, placeholder="what happens next", id="subject", compact=True)
            with Horizontal(classes="prompt-row"):
                yield Label("Type", classes="prompt-label")
                yield Select(
                    [(name, key) for key, name in self.types] or [("Call", "call")],
                    value=type_key,
                    allow_blank=False,
                    id="type",
                    compact=True,
                )
            yield Static("", id="prompt-error", classes="field-error")
            yield Label("enter: save · tab: next field · escape: cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self._preview(self.initial[2])
        self.query_one("#when", Input).focus()

    @on(Input.Changed, "#when")
    def when_changed(self, event: Input.Changed) -> None:
        self._preview(event.value)

    def _preview(self, value: str) -> None:
        try:
            day, hhmm = parse_when(value, self.today)
            shown = Text(f"→ {describe(day, self.today)}" + (f" at {hhmm}" if hhmm else ", all day"), style=tones.MUTED)
        except ValueError:
            shown = Text("")
        self.query_one("#when-preview", Static).update(shown)

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        error = self.query_one("#prompt-error", Static)
        subject = self.query_one("#subject", Input).value.strip()
        if not subject:
            error.update(Text("A subject is required."))
            self.query_one("#subject", Input).focus()
            return
        try:
            day, hhmm = parse_when(self.query_one("#when", Input).value, self.today)
        except ValueError as exc:
            error.update(Text(str(exc)))
            self.query_one("#when", Input).focus()
            return
        if day < self.today:
            error.update(Text(f"{day:%a %d %b} is in the past: the next step is today or later."))
            self.query_one("#when", Input).focus()
            return
        self.dismiss(Planned(str(self.query_one("#type", Select).value), subject, day, hhmm))


class DatePromptScreen(_Prompt):
    """One friendly date; returns it, or None on escape. Dates before `earliest` are refused."""

    def __init__(self, title: str, initial: str, today: date, *, earliest: date, too_early: str) -> None:
        super().__init__()
        self.title_text, self.initial, self.today = title, initial, today
        self.earliest, self.too_early = earliest, too_early

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog triage-prompt"):
            yield Static(Text(self.title_text), classes="dialog-title")
            yield Input(self.initial, placeholder="+1w, fri, next mon, 24.12., 2026-12-31", id="date", compact=True)
            yield Static("", id="date-preview", classes="prompt-preview")
            yield Static("", id="prompt-error", classes="field-error")
            yield Label("enter: save · escape: cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self._preview(self.initial)
        self.query_one("#date", Input).focus()

    @on(Input.Changed, "#date")
    def changed(self, event: Input.Changed) -> None:
        self._preview(event.value)

    def _preview(self, value: str) -> None:
        try:
            shown = Text(f"→ {describe(parse_date(value, self.today), self.today)}", style=tones.MUTED)
        except ValueError:
            shown = Text("")
        self.query_one("#date-preview", Static).update(shown)

    @on(Input.Submitted, "#date")
    def submitted(self, event: Input.Submitted) -> None:
        error = self.query_one("#prompt-error", Static)
        try:
            day = parse_date(event.value, self.today)
        except ValueError as exc:
            error.update(Text(str(exc)))
            return
        if day < self.earliest:
            error.update(Text(self.too_early))
            return
        self.dismiss(day)


def summary_text(tally: dict[str, int], *, left: int, snoozed: int) -> Text:
    """How many fixes this session, by kind, what is left and how many are snoozed."""
    fixed = sum(tally.values())
    text = Text()
    if left == 0:
        text.append("Triage to zero: nothing left to fix ✓\n\n", style=tones.SUCCESS_B)
    else:
        text.append(f"{left} to go\n\n", style="bold")
    text.append(f"Fixed this session: {fixed}\n", style="bold")
    for kind, count in tally.items():
        if count:
            text.append(f"  {count:>4}  {LABELS[kind]}\n")
    if not fixed:
        text.append("  none yet\n", style=tones.MUTED)
    text.append(f"\nSnoozed: {snoozed}", style="bold" if snoozed else tones.MUTED)
    text.append("  (s shows them)\n" if snoozed else "\n", style=tones.MUTED)
    return text


class SummaryScreen(_Prompt):
    BINDINGS = SUMMARY_BINDINGS

    def __init__(self, text: Text) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog triage-prompt"):
            yield Label("Triage summary", classes="dialog-title")
            yield Static(self.text, id="summary-text")
            yield Label("escape: close", classes="dialog-hint")

    def ready_for_keys(self) -> bool:
        return True
