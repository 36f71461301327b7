"""The cache file: one writer thread, one reader thread, WAL; corruption detection.

Nothing here runs on the event loop's thread: `write(fn)` runs fn(conn) inside a
transaction on the writer thread, `read(fn)` on the reader thread (WAL lets reads proceed
while a write is in progress).
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from tui.private import private_file
from tui.store import schema
from tui.store.salvage import Salvage, read_outbox, restore


class StoreError(Exception):
    """A problem of the local cache the user must hear about in one line (no traceback)."""


class CacheUnavailable(StoreError):
    """The cache file cannot be opened or written (permissions, another owner, read-only
    disk): not damage, so the file is left exactly as it is."""


class DiskFull(StoreError):
    pass


def explain(exc: sqlite3.Error, path: Path) -> StoreError:
    text = str(exc).lower()
    if "full" in text:
        return DiskFull(f"Could not save: the disk holding {path.parent} is full. Nothing was changed; free some space and try again.")
    if "readonly" in text or "read-only" in text:
        return CacheUnavailable(f"The cache {path} is read-only: check the permissions of {path.parent}.")
    return CacheUnavailable(f"Cannot open the cache {path} ({exc}): check that the directory exists and is yours.")


T = TypeVar("T")


def move_aside(path: Path) -> Path:
    """Rename a damaged cache file (and its WAL) so a fresh one can be created."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    if path.exists():
        os.replace(path, target)
    for suffix in ("-wal", "-shm"):
        extra = Path(str(path) + suffix)
        if extra.exists():
            extra.unlink()
    return target


class Database:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="cache-writer")
        self._reader = ThreadPoolExecutor(1, thread_name_prefix="cache-reader")
        self._wconn: sqlite3.Connection | None = None
        self._rconn: sqlite3.Connection | None = None
        self.recovered_from: Path | None = None  # where a corrupted file was moved
        self.salvaged: Salvage | None = None  # the outbox rows carried over from it

    async def open(self) -> None:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._writer, self._open_writer)
        await loop.run_in_executor(self._reader, self._open_reader)

    def _open_writer(self) -> None:
        try:
            private_file(self.path)  # 0600 before SQLite writes a byte (its -wal/-shm copy the mode)
        except OSError as exc:
            raise CacheUnavailable(f"Cannot create the cache {self.path}: {exc.strerror or exc}") from None
        try:
            self._wconn = self._connect_checked()
        except sqlite3.OperationalError as exc:  # cannot open, read-only, locked, full: not damage
            raise explain(exc, self.path) from None
        except sqlite3.DatabaseError:
            self.salvaged = read_outbox(self.path)
            self._move_aside()
            self._wconn = self._connect_checked()
            with self._wconn:
                restore(self._wconn, self.salvaged.rows)

    def _connect_checked(self) -> sqlite3.Connection:
        conn = schema.connect(str(self.path))
        try:
            # cheap checks on the way in (a file that is not a database fails here);
            # the full `PRAGMA quick_check` runs later in the background (Database.check)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            schema.migrate(conn)
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    def _move_aside(self) -> None:
        self.recovered_from = move_aside(self.path)

    def _open_reader(self) -> None:
        self._rconn = schema.connect(str(self.path))
        self._rconn.execute("PRAGMA query_only=ON")

    async def check(self) -> str | None:
        """Full integrity check (`PRAGMA quick_check`) on a connection and thread of its own;
        a problem description or None. On the reader thread it held every screen's first
        read back while it ran (~0.5 s at 10,000 deals: most of the launch's gap to a bare app)."""

        def run() -> str | None:
            try:
                conn = schema.connect(str(self.path))
            except sqlite3.DatabaseError as exc:
                return str(exc)
            try:
                conn.execute("PRAGMA query_only=ON")
                (result,) = conn.execute("PRAGMA quick_check").fetchone()
            except sqlite3.DatabaseError as exc:
                return str(exc)
            finally:
                conn.close()
            return None if result == "ok" else str(result)

        return await asyncio.to_thread(run)

    async def write(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        def run() -> T:
            assert self._wconn is not None
            try:
                with self._wconn:
                    return fn(self._wconn, *args, **kwargs)
            except sqlite3.OperationalError as exc:
                if "full" in str(exc).lower() or "readonly" in str(exc).lower():
                    raise explain(exc, self.path) from None
                raise

        return await asyncio.get_running_loop().run_in_executor(self._writer, run)

    async def read(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        def run() -> T:
            assert self._rconn is not None
            return fn(self._rconn, *args, **kwargs)

        return await asyncio.get_running_loop().run_in_executor(self._reader, run)

    async def close(self) -> None:
        loop = asyncio.get_running_loop()

        def close_w() -> None:
            if self._wconn is not None:
                self._wconn.close()
                self._wconn = None

        def close_r() -> None:
            if self._rconn is not None:
                self._rconn.close()
                self._rconn = None

        await loop.run_in_executor(self._reader, close_r)
        await loop.run_in_executor(self._writer, close_w)
        self._reader.shutdown(wait=False)
        self._writer.shutdown(wait=False)
