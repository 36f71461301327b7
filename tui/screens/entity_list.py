"""People and organization lists (sections 3 and 4): virtual table, live filter, sort, open."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

import styles
from tui.screens.base import AppScreen
from tui.keymap.lists import BINDINGS as LIST_BINDINGS
from tui.formatting import clean
from tui.store.queries import entities as q
from tui.store.sync_plan import loaded
from widgets.filter_bar import FilterBar
from widgets.status_bar import StatusBar
from widgets.virtual_table import Column, VirtualTable



class EntityListScreen(AppScreen):
    CSS_PATH = styles.path("lists.tcss")
    BINDINGS = LIST_BINDINGS
    TITLE_TEXT = ""
    SORTS: tuple[str, ...] = ("name",)
    COLUMNS: list[Column] = []

    def __init__(self) -> None:
        super().__init__()
        self.sort = self.SORTS[0]
        self.text = ""
        self.ids: list[int] = []

    def compose(self) -> ComposeResult:
        yield Static(id="list-title")
        yield FilterBar("filter (escape clears)", id="list-filter")
        yield VirtualTable(self.COLUMNS, id="list-table")
        yield StatusBar()
        yield Footer()


    @property
    def table(self) -> VirtualTable:
        return self.query_one(VirtualTable)

    def on_mount(self) -> None:
        self.table.focus()
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def on_data_refresh(self, message: Any) -> None:
        self.reload()

    @work(exclusive=True, group="list-reload", exit_on_error=False)
    async def reload(self) -> None:
        ids, rows = await self.fetch()
        keep = self.ids[self.table.cursor] if self.ids and self.table.cursor < len(self.ids) else None
        self.ids = ids
        # the selection stays on the same item when it is still listed, else the first row;
        # either way it is scrolled into view
        self.table.set_rows(rows, cursor=ids.index(keep) if keep in ids else 0)
        title = Text.assemble((f" {self.TITLE_TEXT} ", "bold reverse"), f"  {len(ids):,} shown  · sort: {self.sort}")
        if self.text:
            title.append("  · filter: ", style="yellow")
            title.append(clean(self.text), style="yellow")
        if not await self.store.read(loaded, "names"):
            title.append("  · loading from Pipedrive…", style="bold cyan")
        self.query_one("#list-title", Static).update(title)

    async def fetch(self) -> tuple[list[int], list[list[str | None]]]:  # pragma: no cover - abstract
        raise NotImplementedError

    def action_filter(self) -> None:
        self.query_one(FilterBar).open()

    def on_filter_bar_text_changed(self, event: FilterBar.TextChanged) -> None:
        self.text = event.value
        self.reload()

    def on_filter_bar_closed(self, event: FilterBar.Closed) -> None:
        self.table.focus()

    def on_key(self, event: Any) -> None:
        bar = self.query_one(FilterBar)
        if event.key == "escape" and bar.active:
            bar.clear()
            event.stop()

    def action_sort(self) -> None:
        self.sort = self.SORTS[(self.SORTS.index(self.sort) + 1) % len(self.SORTS)]
        self.reload()

    @on(VirtualTable.RowSelected)
    def open_row(self, event: VirtualTable.RowSelected) -> None:
        self.open(self.ids[event.index])

    def open(self, entity_id: int) -> None:  # pragma: no cover - abstract
        raise NotImplementedError
