"""Read-only deal panel (used until the full deal screen is available)."""

from __future__ import annotations

import json

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.formatting import clean


class DealPanel(ModalScreen[None]):
    DEFAULT_CSS = "DealPanel { align: center middle; } DealPanel VerticalScroll { width: 80; max-height: 80%; border: round $accent; background: $panel; padding: 0 1; }"
    BINDINGS = [Binding("escape,enter", "close", "Close")]

    def __init__(self, deal_id: int) -> None:
        super().__init__()
        self.deal_id = deal_id

    def compose(self) -> ComposeResult:
        yield VerticalScroll(Static(id="deal-fields"))

    async def on_mount(self) -> None:
        row = await self.app.store.read(lambda c: c.execute("SELECT data FROM deals WHERE id=?", (self.deal_id,)).fetchone())  # type: ignore[attr-defined]
        table = Table(box=None, show_header=False)
        table.add_column(style="bold")
        table.add_column()
        if row:
            for key, value in json.loads(row[0]).items():
                table.add_row(Text(key), Text(clean(value)))
        self.query_one("#deal-fields", Static).update(table)

    def action_close(self) -> None:
        self.dismiss(None)
