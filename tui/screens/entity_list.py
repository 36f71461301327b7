"""People and organization lists (sections 3 and 4): virtual table, live filter, sort, open."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import Static

from tui import styles
from tui.screens.base import FilteredScreen
from tui.keymap.lists import BINDINGS as LIST_BINDINGS
from tui.formatting import clean
from tui.store.sync_plan import loaded
from tui.widgets.filter_bar import FilterBar
from tui.widgets.status_bar import StatusBar
from tui.widgets.virtual_table import BLOCK, Column, VirtualTable
from tui.widgets import tones
from tui.widgets.key_bar import KeyBar


class EntityListScreen(FilteredScreen):
    WATCHES = frozenset({"persons", "organizations", "users", "deals", "activities"})
    CSS_PATH = styles.path("lists.tcss")
    BINDINGS = LIST_BINDINGS
    TITLE_TEXT = ""
    SORTS: tuple[str, ...] = ("name",)
    COLUMNS: list[Column] = []

    def __init__(self) -> None:
        super().__init__()
        self.sort = self.SORTS[0]
        self.text = ""
        self.ids: dict[int, int] = {}  # row index -> id, for the rows loaded
        if hasattr(self, "_init_bulk"):  # people and organizations: marks (tui/screens/list_bulk.py)
            self._init_bulk()

    def compose(self) -> ComposeResult:
        yield Static(id="list-title")
        yield FilterBar("filter (escape clears)", id="list-filter")
        yield VirtualTable(self.COLUMNS, id="list-table")
        yield StatusBar()
        yield KeyBar()

    @property
    def table(self) -> VirtualTable:
        return self.query_one(VirtualTable)

    def on_mount(self) -> None:
        if hasattr(self, "is_marked"):
            self.table.marked_at = self.is_marked
        self.table.focus()
        self.reload()

    @work(exclusive=True, group="list-reload", exit_on_error=False)
    async def reload(self) -> None:
        """The count and the rows in view; the selection stays on the same item when it is
        still listed (scrolled into view), else the first row."""
        keep = self.row_id(self.table.cursor)
        total, index, first = await self.store.read(self._window, self.text, self.sort, keep)
        self.ids = {}
        start = (index // BLOCK) * BLOCK if index is not None else 0
        self._put(start // BLOCK, first)
        self.table.reset(total, {start // BLOCK: [row for _id, row in first]}, cursor=index if index is not None else 0)
        self.query_one(FilterBar).shown(self.text)
        title = Text.assemble((f" {self.TITLE_TEXT} ", "bold reverse"), f"  {total:,} shown  · sort: {self.sort}")
        if self.text:
            title.append("  · filter: ", style=tones.WARNING)
            title.append(clean(self.text), style=tones.WARNING)
        if not await self.store.read(loaded, "names"):
            title.append("  · loading from Pipedrive…", style=tones.INFO_B)
        self.query_one("#list-title", Static).update(title)

    def _window(self, conn: Any, text: str, sort: str, keep: int | None) -> tuple[int, int | None, list[tuple[int, list[str | None]]]]:
        total = self.count(conn, text)
        index = self.index(conn, text, sort, keep) if keep is not None else None
        start = (index // BLOCK) * BLOCK if index is not None else 0
        return total, index, self.page(conn, text, sort, start, BLOCK)

    def _put(self, block: int, rows: list[tuple[int, list[str | None]]]) -> None:
        for i, (entity_id, _row) in enumerate(rows):
            self.ids[block * BLOCK + i] = entity_id

    def row_id(self, index: int) -> int | None:
        return self.ids.get(index)

    @work(group="list-blocks", exit_on_error=False)
    async def fetch_block(self, block: int) -> None:
        generation = self.table.generation
        rows = await self.store.read(self.page, self.text, self.sort, block * BLOCK, BLOCK)
        if generation == self.table.generation:
            self._put(block, rows)
            self.table.put_block(block, [row for _id, row in rows], generation)

    def on_virtual_table_need_block(self, message: VirtualTable.NeedBlock) -> None:
        self.fetch_block(message.block)

    # subclasses: the list's queries (run on the reader thread)
    def count(self, conn: Any, text: str) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def page(self, conn: Any, text: str, sort: str, offset: int, limit: int) -> list[tuple[int, list[str | None]]]:
        raise NotImplementedError  # pragma: no cover - abstract

    def index(self, conn: Any, text: str, sort: str, entity_id: int) -> int | None:  # pragma: no cover
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
        elif event.key == "escape" and getattr(self, "clear_marks", lambda: False)():
            event.stop()

    def action_sort(self) -> None:
        self.sort = self.SORTS[(self.SORTS.index(self.sort) + 1) % len(self.SORTS)]
        self.reload()

    @on(VirtualTable.RowSelected)
    def open_row(self, event: VirtualTable.RowSelected) -> None:
        entity_id = self.row_id(event.index)
        if entity_id is not None:
            self.open(entity_id)

    def open(self, entity_id: int) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class WholeListScreen(EntityListScreen):
    """A list read whole on each page request (the product catalogue, archived deals: hundreds
    of rows, not the hundred thousands the people and organization lists window over)."""

    def rows(self, conn: Any, text: str, sort: str) -> list[tuple[int, list[str | None]]]:
        raise NotImplementedError  # pragma: no cover - abstract

    def count(self, conn: Any, text: str) -> int:
        return len(self.rows(conn, text, self.sort))

    def page(self, conn: Any, text: str, sort: str, offset: int, limit: int) -> list[tuple[int, list[str | None]]]:
        return self.rows(conn, text, sort)[offset : offset + limit]

    def index(self, conn: Any, text: str, sort: str, entity_id: int) -> int | None:
        ids = [row_id for row_id, _row in self.rows(conn, text, sort)]
        return ids.index(entity_id) if entity_id in ids else None
