"""Reads kept on the reader's connection while the cache does not change.

The board's per-stage counts and totals are a GROUP BY over every deal of the pipeline:
~40-55 ms at 100k deals. Typing a filter and clearing it read them again although nothing had
changed. A connection opened by `schema.connect` keeps a few such reads with the version of the
cache they were read at: the connection's own changes (`total_changes`) and the commits of
every other connection (`PRAGMA data_version`: the writer's, another process's). Any write
makes every kept read stale. A plain sqlite3 connection (a test's) keeps nothing.

The text filter keeps the board's rows by the same version (`board_text._board`), one board
per connection rather than KEEP reads: at 100k deals they are ~48,000 rows.
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")
KEEP = 8  # reads kept per connection


class KeptConnection(sqlite3.Connection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kept: OrderedDict[Hashable, tuple[tuple[int, int], Any]] = OrderedDict()


def version(conn: sqlite3.Connection) -> tuple[int, int]:
    """The cache as this connection sees it: changes with any write, its own or another's."""
    return conn.total_changes, conn.execute("PRAGMA data_version").fetchone()[0]


def kept(conn: sqlite3.Connection, key: Hashable, read: Callable[[], T]) -> T:
    """`read()`, or what it returned for `key` when the cache was as it is now."""
    if not isinstance(conn, KeptConnection):
        return read()
    now = version(conn)
    hit = conn.kept.get(key)
    if hit is not None and hit[0] == now:
        conn.kept.move_to_end(key)
        value: T = hit[1]
        return value
    value = read()
    conn.kept[key] = (now, value)
    while len(conn.kept) > KEEP:
        conn.kept.popitem(last=False)
    return value
