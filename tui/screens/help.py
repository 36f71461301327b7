"""`?`: the keys of the current screen, with what they do."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

import styles


class HelpScreen(ModalScreen[None]):
    CSS_PATH = styles.path("dialogs.tcss")
    DEFAULT_CSS = "HelpScreen { align: center middle; } HelpScreen VerticalScroll { width: 72; max-height: 85%; border: round $accent; background: $panel; padding: 0 1; }"
    BINDINGS = [Binding("escape,question_mark,q", "dismiss", "Close")]

    def __init__(self, title: str, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = Table(box=None, expand=True, show_header=True, header_style="bold")
        table.add_column("Key", style="bold cyan", no_wrap=True)
        table.add_column("Action")
        table.add_column("Binding id", style="grey50")
        for key, description, binding_id in self.rows:
            table.add_row(Text(key), Text(description), Text(binding_id))
        with VerticalScroll():
            yield Static(Text(f"{self.title_text}: keys", style="bold"))
            yield Static(table)
            yield Static(Text("Remap any key in the config file's [keys] table by its binding id. escape closes.",
                              style="grey62"))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
