"""The history of a deal, person or organization (h on its screen): one chronological list of
stage moves (with the time spent in the stage left), field changes (old -> new, who, when),
won/lost with the reason, notes and activities; f filters by kind. Nothing is fetched until
this screen opens; then one flow request (40 tokens per 500 entries, tui/store/history.py),
cached until the item changes; R fetches again."""

from __future__ import annotations


from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui import styles
from tui.api.errors import ApiError
from tui.formatting import clean
from tui.keymap import history as history_keys
from tui.screens.base import AppScreen
from tui.store.history import FLOW_COST
from tui.store.queries.history import KINDS, Event, cached_timeline
from tui.widgets.status_bar import StatusBar
from tui.widgets import tones
from tui.widgets.key_bar import KeyBar

MARKS = {
    "created": ("✚", tones.SUCCESS),
    "stage": ("➜", tones.INFO),
    "field": ("✎", tones.WARNING),
    "status": ("★", tones.SPECIAL_B),
    "note": ("✉", tones.INFO),
    "activity": ("☑", tones.SUCCESS),
}
KIND_NAMES = {
    "all": "everything",
    "stage": "stage moves",
    "field": "field changes",
    "status": "won / lost",
    "note": "notes",
    "activity": "activities",
}


class HistoryScreen(AppScreen):
    CSS_PATH = styles.path("detail.tcss")
    BINDINGS = history_keys.BINDINGS
    HELP_TITLE = "History"

    def __init__(self, entity: str, entity_id: int, name: str) -> None:
        super().__init__()
        self.entity, self.entity_id, self.name_text = entity, entity_id, name
        self.kind = "all"
        self.events: list[Event] = []
        self.note = ""

    def compose(self) -> ComposeResult:
        yield Static(id="detail-header")
        yield Static(id="history-state")
        yield OptionList(id="history-list")
        yield StatusBar()
        yield KeyBar()

    def on_mount(self) -> None:
        self.show_header()
        self.query_one("#history-list").focus()
        self.load(False)

    def show_header(self) -> None:
        counts = {k: sum(e.kind == k for e in self.events) for k in KINDS[1:] if k != "status"}
        header = Text.assemble(
            ("History of ", tones.MUTED),
            (clean(self.name_text), "bold"),
            ("  ·  showing ", tones.MUTED),
            (KIND_NAMES[self.kind], tones.INFO_B),
        )
        if self.events:
            header.append("  ·  " + ", ".join(f"{KIND_NAMES[k]} {n}" for k, n in counts.items() if n), style=tones.MUTED)
        self.query_one("#detail-header", Static).update(header)

    @work(exclusive=True, group="history", exit_on_error=False)
    async def load(self, refetch: bool) -> None:
        state = self.query_one("#history-state", Static)
        state.update(Text(f"Fetching the history from Pipedrive ({FLOW_COST} tokens)…", style=tones.INFO))
        fetched = False
        try:
            _items, fetched = await self.store.history(self.entity, self.entity_id, refresh=refetch)
        except ApiError as exc:
            state.update(Text(f"History not fetched: {exc.message}", style=tones.ERROR))
        found = await self.store.read(cached_timeline, self.entity, self.entity_id)
        if found is None:
            self.events = []
            self.fill()
            return
        self.events, fetched_at = found
        when = (fetched_at or "")[:16].replace("T", " ")
        self.note = (
            f"fetched now ({FLOW_COST} tokens)" if fetched else f"from the cache (fetched {when} UTC; nothing spent)"
        ) + f" · R fetches again ({FLOW_COST} tokens)"
        state.update(Text(self.note))
        self.fill()

    def fill(self) -> None:
        self.show_header()
        shown = [e for e in self.events if self.kind == "all" or e.kind == self.kind]
        options = self.query_one("#history-list", OptionList)
        options.clear_options()
        if not shown:
            options.add_option(Option(Text(f"No {KIND_NAMES[self.kind]} in the history", style=tones.FAINT), disabled=True))
            return
        options.add_options([Option(self.event_text(e)) for e in shown])
        options.highlighted = len(shown) - 1  # the latest at the bottom, selected

    def event_text(self, e: Event) -> Text:
        mark, style = MARKS.get(e.kind, ("•", ""))
        if e.kind == "activity" and not e.title.startswith("Activity done"):
            mark, style = "☐", tones.MUTED
        when = e.when.astimezone(self.store.clock.zone).strftime("%Y-%m-%d %H:%M") if e.when else "????-??-?? ??:??"
        text = Text.assemble((when, tones.MUTED), "  ", (f"{mark} ", style), (clean(e.title), "bold" if e.kind != "field" else ""))
        if e.detail:
            text.append("  " + clean(e.detail))
        if e.duration:
            text.append(f"  (after {e.duration} in the stage)", style=tones.INFO)
        text.append(f"  · {clean(e.who)}", style=tones.FAINT)
        return text

    def action_kind(self, step: int) -> None:
        self.kind = KINDS[(KINDS.index(self.kind) + step) % len(KINDS)]
        self.fill()

    def action_refetch(self) -> None:
        self.load(True)

    def action_back(self) -> None:
        self.app.pop_screen()
