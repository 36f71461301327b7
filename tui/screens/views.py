"""The board's views: the user's saved Pipedrive deal filters (board `v`).

Each filter's conditions are shown with where they are evaluated: ✓ in the cache (SQL,
instant, offline too) or ☁ by Pipedrive (`GET /api/v2/deals?filter_id=`, 10 tokens per 500
deals, fetched when picked and older than 10 minutes, or with R). Picking one dismisses
with its View (tui/store/queries/filters.py); "All deals" dismisses with NO_VIEW.
"""

from __future__ import annotations

from datetime import timezone
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

import styles
from tui.api.errors import ApiError
from tui.formatting import clean
from tui.keymap import views as view_keys
from tui.screens.base import AppModal
from tui.store.queries.filters import View, views
from tui.store.sync_plan import task_state
from tui.store.views import FILTERS_KEY
from widgets import tones

NO_VIEW = "all"   # dismissed with this: show every deal again


def view_line(view: View) -> Text:
    where = ("Pipedrive", tones.INFO) if view.server else ("cache", tones.SUCCESS)
    line = Text.assemble((clean(view.name), "bold"), "  ", (f"[{where[0]}]", where[1]))
    if view.server:
        line.append(f"  {view.count} deals, fetched {view.fetched_at[11:16]} UTC" if view.fetched_at else "  not fetched yet",
                    style=tones.MUTED)
    return line


def conditions_text(view: View) -> Text:
    if not view.conditions:
        return Text("No conditions: every deal.", style=tones.MUTED)
    lines = []
    for c in view.conditions:
        mark = ("✓ cache     ", tones.SUCCESS) if c.translated else ("☁ Pipedrive ", tones.INFO)
        lines.append(Text.assemble(mark, clean(c.describe())))
    note = ("Evaluated here from the cache." if not view.server else
            "Some conditions only Pipedrive can evaluate: the view shows the deals Pipedrive selected.")
    return Text("\n").join([*lines, Text(note, style=tones.MUTED)])


class ViewsScreen(AppModal[Any]):
    CSS_PATH = styles.path("views.tcss")
    BINDINGS = view_keys.BINDINGS
    HELP_TITLE = "Views"

    def __init__(self, current: int | None = None) -> None:
        super().__init__()
        self.current = current
        self.views: list[View] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="views-dialog"):
            yield Label("Views: your saved Pipedrive deal filters", classes="dialog-title")
            yield OptionList(id="views-list")
            yield Static(id="views-detail")
            yield Label("enter show · R fetch a Pipedrive view again · escape cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self.load()

    @work(exclusive=True, group="views-load", exit_on_error=False)
    async def load(self) -> None:
        today = self.store.clock.now().astimezone(timezone.utc).date()  # relative dates: the server's day
        self.views = await self.store.read(views, today)
        if not self.views and not (await self.store.read(task_state, FILTERS_KEY))[1] and self.store.client is not None:
            self.query_one("#views-detail", Static).update(Text("Fetching your saved filters from Pipedrive…", style=tones.INFO))
            try:
                await self.store.load_filters()
            except ApiError as exc:
                self.notify(f"The saved filters could not be fetched: {exc.message}", severity="warning", timeout=5,
                            markup=False)
            self.views = await self.store.read(views, today)
        options = self.query_one(OptionList)
        keep = options.highlighted
        options.clear_options()
        options.add_option(Option(Text("All deals (no view)", style="italic"), id=NO_VIEW))
        options.add_options([Option(view_line(v), id=str(v.id)) for v in self.views])
        if not self.views:
            options.add_option(Option(Text("No saved deal filters in Pipedrive (or not synced yet)", style=tones.FAINT),
                                      disabled=True))
        ids = [None] + [v.id for v in self.views]
        options.highlighted = keep if keep is not None else (ids.index(self.current) if self.current in ids else 0)
        self.show_detail()

    def _view(self, option_id: str | None) -> View | None:
        return next((v for v in self.views if str(v.id) == option_id), None)

    @on(OptionList.OptionHighlighted)
    def show_detail(self, event: Any = None) -> None:
        options = self.query_one(OptionList)
        index = options.highlighted
        option = options.get_option_at_index(index) if index is not None else None
        view = self._view(option.id if option else None)
        detail = self.query_one("#views-detail", Static)
        detail.update(conditions_text(view) if view else Text("Every deal of the pipeline, with the board's own filters.",
                                                                style=tones.MUTED))

    @on(OptionList.OptionSelected)
    async def chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == NO_VIEW:
            self.dismiss(NO_VIEW)
            return
        view = self._view(event.option.id)
        if view is None:
            return
        if view.server and not await self._fetch(view, force=False):
            return
        today = self.store.clock.now().astimezone(timezone.utc).date()
        fresh = next((v for v in await self.store.read(views, today) if v.id == view.id), view)
        self.dismiss(fresh)

    async def _fetch(self, view: View, force: bool) -> bool:
        self.query_one("#views-detail", Static).update(Text(f"Asking Pipedrive for “{clean(view.name)}”…", style=tones.INFO))
        try:
            await self.store.view_results(view.id, force=force)
        except ApiError as exc:
            self.query_one("#views-detail", Static).update(Text(f"Pipedrive did not answer: {exc.message}", style=tones.ERROR))
            return False
        return True

    async def action_refresh(self) -> None:
        options = self.query_one(OptionList)
        index = options.highlighted
        option = options.get_option_at_index(index) if index is not None else None
        view = self._view(option.id if option else None)
        if view is None or not view.server:
            self.notify("This view is evaluated from the cache: nothing to fetch", timeout=2)
            return
        if await self._fetch(view, force=True):
            self.load()

    def action_cancel(self) -> None:
        self.dismiss(None)
