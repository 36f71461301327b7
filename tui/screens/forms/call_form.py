"""Log a call: outcome (preselected, so `L` then ctrl+s logs one), the number called, when it
started (local) and how long it took, subject ("Call with …"), note. Saved through the outbox
(tui/store/calls.py): the form only checks and builds the body Pipedrive's /v1/callLogs takes."""

from __future__ import annotations

import html
from datetime import datetime, timedelta, timezone
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Label, Select

from tui import validation as v
from tui.dates import describe, parse_when
from tui.formatting import clean
from tui.screens.forms.base import FormScreen
from tui.store.calls import OUTCOMES
from tui.store.queries.calls import CallContext, call_context
from tui.widgets.form_field import FormField

DEFAULT_OUTCOME = "connected"


def note_html(text: str) -> str:
    """Pipedrive keeps a call's note as HTML: what was typed, escaped, its lines kept."""
    return "<br>".join(html.escape(line) for line in text.strip().splitlines())


class CallForm(FormScreen):
    TITLE = "Log a call"

    def __init__(self, context: CallContext, clock: Any, outcome: str = DEFAULT_OUTCOME) -> None:
        super().__init__()
        self.context = context
        self.clock = clock
        self.outcome = outcome if outcome in OUTCOMES else DEFAULT_OUTCOME
        self.logged: tuple[str, str] | None = None  # (the call log's id, its outcome) once saved
        self._ready = False

    @classmethod
    async def load(
        cls,
        store: Any,
        *,
        deal_id: int | None = None,
        person_id: int | None = None,
        org_id: int | None = None,
        lead_id: str | None = None,
    ) -> CallForm:
        return cls(await store.read(call_context, deal_id, person_id, org_id, lead_id), store.clock)

    def form_title(self) -> str:
        c = self.context
        with_whom = clean(c.person_name or c.org_name or c.deal_title or c.lead_title)
        return f"Log a call with {with_whom}" if with_whom else self.TITLE

    def fields(self) -> ComposeResult:
        c = self.context
        yield Label("Outcome")
        yield Select([(name, key) for key, name in OUTCOMES.items()], value=self.outcome, allow_blank=False, id="outcome")
        others = ", ".join(clean(p) for p in c.phones[1:])
        yield FormField(
            "to_phone_number",
            "Number called *",
            c.phones[0] if c.phones else "",
            placeholder="+49 30 1234567",
            hint=f"also: {others}" if others else ("" if c.phones else "no phone number saved for them"),
        )
        yield FormField(
            "started",
            "Started (local) *",
            self.clock.now().strftime("%H:%M"),
            hint="HH:MM today, or yesterday 15:00, fri 10:00",
            preview=self._when_preview,
        )
        yield FormField("duration", "Duration", "", placeholder="minutes (5), 1h or HH:MM; empty: under a minute")
        yield FormField("subject", "Subject", c.subject)
        yield FormField("note", "Note", "")
        if c.deal_title or c.lead_title or c.org_name:
            about = (clean(c.deal_title) and f"deal {clean(c.deal_title)}") or (clean(c.lead_title) and f"lead {clean(c.lead_title)}")
            links = " · ".join(x for x in (about, clean(c.org_name)) if x)
            yield Label(Text(f"Linked to {links}"), classes="form-hint")

    def on_mount(self) -> None:  # Textual calls FormScreen.on_mount after this one
        self.call_after_refresh(self._focus_outcome)  # after the form's first field took it

    def _focus_outcome(self) -> None:
        self.query_one("#outcome", Select).focus()
        self._ready = True

    def ready_for_keys(self) -> bool:
        """Keys typed right after `L` wait until the outcome has the focus."""
        return self._ready and self.focused is not None

    def snapshot(self) -> dict[str, Any]:
        snap = super().snapshot()
        if self.query("#outcome"):
            snap["outcome"] = self.query_one("#outcome", Select).value
        return snap

    def _when_preview(self, text: str) -> str | None:
        try:
            day, hhmm = parse_when(text, self.clock.today())
        except ValueError:
            return None
        return f"= {describe(day, self.clock.today())}" + (f" at {hhmm}" if hhmm else "")

    def _start(self, text: str) -> tuple[datetime | None, str | None]:
        try:
            day, hhmm = parse_when(text, self.clock.today())
        except ValueError as exc:
            return None, str(exc)
        if not hhmm:
            return None, "Give the time the call started, e.g. 14:30"
        local = datetime.combine(day, datetime.strptime(hhmm, "%H:%M").time(), tzinfo=self.clock.zone)
        if local > self.clock.now() + timedelta(minutes=1):
            return None, f"{describe(day, self.clock.today())} at {hhmm} is still to come: a call is logged once it happened"
        return local, None

    async def collect(self) -> tuple[dict[str, Any], dict[str, str]]:
        errors: dict[str, str] = {}
        number = self.field("to_phone_number").value.strip()
        if not number:
            errors["to_phone_number"] = "The number you called: Pipedrive needs it to log the call"
        elif not any(ch.isdigit() for ch in number):
            errors["to_phone_number"] = f"'{number}' has no digits: type the number you called"
        start, e = self._start(self.field("started").value)
        if e:
            errors["started"] = e
        duration, e = v.duration(self.field("duration").value)
        if e:
            errors["duration"] = e
        if errors or start is None:
            return {}, errors
        hours, minutes = (int(x) for x in (duration or "00:00").split(":"))
        seconds = hours * 3600 + minutes * 60
        begin = start.astimezone(timezone.utc)
        end = begin + timedelta(seconds=seconds)
        c = self.context
        body: dict[str, Any] = {
            "outcome": str(self.query_one("#outcome", Select).value),
            "to_phone_number": number,
            "start_time": begin.strftime("%Y-%m-%d %H:%M:%S"),
            "end_time": end.strftime("%Y-%m-%d %H:%M:%S"),
            "duration": str(seconds),
            "subject": self.field("subject").value.strip() or c.subject,
            "deal_id": c.deal_id,
            "lead_id": c.lead_id if c.deal_id is None else None,
            "person_id": c.person_id,
            "org_id": c.org_id,
        }
        note = self.field("note").value
        if note.strip():
            body["note"] = note_html(note)
        return {k: val for k, val in body.items() if val is not None}, {}

    async def save(self, changes: dict[str, Any]) -> int | None:
        log_id = await self.store.log_call(changes)
        self.logged = (log_id, changes["outcome"])
        return None
