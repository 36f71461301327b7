"""Reads for files: the files of a deal, person or organization (the Files section)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

KEYS = {"deal": "deal_id", "person": "person_id", "organization": "org_id"}


@dataclass(slots=True)
class FileRow:
    id: int
    name: str
    size: int
    user: str | None  # who added it (the cached user's name)
    add_time: str | None  # UTC, normalised
    state: str  # "" (on Pipedrive), "uploading" (queued), "sending" (sent, not acknowledged yet)
    problem: str | None  # the last error of its upload, if any


def files_of(conn: sqlite3.Connection, entity: str, entity_id: int) -> list[FileRow]:
    """Newest first; uploads waiting in the outbox first of all."""
    key = KEYS[entity]
    rows = conn.execute(
        f"""SELECT f.id, f.name, f.file_size, u.name AS user, f.add_time,
                   o.sent_at, o.last_error, o.seq
            FROM files f
            LEFT JOIN users u ON u.id = f.user_id
            LEFT JOIN outbox o ON o.op = 'upload' AND o.entity = 'file' AND o.entity_id = f.id
            WHERE f.{key} = ?
            ORDER BY f.id < 0 DESC, f.add_time DESC, f.id DESC""",
        (entity_id,),
    ).fetchall()
    out = []
    for r in rows:
        if r["id"] < 0:
            state = "sending" if r["sent_at"] else "uploading"
        else:
            state = ""
        out.append(FileRow(r["id"], r["name"] or "file", int(r["file_size"] or 0), r["user"], r["add_time"], state, r["last_error"]))
    return out


def pending_upload_count(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT COUNT(*) FROM outbox WHERE op = 'upload' AND state = 'pending'").fetchone()
    return int(row[0])
