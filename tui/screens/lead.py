"""A lead: its fields and labels, person and organization, activities and notes. Keys: e edit,
l labels, n note, a activity, A archive, C convert into a deal, delete. Every change goes
through the store's outbox (optimistic; rolled back with Pipedrive's reason if refused).

While a conversion runs the lead is read-only; when Pipedrive has finished it, this screen
gives way to the new deal (with the lead's notes and activities)."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.screen import Screen
from textual.widgets import Static

from tui.formatting import clean, money
from tui.keymap import leads as lead_keys
from tui.screens.detail_base import DetailScreen
from tui.store.queries.leads import LeadDetail, lead_detail, lead_outcome
from tui.widgets.lead_labels import label_chips, label_text
from tui.widgets import tones


class LeadScreen(DetailScreen):
    ENTITY = "lead"
    NOTE_KEY = "lead_id"
    PIN_FLAG = "pinned_to_lead_flag"
    SECTIONS = (("links", "Person and organization"), ("activities", "Activities"), ("calls", "Calls"))
    HELP_TITLE = "Lead"
    BINDINGS = lead_keys.LEAD_BINDINGS

    def __init__(self, lead_id: str) -> None:
        super().__init__(lead_id)  # type: ignore[arg-type]  # a lead's id is its UUID
        self.converted_deal: int | None = None

    async def on_mount(self) -> None:  # Textual calls DetailScreen.on_mount after this one
        self.store.watch_leads(True, id(self))

    def resumed(self, stale: bool) -> None:
        self.store.watch_leads(True, id(self))
        if self.converted_deal is not None:
            self._to_deal(self.converted_deal)
            return
        super().resumed(stale)

    def on_screen_suspend(self) -> None:
        self.store.watch_leads(False, id(self))

    def on_unmount(self) -> None:
        self.store.watch_leads(False, id(self))

    async def load(self) -> LeadDetail | None:
        detail = await self.store.read(lead_detail, self.entity_id)
        if detail is None:
            self.converted_deal = await self.store.read(lead_outcome, self.entity_id)
            if self.converted_deal is not None and self.is_current:
                self._to_deal(self.converted_deal)
        return detail

    def missing_text(self) -> Text:
        if self.converted_deal is not None:
            return Text("This lead is now a deal.", style=tones.SUCCESS_B)
        return super().missing_text()

    def _to_deal(self, deal_id: int) -> None:
        self.app.pop_screen()
        self.nav.open_deal(deal_id)

    def on_converted_message(self, message: Any) -> None:
        if message.lead_id == self.entity_id:
            self.converted_deal = message.deal_id
            if self.is_current:
                self._to_deal(message.deal_id)

    def entity_name(self) -> str:
        return clean(self.detail.lead.get("title")) if self.detail else ""

    def show(self, d: LeadDetail) -> None:
        lead = d.lead
        value = lead.get("value") or {}
        header = Text.assemble((clean(lead.get("title")), "bold"), "  ", (" LEAD ", "bold reverse"))
        if lead.get("is_archived"):
            header.append("  ")
            header.append(" ARCHIVED ", style=tones.WARNING_CHIP)
        if value.get("amount") is not None:
            header.append("  ")
            header.append(money(value.get("amount"), value.get("currency")), style=tones.SUCCESS)
        if d.converting:
            header.append("  ⇒ converting into a deal… (waiting for Pipedrive)", style=tones.INFO_B)
        elif d.pending:
            header.append("  ↻ changes waiting to be sent", style=tones.MUTED)
        self.query_one("#detail-header", Static).update(header)
        table = Table(box=None, show_header=False, padding=(0, 2))
        table.add_column(style=tones.MUTED, no_wrap=True)
        table.add_column()
        labels = label_chips([(name, colour) for _id, name, colour in d.labels]) if d.labels else Text("— (l adds)")
        rows: list[tuple[str, Text]] = [
            ("Labels", labels),
            ("Owner", Text(clean(d.owner) or "—")),
            ("Source", Text(clean(lead.get("source_name")) or "—")),
            ("Expected close", Text(lead.get("expected_close_date") or "—")),
            ("Added", Text((lead.get("add_time") or "")[:10] or "—")),
            ("Seen", Text("yes" if lead.get("was_seen") else "not yet")),
        ]
        for key, cell in rows:
            table.add_row(Text(key), cell)
        self.query_one("#detail-facts", Static).update(table)
        self.fill_links(d.person, d.org, "No person or organization linked")
        self.fill_activities(d.activities)

    # -- changes --------------------------------------------------------------------------------

    def _busy(self) -> bool:
        """True (and says so) when the lead cannot be changed now."""
        if self.detail is None:
            self.app.bell()
            return True
        if self.detail.converting:
            self.notify("This lead is being converted into a deal: it cannot change meanwhile", timeout=3)
            return True
        return False

    async def action_edit(self) -> None:
        if not self._busy():
            await super().action_edit()

    def action_note(self) -> None:
        if not self._busy():
            super().action_note()

    def action_activity(self) -> None:
        if not self._busy():
            super().action_activity()

    async def action_delete(self) -> None:
        if not self._busy():
            await super().action_delete()

    async def _activity_form(self, activity_id: int | None) -> None:
        from tui.screens.forms.activity_form import ActivityForm

        prefill = None
        if activity_id is None and self.detail is not None:
            lead = self.detail.lead
            prefill = {"lead_id": self.entity_id, "person_id": lead.get("person_id"), "org_id": lead.get("organization_id")}
        self.app.push_screen(await ActivityForm.load(self.store, activity_id, prefill))

    async def entity_form(self) -> Screen[Any]:
        from tui.screens.forms.lead_form import LeadForm

        return await LeadForm.load(self.store, self.entity_id)  # type: ignore[arg-type]  # a lead's id is its UUID (DetailScreen is typed for ints)

    def action_labels(self) -> None:
        """Toggle one label: the list marks the lead's labels with ✓."""
        from tui.screens.dialogs import ChoiceScreen

        if self._busy():
            return
        detail = self.detail
        have = [lid for lid, _n, _c in detail.labels]
        if not detail.all_labels:
            self.notify("No lead labels in Pipedrive (or not synced yet)", timeout=2)
            return
        options = [(("✓ " if lid in have else "  ") + label_text(name, colour).plain, lid) for lid, name, colour in detail.all_labels]

        async def chosen(label_id: str | None) -> None:
            if label_id is None:
                return
            labels = [x for x in have if x != label_id] if label_id in have else [*have, label_id]
            await self.store.update_entity("lead", self.entity_id, {"label_ids": labels})
            name = next(n for lid, n, _c in detail.all_labels if lid == label_id)
            self.notify(f"Label {clean(name)} {'removed' if label_id in have else 'added'}", timeout=2, markup=False)

        self.app.push_screen(ChoiceScreen("Toggle a label (✓ = on this lead)", options), chosen)

    async def action_archive(self) -> None:
        if self._busy():
            return
        archived = not self.detail.lead.get("is_archived")
        await self.store.update_entity("lead", self.entity_id, {"is_archived": archived})
        self.notify("Lead archived" if archived else "Lead back in the inbox", timeout=2)

    async def action_convert(self) -> None:
        from tui.screens.convert import convert_lead

        if self._busy():
            return
        await convert_lead(self, self.entity_id, self.detail.lead.get("title") or "")  # type: ignore[arg-type]  # a lead's id is its UUID (DetailScreen is typed for ints)
