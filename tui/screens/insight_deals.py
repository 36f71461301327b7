"""The deals behind a bar, a month or a stage of Insights (drill-down): enter opens one,
escape goes back to the chart where it was."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui import styles
from tui.formatting import compact_money, money
from tui.keymap import insights as keys
from tui.screens.base import AppScreen
from tui.store.queries import insights as iq
from tui.store.queries.rates import Rates
from tui.widgets import tones
from tui.widgets.cells import shown
from tui.widgets.key_bar import KeyBar

MARK = {"won": "✔ won ", "lost": "✖ lost", "open": "· open"}


class InsightDealsScreen(AppScreen):
    CSS_PATH = styles.path("insights.tcss")
    BINDINGS = keys.DRILL_BINDINGS
    HELP_TITLE = "Deals of an insight"
    WATCHES = frozenset({"deals"})

    def __init__(self, drill: iq.Drill, rates: Rates) -> None:
        super().__init__()
        self.drill = drill
        self.rates = rates
        self.rows: list[iq.DrillRow] = []

    def compose(self) -> ComposeResult:
        yield Static(id="drill-title")
        yield OptionList(id="drill-list")
        yield KeyBar()

    def on_mount(self) -> None:
        self.reload()

    @work(exclusive=True, group="drill", exit_on_error=False)
    async def reload(self) -> None:
        self.rows = await self.store.read(iq.drill_deals, self.drill)
        listing = self.query_one(OptionList)
        keep = listing.highlighted or 0
        listing.clear_options()
        totals: dict[str, float] = {}
        for r in self.rows:
            totals[r.currency or "?"] = totals.get(r.currency or "?", 0.0) + r.value
        converted, _missing = self.rates.total(totals)
        title = Text.assemble((f" {self.drill.title} ", "bold reverse"), f"  {len(self.rows)} deals")
        if self.rates.base:
            title.append(f"  = {compact_money(converted, self.rates.base)}", style=tones.SUCCESS_B)
            label = self.rates.label(sorted(totals))
            if label:
                title.append(f"  ({label})", style=tones.WARNING)
        title.append("   enter opens a deal · escape goes back", style=tones.MUTED)
        self.query_one("#drill-title", Static).update(title)
        for row in self.rows:
            line = Text(
                f"{MARK.get(row.status, row.status):7}",
                style=tones.SUCCESS if row.status == "won" else tones.ERROR if row.status == "lost" else "",
            )
            line.append(f" {row.day or '':10}  ")
            line.append(f"{money(row.value, row.currency):>14}  ")
            line.append(shown(row.title)[:60])
            line.append(f"  · {shown(row.stage or '')} · {shown(row.owner or '')}", style=tones.MUTED)
            listing.add_option(Option(line, id=str(row.id)))
        if self.rows:
            listing.highlighted = min(keep, len(self.rows) - 1)
        listing.focus()

    def data_changed(self, message: Any) -> None:
        self.reload()

    def action_open(self) -> None:
        listing = self.query_one(OptionList)
        if listing.highlighted is not None and self.rows:
            self.nav.open_deal(self.rows[listing.highlighted].id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.nav.open_deal(int(event.option.id))

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.app.pop_screen()
