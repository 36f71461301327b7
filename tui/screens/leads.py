"""Section 5: the leads inbox. A virtual list (title, organization or person, value, labels
in their colours, owner, source, expected close, next activity) with filters by label,
owner, source and text, an archive toggle, five orders; enter opens a lead, C converts it.

While this section (or a lead) is on screen the store looks at leads with each probe
(`Store.watch_leads`, tui/store/sync_leads.py); elsewhere leads cost no tokens.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Static

from tui import styles
from tui.api.errors import ApiError
from tui.formatting import clean, money
from tui.keymap import leads as lead_keys
from tui.screens.base import FilteredScreen
from tui.screens.dialogs import ChoiceScreen
from tui.store.derived import activity_due
from tui.store.queries import leads as q
from tui.store.sync_leads import label_colors
from tui.widgets.filter_bar import FilterBar
from tui.widgets.lead_labels import label_chips
from tui.widgets.status_bar import StatusBar
from tui.widgets.virtual_table import Column, VirtualTable
from tui.widgets import tones
from tui.widgets.key_bar import KeyBar

COLUMNS = [
    Column("Lead", 20, 32, 0, flex=True),
    Column("Organization / person", 14, 24, 1, flex=True),
    Column("Value", 10, 12, 3, align="right"),
    Column("Labels", 8, 14, 2),
    Column("Owner", 10, 12, 5),
    Column("Source", 10, 16, 7),
    Column("Exp. close", 10, 10, 6),
    Column("Next activity", 16, 30, 4),
]


def next_activity(row: q.LeadRow, tz: Any, today: Any) -> Text | None:
    if row.next_due is None:
        return None
    due = activity_due(row.next_due[:10], row.next_due[11:] or None, tz)
    if due is None:
        return None
    day, at = due
    when = day.isoformat() + (at.strftime(" %H:%M") if at else "")
    style = tones.ERROR if day < today else (tones.WARNING if day == today else "")
    return Text.assemble((when, style), " ", clean(row.next_subject))


def lead_cells(row: q.LeadRow, tz: Any, today: Any) -> list[str | Text | None]:
    title = Text(clean(row.title))
    if row.converting:
        title.append("  ⇒ converting…", style=tones.INFO_B)
    elif row.pending:
        title.append("  ↻", style=tones.MUTED)
    who = row.org or row.person
    if row.org and row.person:
        who = f"{row.org} · {row.person}"
    return [
        title,
        who,
        money(row.value, row.currency) if row.value is not None else None,
        label_chips(row.labels) if row.labels else Text(""),
        row.owner,
        row.source,
        row.expected_close_date,
        next_activity(row, tz, today),
    ]


class LeadsScreen(FilteredScreen):
    WATCHES = frozenset({"leads", "lead_labels", "activities", "persons", "organizations", "users"})
    CSS_PATH = styles.path("lists.tcss")
    BINDINGS = lead_keys.LIST_BINDINGS
    HELP_TITLE = "Leads"

    def __init__(self) -> None:
        super().__init__()
        self.filter = q.LeadFilter()
        self.sort = "newest"
        self.rows: list[q.LeadRow] = []
        self._archive_loaded = False
        self._awaiting: str | None = None  # a lead converted from here: its deal opens when done

    def compose(self) -> ComposeResult:
        yield Static(id="list-title")
        yield FilterBar("filter leads by title, person or organization (escape clears)", id="list-filter")
        yield VirtualTable(COLUMNS, id="list-table")
        yield StatusBar()
        yield KeyBar()

    @property
    def table(self) -> VirtualTable:
        return self.query_one(VirtualTable)

    @property
    def selected(self) -> q.LeadRow | None:
        cursor = self.table.cursor
        return self.rows[cursor] if self.rows and cursor < len(self.rows) else None

    def on_mount(self) -> None:
        self.table.focus()
        self.store.watch_leads(True, id(self))
        self.reload()

    def resumed(self, stale: bool) -> None:
        self.store.watch_leads(True, id(self))
        super().resumed(stale)

    def on_screen_suspend(self) -> None:
        self.store.watch_leads(False, id(self))

    def on_unmount(self) -> None:
        self.store.watch_leads(False, id(self))

    @work(exclusive=True, group="leads-reload", exit_on_error=False)
    async def reload(self) -> None:
        rows = await self.store.read(q.lead_rows, self.filter, self.sort)
        keep = self.selected.id if self.selected else None
        self.rows = rows
        ids = [r.id for r in rows]
        clock = self.store.clock
        self.table.set_rows(
            [lead_cells(r, clock.zone, clock.today()) for r in rows],  # type: ignore[misc]
            cursor=ids.index(keep) if keep in ids else 0,
        )
        self.query_one(FilterBar).shown(self.filter.text)
        await self._show_title()

    async def _show_title(self) -> None:
        labels = await self.store.read(label_colors)
        owners = dict(await self.store.read(q.owner_choices))
        name = "Leads archive" if self.filter.archived else "Leads inbox"
        title = Text.assemble((f" {name} ", "bold reverse"), f"  {len(self.rows):,} shown  · sort: {q.SORT_LABELS[self.sort]}")
        for part in self.filter.describe(labels, owners):
            title.append(f"  · {part}", style=tones.WARNING)
        if self.filter.text:
            title.append("  · filter: ", style=tones.WARNING)
            title.append(clean(self.filter.text), style=tones.WARNING)
        self.query_one("#list-title", Static).update(title)

    def _set(self, **changes: Any) -> None:
        from dataclasses import replace

        self.filter = replace(self.filter, **changes)
        self.reload()

    # -- filters -----------------------------------------------------------------------------------

    def action_filter(self) -> None:
        self.query_one(FilterBar).open()

    def on_filter_bar_text_changed(self, event: FilterBar.TextChanged) -> None:
        self._set(text=event.value)

    def on_filter_bar_closed(self, event: FilterBar.Closed) -> None:
        self.table.focus()

    def on_key(self, event: Any) -> None:
        bar = self.query_one(FilterBar)
        if event.key == "escape" and bar.active:
            bar.clear()
            event.stop()

    def _picked(self, key: str) -> Any:
        """A filter choice's callback: options are ("any",) or (kind, value); None is escape."""

        def done(value: tuple[Any, ...] | None) -> None:
            if value is not None:
                self._set(**{key: value[1] if len(value) > 1 else None})

        return done

    @staticmethod
    def _current(value: Any, kind: str) -> tuple[Any, ...]:
        return ("any",) if value is None else (kind, value)

    async def action_label_filter(self) -> None:
        labels = await self.store.read(q.label_choices)
        options: list[tuple[str, Any]] = [("Any label", ("any",)), ("No label", ("is", q.NO_LABEL))]
        options += [(f"● {name}", ("is", lid)) for lid, name, _colour in labels]
        self.app.push_screen(
            ChoiceScreen("Show leads with the label", options, current=self._current(self.filter.label_id, "is")), self._picked("label_id")
        )

    async def action_owner_filter(self) -> None:
        me = await self.store.me_id()
        owners = await self.store.read(q.owner_choices)
        options: list[tuple[str, Any]] = [("Anyone", ("any",)), ("Me", ("is", me))]
        options += [(name, ("is", uid)) for uid, name in owners if uid != me]
        self.app.push_screen(
            ChoiceScreen("Show leads owned by", options, current=self._current(self.filter.owner_id, "is")), self._picked("owner_id")
        )

    async def action_source_filter(self) -> None:
        sources = await self.store.read(q.source_choices)
        options: list[tuple[str, Any]] = [("Any source", ("any",))] + [(s, ("is", s)) for s in sources]
        self.app.push_screen(
            ChoiceScreen("Show leads from the source", options, current=self._current(self.filter.source, "is")), self._picked("source")
        )

    def action_clear_filters(self) -> None:
        self.query_one(FilterBar).clear()
        self.filter = q.LeadFilter(archived=self.filter.archived)
        self.reload()

    async def action_toggle_archived(self) -> None:
        archived = not self.filter.archived
        self._set(archived=archived)
        if archived and not self._archive_loaded:
            self.fetch_archive()

    @work(exclusive=True, group="leads-archive", exit_on_error=False)
    async def fetch_archive(self) -> None:
        try:
            count = await self.store.load_archived_leads()
        except ApiError as exc:
            self.notify(f"The archived leads could not be fetched: {exc.message}", severity="warning", timeout=5, markup=False)
            return
        self._archive_loaded = True
        self.notify(f"{count} archived lead{'s' if count != 1 else ''} from Pipedrive", timeout=2)

    def action_sort(self) -> None:
        self.sort = q.SORTS[(q.SORTS.index(self.sort) + 1) % len(q.SORTS)]
        self.reload()

    # -- open, convert ----------------------------------------------------------------------------------

    @on(VirtualTable.RowSelected)
    def open_row(self, event: VirtualTable.RowSelected) -> None:
        if 0 <= event.index < len(self.rows):
            self.nav.open_lead(self.rows[event.index].id)

    async def action_convert(self) -> None:
        from tui.screens.convert import convert_lead

        row = self.selected
        if row is None:
            return
        if row.converting:
            self.notify("This lead is already being converted", timeout=2)
            return

        def queued(lead_id: str) -> None:
            self._awaiting = lead_id

        await convert_lead(self, row.id, row.title, queued)

    def on_converted_message(self, message: Any) -> None:
        if message.lead_id == self._awaiting and self.is_current:
            self._awaiting = None
            self.nav.open_deal(message.deal_id)
