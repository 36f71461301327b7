"""The tokens and requests this app spent per day (UTC), kept in the cache: the status bar,
`pipedrive-tui status` and the benchmarks read them."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any


def today() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d")


def log_tokens(conn: Any, day: str, tokens: int, requests: int) -> None:
    conn.execute(
        """INSERT INTO token_log (day, tokens, requests) VALUES (?,?,?)
                    ON CONFLICT(day) DO UPDATE SET tokens = tokens + excluded.tokens,
                                                   requests = requests + excluded.requests""",
        (day, tokens, requests),
    )


def spent_on(conn: sqlite3.Connection, day: str) -> tuple[int, int]:
    row = conn.execute("SELECT tokens, requests FROM token_log WHERE day = ?", (day,)).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def spent_today_in(db_path: Path | str) -> tuple[int, int]:
    """Today's (tokens, requests) in a profile's cache file, read-only, without opening a Store
    (0, 0 without a file or a readable log)."""
    if not Path(db_path).exists():
        return 0, 0
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            return spent_on(conn, today())
        finally:
            conn.close()
    except sqlite3.Error:
        return 0, 0
