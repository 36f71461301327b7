"""Resolve edits held as conflicts: someone else changed the same field meanwhile.

Each conflict shows the field, your value and theirs. `m` keeps yours (sent as is), `t`
keeps theirs (your edit is dropped, the cache shows the server's value), `e` keeps theirs
and opens the form with your values filled in, to merge by hand.
"""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from tui import styles
from tui.screens.base import AppModal
from tui.formatting import clean
from tui.keymap import app as app_keys
from tui.notes_html import html_to_text
from tui.store.queries.conflicts import Conflict, held
from tui.widgets import tones


def shown(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, dict):
        return clean(value.get("value", ", ".join(f"{k}: {v}" for k, v in value.items() if v is not None)))
    if isinstance(value, list):
        return clean(", ".join(shown(v) for v in value))
    text = str(value)
    return clean(html_to_text(text) if "<" in text else text)


class ConflictScreen(AppModal[None]):
    CSS_PATH = styles.path("dialogs.tcss")
    BINDINGS = app_keys.CONFLICT_BINDINGS
    AUTO_FOCUS = "#conflict-list"
    HELP_TITLE = "Conflicts"

    def __init__(self) -> None:
        super().__init__()
        self.conflicts: list[Conflict] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog conflict-dialog"):
            yield Label("Conflicts: someone else changed the same field meanwhile", classes="dialog-title")
            yield OptionList(id="conflict-list")
            with VerticalScroll(id="conflict-detail"):
                yield Static(id="conflict-fields")
            yield Label("m keep mine · t keep theirs · e edit (theirs + my values in the form) · escape close", classes="dialog-hint")

    def on_mount(self) -> None:
        self.reload()

    @work(exclusive=True, group="conflicts", exit_on_error=False)
    async def reload(self) -> None:
        self.conflicts = await self.store.read(held)
        options = self.query_one("#conflict-list", OptionList)
        keep = options.highlighted or 0
        options.clear_options()
        if not self.conflicts:
            options.add_option(Option(Text("No conflicts left.", style=tones.MUTED), disabled=True))
            self.query_one("#conflict-fields", Static).update("")
            return
        options.add_options([Option(Text.assemble((f"{c.entity:<13}", tones.MUTED), clean(c.name)[:60])) for c in self.conflicts])
        options.highlighted = min(keep, len(self.conflicts) - 1)
        self.show(self.conflicts[options.highlighted])

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if 0 <= event.option_index < len(self.conflicts):
            self.show(self.conflicts[event.option_index])

    def show(self, conflict: Conflict) -> None:
        table = Table(box=None, padding=(0, 2), expand=True)
        table.add_column("Field", style=tones.MUTED, no_wrap=True)
        table.add_column("Mine", style="bold")
        table.add_column("Theirs (now on Pipedrive)")
        for name, (mine, theirs) in conflict.fields.items():
            table.add_row(Text(name), Text(shown(mine)), Text(shown(theirs)))
        self.query_one("#conflict-fields", Static).update(table)

    @property
    def current(self) -> Conflict | None:
        index = self.query_one("#conflict-list", OptionList).highlighted
        return self.conflicts[index] if index is not None and 0 <= index < len(self.conflicts) else None

    async def action_keep(self, which: str) -> None:
        conflict = self.current
        if conflict is None:
            return
        store = self.store
        await store.resolve_conflict(conflict.seq, keep=which)
        self.notify("Your value will be sent" if which == "mine" else "Kept their value", timeout=3)
        self.reload()

    async def action_edit(self) -> None:
        conflict = self.current
        if conflict is None:
            return
        store = self.store
        await store.resolve_conflict(conflict.seq, keep="theirs")
        mine = {k: v[0] for k, v in conflict.fields.items()}
        self.reload()
        await self.nav.open_form_with(conflict.entity, conflict.entity_id, mine)

    def action_close(self) -> None:
        self.dismiss(None)
