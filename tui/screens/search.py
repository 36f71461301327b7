"""Global search (`g`): deals, people and organizations from the cache as you type, grouped
by type with context; Pipedrive's own search for what the cache lacks.

Every key typed runs the cache query (tui/store/queries/search.py; milliseconds at 100k
deals). When the cache has nothing for a query of 2+ characters, Pipedrive is asked once,
REMOTE_DEBOUNCE seconds after the last key (ctrl+r asks at once, also when the cache did
answer); what it finds is stored in the cache and listed, the hits the cache query does not
match under "From Pipedrive". enter opens the selection; escape goes back to where `g` was
pressed.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.timer import Timer
from textual.widgets import Input, Static

from tui import styles
from tui.formatting import clean, money
from tui.keymap import search as search_keys
from tui.screens.base import AppScreen
from tui.screens.keys import key_of
from tui.store.queries.search import Hit, Results, hits_by_ids, search
from tui.store.remote_search import RemoteResult
from tui.store.search_index import fold
from tui.widgets.search_results import Group, Row, SearchResults
from tui.widgets.status_bar import StatusBar
from tui.widgets import tones
from tui.widgets.key_bar import KeyBar

LABELS = {"deal": "Deals", "person": "People", "organization": "Organizations", "lead": "Leads", "note": "Notes"}
KIND_WORD = {"deal": "deal", "person": "person", "organization": "organization", "lead": "lead", "note": "note"}
PLURAL = {"deal": "deals", "person": "people", "organization": "organizations", "lead": "leads", "note": "notes"}


def open_hit(nav: Any, hit: Hit) -> None:
    """Open what a hit is: a lead by its id, a note on the item it belongs to, selected."""
    if hit.kind == "lead" and hit.uuid:
        nav.open_lead(hit.uuid)
    elif hit.kind == "note":
        if hit.parent is None:
            return
        if hit.parent[0] == "lead" and hit.uuid:
            nav.open_lead(hit.uuid)
        else:
            nav.open_note(hit.id, hit.parent)
    else:
        {"deal": nav.open_deal, "person": nav.open_person, "organization": nav.open_organization}[hit.kind](hit.id)


def row_of(hit: Hit, kind_label: bool = False) -> Row:
    if hit.kind == "deal":
        context = " · ".join(x for x in (clean(hit.stage), money(hit.value, hit.currency) if hit.value else "") if x)
        if hit.status and hit.status != "open":
            context += f" · {hit.status}"
        more = hit.org or hit.person or ""
    elif hit.kind == "person":
        context = hit.org or ""
        more = " · ".join(x for x in (hit.email, hit.phone) if x)
    elif hit.kind == "lead":
        context = money(hit.value, hit.currency) if hit.value else ""
        more = hit.org or hit.person or ""
    elif hit.kind == "note":
        context = f"on {KIND_WORD[hit.parent[0]]} {hit.org}" if hit.parent and hit.org else ""
        more = ""
    else:
        context, more = hit.address or "", ""
    if kind_label:
        more = f"{KIND_WORD[hit.kind]}{' · ' + more if more else ''}"
    return Row(hit.title, context, more, key=(hit.kind, hit.id), dim=hit.kind == "deal" and hit.status != "open")


class SearchScreen(AppScreen):
    WATCHES = frozenset({"deals", "persons", "organizations", "stages", "leads", "notes"})
    CSS_PATH = styles.path("search.tcss")
    BINDINGS = search_keys.BINDINGS
    HELP_TITLE = "Search"
    REMOTE_DEBOUNCE = 0.3  # seconds after the last key before Pipedrive is asked
    LIMIT = 10  # hits per type

    def __init__(self, text: str = "") -> None:
        super().__init__()
        self.initial = text
        self.text = ""
        self.results: Results | None = None
        self.remote: RemoteResult | None = None  # Pipedrive's answer for self.text
        self.remote_hits: list[Hit] = []
        self.hits: dict[tuple[str, int], Hit] = {}  # what each listed row opens
        self.asking: str | None = None  # the query Pipedrive is being asked for
        self._timer: Timer | None = None
        self._shown_query: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text.assemble((" Search ", "bold reverse"), "  deals · people · organizations · leads · notes"), id="search-title")
        yield Input(placeholder="name, title, e-mail, phone, organization…", id="search-input")
        yield Static(id="search-status")
        yield SearchResults(id="search-results")
        yield StatusBar()
        yield KeyBar()

    @property
    def box(self) -> Input:
        return self.query_one("#search-input", Input)

    @property
    def listing(self) -> SearchResults:
        return self.query_one(SearchResults)

    def on_mount(self) -> None:
        self.box.focus()
        if self.initial:
            self.box.value = self.initial
        self._show_status()

    def ready_for_keys(self) -> bool:
        """Keys typed right after `g` wait for the text box."""
        return self.focused is not None

    def data_changed(self, message: Any) -> None:
        if self.text:
            self.lookup()

    # -- the cache, as you type --------------------------------------------------------------------

    @on(Input.Changed, "#search-input")
    def typed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if event.value != self.text:
            self.text = event.value
            self.remote, self.remote_hits = None, []
        self.lookup()

    @work(exclusive=True, group="search-local", exit_on_error=False)
    async def lookup(self) -> None:
        text = self.text
        if not await self._read(text):
            return
        nothing = self.results is not None and self.results.empty
        if nothing and self.remote is None and self.asking != text and len(" ".join(fold(text).split())) >= 2:
            self._timer = self.set_timer(self.REMOTE_DEBOUNCE, self._remote_due)

    async def _read(self, text: str) -> bool:
        """The cache's hits (and Pipedrive's, stored) for `text`, shown; False if the text changed meanwhile."""
        results = await self.store.read(search, text, self.LIMIT)
        remote = await self.store.read(hits_by_ids, self.remote.found) if self.remote else []
        if text != self.text:
            return False
        self.results, self.remote_hits = results, remote
        self._show()
        return True

    def _remote_due(self) -> None:
        self._timer = None
        if self.results is not None and self.results.empty and self.remote is None:
            self.ask_pipedrive(self.text)

    # -- Pipedrive ----------------------------------------------------------------------------------

    def action_remote(self) -> None:
        if len(" ".join(fold(self.text).split())) < 2:
            self.notify("Type 2 characters or more to search Pipedrive", timeout=3)
            return
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.asking != self.text:
            self.ask_pipedrive(self.text)

    @work(exclusive=True, group="search-remote", exit_on_error=False)
    async def ask_pipedrive(self, text: str) -> None:
        self.asking = text
        self._show_status()
        try:
            result = await self.store.search_pipedrive(text)
        finally:
            if self.asking == text:
                self.asking = None
        if text != self.text:
            return
        self.remote = result
        self.lookup()

    # -- showing -------------------------------------------------------------------------------------

    def _show(self) -> None:
        results = self.results
        groups: list[Group] = []
        listed: set[tuple[str, int]] = set()
        if results is not None:
            for kind, label in LABELS.items():
                hits = results.of(kind)
                listed |= {(h.kind, h.id) for h in hits}
                groups.append(Group(label, [row_of(h) for h in hits], results.totals.get(kind), kind in results.more))
        extra = [h for h in self.remote_hits if (h.kind, h.id) not in listed]
        groups.append(Group("From Pipedrive", [row_of(h, kind_label=True) for h in extra]))
        self.hits = {(h.kind, h.id): h for h in [*(results.hits if results else []), *extra]}
        # the same query again (the data changed): the selection stays; a new query starts at the top
        same = self._shown_query == self.text
        self._shown_query = self.text
        keep = self.listing.selected.key if self.listing.selected and same else None
        self.listing.empty_text = "" if not self.text.strip() else f"Nothing in the cache matches “{clean(self.text)}”."
        self.listing.set_groups(groups, keep=keep)
        self._show_status()

    def _show_status(self) -> None:
        remote_key = key_of(self, "search.remote", "ctrl+r")
        text = self.text.strip()
        status = Text()
        if not text:
            status.append("Type to search the cache: names, titles, e-mail addresses, phone numbers, organizations. ", style=tones.MUTED)
            status.append(f"{remote_key}: Pipedrive's own search", style=tones.MUTED)
        elif self.asking == self.text:
            status.append("Asking Pipedrive…", style=tones.INFO_B)
        elif self.remote is not None and self.remote.error:
            status.append(f"Pipedrive: {self.remote.error}", style=tones.ERROR_B)
            status.append(" · showing the cache only", style=tones.MUTED)
        elif self.remote is not None:
            found = self.remote.count
            status.append(f"Pipedrive found {found}" if found else "Pipedrive found nothing either", style=tones.INFO_B)
            if self.remote.stored:
                status.append(f" · {self.remote.stored} new in the cache", style=tones.INFO)
        elif self.results is not None and not self.results.empty:
            shown = ", ".join(
                f"{n:,}{'+' if k in self.results.more else ''} {KIND_WORD[k] if n == 1 else PLURAL[k]}"
                for k, n in self.results.totals.items()
                if n
            )
            status.append(f"In the cache: {shown}", style=tones.SUCCESS)
            status.append(f" · {remote_key} also searches Pipedrive", style=tones.MUTED)
        elif self.results is not None:
            status.append("Nothing in the cache", style=tones.WARNING)
            status.append(
                " · asking Pipedrive in a moment" if len(" ".join(fold(text).split())) >= 2 else f" · {remote_key}: search Pipedrive",
                style=tones.MUTED,
            )
        self.query_one("#search-status", Static).update(status)

    # -- keys -------------------------------------------------------------------------------------------

    def action_move(self, delta: int) -> None:
        self.listing.move(delta)

    def action_page(self, delta: int) -> None:
        self.listing.page(delta)

    def action_group(self, delta: int) -> None:
        self.listing.next_group(delta)

    @on(Input.Submitted, "#search-input")
    async def submitted(self, event: Input.Submitted) -> None:
        event.stop()
        await self.action_open()

    @on(SearchResults.Chosen)
    async def chosen(self, event: SearchResults.Chosen) -> None:
        await self.action_open()

    async def action_open(self) -> None:
        if self.results is None or self.results.query != self.text:  # enter right after typing
            await self._read(self.text)
        row = self.listing.selected
        if row is None:
            return
        hit = next((h for key, h in self.hits.items() if key == row.key), None)
        if hit is not None:
            open_hit(self.nav, hit)

    def action_back(self) -> None:
        self.app.pop_screen()
