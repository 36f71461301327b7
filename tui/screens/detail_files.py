"""The Files section of the deal, person and organization screens (a mixin, reaching the
screen through a typed `host`): name, size (in the user's locale), who added it and when,
newest first, uploads waiting in the outbox on top ("uploading…").

    enter        download into the user's download dir (tui/downloads.py) and open it with
                 the system's opener, or say where it is when there is none
    +            a path prompt with completion (tui/screens/file_prompt.py): the file is copied
                 into the data dir and its upload queued (tui/store/files.py)
    delete / d   delete the file after a confirmation (through the outbox)

The list is the cache's; the store fetches it (20 tokens) when the section is first shown
and again only when the item's files_count changed. Downloads and the copy of an attachment
run in workers: the screen keeps taking keys.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from rich.text import Text

from tui import downloads
from tui.api.errors import ApiError
from tui.formatting import clean
from tui.keymap import detail as detail_keys
from tui.screens.detail_section import Section
from tui.store.files import FileProblem, human_size
from tui.store.queries.files import FileRow
from tui.widgets import tones

if TYPE_CHECKING:  # the host screen, for types only (it imports this module)
    from tui.screens.detail_base import DetailScreen

ICONS = {"pdf": "▤", "txt": "≡", "csv": "▦", "xlsx": "▦", "png": "▨", "jpg": "▨", "jpeg": "▨"}


class FilesSection(Section):
    """The Files section: its own keys (attach, delete) on top of a section's."""

    BINDINGS = detail_keys.FILES_BINDINGS


def when_text(stamp: str | None, zone: Any) -> str:
    if not stamp:
        return ""
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return stamp[:16]
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if zone is not None else moment.strftime("%Y-%m-%d %H:%M")


def file_text(f: FileRow, zone: Any, width: int = 120) -> Text:
    """One line: icon, name (cut to what the width leaves), size, who, when."""
    ext = f.name.rsplit(".", 1)[-1].lower() if "." in f.name else ""
    room = max(12, min(60, width - 48))
    name = clean(f.name)
    if len(name) > room:  # cut in the middle: the end (which proposal, the extension) stays
        name = name[: (room - 1) // 2] + "…" + name[len(name) - (room - 1 - (room - 1) // 2) :]
    text = Text.assemble(
        (f"{ICONS.get(ext, '▫')} ", tones.INFO),
        (name.ljust(room + 1), "" if not f.state else tones.MUTED),
        (human_size(f.size).rjust(10), tones.MUTED),
        "  ",
    )
    if f.state:
        label = "sending…" if f.state == "sending" else "uploading…"
        text.append(label, style=tones.INFO)
        if f.problem:
            text.append(f"  ({clean(f.problem)[:60]})", style=tones.WARNING)
    else:
        text.append(clean(f.user or "someone")[:16].ljust(17), style="")
        text.append(when_text(f.add_time, zone), style=tones.MUTED)
    return text


class DetailFiles:
    """A base of DetailScreen: the Files section of the deal, person and organization screens."""

    files: list[FileRow] = []
    files_note = ""  # after the title: "downloading …", "not refreshed: …"
    files_fetch_error: str | None = None
    files_width = 0  # the screen width the rows were cut for

    @property
    def screen_of_files(self) -> DetailScreen:
        return cast("DetailScreen", self)

    def make_section(self, name: str) -> Section:
        """The Files section has its own keys; every other section is made further down the
        bases (DetailMail)."""
        if name == "files":
            return FilesSection(name)
        section: Section = super().make_section(name)  # type: ignore[misc]
        return section

    # -- the list ------------------------------------------------------------------------

    def show_files(self, rows: list[FileRow]) -> None:
        """The cached files at once (read with the screen's other sections); then, in a worker,
        Pipedrive's when the item's files_count changed since the last fetch."""
        host = self.screen_of_files
        if host.query("#section-files"):
            self.files = rows
            self.fill_files()
            if host.entity_id >= 0:
                host.files_fetch.ask(host, self.fetch_files)

    async def fetch_files(self) -> None:
        host = self.screen_of_files
        try:
            await host.store.load_files(host.ENTITY, host.entity_id)  # DataChanged shows what it brought
            self.files_fetch_error = None
        except ApiError as exc:
            if self.files_fetch_error is None:
                self.files_fetch_error = exc.message
                self.fill_files()

    def fill_files(self) -> None:
        host = self.screen_of_files
        if not host.is_mounted or not host.query("#section-files"):
            return
        waiting = sum(1 for f in self.files if f.state)
        notes = [n for n in (f"{waiting} uploading" if waiting else "", self.files_note) if n]
        if self.files_fetch_error:
            notes.append("cached list: " + self.files_fetch_error[:50])
        host.set_title("files", "Files", len(self.files), ", ".join(notes))
        zone = host.store.clock.zone
        section = host.query_one("#section-files", Section)
        self.files_width = host.size.width
        width = host.size.width - 8  # the body's padding, the section's border and scrollbar
        section.fill([(file_text(f, zone, width), ("file", f.id)) for f in self.files], "No files: press + (here) to attach one")

    def on_resize(self) -> None:
        """Rows are cut to the width: cut again for a new one (Textual calls every class's
        handler, and sends a pushed screen its size: the same width cuts nothing anew)."""
        if self.files and self.files_width != self.screen_of_files.size.width:
            self.fill_files()

    # -- download ------------------------------------------------------------------------

    def download(self, file_id: int) -> None:
        found = next((f for f in self.files if f.id == file_id), None)
        if found is None:
            return
        if found.state:
            self.screen_of_files.notify("This file is still being uploaded", timeout=3)
            return
        self.screen_of_files.run_worker(self._download(found), group="file-download", exit_on_error=False)

    async def _download(self, found: FileRow) -> None:
        host = self.screen_of_files
        name = clean(found.name)
        last = 0.0

        def progress(done: int, total: int | None) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last < 0.2:
                return
            last = now
            share = f" {done * 100 // total}%" if total else f" {human_size(done)}"
            self.files_note = f"downloading {name[:30]}…{share}"
            self.fill_files()

        self.files_note = f"downloading {name[:30]}…"
        self.fill_files()
        try:
            path = await host.store.download_file(found.id, downloads.download_dir(), progress)
        except (ApiError, FileProblem, OSError) as exc:
            message = exc.message if isinstance(exc, ApiError) else str(exc)
            host.notify(f"{name} was not downloaded: {message}", severity="error", timeout=6, markup=False)
            return
        finally:
            self.files_note = ""
            self.fill_files()
        if downloads.open_file(path):
            host.notify(f"Saved {path} and opened it", timeout=4, markup=False)
        else:
            host.notify(f"Saved {path} (no program to open it here)", timeout=8, markup=False)

    # -- attach, delete -------------------------------------------------------------------

    def action_attach_file(self) -> None:
        from tui.screens.file_prompt import FilePrompt

        host = self.screen_of_files
        if host.entity_id < 0 or host.detail is None:
            host.notify(f"Save this {host.ENTITY} in Pipedrive first", timeout=3)
            return
        label = f"“{host.entity_name()}”"

        async def attach(path: str) -> int:
            local_id: int = await host.store.attach_file(host.ENTITY, host.entity_id, path)
            return local_id

        def done(attached: bool | None) -> None:
            if attached:
                host.notify("Attached: it uploads in the background", timeout=3)

        host.app.push_screen(FilePrompt(label, attach), done)

    def action_delete_file(self) -> None:
        from tui.screens.dialogs import ConfirmScreen

        host = self.screen_of_files
        target = host.query_one("#section-files", Section).target
        found = next((f for f in self.files if target and f.id == target[1]), None)
        if found is None:
            return
        name = clean(found.name)

        async def drop(yes: bool | None) -> None:
            if not yes:
                return
            try:
                await host.store.delete_file(found.id)
            except FileProblem as exc:
                host.notify(str(exc), severity="warning", timeout=4, markup=False)
                return
            host.notify(f"Deleted {name}", timeout=2, markup=False)

        host.app.push_screen(ConfirmScreen(f"Delete the file “{name}” from Pipedrive?", yes="Delete file"), drop)
