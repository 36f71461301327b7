"""The board's pipelines, owner, status, sort and text filters, and its views (saved Pipedrive
filters, views of your own, F1-F9 pins): a mixin of BoardScreen, reaching the board through a
typed `host` (tui/screens/board.py imports this module; this one imports it for types only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual import work

from tui import local_views
from tui.screens.dialogs import ChoiceScreen
from tui.api.errors import ApiError
from tui.store.queries import board as q, board_text
from tui.widgets.filter_bar import FilterBar

if TYPE_CHECKING:  # the host screen, for types only (it imports this module)
    from tui.screens.board import BoardScreen


class BoardViews:
    """What the board shows: pipeline, owner, status, sort, text filter and views."""

    @property
    def host(self) -> BoardScreen:
        return cast("BoardScreen", self)

    def show_pipeline(self, pid: int | None) -> None:
        """Show this pipeline (the `p` choice, the command palette)."""
        if pid is not None and pid != self.host.pipeline_id:
            self.host.pipeline_id = pid
            self.host.store.focus_pipeline = pid
            self.host.col = 0
            self.host.reload()

    def show_owner(self, label: str, user_id: int | None) -> None:
        """Show the deals of this owner (None: everyone)."""
        self.host.owner_label, self.host.owner_filter = label, user_id
        self.host.local_view = None  # the board's filters are no longer that view's
        self.host.reload()

    def action_pipeline(self) -> None:
        choices = [(p.name, p.id) for p in self.host.pipelines]
        self.host.app.push_screen(ChoiceScreen("Pipeline", choices, current=self.host.pipeline_id), self.host.show_pipeline)

    async def action_owner(self) -> None:
        users = await self.host.store.read(q.users)
        me = await self.host.store.me_id()
        options: list[tuple[str, Any]] = [("Everyone", ("everyone", None)), ("Me", ("me", me))]
        options += [(u.name + (" (you)" if u.is_you else ""), (u.name, u.id)) for u in users]

        def chosen(value: tuple[str, int | None] | None) -> None:
            if value is not None:
                self.host.show_owner(*value)

        self.host.app.push_screen(ChoiceScreen("Show deals of", options, current=(self.host.owner_label, self.host.owner_filter)), chosen)

    def action_status_filter(self) -> None:
        def chosen(value: str | None) -> None:
            if value:
                self.host.status_filter = value
                self.host.local_view = None
                self.host.reload()

        self.host.app.push_screen(
            ChoiceScreen("Status", [("Open", "open"), ("Won", "won"), ("Lost", "lost")], current=self.host.status_filter), chosen
        )

    def action_sort(self) -> None:
        self.host.sort = q.SORTS[(q.SORTS.index(self.host.sort) + 1) % len(q.SORTS)]
        self.host.local_view = None
        self.host.notify(f"Sorted by {q.SORT_LABELS[self.host.sort]}", timeout=2)
        self.host.reload()

    def action_filter(self) -> None:
        self.host.query_one(FilterBar).open()
        self.host._prepare_text_filter()

    @work(exclusive=True, group="board-prepare", exit_on_error=False)
    async def _prepare_text_filter(self) -> None:
        """The rows a text filter scans, read while the first letter is being typed."""
        if self.host.pipeline_id is not None:
            await self.host.store.read(board_text.prepare, self.host.query_spec())

    def action_views(self) -> None:
        from tui.screens.views import NO_VIEW, ViewsScreen

        def chosen(view: Any) -> None:
            if view is not None:
                self.host.apply_view(None if view == NO_VIEW else view)

        current = self.host.view.id if self.host.view else self.host.local_view
        self.host.app.push_screen(ViewsScreen(current, self.host.board_filters()), chosen)

    def board_filters(self) -> local_views.LocalView:
        """The board's own filters now, as a view of yours would keep them."""
        owner = {"everyone": "everyone", "me": "me"}.get(self.host.owner_label, str(self.host.owner_filter or "everyone"))
        return local_views.LocalView(
            "", self.host.status_filter, owner if self.host.owner_filter is not None else "everyone", self.host.text_filter, self.host.sort
        )

    def apply_view(self, view: Any) -> None:
        """Show only the deals of a saved filter (a View of tui/store/queries/filters.py), of
        every status; a LocalView sets the board's own filters; None shows them again."""
        if isinstance(view, local_views.LocalView):
            self.host.run_worker(self.host._apply_local(view), exit_on_error=False)
            return
        self.host.view = view
        self.host.local_view = None
        self.host.reload()

    async def _apply_local(self, view: local_views.LocalView) -> None:
        if view.owner == "me":
            owner: tuple[str, int | None] = ("me", await self.host.store.me_id())
        elif view.owner.isdigit():
            users = {u.id: u.name for u in await self.host.store.read(q.users)}
            owner = (users.get(int(view.owner), f"user {view.owner}"), int(view.owner))
        else:
            owner = ("everyone", None)
        self.host.view, self.host.local_view = None, view.name
        self.host.status_filter, self.host.sort, self.host.text_filter = view.status, view.sort, view.text
        self.host.owner_label, self.host.owner_filter = owner
        self.host.query_one(FilterBar).show_text(view.text)
        self.host.reload()

    async def action_pinned(self, number: int) -> None:
        """F1-F9: the view pinned to that key in the view picker (v, then p)."""
        from datetime import timezone

        from tui.store.queries.filters import views

        prefs = local_views.load(self.host.nav.config_dir)
        pinned = prefs.pins.get(f"f{number}")
        if pinned is None:
            self.host.notify(f"Nothing is pinned to F{number}: press v, pick a view and press p", timeout=3)
            return
        if pinned.startswith(local_views.LOCAL):
            local = prefs.local.get(pinned[len(local_views.LOCAL) :])
            if local is None:
                self.host.notify(f"F{number} names a view of yours that is gone: {pinned}", severity="warning", timeout=4, markup=False)
                return
            self.host.apply_view(local)
            return
        today = self.host.store.clock.now().astimezone(timezone.utc).date()
        view = next((v for v in await self.host.store.read(views, today) if v.name == pinned), None)
        if view is None:
            self.host.notify(
                f"F{number}: no saved Pipedrive filter is named “{pinned}” (any more)", severity="warning", timeout=4, markup=False
            )
            return
        if view.server:
            try:
                await self.host.store.view_results(view.id, force=False)
            except ApiError as exc:
                self.host.notify(f"Pipedrive did not answer for “{pinned}”: {exc.message}", severity="warning", timeout=4, markup=False)
                return
            view = next((v for v in await self.host.store.read(views, today) if v.id == view.id), view)
        self.host.apply_view(view)

    def on_filter_bar_text_changed(self, event: FilterBar.TextChanged) -> None:
        self.host.text_filter = event.value
        self.host.local_view = None
        self.host.reload()

    def on_filter_bar_closed(self, event: FilterBar.Closed) -> None:
        self.host.set_focus(None)
