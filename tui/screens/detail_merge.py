"""`M` on a person's or an organization's screen: its likely duplicates and a merge
(tui/screens/merge.py). A mixin of PersonScreen and OrganizationScreen, typed `host` as
detail_items.py does; after a merge the screen shows the survivor."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:  # the host screen, for types only
    from tui.screens.detail_base import DetailScreen


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
