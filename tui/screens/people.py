"""Section 3: people."""

from __future__ import annotations

from typing import Any

from tui.screens.detail_merge import ListMerge
from tui.keymap.lists import BINDINGS as LIST_BINDINGS, BULK_BINDINGS
from tui.screens.entity_list import EntityListScreen
from tui.screens.list_bulk import ListBulk
from tui.store.queries import entities as q
from tui.widgets.virtual_table import Column


class PeopleScreen(ListMerge, ListBulk, EntityListScreen):
    BINDINGS = [*LIST_BINDINGS, *BULK_BINDINGS]
    ENTITY = "person"
    PLURAL = "people"
    TITLE_TEXT = "People"
    HELP_TITLE = "People"
    SORTS = ("name", "organization", "updated")
    COLUMNS = [
        Column("Name", 18, 30, 0, flex=True),
        Column("Organization", 14, 28, 2, flex=True),
        Column("E-mail", 22, 32, 1),
        Column("Phone", 14, 17, 3),
        Column("Owner", 10, 16, 4),
    ]

    def count(self, conn: Any, text: str) -> int:
        return q.person_count(conn, text)

    def page(self, conn: Any, text: str, sort: str, offset: int, limit: int) -> list[tuple[int, list[str | None]]]:
        return [(r.id, [r.name, r.org_name, r.email, r.phone, r.owner]) for r in q.person_page(conn, text, sort, offset, limit)]

    def index(self, conn: Any, text: str, sort: str, entity_id: int) -> int | None:
        return q.person_index(conn, text, sort, entity_id)

    def open(self, entity_id: int) -> None:
        self.nav.open_person(entity_id)

    async def action_create(self) -> None:
        from tui.screens.forms.entity_forms import PersonForm

        self.app.push_screen(await PersonForm.load(self.store))
