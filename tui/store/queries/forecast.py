"""The Forecast (issue 27), as Pipedrive's Forecast view: a pipeline's open deals by month of
expected close date (this month and the next five), plus "overdue" (expected before today)
and "no date"; a month's won deals are in it by the day they were won. Totals per column in
each currency and weighted by probability (the deal's, else its stage's, when the pipeline
weights values; a won deal counts whole), converted by the screen with the day's rates."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from tui.store.queries.board import CurrencyRow, PipelineRow, currencies, pipelines
from tui.store.queries.board_base import _CARDS, DealCard, _Facts
from tui.store.queries.rates import Rates, rates

OVERDUE, NO_DATE = "overdue", "none"
MONTHS = 6

_WEIGHT = (
    "CASE WHEN d.status = 'won' THEN 100 WHEN pl.probability_enabled THEN COALESCE(d.probability, s.deal_probability, 100) ELSE 100 END"
)
_ORDER = "CASE WHEN d.status = 'won' THEN 0 ELSE 1 END, COALESCE(d.expected_close_date, '9999-99-99'), d.value DESC, d.id"


@dataclass(frozen=True)
class ForecastQuery:
    pipeline_id: int
    owner_id: int | None
    today: str  # YYYY-MM-DD, the user's day


@dataclass
class ColumnSummary:
    count: int = 0
    won: int = 0
    totals: dict[str, float] = field(default_factory=dict)
    weighted: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def currencies(self) -> list[str]:
        return sorted(self.totals, key=lambda c: (-self.counts.get(c, 0), c))


def month_start(day: date, ahead: int = 0) -> date:
    index = day.year * 12 + day.month - 1 + ahead
    return date(index // 12, index % 12 + 1, 1)


def buckets(today: str) -> list[str]:
    """The column keys, left to right: overdue, six months (YYYY-MM), no date."""
    day = date.fromisoformat(today)
    return [OVERDUE, *(month_start(day, n).isoformat()[:7] for n in range(MONTHS)), NO_DATE]


def shift_month(day: str, months: int) -> str:
    """The same day `months` later (the last of the month when it has fewer days)."""
    d = date.fromisoformat(day[:10])
    first = month_start(d, months)
    last = month_start(first, 1) - timedelta(days=1)
    return first.replace(day=min(d.day, last.day)).isoformat()


def _where(query: ForecastQuery) -> tuple[str, list[object]]:
    sql = " WHERE d.pipeline_id = ?"
    params: list[object] = [query.pipeline_id]
    if query.owner_id is not None:
        sql += " AND d.owner_id = ?"
        params.append(query.owner_id)
    return sql, params


def bucket_condition(key: str, today: str) -> tuple[str, list[object]]:
    """The deals of one column, as SQL over deals d."""
    if key == OVERDUE:
        return "d.status = 'open' AND d.expected_close_date < ?", [today]
    if key == NO_DATE:
        return "d.status = 'open' AND d.expected_close_date IS NULL", []
    first = date.fromisoformat(key + "-01")
    after = month_start(first, 1).isoformat()
    low = max(first.isoformat(), today)
    return (
        "((d.status = 'open' AND d.expected_close_date >= ? AND d.expected_close_date < ?)"
        " OR (d.status = 'won' AND d.won_time >= ? AND d.won_time < ?))",
        [low, after, first.isoformat(), after],
    )


def summaries(conn: sqlite3.Connection, query: ForecastQuery) -> dict[str, ColumnSummary]:
    """Per column: count, won count, totals and weighted totals per currency, in one SQL read."""
    where, params = _where(query)
    keys = buckets(query.today)
    first = keys[1] + "-01"
    sql = f"""SELECT CASE WHEN d.status = 'won' THEN substr(d.won_time, 1, 7)
                          WHEN d.expected_close_date IS NULL THEN '{NO_DATE}'
                          WHEN d.expected_close_date < ? THEN '{OVERDUE}'
                          ELSE substr(d.expected_close_date, 1, 7) END AS bucket,
                     d.currency, d.status = 'won', COUNT(*), SUM(d.value), SUM(d.value * ({_WEIGHT}) / 100.0)
                FROM deals d LEFT JOIN stages s ON s.id = d.stage_id LEFT JOIN pipelines pl ON pl.id = d.pipeline_id
                {where} AND (d.status = 'open' OR (d.status = 'won' AND d.won_time >= ?))
               GROUP BY 1, 2, 3"""
    out = {key: ColumnSummary() for key in keys}
    for bucket, currency, won, count, total, weighted in conn.execute(sql, [query.today, *params, first]):
        summary = out.get(bucket)
        if summary is None:
            continue  # beyond the six months
        code = currency or "?"
        summary.count += count
        summary.won += count if won else 0
        summary.totals[code] = summary.totals.get(code, 0.0) + (total or 0.0)
        summary.weighted[code] = summary.weighted.get(code, 0.0) + (weighted or 0.0)
        summary.counts[code] = summary.counts.get(code, 0) + count
    return out


_BY_DATE = "d.expected_close_date, d.value DESC, d.id"  # open deals: walks the deals_forecast index in order


def _open_condition(key: str, today: str) -> tuple[str, list[object], str]:
    """The open deals of a column: the condition, its arguments, their order."""
    if key == OVERDUE:
        return "d.status = 'open' AND d.expected_close_date < ?", [today], _BY_DATE
    if key == NO_DATE:
        return "d.status = 'open' AND d.expected_close_date IS NULL", [], "d.value DESC, d.id"
    first = date.fromisoformat(key + "-01")
    return (
        "d.status = 'open' AND d.expected_close_date >= ? AND d.expected_close_date < ?",
        [max(first.isoformat(), today), month_start(first, 1).isoformat()],
        _BY_DATE,
    )


def _won_condition(key: str) -> tuple[str, list[object]] | None:
    if key in (OVERDUE, NO_DATE):
        return None
    first = date.fromisoformat(key + "-01")
    return "d.status = 'won' AND d.won_time >= ? AND d.won_time < ?", [first.isoformat(), month_start(first, 1).isoformat()]


def column_cards(
    conn: sqlite3.Connection,
    query: ForecastQuery,
    key: str,
    *,
    now: datetime,
    offset: int = 0,
    limit: int = 64,
    won: int | None = None,
) -> list[DealCard]:
    """The cards of one column from `offset`: the month's won deals first, then the open ones by
    expected close date (two reads, so the open deals' read walks an index in order and stops
    after `limit` rows instead of sorting the whole column). `won`: how many won deals the
    column has, when the caller knows (its summary)."""
    where, params = _where(query)
    facts = _Facts(conn, now)
    out: list[DealCard] = []
    won_part = _won_condition(key)
    if won_part is not None:
        condition, extra = won_part
        if won is None:
            won = conn.execute(f"SELECT COUNT(*) FROM deals d{where} AND {condition}", [*params, *extra]).fetchone()[0]
        if offset < won:
            cursor = conn.execute(
                f"{_CARDS}{where} AND {condition} ORDER BY COALESCE(d.expected_close_date, '9999-99-99'), d.value DESC, d.id"
                " LIMIT ? OFFSET ?",
                [*params, *extra, min(limit, won - offset), offset],
            )
            cursor.row_factory = None
            out = [facts.card(row) for row in cursor]
    skip = max(0, offset - (won or 0))
    if len(out) < limit:
        condition, extra, order = _open_condition(key, query.today)
        sql = f"{_CARDS}{where} AND {condition} ORDER BY {order} LIMIT ? OFFSET ?"
        cursor = conn.execute(sql, [*params, *extra, limit - len(out), skip])
        cursor.row_factory = None
        out += [facts.card(row) for row in cursor]
    return out


@dataclass
class ForecastWindow:
    summaries: dict[str, ColumnSummary]
    blocks: dict[str, dict[int, list[DealCard]]]
    follow: tuple[str, int] | None  # (column, index) of a followed deal


def window(
    conn: sqlite3.Connection, query: ForecastQuery, *, now: datetime, wants: dict[str, set[int]], follow: int | None = None, block: int = 64
) -> ForecastWindow:
    """Everything a (re)load shows: the summaries, the blocks of cards in view, where a deal is."""
    sums = summaries(conn, query)
    position = position_of(conn, query, follow) if follow is not None else None
    wants = {k: set(v) for k, v in wants.items()}
    if position is not None:
        wants.setdefault(position[0], set()).add(position[1] // block)
    blocks = {
        k: {b: column_cards(conn, query, k, now=now, offset=b * block, limit=block, won=sums[k].won) for b in sorted(bs)}
        for k, bs in wants.items()
    }
    return ForecastWindow(sums, blocks, position)


def position_of(conn: sqlite3.Connection, query: ForecastQuery, deal_id: int) -> tuple[str, int] | None:
    """(column, index) of a deal in the forecast, or None when it is not in it."""
    where, params = _where(query)
    for key in buckets(query.today):
        condition, extra = bucket_condition(key, query.today)
        found = conn.execute(f"SELECT 1 FROM deals d{where} AND d.id = ? AND {condition}", [*params, deal_id, *extra]).fetchone()
        if found:
            ids = conn.execute(f"SELECT d.id FROM deals d{where} AND {condition} ORDER BY {_ORDER}", [*params, *extra]).fetchall()
            return key, next(i for i, row in enumerate(ids) if row[0] == deal_id)
    return None


@dataclass
class Opening:
    """What the Forecast's first paint needs, read in one go: the pipelines, the day's rates,
    the currencies and the window of the pipeline it opens on (None: no pipeline yet)."""

    pipelines: list[PipelineRow]
    rates: Rates
    currencies: dict[str, CurrencyRow]
    query: ForecastQuery | None
    window: ForecastWindow | None


def opening(
    conn: sqlite3.Connection, pipeline_id: int | None, owner_id: int | None, today: str, *, now: datetime, block: int = 64
) -> Opening:
    """The Forecast's first read: `pipeline_id` (the board's) when it still exists, else the
    first pipeline; every column's first block of cards."""
    found = pipelines(conn)
    ids = [p.id for p in found]
    chosen = pipeline_id if pipeline_id in ids else (ids[0] if ids else None)
    query = ForecastQuery(chosen, owner_id, today) if chosen is not None else None
    shown = window(conn, query, now=now, wants={k: {0} for k in buckets(today)}, block=block) if query is not None else None
    return Opening(found, rates(conn, today), currencies(conn), query, shown)
