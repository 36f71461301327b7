"""Uploading an attached file, exactly once, through the outbox (op 'upload', entity 'file',
the local negative id; queued by tui/store/files.py with the copy in <data dir>/uploads/).

1. Before the first send the item's file list is fetched if it never was (20 tokens), so the
   largest known file id is the server's; `sent_at` and that id (`known_max_id`) are written
   durably.
2. POST /v1/files, multipart (the copy's bytes, the link: deal_id, person_id or org_id;
   10 tokens). The answer's file replaces the local one in one transaction, its id is noted
   in `file_uploads`, the item's files_count follows, and the copy is removed.
3. A request that certainly did not arrive (no connection, 429) clears `sent_at`. After an
   uncertain outcome (timeout, dropped connection, 5xx, an answer without the file) or a kill
   -9 mid-request, the row still has `sent_at`: the next attempt first lists the item's files
   (newest first, 20 tokens a page) and takes a file with the same name and size whose id is
   above `known_max_id` and not already another upload's; found, it is acknowledged with it;
   not found, it is posted again.
A refusal (4xx) rolls the local file back and says why; the copy is removed.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.api.errors import ApiError, ValidationError
from tui.store import deal_lines, edits, ingest
from tui.store.files import KEYS, PATHS, bump_count, referenced_copies, store_listing, sweep, uploads_dir
from tui.store.registry import strip_related
from tui.store.server_rows import apply_server_objects

if TYPE_CHECKING:
    from tui.store.outbox import Pusher

UPLOAD_TIMEOUT = 600.0  # seconds for one upload (50 MB on a slow line)
RETRY_LOST = 1.0  # seconds before looking up an upload Pipedrive answered without the file


class UploadLost(ValidationError):
    """The copy in the data dir is gone (removed by hand): nothing left to send."""


def _db_dir(conn: sqlite3.Connection) -> Path:
    path = next((r[2] for r in conn.execute("PRAGMA database_list") if r[1] == "main"), "")
    return uploads_dir(path or ".")


def _mark_sent(conn: sqlite3.Connection, seq: int) -> int:
    return conn.execute(
        "UPDATE outbox SET sent_at = ?, known_max_id = COALESCE(known_max_id, (SELECT MAX(id) FROM files WHERE id > 0)) WHERE seq = ?",
        (edits.utcnow(), seq),
    ).rowcount


def _unsent(conn: sqlite3.Connection, seq: int) -> None:
    conn.execute("UPDATE outbox SET sent_at = NULL WHERE seq = ?", (seq,))


def _claimed(conn: sqlite3.Connection) -> set[int]:
    return {r[0] for r in conn.execute("SELECT file_id FROM file_uploads")}


def acknowledge(conn: sqlite3.Connection, row: dict[str, Any], server: dict[str, Any]) -> None:
    """Pipedrive has the file: the server's file replaces the local one (one transaction)."""
    payload = json.loads(row["payload"])
    conn.execute("DELETE FROM outbox WHERE seq = ?", (row["seq"],))
    ingest.delete(conn, "file", [row["entity_id"]])
    apply_server_objects(conn, "file", [strip_related(dict(server))])
    conn.execute("INSERT OR REPLACE INTO file_uploads (file_id, seq, at) VALUES (?,?,?)", (int(server["id"]), row["seq"], edits.utcnow()))
    parent = payload["parent"]
    bump_count(conn, parent, payload.get(KEYS[parent]), 1)


def rollback(conn: sqlite3.Connection, row: dict[str, Any]) -> None:
    """A refused upload: its copy goes too (the local file row is gone with the refusal)."""
    copy = json.loads(row["payload"]).get("copy")
    if copy:
        (_db_dir(conn) / str(copy)).unlink(missing_ok=True)


async def push(pusher: Pusher, row: dict[str, Any]) -> str:
    payload = json.loads(row["payload"])
    parent = payload["parent"]
    parent_id = int(payload[KEYS[parent]])
    if row["sent_at"]:
        found = await _look_up(pusher, row, payload)
        if found is not None:
            return await _done(pusher, row, payload, found)
    else:
        known = await pusher.db.read(lambda c: deal_lines.get_mark(c, f"files:{parent}", parent_id)[1])
        if not known:  # the largest file id must be the server's before the first send
            await _list(pusher, parent, parent_id, store=True)
    if not await pusher.db.write(_mark_sent, row["seq"]):
        return "pushed"  # cancelled meanwhile
    copy = uploads_dir(pusher.db.path) / str(payload["copy"])
    try:
        content = await asyncio.to_thread(copy.read_bytes)
    except FileNotFoundError:
        raise UploadLost(f"the copy of {payload['name']} in the data directory is gone", status=400) from None
    try:
        env = await pusher.client.request(
            "POST",
            "/api/v1/files",
            files={"file": (payload["name"], content, payload.get("mime") or "application/octet-stream")},
            data={KEYS[parent]: str(parent_id)},
            timeout=UPLOAD_TIMEOUT,
        )
    except ApiError as exc:
        if not exc.uncertain:  # certainly not applied: the next attempt posts without looking
            await pusher.db.write(_unsent, row["seq"])
        raise
    data = env.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        pusher.wait = RETRY_LOST  # made but not said which: looked up on the next attempt
        return "waiting"
    return await _done(pusher, row, payload, data)


async def _list(pusher: Pusher, parent: str, parent_id: int, store: bool) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    async for page in pusher.client.pages_v1(f"/api/v1/{PATHS[parent]}/{parent_id}/files", {"limit": 100, "sort": "id DESC"}):
        items.extend(page)
    if store:
        from tui.store.files import parent_mark

        mark = await pusher.db.read(parent_mark, parent, parent_id)
        await pusher.db.write(store_listing, parent, parent_id, items, mark)
    return items


async def _look_up(pusher: Pusher, row: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any] | None:
    """The file an earlier send may have made: same name and size, newer than the largest id
    known at the first send, not another upload's."""
    parent = payload["parent"]
    floor = row["known_max_id"] or 0
    claimed = await pusher.db.read(_claimed)
    items = await _list(pusher, parent, int(payload[KEYS[parent]]), store=False)
    matches = [
        f
        for f in items
        if isinstance(f.get("id"), int)
        and f["id"] > floor
        and f["id"] not in claimed
        and f.get("name") == payload["name"]
        and f.get("file_size") == payload["size"]
    ]
    return min(matches, key=lambda f: f["id"]) if matches else None


async def _done(pusher: Pusher, row: dict[str, Any], payload: dict[str, Any], server: dict[str, Any]) -> str:
    await pusher.db.write(acknowledge, row, server)
    directory = uploads_dir(pusher.db.path)
    (directory / str(payload["copy"])).unlink(missing_ok=True)
    keep = await pusher.db.read(referenced_copies)
    await asyncio.to_thread(sweep, directory, keep)
    pusher.emit_changed("file", "deals", "persons", "organizations")
    return "pushed"
