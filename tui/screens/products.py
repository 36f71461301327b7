"""The product catalogue and the archived deals: list sections reached from the palette
(ctrl+p: "Go to Products", "Go to Archived deals"), with a live filter (/).

Products are synced with the rest of the cache. Archived deals are not in the cache's deal
lists (Pipedrive leaves them out of /deals and refuses edits to them): this section fetches
them from /api/v2/deals/archived when it is first shown (20 tokens per 500, then cached; R
fetches again) and shows them read-only."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, Static

from tui import styles
from tui.api.errors import ApiError
from tui.formatting import clean, money
from tui.keymap import catalog as catalog_keys
from tui.screens.base import AppModal
from tui.screens.entity_list import WholeListScreen
from tui.store.queries import products as pq
from tui.widgets.virtual_table import Column
from tui.widgets import tones


class ProductsScreen(WholeListScreen):
    WATCHES = frozenset({"products"})
    TITLE_TEXT = "Products"
    HELP_TITLE = "Products"
    SORTS = ("name",)
    BINDINGS = catalog_keys.PRODUCT_BINDINGS
    COLUMNS = [
        Column("Name", 18, 32, 0, flex=True),
        Column("Code", 8, 10, 2),
        Column("Unit", 7, 9, 3),
        Column("Prices", 16, 40, 1, flex=True),
        Column("Tax", 5, 6, 4),
    ]

    def rows(self, conn: Any, text: str, sort: str) -> list[tuple[int, list[str | None]]]:
        return [
            (
                r.id,
                [
                    r.name + ("" if r.linkable else " (not for deals)"),
                    r.code,
                    r.unit,
                    "  ".join(money(p, c) for c, p in r.prices.items()),
                    f"{r.tax:g}%",
                ],
            )
            for r in pq.products(conn, text)
        ]

    def open(self, entity_id: int) -> None:
        self.app.run_worker(self._open(entity_id), exit_on_error=False)

    async def _open(self, entity_id: int) -> None:
        row = await self.store.read(pq.product, entity_id)
        if row is not None:
            prices = ", ".join(money(p, c) for c, p in row.prices.items()) or "no price"
            self.notify(f"{clean(row.name)}: {prices}; tax {row.tax:g}%. Add it to a deal with + on the deal.", timeout=4, markup=False)


class ArchivedDealsScreen(WholeListScreen):
    WATCHES = frozenset({"archived_deals"})
    TITLE_TEXT = "Archived deals (read-only)"
    HELP_TITLE = "Archived deals"
    SORTS = ("archived",)
    BINDINGS = catalog_keys.ARCHIVED_BINDINGS
    COLUMNS = [
        Column("Title", 18, 40, 0, flex=True),
        Column("Value", 10, 14, 1),
        Column("Status", 6, 6, 2),
        Column("Stage", 10, 18, 3),
        Column("Organization", 12, 24, 4, flex=True),
        Column("Archived", 10, 10, 5),
    ]

    def on_mount(self) -> None:  # Textual calls EntityList.on_mount after this one
        self.fetch_archived(False)

    @work(exclusive=True, group="archived", exit_on_error=False)
    async def fetch_archived(self, refresh: bool) -> None:
        try:
            if await self.store.archived_deals(refresh=refresh):
                self.reload()
        except ApiError as exc:
            self.notify(f"Archived deals not fetched: {exc.message}", severity="warning", timeout=4, markup=False)

    def action_refetch(self) -> None:
        self.fetch_archived(True)

    def rows(self, conn: Any, text: str, sort: str) -> list[tuple[int, list[str | None]]]:
        return [
            (r.id, [r.title, money(r.value, r.currency), r.status, r.stage, r.org, (r.archive_time or "")[:10]])
            for r in pq.archived(conn, text)
        ]

    def open(self, entity_id: int) -> None:
        self.app.run_worker(self._open(entity_id), exit_on_error=False)

    async def _open(self, entity_id: int) -> None:
        deal = await self.store.read(pq.archived_deal, entity_id)
        if deal is not None:
            self.app.push_screen(await ArchivedDealView.load(self.store, deal))

    def action_create(self) -> None:
        self.app.bell()


class ArchivedDealView(AppModal[None]):
    """An archived deal's facts and custom fields; Pipedrive refuses edits to it, so no keys edit."""

    CSS_PATH = styles.path("forms.tcss")
    BINDINGS = catalog_keys.VIEW_BINDINGS

    def __init__(self, deal: dict[str, Any], lines: list[tuple[str, str]]) -> None:
        super().__init__()
        self.deal, self.lines = deal, lines

    @classmethod
    async def load(cls, store: Any, deal: dict[str, Any]) -> "ArchivedDealView":
        return cls(deal, await store.read(pq.archived_facts, deal))

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(Text(f"{clean(self.deal.get('title'))}  · archived, read-only", style="bold"), classes="form-title")
            with VerticalScroll(classes="form-body"):
                for key, value in self.lines:
                    yield Static(Text.assemble((clean(key)[:26].ljust(27), tones.MUTED), clean(value)))
            yield Label("Archived deals cannot be edited (unarchive it in Pipedrive) · escape closes", classes="form-hint")

    def action_close(self) -> None:
        self.dismiss(None)
