"""A custom period for Insights: from and to, typed as every date field takes them
(2026-12-01, today, +3d, 1.10., next fri), checked next to the field before anything changes."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.app import ComposeResult

from tui import validation as v
from tui.screens.forms.base import FormScreen
from tui.screens.forms.entity_forms import date_preview
from tui.widgets.form_field import FormField


class RangeForm(FormScreen):
    TITLE = "Insights for the period"

    def __init__(self, today: date, start: str = "", end: str = "") -> None:
        super().__init__()
        self.today = today
        self.start, self.end = start, end
        self.chosen: tuple[str, str] | None = None

    def fields(self) -> ComposeResult:
        hint = "YYYY-MM-DD, 1.10., -30d, today"
        yield FormField("start", "From *", self.start, hint=hint, preview=date_preview(self.today))
        yield FormField("end", "To *", self.end or self.today.isoformat(), hint=hint, preview=date_preview(self.today))

    async def collect(self) -> tuple[dict[str, Any], dict[str, str]]:
        start, e1 = v.friendly_date(self.field("start").value, self.today, required_=True)
        end, e2 = v.friendly_date(self.field("end").value, self.today, required_=True)
        errors = {k: e for k, e in (("start", e1), ("end", e2)) if e}
        if not errors and start > end:
            errors["end"] = f"The period ends before it starts ({start})"
        return {"start": start, "end": end}, errors

    async def save(self, changes: dict[str, Any]) -> int | None:
        self.chosen = (changes["start"], changes["end"])
        return 1
