"""Organization detail: address, owner, its people, deals, activities, notes."""

from __future__ import annotations

from typing import Any
from textual.screen import Screen

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from tui.formatting import clean
from tui.screens.detail_merge import DetailMerge
from tui.screens.detail_base import DetailScreen, Section
from tui.store.queries.entities import OrgDetail, organization_detail
from tui.widgets import tones


class OrganizationScreen(DetailMerge, DetailScreen):
    ENTITY = "organization"
    NOTE_KEY = "org_id"
    PIN_FLAG = "pinned_to_organization_flag"
    SECTIONS = (
        ("people", "People"),
        ("deals", "Deals"),
        ("custom", "Custom fields"),
        ("activities", "Activities"),
        ("calls", "Calls"),
        ("followers", "Followers"),
        ("mail", "Mail"),
        ("files", "Files"),
    )
    HELP_TITLE = "Organization"

    async def load(self) -> OrgDetail | None:
        return await self.store.read(organization_detail, self.entity_id)

    def entity_name(self) -> str:
        return clean(self.detail.org.get("name")) if self.detail else ""

    def show(self, d: OrgDetail) -> None:
        org = d.org
        self.query_one("#detail-header", Static).update(Text.assemble(("🏢 ", ""), (clean(org.get("name")), "bold")))
        table = Table(box=None, show_header=False, padding=(0, 2))
        table.add_column(style=tones.MUTED, no_wrap=True)
        table.add_column()
        table.add_row(Text("Address"), Text(clean((org.get("address") or {}).get("value")) or "—"))
        table.add_row(Text("Owner"), Text(clean(d.owner) or "—"))
        table.add_row(Text("People"), Text(str(len(d.people))))
        self.query_one("#detail-facts", Static).update(table)
        self.set_title("people", "People", len(d.people))
        self.query_one("#section-people", Section).fill(
            [(Text.assemble(clean(p.label), (f"  {clean(p.extra)}", tones.MUTED)), ("person", p.id)) for p in d.people], "No people"
        )
        self.fill_deals(d.deals)
        self.fill_custom(d.custom)
        self.fill_activities(d.activities)

    async def entity_form(self) -> Screen[Any]:
        from tui.screens.forms.entity_forms import OrganizationForm

        return await OrganizationForm.load(self.store, self.entity_id)
