"""What a detail screen does with its notes, activities and custom fields (new, edit, pin,
done/undone, edit a field in place): a mixin of DetailScreen, reaching the screen through a
typed `host` (tui/screens/detail_base.py imports this module; this one imports it for types only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from rich.text import Text

from tui.formatting import clean
from tui.screens.detail_section import Section
from tui.store.queries.entities import activity_done
from tui.widgets import tones

if TYPE_CHECKING:  # the host screen, for types only (it imports this module)
    from tui.screens.detail_base import DetailScreen


class DetailItems:
    """Notes, activities and custom fields of the item a detail screen shows."""

    custom_rows: list[Any]  # the custom fields shown (fill_custom), by their line
    fields_asked = False  # the field definitions were fetched again once this session

    @property
    def host(self) -> DetailScreen:
        return cast("DetailScreen", self)

    def fill_custom(self, rows: list[Any]) -> None:
        """The custom fields section: every field by name, its value by label or name, what the
        deal's stage asks of it; enter (or e) edits one in place."""
        self.custom_rows = rows
        if getattr(self, "fields_asked", False) is False and any(r.fd.type == "unknown" for r in rows):
            self.fields_asked = True  # a key the cached definitions lack: fetch them again (30 tokens)
            self.host.app.run_worker(self.host.store.refresh_fields(), exit_on_error=False)
        filled = sum(r.value not in (None, "", []) for r in rows)
        missing = sum(r.missing for r in rows)
        detail = f"{filled} set" + (f", {missing} required missing" if missing else "")
        self.host.set_title("custom", "Custom fields", len(rows), detail if rows else "")
        lines = []
        for index, r in enumerate(rows):
            text = Text.assemble((clean(r.fd.name)[:26].ljust(27), tones.MUTED), (r.shown, tones.FAINT if r.shown == "—" else ""))
            for flag in r.flags:
                text.append(f"  ● {flag}", style=tones.ERROR_B if r.missing else tones.WARNING)
            if not r.fd.editable:
                text.append(f"  ({r.fd.type}, read-only)", style=tones.FAINT)
            lines.append((text, ("custom", index)))
        self.host.query_one("#section-custom", Section).fill(lines, "No custom fields defined in Pipedrive")

    def edit_custom(self, index: int) -> None:
        rows = getattr(self, "custom_rows", [])
        if not 0 <= index < len(rows):
            return
        from tui.screens.custom_field_editor import CustomFieldEditor

        async def run() -> None:
            self.host.app.push_screen(
                await CustomFieldEditor.load(self.host.store, self.host.ENTITY, self.host.entity_id, rows[index].fd.code)
            )

        self.host.app.hold_keys_for_screen()  # keys typed meanwhile go to the editor
        self.host.app.run_worker(run(), exit_on_error=False)

    def action_note(self) -> None:
        from tui.screens.note_editor import NoteEditorScreen

        self.host.app.push_screen(NoteEditorScreen(**{self.host.NOTE_KEY: self.host.entity_id}))  # type: ignore[arg-type]

    def edit_note(self, note_id: int) -> None:
        from tui.screens.note_editor import NoteEditorScreen

        async def run() -> None:
            self.host.app.push_screen(await NoteEditorScreen.edit(self.host.store, note_id))

        self.host.app.hold_keys_for_screen()  # keys typed meanwhile go to the editor
        self.host.app.run_worker(run(), exit_on_error=False)

    async def action_pin(self) -> None:
        target = self.host.query_one("#section-notes", Section).target
        if target is None:
            self.host.notify("Select a note first (tab to the notes)", timeout=2)
            return
        note = next(n for n in self.host.notes if n.id == target[1])
        await self.host.store.update_entity("note", note.id, {self.host.PIN_FLAG: not note.pinned})
        self.host.notify("Note unpinned" if note.pinned else "Note pinned", timeout=2)

    def action_activity(self) -> None:
        self.host.app.hold_keys_for_screen()  # keys typed meanwhile go to the form
        self.host.app.run_worker(self.host._activity_form(None), exit_on_error=False)

    def open_activity(self, activity_id: int) -> None:
        self.host.app.hold_keys_for_screen()
        self.host.app.run_worker(self.host._activity_form(activity_id), exit_on_error=False)

    async def _activity_form(self, activity_id: int | None) -> None:
        from tui.screens.forms.activity_form import ActivityForm

        prefill = {self.host.NOTE_KEY: self.host.entity_id} if activity_id is None else None
        self.host.app.push_screen(await ActivityForm.load(self.host.store, activity_id, prefill))

    async def action_toggle_done(self) -> None:
        target = self.host.query_one("#section-activities", Section).target if self.host.query("#section-activities") else None
        if target is None:
            return
        done = await self.host.store.read(activity_done, target[1])
        if done is not None:
            await self.host.store.set_activity_done(target[1], not done)
