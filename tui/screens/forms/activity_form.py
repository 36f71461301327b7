"""Create or edit an activity: subject, type, due date/time (local; stored in UTC as Pipedrive
does), duration, linked deal/person/organization, note, done."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Checkbox, Label, Select

from tui import validation as v
from tui.formatting import clean
from tui.screens.forms.base import FormScreen, changed
from tui.screens.forms.entity_forms import date_preview
from tui.store.derived import activity_due
from tui.store.queries.entities import activity_types, entity_data, label_of
from tui.widgets.entity_picker import EntityPicker
from tui.widgets.form_field import FormField


def to_utc(day: str, hhmm: str | None, tz: Any) -> tuple[str, str | None]:
    """Local date + HH:MM -> (UTC date, UTC HH:MM); all-day keeps its date."""
    if not hhmm:
        return day, None
    local = datetime.combine(date.fromisoformat(day), time.fromisoformat(hhmm), tzinfo=tz)
    utc = local.astimezone(timezone.utc)
    return utc.date().isoformat(), utc.strftime("%H:%M")


class ActivityForm(FormScreen):
    def __init__(
        self,
        data: dict[str, Any] | None,
        labels: dict[str, str],
        types: list[tuple[str, str]],
        clock: Any,
        prefill: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.activity_id: int | None = data["id"] if data else None
        self.data = data or {}
        self.labels = labels
        self.types = types
        self.clock = clock
        self.prefill = prefill or {}
        self.title_text: str | None = None  # e.g. "Schedule the next activity"
        self.template_for: list[dict[str, Any]] | None = None  # bulk: one activity per deal

    @classmethod
    async def load(cls, store: Any, activity_id: int | None = None, prefill: dict[str, Any] | None = None) -> "ActivityForm":
        data = await store.read(entity_data, "activity", activity_id) if activity_id is not None else None
        base = {**(prefill or {}), **(data or {})}
        if data and data.get("participants"):
            base["person_id"] = next((p["person_id"] for p in data["participants"] if p.get("primary")), base.get("person_id"))
        labels = {
            k: await store.read(label_of, kind, base.get(k))
            for k, kind in (("deal_id", "deal"), ("person_id", "person"), ("org_id", "organization"))
        }
        return cls(data, labels, await store.read(activity_types), store.clock, prefill)

    def form_title(self) -> str:
        if self.activity_id:
            return f"Edit activity “{clean(self.data.get('subject'))}”"
        return self.title_text or "New activity"

    def fields(self) -> ComposeResult:
        d = {**self.prefill, **self.data}
        local_day, local_time = d.get("due_date") or "", ""
        if d.get("due_date"):
            due = activity_due(d.get("due_date"), d.get("due_time"), self.clock.zone)
            if due:
                local_day = due[0].isoformat()
                local_time = due[1].strftime("%H:%M") if due[1] else ""
        yield FormField("subject", "Subject *", d.get("subject") or "")
        yield Label("Type")
        yield Select([(name, key) for key, name in self.types], value=d.get("type") or "call", allow_blank=False, id="type")
        yield FormField(
            "due_date",
            "Due date *",
            local_day or ("today" if not self.activity_id else ""),
            hint="YYYY-MM-DD, 24.12., tomorrow, +3d, fri",
            preview=date_preview(self.clock.today()),
        )
        yield FormField("due_time", "Time (local)", local_time, placeholder="HH:MM, empty = all day")
        yield FormField("duration", "Duration", (d.get("duration") or "")[:5], placeholder="30, 1h or HH:MM")
        yield EntityPicker("deal_id", "Deal", self.searcher("deal"), value=d.get("deal_id"), value_label=self.labels["deal_id"])
        yield EntityPicker("person_id", "Person", self.searcher("person"), value=d.get("person_id"), value_label=self.labels["person_id"])
        yield EntityPicker(
            "org_id", "Organization", self.searcher("organization"), value=d.get("org_id"), value_label=self.labels["org_id"]
        )
        yield FormField("note", "Note", d.get("note") or "")
        yield Checkbox("Done", bool(d.get("done")), id="done")

    async def collect(self) -> tuple[dict[str, Any], dict[str, str]]:
        errors: dict[str, str] = {}
        subject, e = v.required(self.field("subject").value, "Subject")
        if e:
            errors["subject"] = e
        day, e = v.friendly_date(self.field("due_date").value, self.clock.today(), required_=True)
        if e:
            errors["due_date"] = e
        hhmm, e = v.time_of_day(self.field("due_time").value)
        if e:
            errors["due_time"] = e
        duration, e = v.duration(self.field("duration").value)
        if e:
            errors["duration"] = e
        if errors:
            return {}, errors
        due_date, due_time = to_utc(day, hhmm, self.clock.zone)
        person = self.picker("person_id").value
        out: dict[str, Any] = {
            "subject": subject,
            "type": self.query_one("#type", Select).value,
            "due_date": due_date,
            "due_time": due_time,
            "duration": duration,
            "deal_id": self.picker("deal_id").value,
            "org_id": self.picker("org_id").value,
            "participants": [{"person_id": person, "primary": True}] if person else [],
            "done": self.query_one("#done", Checkbox).value,
        }
        note = self.field("note").value
        if note.strip() or self.data.get("note"):
            out["note"] = note if note == self.data.get("note") else (note.strip() or None)
        return out, {}

    async def _create_for_each(self, fields: dict[str, Any]) -> int | None:
        """The same activity for each deal of a bulk action, linked to the deal, its person and
        organization."""
        made = 0
        for deal in self.template_for or []:
            one = {k: v for k, v in fields.items() if k not in ("deal_id", "org_id", "participants")}
            one["deal_id"] = deal["id"]
            if deal.get("org_id"):
                one["org_id"] = deal["org_id"]
            if deal.get("person_id"):
                one["participants"] = [{"person_id": deal["person_id"], "primary": True}]
            await self.store.create_entity("activity", one)
            made += 1
        self.notify(f"“{clean(fields.get('subject'))}” planned for {made} deals", timeout=3, markup=False)
        return None

    def snapshot(self) -> dict[str, Any]:
        snap = super().snapshot()
        if self.query("#done"):
            snap["done"] = self.query_one("#done", Checkbox).value
            snap["type"] = self.query_one("#type", Select).value
        return snap

    async def save(self, changes: dict[str, Any]) -> int | None:
        if self.activity_id is None:
            fields = {k: val for k, val in changes.items() if val not in (None, [])}
            if self.prefill.get("lead_id"):  # an activity planned on a lead (the form has no lead field)
                fields["lead_id"] = self.prefill["lead_id"]
            if not fields.get("done"):
                fields.pop("done", None)
            if self.template_for:
                return await self._create_for_each(fields)
            new_id = await self.store.create_entity("activity", fields)
            self.notify(f"Activity “{clean(changes['subject'])}” planned", timeout=2, markup=False)
            return new_id
        old = dict(self.data)
        old["participants"] = [{"person_id": p["person_id"], "primary": bool(p.get("primary"))} for p in old.get("participants") or []]
        for key in ("due_time", "duration"):
            if old.get(key):
                old[key] = old[key][:5]
        diff = changed(changes, old)
        if diff:
            await self.store.update_entity("activity", self.activity_id, diff)
            self.notify("Activity saved", timeout=2)
        return self.activity_id
