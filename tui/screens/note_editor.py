"""A multi-line note editor (TextArea). ctrl+s saves through the store's outbox; escape asks
before discarding; ctrl+e edits in $EDITOR. Text is HTML-escaped when sent."""

from __future__ import annotations

import os
import subprocess
import tempfile
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static, TextArea

import styles
from tui.notes_html import html_to_text, text_to_html


class NoteEditorScreen(ModalScreen[int | None]):
    CSS_PATH = styles.path("dialogs.tcss")
    DEFAULT_CSS = """
    NoteEditorScreen { align: center middle; }
    NoteEditorScreen .dialog { width: 90; height: 24; }
    NoteEditorScreen TextArea { height: 1fr; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="note.save"),
        Binding("escape", "cancel", "Cancel", priority=True, id="note.cancel"),
        Binding("ctrl+e", "external", "$EDITOR", priority=True, id="note.editor"),
    ]

    def __init__(self, *, deal_id: int | None = None, person_id: int | None = None, org_id: int | None = None,
                 note_id: int | None = None) -> None:
        super().__init__()
        self.deal_id, self.person_id, self.org_id, self.note_id = deal_id, person_id, org_id, note_id
        self.original = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Edit note" if self.note_id else "New note", classes="dialog-title", id="note-title")
            yield TextArea(id="note-text", soft_wrap=True, show_line_numbers=False)
            yield Static("", id="note-error", classes="field-error")
            yield Label("ctrl+s save · escape cancel · ctrl+e $EDITOR", classes="dialog-hint")

    async def on_mount(self) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        if self.note_id is not None:
            row = await store.read(lambda c: c.execute("SELECT content FROM notes WHERE id = ?", (self.note_id,)).fetchone())
            self.original = html_to_text(row[0]) if row else ""
        else:
            target = await store.read(_target_name, self.deal_id, self.person_id, self.org_id)
            self.query_one("#note-title", Label).update(Text(f"New note on {target}"))
        area = self.query_one("#note-text", TextArea)
        area.load_text(self.original)
        area.focus()

    @property
    def text(self) -> str:
        return self.query_one("#note-text", TextArea).text

    async def action_save(self) -> None:
        text = self.text.strip()
        if not text:
            self.query_one("#note-error", Static).update("The note is empty: write something or press escape.")
            return
        store = self.app.store  # type: ignore[attr-defined]
        html = text_to_html(text)
        if self.note_id is None:
            new_id = await store.create_note(html, deal_id=self.deal_id, person_id=self.person_id, org_id=self.org_id)
            self.notify("Note saved", timeout=2)
            self.dismiss(new_id)
        else:
            if text != self.original.strip():
                await store.update_entity("note", self.note_id, {"content": html})
                self.notify("Note updated", timeout=2)
            self.dismiss(self.note_id)

    def action_cancel(self) -> None:
        if self.text.strip() == self.original.strip():
            self.dismiss(None)
            return
        from tui.screens.dialogs import ConfirmScreen

        def answer(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Discard the changes to this note?", yes="Discard", no="Keep editing"), answer)

    def action_external(self) -> None:
        editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if not editor:
            self.query_one("#note-error", Static).update("Set $EDITOR to edit notes in your editor.")
            return
        with tempfile.NamedTemporaryFile("w+", suffix=".txt", delete=False, encoding="utf-8") as fh:
            fh.write(self.text)
            path = fh.name
        try:
            with self.app.suspend():
                subprocess.call([*editor.split(), path])
            with open(path, encoding="utf-8") as fh:
                self.query_one("#note-text", TextArea).load_text(fh.read())
        finally:
            os.unlink(path)


def _target_name(conn: Any, deal_id: int | None, person_id: int | None, org_id: int | None) -> str:
    for table, col, key in (("deals", "title", deal_id), ("persons", "name", person_id), ("organizations", "name", org_id)):
        if key is not None:
            row = conn.execute(f"SELECT {col} FROM {table} WHERE id = ?", (key,)).fetchone()
            if row:
                from tui.formatting import clean

                return f"“{clean(row[0])}”"
    return "this item"
