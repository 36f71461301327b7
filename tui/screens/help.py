"""`?`: the keys of the current screen, as the user's [keys] table has them, with what they do.

Grouped: the screen's own actions first (the ones in the footer, then the others), then
moving around, then the keys that work everywhere; the scroll views' and text boxes' own
keys (Scroll Up, Page Left, Delete character left …) are folded into one line at the end.
"""

from __future__ import annotations

from typing import Any


from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from tui import styles
from tui.keymap import all_bindings
from tui.keymap.app import HELP_BINDINGS
from tui.widgets import tones

Row = tuple[str, str, str]  # keys, description, binding id
MOVES = ("up", "down", "left", "right", "top", "bottom", "page_up", "page_down")


def help_sections(screen: Screen[Any]) -> tuple[list[tuple[str, list[Row]]], list[str]]:
    """(sections of rows, the folded plumbing's descriptions) for `screen`'s active keys."""
    app = screen.app
    keys: dict[str, list[str]] = {}
    first: dict[str, Binding] = {}
    plumbing: list[str] = []
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.description:
            continue
        if not binding.id:
            if binding.description not in plumbing:
                plumbing.append(binding.description)
            continue
        shown = app.get_key_display(binding)
        if shown not in keys.setdefault(binding.id, []):
            keys[binding.id].append(shown)
        first.setdefault(binding.id, binding)
    order = {binding_id: n for n, binding_id in enumerate(all_bindings())}  # as the keymap lists them
    first = dict(sorted(first.items(), key=lambda item: order.get(item[0], len(order))))
    own_shown: list[Row] = []
    own_other: list[Row] = []
    moving: list[Row] = []
    everywhere: list[Row] = []
    for binding_id, binding in first.items():
        row = ("/".join(keys[binding_id]), binding.description, binding_id)
        if binding_id.startswith("app."):
            everywhere.append(row)
        elif binding_id.rsplit(".", 1)[-1] in MOVES:
            moving.append(row)
        elif binding.show:
            own_shown.append(row)
        else:
            own_other.append(row)
    title = getattr(screen, "HELP_TITLE", None) or screen.__class__.__name__.removesuffix("Screen")
    sections = [(title, own_shown + own_other), ("Moving around", moving), ("Everywhere", everywhere)]
    return [(name, rows) for name, rows in sections if rows], plumbing


class HelpScreen(ModalScreen[None]):
    CSS_PATH = styles.path("dialogs.tcss")
    BINDINGS = HELP_BINDINGS

    def __init__(self, title: str, sections: list[tuple[str, list[Row]]], plumbing: list[str] | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.sections = sections
        self.plumbing = plumbing or []

    @property
    def rows(self) -> list[Row]:
        return [row for _name, rows in self.sections for row in rows]

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Static(Text(f"{self.title_text}: keys", style="bold"))
            table = Table(box=None, expand=True, show_header=False, padding=(0, 1))
            table.add_column("Key", style=tones.INFO_B, no_wrap=True, ratio=2)
            table.add_column("Action", ratio=4)
            table.add_column("Binding id", style=tones.FAINT, no_wrap=True, ratio=3)
            for n, (name, rows) in enumerate(self.sections):
                if n:
                    table.add_row("", "", "")
                table.add_row(Text(name, style="bold underline"), "", "")
                for key, description, binding_id in rows:
                    table.add_row(Text(key), Text(description), Text(binding_id))
            yield Static(table)
            if self.plumbing:
                yield Static(
                    Text(
                        f"\nAlso the scroll views' and text boxes' own keys ({len(self.plumbing)}): "
                        + ", ".join(self.plumbing[:6])
                        + (" …" if len(self.plumbing) > 6 else ""),
                        style=tones.FAINT,
                    )
                )
            yield Static(
                Text(
                    "Remap any key in the config file's [keys] table by its binding id (`pipedrive-tui config path`). escape closes.",
                    style=tones.MUTED,
                )
            )

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
