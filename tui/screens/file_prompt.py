"""The path prompt of `+` in a Files section: an Input that completes paths from the file
system (tab, or → at the end, takes the grey completion), the store's reason under it when
the path cannot be attached (missing, a directory, unreadable, too large), and nothing
queued then. Enter attaches (the copy into the data dir runs off the event loop)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.suggester import Suggester
from textual.widgets import Input, Label, Static

from tui import styles
from tui.formatting import clean
from tui.keymap.detail import FILE_PROMPT_BINDINGS
from tui.screens.base import AppModal
from tui.store.edits import EditError
from tui.store.files import FileProblem

MAX_LISTED = 2000  # entries of one directory looked at for a completion


def complete(value: str) -> str | None:
    """`value` completed as far as the file system allows (the common prefix of the names it
    can still become; a lone directory gets its "/"), or None. `~` and `$VARS` are expanded
    only to look: what was typed stays as typed."""
    if not value:
        return None
    expanded = os.path.expandvars(os.path.expanduser(value))
    head, sep, prefix = expanded.rpartition(os.sep)
    directory = Path(head or os.sep) if sep else Path(".")
    try:
        with os.scandir(directory) as entries:
            names = []
            for index, entry in enumerate(entries):
                if index >= MAX_LISTED:
                    break
                if entry.name.startswith(prefix) and (prefix.startswith(".") or not entry.name.startswith(".")):
                    names.append((entry.name, entry.is_dir()))
    except OSError:
        return None
    if not names:
        return None
    common = os.path.commonprefix([n for n, _d in names])
    if len(names) == 1 and names[0][1]:
        common += os.sep
    if len(common) <= len(prefix):
        return None
    return value + common[len(prefix) :]


class PathSuggester(Suggester):
    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return await asyncio.to_thread(complete, value)


class FilePrompt(AppModal[bool]):
    """Attach a file to `label`: `attach(path)` copies and queues it, or raises FileProblem."""

    CSS_PATH = styles.path("dialogs.tcss")
    BINDINGS = FILE_PROMPT_BINDINGS

    def __init__(self, label: str, attach: Callable[[str], Awaitable[object]], start: str = "~/") -> None:
        super().__init__()
        self.label = label
        self.attach = attach
        self.start = start

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(Text(f"Attach a file to {clean(self.label)}"), classes="dialog-title")
            yield Input(self.start, placeholder="path of the file", suggester=PathSuggester(), id="file-path")
            yield Static("", id="file-problem", classes="field-error")
            yield Label("tab: complete · enter: attach · escape: cancel", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#file-path", Input).focus()

    def ready_for_keys(self) -> bool:
        return self.focused is not None

    def action_complete(self) -> None:
        box = self.query_one("#file-path", Input)
        done = complete(box.value)
        if done is not None:
            box.value = done
            box.cursor_position = len(done)
        else:
            self.app.bell()

    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Input.Changed, "#file-path")
    def typed(self) -> None:
        self.query_one("#file-problem", Static).update("")

    @on(Input.Submitted, "#file-path")
    def submitted(self, event: Input.Submitted) -> None:
        self.send(event.value)

    @work(exclusive=True, group="file-attach", exit_on_error=False)
    async def send(self, path: str) -> None:
        problem = self.query_one("#file-problem", Static)
        problem.update(Text("copying…", style="italic"))
        try:
            await self.attach(path)
        except (FileProblem, EditError) as exc:
            problem.update(Text(str(exc)))
            return
        self.dismiss(True)
