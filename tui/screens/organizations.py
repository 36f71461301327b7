"""Section 4: organizations."""

from __future__ import annotations

from typing import Any

from tui.screens.detail_merge import ListMerge
from tui.keymap.lists import BINDINGS as LIST_BINDINGS, BULK_BINDINGS
from tui.screens.entity_list import EntityListScreen
from tui.screens.list_bulk import ListBulk
from tui.store.queries import entities as q
from tui.widgets.virtual_table import Column


class OrganizationsScreen(ListMerge, ListBulk, EntityListScreen):
    BINDINGS = [*LIST_BINDINGS, *BULK_BINDINGS]
    ENTITY = "organization"
    PLURAL = "organizations"
    TITLE_TEXT = "Organizations"
    HELP_TITLE = "Organizations"
    SORTS = ("name", "deals", "updated")
    COLUMNS = [
        Column("Name", 18, 34, 0, flex=True),
        Column("Address", 20, 60, 1, flex=True),
        Column("People", 6, 6, 3, align="right"),
        Column("Open deals", 10, 10, 2, align="right"),
        Column("Owner", 8, 16, 4),
    ]

    def count(self, conn: Any, text: str) -> int:
        return q.organization_count(conn, text)

    def page(self, conn: Any, text: str, sort: str, offset: int, limit: int) -> list[tuple[int, list[str | None]]]:
        return [
            (r.id, [r.name, r.address, str(r.people), str(r.open_deals), r.owner])
            for r in q.organization_page(conn, text, sort, offset, limit)
        ]

    def index(self, conn: Any, text: str, sort: str, entity_id: int) -> int | None:
        return q.organization_index(conn, text, sort, entity_id)

    def open(self, entity_id: int) -> None:
        self.nav.open_organization(entity_id)

    async def action_create(self) -> None:
        from tui.screens.forms.entity_forms import OrganizationForm

        self.app.push_screen(await OrganizationForm.load(self.store))
