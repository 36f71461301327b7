"""The board's views: the user's saved Pipedrive deal filters (board `v`), and views of
their own (the board's status, owner, text and sort kept under a name: `s`), any of them
pinned to F1-F9 (`p`). Pins and local views live in views.toml (tui/local_views.py).

Each filter's conditions are shown with where they are evaluated: ✓ in the cache (SQL,
instant, offline too) or ☁ by Pipedrive (`GET /api/v2/deals?filter_id=`, 10 tokens per 500
deals, fetched when picked and older than 10 minutes, or with R). Picking one dismisses
with its View (tui/store/queries/filters.py); "All deals" dismisses with NO_VIEW, a local view with its LocalView.
"""

from __future__ import annotations

from datetime import timezone
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui import styles
from tui.api.errors import ApiError
from tui import local_views
from tui.formatting import clean
from tui.keymap import views as view_keys
from tui.screens.base import AppModal
from tui.store.queries.filters import View, views
from tui.store.sync_plan import task_state
from tui.store.views import FILTERS_KEY
from tui.widgets import tones

NO_VIEW = "all"  # dismissed with this: show every deal again
LOCAL_ID = "local:"


def pin_mark(key: str | None) -> Text:
    return Text(f"{key.upper():<4}" if key else "    ", style=tones.ACCENT_B)


def view_line(view: View, key: str | None = None) -> Text:
    where = ("Pipedrive", tones.INFO) if view.server else ("cache", tones.SUCCESS)
    line = Text.assemble(pin_mark(key), (clean(view.name), "bold"), "  ", (f"[{where[0]}]", where[1]))
    if view.server:
        line.append(
            f"  {view.count} deals, fetched {view.fetched_at[11:16]} UTC" if view.fetched_at else "  not fetched yet", style=tones.MUTED
        )
    return line


def conditions_text(view: View) -> Text:
    if not view.conditions:
        return Text("No conditions: every deal.", style=tones.MUTED)
    lines = []
    for c in view.conditions:
        mark = ("✓ cache     ", tones.SUCCESS) if c.translated else ("☁ Pipedrive ", tones.INFO)
        lines.append(Text.assemble(mark, clean(c.describe())))
    note = (
        "Evaluated here from the cache."
        if not view.server
        else "Some conditions only Pipedrive can evaluate: the view shows the deals Pipedrive selected."
    )
    return Text("\n").join([*lines, Text(note, style=tones.MUTED)])


def local_line(view: local_views.LocalView, key: str | None = None) -> Text:
    return Text.assemble(pin_mark(key), (clean(view.name), "bold"), "  ", ("[yours]", tones.SPECIAL))


class ViewsScreen(AppModal[Any]):
    CSS_PATH = styles.path("views.tcss")
    BINDINGS = view_keys.BINDINGS
    HELP_TITLE = "Views"

    def __init__(self, current: int | str | None = None, board: local_views.LocalView | None = None) -> None:
        """`current`: the view shown (a filter id, or a local view's name); `board`: the
        board's own filters now, which `s` keeps under a name."""
        super().__init__()
        self.current = current
        self.board = board
        self.views: list[View] = []
        self.prefs = local_views.load(self.nav.config_dir)

    def compose(self) -> ComposeResult:
        with Vertical(classes="views-dialog"):
            yield Label("Views: your saved Pipedrive deal filters, and your own", classes="dialog-title")
            yield OptionList(id="views-list")
            yield Static(id="views-detail")
            yield Label(
                "enter show · p pin to F1-F9 · s keep the board's filters · delete remove yours · R refetch · esc cancel",
                classes="dialog-hint",
            )

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
                self.notify(f"The saved filters could not be fetched: {exc.message}", severity="warning", timeout=5, markup=False)
            self.views = await self.store.read(views, today)
        self.fill()

    def fill(self, keep: int | None = None) -> None:
        options = self.query_one(OptionList)
        keep = options.highlighted if keep is None else keep
        options.clear_options()
        options.add_option(Option(Text.assemble(pin_mark(None), ("All deals (no view)", "italic")), id=NO_VIEW))
        options.add_options([Option(view_line(v, self.prefs.key_of(v.name)), id=str(v.id)) for v in self.views])
        if not self.views:
            options.add_option(
                Option(Text("No saved deal filters in Pipedrive (or not synced yet)", style=tones.FAINT), disabled=True, id="none")
            )
        options.add_options(
            [Option(local_line(v, self.prefs.key_of(local_views.LOCAL + v.name)), id=LOCAL_ID + v.name) for v in self.prefs.local.values()]
        )
        ids: list[Any] = [None] + [v.id for v in self.views] + ([] if self.views else ["none"]) + list(self.prefs.local)
        options.highlighted = (
            min(keep, options.option_count - 1) if keep is not None else ids.index(self.current) if self.current in ids else 0
        )
        self.show_detail()

    def _highlighted_id(self) -> str | None:
        options = self.query_one(OptionList)
        index = options.highlighted
        option = options.get_option_at_index(index) if index is not None else None
        return option.id if option else None

    def _local(self, option_id: str | None) -> local_views.LocalView | None:
        if option_id and option_id.startswith(LOCAL_ID):
            return self.prefs.local.get(option_id[len(LOCAL_ID) :])
        return None

    def action_pin(self) -> None:
        """p: pin the highlighted view to the first free key of F1-F9, or unpin it."""
        option_id = self._highlighted_id()
        local, view = self._local(option_id), self._view(option_id)
        name = local_views.LOCAL + local.name if local else view.name if view else None
        if name is None:
            self.app.bell()
            return
        self.prefs = local_views.load(self.nav.config_dir)
        key = self.prefs.toggle_pin(name)
        if key is None and self.prefs.key_of(name) is None and len(self.prefs.pins) == len(local_views.KEYS):
            self.notify("F1-F9 are all taken: unpin one first (p on it)", severity="warning", timeout=4)
            return
        local_views.save(self.prefs, self.nav.config_dir)
        shown = name.removeprefix(local_views.LOCAL)
        self.notify(f"F{key[1:]} on the board shows “{shown}”" if key else f"“{shown}” unpinned", timeout=3, markup=False)
        self.fill()

    def action_save(self) -> None:
        """s: keep the board's own filters (status, owner, text, sort) as a view of yours."""
        if self.board is None:
            self.app.bell()
            return

        def named(name: str | None) -> None:
            if not name or self.board is None:
                return
            self.prefs = local_views.load(self.nav.config_dir)
            b = self.board
            self.prefs.local[name] = local_views.LocalView(name, b.status, b.owner, b.text, b.sort)
            local_views.save(self.prefs, self.nav.config_dir)
            self.notify(f"Kept as “{name}”: {self.prefs.local[name].describe()}", timeout=4, markup=False)
            self.fill(keep=None)

        self.app.push_screen(ViewNameScreen(self.board.describe(), set(local_views.load(self.nav.config_dir).local)), named)

    def action_delete(self) -> None:
        """delete: remove the highlighted view of yours (Pipedrive's filters are left alone)."""
        local = self._local(self._highlighted_id())
        if local is None:
            self.notify("Only your own views can be removed here; Pipedrive filters are edited in Pipedrive", timeout=4)
            return
        self.prefs = local_views.load(self.nav.config_dir)
        self.prefs.remove_local(local.name)
        local_views.save(self.prefs, self.nav.config_dir)
        self.notify(f"Removed “{local.name}”", timeout=3, markup=False)
        self.fill()

    def _view(self, option_id: str | None) -> View | None:
        return next((v for v in self.views if str(v.id) == option_id), None)

    @on(OptionList.OptionHighlighted)
    def show_detail(self, event: Any = None) -> None:
        options = self.query_one(OptionList)
        index = options.highlighted
        option = options.get_option_at_index(index) if index is not None else None
        view = self._view(option.id if option else None)
        local = self._local(option.id if option else None)
        detail = self.query_one("#views-detail", Static)
        if local is not None:
            detail.update(Text(f"Yours: {local.describe()} (from views.toml).", style=tones.MUTED))
            return
        detail.update(
            conditions_text(view) if view else Text("Every deal of the pipeline, with the board's own filters.", style=tones.MUTED)
        )

    @on(OptionList.OptionSelected)
    async def chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == NO_VIEW:
            self.dismiss(NO_VIEW)
            return
        local = self._local(event.option.id)
        if local is not None:
            self.dismiss(local)
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


class ViewNameScreen(AppModal[str | None]):
    """The name of a view of yours: not empty, one line, not taken (it would be replaced: say so)."""

    CSS_PATH = styles.path("views.tcss")
    BINDINGS = view_keys.NAME_BINDINGS

    def __init__(self, what: str, taken: set[str]) -> None:
        super().__init__()
        self.what, self.taken = what, taken

    def compose(self) -> ComposeResult:
        with Vertical(classes="views-dialog"):
            yield Label("Keep the board's filters as a view", classes="dialog-title")
            yield Static(Text(self.what, style=tones.MUTED))
            yield Input(placeholder="a name, e.g. Big EUR deals", id="view-name")
            yield Static("", id="view-name-error", classes="form-error")
            yield Label("enter keep · escape cancel", classes="dialog-hint")

    def ready_for_keys(self) -> bool:
        return isinstance(self.focused, Input)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Changed)
    def check(self, event: Input.Changed) -> None:
        name = event.value.strip()
        self.query_one("#view-name-error", Static).update(
            Text(f"“{name}” exists: enter replaces it", style=tones.WARNING) if name in self.taken else ""
        )

    @on(Input.Submitted)
    def submitted(self, event: Input.Submitted) -> None:
        name = " ".join(event.value.split())
        error = self.query_one("#view-name-error", Static)
        if not name:
            error.update(Text("A name, please: the view is listed and pinned by it", style=tones.ERROR))
            return
        if name.lower().startswith(local_views.LOCAL.strip()):
            error.update(Text("A name that does not start with “local:”, please", style=tones.ERROR))
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
