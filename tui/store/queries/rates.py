"""The rates in the cache (tui/store/rates.py writes them) and converted amounts."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Rates:
    base: str | None  # the user's default currency (None: no rates yet)
    rates: dict[str, float] = field(default_factory=dict)
    days: dict[str, str] = field(default_factory=dict)  # currency -> day its rate was fetched
    today: str = ""

    def convert(self, value: float, currency: str | None) -> float | None:
        rate = self.rates.get(currency or "")
        return None if rate is None else value * rate

    def stale(self, currency: str | None) -> bool:
        """Its rate is older than a day (or missing)."""
        day = self.days.get(currency or "")
        return day is None or day < self.today

    def total(self, amounts: dict[str, float]) -> tuple[float, list[str]]:
        """(the converted sum, the currencies without a rate, left out of it)."""
        out, missing = 0.0, []
        for code, value in amounts.items():
            converted = self.convert(value, code)
            if converted is None:
                missing.append(code)
            else:
                out += converted
        return out, sorted(missing)

    def label(self, currencies: list[str]) -> str:
        """What a total of these currencies must say about its rates ("" when all are today's)."""
        missing = [c for c in currencies if c not in self.rates]
        old = sorted({self.days[c] for c in currencies if c in self.days and self.days[c] < self.today})
        parts = []
        if missing:
            parts.append("no rate: " + " ".join(sorted(missing)))
        if old:
            parts.append(f"rates of {old[0]}")
        return "; ".join(parts)

    def sql_case(self, column: str = "d.value", currency: str = "d.currency") -> str:
        """A SQL expression of the converted value (NULL for a currency without a rate): the
        rates are written into it as numbers, so no join is needed (the board's indexes stay)."""
        if not self.rates:
            return "NULL"
        whens = " ".join(f"WHEN '{code.replace(chr(39), chr(39) * 2)}' THEN {rate!r}" for code, rate in sorted(self.rates.items()))
        return f"({column} * CASE {currency} {whens} END)"


def rates(conn: sqlite3.Connection, today: str) -> Rates:
    rows = conn.execute("SELECT currency, rate, base, fetched_on FROM rates").fetchall()
    if not rows:
        return Rates(None, {}, {}, today)
    base = rows[0][2]
    return Rates(base, {r[0]: float(r[1]) for r in rows}, {r[0]: str(r[3]) for r in rows}, today)
