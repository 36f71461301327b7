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
    lost: list[int] = field(default_factory=list)  # the outbox seq of each row that could not be read
    found: bool = True  # False: not even the outbox's shape could be read (how many it held is unknown)

    def describe(self) -> str:
        if not self.found:
            return "no pending edit could be read (the outbox itself was unreadable, so how many it held is unknown)"
        kept = f"kept {len(self.rows)} pending edit{'s' if len(self.rows) != 1 else ''}"
        if self.rows:
            kept += f" ({_kinds(self.rows)})"
        if self.unreadable:
            which = ", ".join(f"#{seq}" for seq in self.lost[:10]) + (" …" if len(self.lost) > 10 else "")
            return f"{kept}; {self.unreadable} could not be read and are lost ({which} in the order they were made)"
        return kept

    def better(self, other: Salvage | None) -> Salvage:
        if other is None:
            return self
        return other if _rank(other) > _rank(self) else self


def _rank(s: Salvage) -> tuple[bool, int, int]:
    return (s.found, len(s.rows), -s.unreadable)


def _kinds(rows: list[dict[str, Any]]) -> str:
    counts: dict[str, int] = {}
    for row in rows:
        what = f"{row.get('entity')} {'edit' if row.get('op') == 'update' else row.get('op')}"
        counts[what] = counts.get(what, 0) + 1
    return ", ".join(f"{n} {what}{'s' if n != 1 else ''}" for what, n in counts.items())


def read_outbox(path: Path) -> Salvage:
    """Every readable outbox row of a (possibly damaged) cache file: as it is, with its header
    restored, and cut to the pages present (a truncated file: the header's page count still
    counts the pages that are gone); the attempt that reads the most rows wins."""
    best = _read(path)
    if best is not None and best.found and not best.unreadable:
        return best
    if path.exists():
        for attempt in (_read_with_fixed_header, _read_truncated):
            found = attempt(path)
            best = found.better(best) if found is not None else best
            if best is not None and best.found and not best.unreadable:
                break
    return best or Salvage(found=False)


def _read_truncated(path: Path) -> Salvage | None:
    """A file cut short: keep the whole pages present and say so in the header (page count,
    and the counter that makes SQLite trust it), with the magic string restored."""
    with open(path, "rb") as fh:
        header = fh.read(100)
    if len(header) < 100:
        return None
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return None
    pages = path.stat().st_size // page_size
    if pages < 1:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "copy.sqlite3"
        shutil.copyfile(path, copy)
        with open(copy, "r+b") as fh:
            fh.truncate(pages * page_size)
            fh.write(MAGIC)
            fh.seek(28)
            fh.write(pages.to_bytes(4, "big"))
            fh.seek(92)
            fh.write(header[24:28])  # version-valid-for = the change counter: the page count is believed
        return _read(copy)


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
            return Salvage(found=False)
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
            out.lost.append(seq)
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
