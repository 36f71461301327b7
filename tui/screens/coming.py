"""Placeholder for a section whose screen has not landed yet: says so honestly."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static

from widgets.status_bar import StatusBar


class ComingScreen(Screen):
    DEFAULT_CSS = "ComingScreen { align: center middle; } ComingScreen #coming { width: 70; border: round $panel-lighten-2; padding: 1 2; }"

    def __init__(self, section: str, issue: str) -> None:
        super().__init__()
        self.section = section
        self.issue = issue

    def compose(self) -> ComposeResult:
        yield Static(Text(f"{self.section} is not built yet.\n\nIt arrives with the issue “{self.issue}”.\n"
                          "Press 1 for the pipeline board."), id="coming")
        yield StatusBar()
        yield Footer()
