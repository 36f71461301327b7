"""Shown when there are no credentials and no --demo."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from tui import styles

from tui.keymap.app import FIRST_RUN_BINDINGS

MESSAGE = """Welcome to pipedrive-tui

There are no Pipedrive credentials for this profile yet. Either:

  • log in with your personal API token (Pipedrive → Settings → Personal preferences → API):
        pipedrive-tui login --company-domain <your-company>

  • or set an environment variable and start again:
        PIPEDRIVE_API_TOKEN=...  PIPEDRIVE_COMPANY_DOMAIN=...  pipedrive-tui

  • or try everything on generated demo data, no account needed:
        pipedrive-tui --demo

Press q to quit."""


class FirstRunScreen(Screen[None]):
    CSS_PATH = styles.path("dialogs.tcss")
    BINDINGS = FIRST_RUN_BINDINGS

    def compose(self) -> ComposeResult:
        yield Static(Text(MESSAGE))
