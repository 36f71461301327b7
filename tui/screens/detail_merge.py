"""`M` on a person's or an organization's screen (or on its row in the people and
organizations lists): its likely duplicates and a merge (tui/screens/merge.py). Mixins of
PersonScreen / OrganizationScreen and of PeopleScreen / OrganizationsScreen; after a merge
a detail screen shows the survivor (a list just reloads)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:  # the host screens, for types only
    from tui.screens.detail_base import DetailScreen
    from tui.screens.entity_list import EntityListScreen


class DetailMerge:
    def action_merge(self) -> None:
        from tui.screens.merge import MergeScreen

        host = cast("DetailScreen", self)
        if host.detail is None:
            host.app.bell()
            return

        def merged(survivor: int | None) -> None:
            if survivor is not None and survivor != host.entity_id:
                host.app.switch_screen(type(host)(survivor))

        host.app.push_screen(MergeScreen(host.ENTITY, host.entity_id, host.entity_name()), merged)


class ListMerge:
    def action_merge(self) -> None:
        from tui.screens.merge import MergeScreen

        host = cast("EntityListScreen", self)
        entity_id = host.row_id(host.table.cursor)
        entity = getattr(host, "ENTITY", "")
        if entity_id is None or entity not in ("person", "organization"):
            host.app.bell()
            return
        host.app.push_screen(MergeScreen(entity, entity_id, None))
