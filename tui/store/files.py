"""Files on deals, persons and organizations (a mixin of Store).

    await store.load_files("deal", 7)          # GET /v1/deals/7/files (20 tokens per 100 files)
                                               # only when not fetched yet or when the deal's
                                               # files_count changed since; cached for offline
    local_id = await store.attach_file("deal", 7, "~/proposal.pdf")   # FileProblem if unusable
    await store.delete_file(file_id)           # DELETE /v1/files/{id} through the outbox (6 tokens)
    path = await store.download_file(file_id, directory, progress)   # GET /v1/files/{id}/download
                                               # (20 tokens), streamed to disk chunk by chunk

Attaching: the file is first copied into `<data dir>/uploads/<uuid>` (so a kill -9 or a lost
connection loses nothing), then one transaction adds the file to the cache with a local
(negative) id, shown as "uploading", and queues an outbox row op='upload' that
tui/store/file_upload.py pushes exactly once (POST /v1/files, multipart, 10 tokens); the copy
is removed when Pipedrive has the file. Nothing is copied or queued for a path that is
missing, a directory, unreadable or larger than MAX_UPLOAD: FileProblem says why.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sqlite3
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui import downloads
from tui.store import deal_lines, edits, ingest
from tui.store.events import DataChanged
from tui.store.server_rows import apply_server_objects, pending_ids

if TYPE_CHECKING:
    from tui.store.db import Database

MAX_UPLOAD = 50 * 2**20  # bytes: a larger file is refused before anything is copied or queued
KEYS = {"deal": "deal_id", "person": "person_id", "organization": "org_id"}
PATHS = {"deal": "deals", "person": "persons", "organization": "organizations"}
TABLES = {"deal": "deals", "person": "persons", "organization": "organizations"}
UPLOADS = "uploads"
SWEEP_AFTER = 120.0  # seconds: a copy no outbox row names is removed once this old


class FileProblem(ValueError):
    """A path that cannot be attached (or a file that cannot be downloaded now): the message
    is for the user, shown next to the path field."""


def human_size(size: int) -> str:
    """1 536 -> '1.5 KB' (the number in the user's locale)."""
    from tui import numbers

    value, unit = float(size), "B"
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            break
        value /= 1024
    if unit == "B":
        return f"{numbers.group(value, 0)} B"
    value = round(value, 1)
    return f"{numbers.group(value, 0 if value.is_integer() else 1)} {unit}"


def check_path(text: str) -> Path:
    """The file a typed path names, or FileProblem with why it cannot be attached."""
    raw = text.strip()
    if not raw:
        raise FileProblem("Type the path of a file to attach")
    path = Path(os.path.expandvars(raw)).expanduser()
    if not path.exists():
        raise FileProblem(f"No such file: {path}")
    if path.is_dir():
        raise FileProblem(f"{path} is a directory: choose a file in it")
    if not path.is_file():
        raise FileProblem(f"{path} is not a regular file")
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            handle.read(1)
    except PermissionError:
        raise FileProblem(f"{path} cannot be read (permission denied)") from None
    except OSError as exc:
        raise FileProblem(f"{path} cannot be read ({exc.strerror or exc})") from None
    if size > MAX_UPLOAD:
        raise FileProblem(f"{path.name} is {human_size(size)}; files up to {human_size(MAX_UPLOAD)} can be attached")
    return path


def uploads_dir(db_path: str | Path) -> Path:
    return Path(db_path).resolve().parent / UPLOADS


def copy_in(source: Path, directory: Path) -> tuple[str, int]:
    """Copy `source` into the uploads directory (fsynced; a temporary name until complete).
    Returns (the copy's name, its size). Runs on a worker thread."""
    directory.mkdir(parents=True, exist_ok=True)
    name = uuid.uuid4().hex
    part = directory / f"{name}.part"
    try:
        with source.open("rb") as src, part.open("wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
            dst.flush()
            os.fsync(dst.fileno())
        size = part.stat().st_size
        if size > MAX_UPLOAD:
            raise FileProblem(f"{source.name} grew to {human_size(size)}; files up to {human_size(MAX_UPLOAD)} can be attached")
        os.replace(part, directory / name)
    except OSError as exc:
        part.unlink(missing_ok=True)
        raise FileProblem(f"{source} could not be copied ({exc.strerror or exc})") from None
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return name, size


def sweep(directory: Path, keep: set[str], now: float | None = None) -> int:
    """Remove copies no outbox row names any more (an upload acknowledged just before a crash)."""
    if not directory.is_dir():
        return 0
    now = time.time() if now is None else now
    removed = 0
    for entry in directory.iterdir():
        name = entry.name.removesuffix(".part")
        if name in keep or not entry.is_file():
            continue
        try:
            if now - entry.stat().st_mtime > SWEEP_AFTER:
                entry.unlink()
                removed += 1
        except OSError:
            pass
    return removed


# -- writer/reader thread ---------------------------------------------------------------------


def parent_mark(conn: sqlite3.Connection, entity: str, entity_id: int) -> str | None:
    """What a fetched list is good for: the item's files_count (its update_time if the cache
    does not have the count)."""
    row = conn.execute(
        f"SELECT json_extract(data, '$.files_count'), update_time FROM {TABLES[entity]} WHERE id = ?", (entity_id,)
    ).fetchone()
    if row is None:
        return None
    return str(row[0]) if row[0] is not None else f"t:{row[1]}"


def stale(conn: sqlite3.Connection, entity: str, entity_id: int) -> tuple[bool, str | None]:
    mark, known = deal_lines.get_mark(conn, f"files:{entity}", entity_id)
    now = parent_mark(conn, entity, entity_id)
    return (not known or mark != now), now


def store_listing(conn: sqlite3.Connection, entity: str, entity_id: int, items: list[dict[str, Any]], mark: str | None) -> None:
    """An item's files as Pipedrive listed them: what the list lacks is gone (unless waiting)."""
    from tui.store.registry import strip_related

    apply_server_objects(conn, "file", [strip_related(dict(o)) for o in items])
    key = KEYS[entity]
    keep = {o["id"] for o in items} | pending_ids(conn, "file")
    gone = [r[0] for r in conn.execute(f"SELECT id FROM files WHERE {key} = ? AND id > 0", (entity_id,)) if r[0] not in keep]
    ingest.delete(conn, "file", gone)
    deal_lines.set_mark(conn, f"files:{entity}", entity_id, mark)


def bump_count(conn: sqlite3.Connection, entity: str, entity_id: int | None, delta: int) -> None:
    """The item's cached files_count follows a file we added or deleted (and the list's mark
    with it when the list was current), so it is not fetched again for our own change."""
    if entity_id is None:
        return
    before = parent_mark(conn, entity, entity_id)
    conn.execute(
        f"UPDATE {TABLES[entity]} SET data = json_set(data, '$.files_count', json_extract(data, '$.files_count') + ?)"
        " WHERE id = ? AND json_type(data, '$.files_count') = 'integer'",
        (delta, entity_id),
    )
    mark, known = deal_lines.get_mark(conn, f"files:{entity}", entity_id)
    if known and mark == before:
        deal_lines.set_mark(conn, f"files:{entity}", entity_id, parent_mark(conn, entity, entity_id))


def queue_upload(
    conn: sqlite3.Connection, entity: str, entity_id: int, name: str, size: int, copy: str, me_id: int | None, mime: str
) -> int:
    """The local file (shown at once as uploading) and its outbox row, in one transaction."""
    if conn.execute(f"SELECT 1 FROM {TABLES[entity]} WHERE id = ?", (entity_id,)).fetchone() is None:
        raise edits.EditError(f"this {entity} is not in the cache")
    if entity_id < 0:
        raise edits.EditError(f"this {entity} is not saved in Pipedrive yet: attach files once it is")
    local_id = edits.next_local_id(conn)
    now = edits.utcnow()
    obj = {
        "id": local_id,
        "name": name,
        "file_name": name,
        "file_size": size,
        "user_id": me_id,
        KEYS[entity]: entity_id,
        "add_time": now,
        "update_time": now,
        "active_flag": True,
    }
    ingest.upsert(conn, "file", [obj])
    payload = {"name": name, "size": size, "copy": copy, "mime": mime, "parent": entity, KEYS[entity]: entity_id}
    edits.enqueue(conn, "upload", "file", local_id, payload)
    return local_id


def referenced_copies(conn: sqlite3.Connection) -> set[str]:
    return {
        str(json.loads(p).get("copy"))
        for (p,) in conn.execute("SELECT payload FROM outbox WHERE op = 'upload' AND entity = 'file'")
        if json.loads(p).get("copy")
    }


def cancel_upload(conn: sqlite3.Connection, local_id: int) -> str | None:
    """Drop an upload not sent yet; returns its copy's name (to remove), None if it was sent."""
    row = conn.execute(
        "SELECT seq, sent_at, payload FROM outbox WHERE op = 'upload' AND entity = 'file' AND entity_id = ?", (local_id,)
    ).fetchone()
    if row is None:
        ingest.delete(conn, "file", [local_id])
        return ""
    if row[1] is not None:
        return None
    conn.execute("DELETE FROM outbox WHERE seq = ?", (row[0],))
    ingest.delete(conn, "file", [local_id])
    return str(json.loads(row[2]).get("copy") or "")


def delete_server_file(conn: sqlite3.Connection, file_id: int) -> None:
    obj = ingest.load(conn, "file", file_id)
    edits.delete(conn, "file", file_id)
    for entity, key in KEYS.items():
        if obj and obj.get(key):
            bump_count(conn, entity, obj[key], -1)


def file_name(conn: sqlite3.Connection, file_id: int) -> str | None:
    obj = ingest.load(conn, "file", file_id)
    return None if obj is None else str(obj.get("name") or obj.get("file_name") or "file")


class StoreFiles:
    # set by Store
    client: Any
    db: Database
    _emit: Any
    _edit: Any
    _log_tokens: Any
    me_id: Any

    @property
    def uploads(self) -> Path:
        return uploads_dir(self.db.path)

    async def load_files(self, entity: str, entity_id: int, refresh: bool = False) -> bool:
        """Fetch an item's files (20 tokens per 100) when not fetched yet, when its files_count
        changed since, or when asked (`refresh`). True when fetched; ApiError propagates."""
        if self.client is None or entity_id < 0:
            return False
        wanted, mark = await self.db.read(stale, entity, entity_id)
        if not wanted and not refresh:
            return False
        if mark == "0" and not refresh:  # Pipedrive counts no file: nothing to ask (0 tokens)
            await self.db.write(store_listing, entity, entity_id, [], mark)
            return False
        items: list[dict[str, Any]] = []
        async for page in self.client.pages_v1(f"/api/v1/{PATHS[entity]}/{entity_id}/files", {"limit": 100}):
            items.extend(page)
        await self.db.write(store_listing, entity, entity_id, items, mark)
        await self._log_tokens()
        self._emit(DataChanged(frozenset({"files"})))
        return True

    async def attach_file(self, entity: str, entity_id: int, path: str) -> int:
        """Copy the file into the data dir, then queue its upload (one transaction). Returns the
        local id; FileProblem (nothing copied or queued) when the path cannot be attached."""
        import mimetypes

        source = await asyncio.to_thread(check_path, path)
        copy, size = await asyncio.to_thread(copy_in, source, self.uploads)
        mime = mimetypes.guess_type(source.name)[0] or "application/octet-stream"
        try:
            local_id: int = await self._edit(
                queue_upload, entity, entity_id, source.name, size, copy, await self.me_id(), mime, tables={"files"}
            )
        except BaseException:
            (self.uploads / copy).unlink(missing_ok=True)
            raise
        return local_id

    async def delete_file(self, file_id: int) -> None:
        """Delete a file: through the outbox (DELETE /v1/files/{id}); an upload not sent yet is
        simply cancelled. FileProblem while an upload is on its way."""
        if file_id < 0:
            copy = await self._edit(cancel_upload, file_id, tables={"files"})
            if copy is None:
                raise FileProblem("This file is being uploaded right now: delete it once it shows as uploaded")
            if copy:
                (self.uploads / copy).unlink(missing_ok=True)
            return
        await self._edit(delete_server_file, file_id, tables={"files", "deals", "persons", "organizations"})

    async def download_file(self, file_id: int, directory: Path, progress: Callable[[int, int | None], None] | None = None) -> Path:
        """Download a file into `directory` (a free, safe name), streamed chunk by chunk to a
        temporary name and renamed when complete (20 tokens). ApiError propagates; nothing is
        left behind on failure."""
        name = await self.db.read(file_name, file_id)
        if name is None:
            raise FileProblem("This file is no longer in the cache")
        if file_id < 0:
            raise FileProblem("This file is still being uploaded")
        if self.client is None:
            raise FileProblem("Not connected to Pipedrive")
        dest = await asyncio.to_thread(downloads.target, directory, name)
        part = dest.with_name(dest.name + ".part")
        handle = await asyncio.to_thread(part.open, "wb")

        async def write(chunk: bytes) -> None:
            await asyncio.to_thread(handle.write, chunk)

        try:
            await self.client.download(f"/api/v1/files/{file_id}/download", write, progress)
            await asyncio.to_thread(handle.close)
            final = await asyncio.to_thread(downloads.target, directory, name) if dest.exists() else dest
            await asyncio.to_thread(os.replace, part, final)
        except BaseException:
            handle.close()
            part.unlink(missing_ok=True)
            raise
        finally:
            await self._log_tokens()
        return final
