"""Person detail: organization, e-mails and phones, owner, deals, activities, notes."""

from __future__ import annotations

from typing import Any
from textual.screen import Screen

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from tui.formatting import clean
from tui.screens.detail_merge import DetailMerge
from tui.screens.detail_base import DetailScreen
from tui.store.queries.entities import PersonDetail, person_detail
from tui.widgets import tones


def contact_lines(values: list[dict[str, Any]]) -> Text:
    lines = []
    for c in sorted(values or [], key=lambda c: not c.get("primary")):
        lines.append(
            Text.assemble(
                clean(c.get("value")),
                (f"  {clean(c.get('label')) or 'work'}", tones.MUTED),
                ("  ★ primary" if c.get("primary") else "", tones.WARNING),
            )
        )
    return Text("\n").join(lines) if lines else Text("—")


class PersonScreen(DetailMerge, DetailScreen):
    ENTITY = "person"
    NOTE_KEY = "person_id"
    PIN_FLAG = "pinned_to_person_flag"
    SECTIONS = (
        ("links", "Organization"),
        ("deals", "Deals"),
        ("custom", "Custom fields"),
        ("activities", "Activities"),
        ("calls", "Calls"),
        ("followers", "Followers"),
        ("mail", "Mail"),
        ("files", "Files"),
    )
    HELP_TITLE = "Person"

    async def load(self) -> PersonDetail | None:
        return await self.store.read(person_detail, self.entity_id)

    def entity_name(self) -> str:
        return clean(self.detail.person.get("name")) if self.detail else ""

    def show(self, d: PersonDetail) -> None:
        p = d.person
        header = Text.assemble(("👤 ", ""), (clean(p.get("name")), "bold"))
        if d.org:
            header.append("  ·  ", style=tones.MUTED)
            header.append(clean(d.org.label))
        self.query_one("#detail-header", Static).update(header)
        table = Table(box=None, show_header=False, padding=(0, 2))
        table.add_column(style=tones.MUTED, no_wrap=True)
        table.add_column()
        table.add_row(Text("E-mail"), contact_lines(p.get("emails") or []))
        table.add_row(Text("Phone"), contact_lines(p.get("phones") or []))
        table.add_row(Text("Owner"), Text(clean(d.owner) or "—"))
        self.query_one("#detail-facts", Static).update(table)
        self.fill_links(None, d.org, "No organization")
        self.fill_deals(d.deals)
        self.fill_custom(d.custom)
        self.fill_activities(d.activities)

    async def entity_form(self) -> Screen[Any]:
        from tui.screens.forms.entity_forms import PersonForm

        return await PersonForm.load(self.store, self.entity_id)
