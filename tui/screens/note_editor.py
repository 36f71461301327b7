"""A multi-line note editor (TextArea). ctrl+s saves through the store's outbox; escape asks
before discarding; ctrl+e edits in $EDITOR. Text is HTML-escaped when sent.

Typing order: the editor's keys are ordinary bindings (tui/keymap/notes.py), so ctrl+s and
escape act after every key typed or pasted before them. The TextArea has focus from the
first frame and an edited note's text is read before the screen opens, so nothing typed
right after `n` or `e` is lost or overwritten.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Static, TextArea

from tui import styles
from tui.screens.base import AppModal
from tui.formatting import clean
from tui.keymap import notes as note_keys
from tui.notes_html import has_formatting, html_to_text, text_to_html
from tui.store.queries.entities import note_content, target_name


class NoteText(TextArea):
    BINDINGS = note_keys.EDITOR_BINDINGS


class NoteEditorScreen(AppModal[int | None]):
    CSS_PATH = styles.path("dialogs.tcss")
    BINDINGS = note_keys.BINDINGS
    AUTO_FOCUS = "#note-text"
    HELP_TITLE = "Note editor"

    def __init__(
        self,
        *,
        deal_id: int | None = None,
        person_id: int | None = None,
        org_id: int | None = None,
        note_id: int | None = None,
        html: str = "",
        lead_id: str | None = None,
    ) -> None:
        super().__init__()
        self.deal_id, self.person_id, self.org_id, self.note_id = deal_id, person_id, org_id, note_id
        self.lead_id = lead_id
        self.original_html = html
        self.original = html_to_text(html) if html else ""

    @classmethod
    async def edit(cls, store: Any, note_id: int) -> "NoteEditorScreen":
        """The editor of an existing note, its text loaded before the screen opens."""
        return cls(note_id=note_id, html=await store.read(note_content, note_id) or "")

    def ready_for_keys(self) -> bool:
        """Keys typed right after `n` wait until the text area has focus (tui/key_order.py)."""
        return self.focused is not None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog note-dialog"):
            yield Label("Edit note" if self.note_id else "New note", classes="dialog-title", id="note-title")
            yield NoteText(self.original, id="note-text", soft_wrap=True, show_line_numbers=False)
            yield Static("", id="note-error", classes="field-error")
            hint = "ctrl+s save · escape cancel · ctrl+e $EDITOR"
            if has_formatting(self.original_html):
                hint += " · bold, links and lists show as plain text"
            yield Label(hint, classes="dialog-hint")

    async def on_mount(self) -> None:
        if self.note_id is None:
            target = await self.store.read(target_name, self.deal_id, self.person_id, self.org_id, self.lead_id)
            self.query_one("#note-title", Label).update(Text(f"New note on {clean(target) if target else 'this item'}"))

    @property
    def text(self) -> str:
        return self.query_one("#note-text", TextArea).text

    async def action_save(self) -> None:
        text = self.text.strip()
        if not text:
            self.query_one("#note-error", Static).update("The note is empty: write something or press escape.")
            return
        if self.note_id is not None and text != self.original.strip() and has_formatting(self.original_html):
            from tui.screens.dialogs import ConfirmScreen

            async def answer(replace: bool | None) -> None:
                if replace:
                    await self._store(text)

            self.app.push_screen(
                ConfirmScreen(
                    "This note has formatting (bold, links or lists) that the editor shows as plain text.\n"
                    "Saving your change replaces the note with plain text.",
                    yes="Save as plain text",
                    no="Keep editing",
                ),
                answer,
            )
            return
        await self._store(text)

    async def _store(self, text: str) -> None:
        store = self.store
        html = text_to_html(text)
        if self.note_id is None:
            new_id = await store.create_note(html, deal_id=self.deal_id, person_id=self.person_id, org_id=self.org_id, lead_id=self.lead_id)
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
        fd, path = tempfile.mkstemp(suffix=".txt", text=True)  # 0600: the note stays private
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(self.text)
            with self.app.suspend():
                subprocess.call([*editor.split(), path])
            with open(path, encoding="utf-8") as fh:
                self.query_one("#note-text", TextArea).load_text(fh.read())
        finally:
            os.unlink(path)
