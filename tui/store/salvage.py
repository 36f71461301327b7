"""Reading the pending edits out of a damaged cache file, row by row.

The cache itself can always be fetched again from Pipedrive; the outbox cannot. When the
file is damaged, every outbox row that can still be read is carried into the new cache,
and the user is told how many were kept and how many could not be read.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAGIC = b"SQLite format 3\x00"


@dataclass
class Salvage:
    rows: list[dict[str, Any]] = field(default_factory=list)
    unreadable: int = 0

    def describe(self) -> str:
        kept = f"kept {len(self.rows)} pending edit{'s' if len(self.rows) != 1 else ''}"
        if self.unreadable:
            return f"{kept}; {self.unreadable} could not be read and are lost"
        return kept


def read_outbox(path: Path) -> Salvage:
    """Every readable outbox row of a (possibly damaged) cache file."""
    result = _read(path)
    if result is None and path.exists():
        result = _read_with_fixed_header(path)
    return result or Salvage()


def _read_with_fixed_header(path: Path) -> Salvage | None:
    """A garbled file header hides an intact database: read a copy with the header restored."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "copy.sqlite3"
        shutil.copyfile(path, copy)
        with open(copy, "r+b") as fh:
            fh.write(MAGIC)
        return _read(copy)


def _read(path: Path) -> Salvage | None:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    conn.row_factory = sqlite3.Row
    try:
        try:
            columns = [r[1] for r in conn.execute("PRAGMA table_info(outbox)")]
        except sqlite3.DatabaseError:
            return None
        if not columns:
            return Salvage()
        try:
            return Salvage([dict(r) for r in conn.execute("SELECT * FROM outbox ORDER BY seq")])
        except sqlite3.DatabaseError:
            return _row_by_row(conn)
    finally:
        conn.close()


def _row_by_row(conn: sqlite3.Connection) -> Salvage:
    top = 0
    for sql in ("SELECT seq FROM sqlite_sequence WHERE name = 'outbox'", "SELECT MAX(seq) FROM outbox"):
        try:
            row = conn.execute(sql).fetchone()
        except sqlite3.DatabaseError:
            continue
        if row and row[0]:
            top = max(top, int(row[0]))
    out = Salvage()
    for seq in range(1, top + 1):
        try:
            row = conn.execute("SELECT * FROM outbox WHERE seq = ?", (seq,)).fetchone()
        except sqlite3.DatabaseError:
            out.unreadable += 1
            continue
        if row is not None:
            out.rows.append(dict(row))
    return out


def restore(conn: sqlite3.Connection, rows: list[dict[str, Any]]) -> None:
    """Put salvaged rows into a fresh cache's outbox (same seq, so the order holds)."""
    if not rows:
        return
    known = {r[1] for r in conn.execute("PRAGMA table_info(outbox)")}
    for row in rows:
        cols = [k for k in row if k in known]
        conn.execute(f"INSERT OR REPLACE INTO outbox ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})", [row[k] for k in cols])
