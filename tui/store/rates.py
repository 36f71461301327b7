"""Exchange rates for one-currency totals (issue 27), kept in the cache with their day.

Pipedrive's API has no rates endpoint; `GET /v1/deals/summary` (40 tokens) answers, per
currency, the total `value` and the same total `value_converted` into the company's default
currency: their ratio is the rate. One call a day at most (`due`); every total after that is
computed from the cache, offline too. A currency without deals has no rate: its amounts are
labelled "not converted", never guessed.
"""

from __future__ import annotations

import sqlite3
from typing import Any

SUMMARY_PATH = "/api/v1/deals/summary"
SUMMARY_TOKENS = 40


def due(conn: sqlite3.Connection, today: str) -> bool:
    """True when no rates were fetched today."""
    row = conn.execute("SELECT MAX(fetched_on) FROM rates").fetchone()
    return not row or row[0] is None or row[0] < today


def rates_from_summary(data: Any) -> dict[str, float]:
    """currency -> value_converted / value, for the currencies whose total is not zero."""
    totals = data.get("values_total") if isinstance(data, dict) else None
    out: dict[str, float] = {}
    for code, entry in (totals or {}).items():
        if not isinstance(entry, dict):
            continue
        value, converted = entry.get("value"), entry.get("value_converted")
        if isinstance(value, (int, float)) and isinstance(converted, (int, float)) and value:
            out[str(code)] = float(converted) / float(value)
    return out


def save(conn: sqlite3.Connection, rates: dict[str, float], base: str, day: str) -> None:
    """Replace the rates (a currency seen before but not now keeps its older rate and day:
    it is shown as old, not dropped)."""
    conn.execute("DELETE FROM rates WHERE base <> ?", (base,))
    conn.executemany(
        "INSERT OR REPLACE INTO rates (currency, rate, base, fetched_on) VALUES (?,?,?,?)",
        [(code, rate, base, day) for code, rate in rates.items()],
    )
    conn.execute("INSERT OR REPLACE INTO rates (currency, rate, base, fetched_on) VALUES (?,?,?,?)", (base, 1.0, base, day))


def default_currency(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT json_extract(data, '$.default_currency') FROM users WHERE is_you = 1").fetchone()
    return str(row[0]) if row and row[0] else None


def day_cached(conn: sqlite3.Connection, key: str, today: str) -> str | None:
    """The JSON kept under `key` if fetched today."""
    row = conn.execute("SELECT data FROM day_cache WHERE key = ? AND fetched_on >= ?", (key, today)).fetchone()
    return str(row[0]) if row else None


def day_any(conn: sqlite3.Connection, key: str) -> tuple[str, str] | None:
    """(JSON, day) kept under `key`, of whatever day (offline)."""
    row = conn.execute("SELECT data, fetched_on FROM day_cache WHERE key = ?", (key,)).fetchone()
    return (str(row[0]), str(row[1])) if row else None


def day_save(conn: sqlite3.Connection, key: str, today: str, data: str) -> None:
    conn.execute("INSERT OR REPLACE INTO day_cache (key, fetched_on, data) VALUES (?,?,?)", (key, today, data))
