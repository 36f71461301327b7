"""The locale numbers are read and shown in: Pipedrive's (`users/me` -> `locale`, kept with the
user in the cache), else the system's. Its separators are resolved by Babel once and kept in
the meta table, so a launch reads one row instead of importing Babel (~50 ms)."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

from tui import numbers
from tui.numbers import NumberLocale

KEY = "number_locale"


def _saved(conn: sqlite3.Connection) -> tuple[str | None, str | None]:
    me = conn.execute("SELECT json_extract(data, '$.locale') FROM users WHERE is_you = 1").fetchone()
    kept = conn.execute("SELECT value FROM meta WHERE key = ?", (KEY,)).fetchone()
    return (me[0] if me and me[0] else None), (kept[0] if kept else None)


def _remember(conn: sqlite3.Connection, dump: str) -> None:
    conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (KEY, dump))


async def number_locale(db: Any, system: str | None = None) -> NumberLocale:
    """The user's number locale; `system` is the system's code (numbers.system_code())."""
    pipedrive, kept = await db.read(_saved)
    code = pipedrive or system or numbers.EN_US.code
    loaded = NumberLocale.load(kept)
    if loaded is not None and loaded.code == code:
        return loaded
    loc = await asyncio.to_thread(numbers.resolve, code)
    await db.write(_remember, NumberLocale(code, loc.decimal, loc.group, loc.name).dump())
    return loc
