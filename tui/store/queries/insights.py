"""Insights from the cache (issue 27), in SQL, 0 tokens: won and lost per month, the stage
funnel, lost reasons, days to win, win rate by owner, activities done per week by type, and
the deals behind any bar (drill-down). Amounts come per currency; the screen converts them
with the day's rates (queries/rates.py), so a currency without a rate is named, not guessed.

The funnel is computed from the cache, not from /pipelines/{id}/conversion_statistics (40
tokens per pipeline, per period, per owner): a deal added in the period has reached the stage
it is in (or was lost in) and every one before it; a won deal went through them all. That is
the pipeline's own order, as Pipedrive's conversion report counts it, for any period, owner
or pipeline offline; a deal moved back counts at the stage it is in now.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date, timedelta

from tui.store.queries.forecast import month_start


@dataclass(frozen=True)
class InsightFilter:
    pipeline_id: int | None
    owner_id: int | None
    start: str  # YYYY-MM-DD, inclusive
    end: str  # YYYY-MM-DD, inclusive

    def deals(self, alias: str = "d") -> tuple[str, list[object]]:
        sql = ""
        params: list[object] = []
        if self.pipeline_id is not None:
            sql += f" AND {alias}.pipeline_id = ?"
            params.append(self.pipeline_id)
        if self.owner_id is not None:
            sql += f" AND {alias}.owner_id = ?"
            params.append(self.owner_id)
        return sql, params

    @property
    def after_end(self) -> str:
        return (date.fromisoformat(self.end) + timedelta(days=1)).isoformat()


PERIODS = ("month", "quarter", "year", "12 months")


def period(kind: str, today: str) -> tuple[str, str]:
    """(start, end) of this month, quarter, year or the last 12 months (to today)."""
    day = date.fromisoformat(today)
    if kind == "month":
        lo = day.replace(day=1)
        return lo.isoformat(), (month_start(lo, 1) - timedelta(days=1)).isoformat()
    if kind == "quarter":
        lo = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
        return lo.isoformat(), (month_start(lo, 3) - timedelta(days=1)).isoformat()
    if kind == "year":
        return date(day.year, 1, 1).isoformat(), date(day.year, 12, 31).isoformat()
    return month_start(day, -11).isoformat(), today


@dataclass
class Amounts:
    """A count and its amounts per currency (converted by the screen)."""

    count: int = 0
    totals: dict[str, float] = field(default_factory=dict)

    def add(self, currency: str | None, count: int, total: float | None) -> None:
        self.count += count
        code = currency or "?"
        self.totals[code] = self.totals.get(code, 0.0) + (total or 0.0)


@dataclass
class MonthRow:
    month: str  # YYYY-MM
    won: Amounts
    lost: Amounts


def won_lost_by_month(conn: sqlite3.Connection, filt: InsightFilter, months: int = 12) -> list[MonthRow]:
    """The `months` months up to the filter's end month: deals won and lost in each."""
    last = date.fromisoformat(filt.end).replace(day=1)
    first = month_start(last, -(months - 1))
    after = month_start(last, 1).isoformat()
    rows = {
        month_start(first, n).isoformat()[:7]: MonthRow(month_start(first, n).isoformat()[:7], Amounts(), Amounts()) for n in range(months)
    }
    extra, params = filt.deals()
    for status, column in (("won", "won_time"), ("lost", "lost_time")):
        sql = f"""SELECT substr(d.{column}, 1, 7), d.currency, COUNT(*), SUM(d.value) FROM deals d
                   WHERE d.status = ? AND d.{column} >= ? AND d.{column} < ?{extra} GROUP BY 1, 2"""
        for month, currency, count, total in conn.execute(sql, [status, first.isoformat(), after, *params]):
            row = rows.get(month)
            if row is not None:
                getattr(row, status).add(currency, count, total)
    return list(rows.values())


@dataclass
class FunnelStage:
    stage_id: int
    name: str
    reached: int
    conversion: float | None  # to the next stage, percent (None for the last)


@dataclass
class Funnel:
    stages: list[FunnelStage]
    deals: int
    won: int
    lost: int


def funnel(conn: sqlite3.Connection, filt: InsightFilter) -> Funnel:
    """The pipeline's deals added in the period, by how far they got (see the module's note)."""
    if filt.pipeline_id is None:
        return Funnel([], 0, 0, 0)
    stages = conn.execute(
        "SELECT id, name FROM stages WHERE pipeline_id = ? AND is_deleted = 0 ORDER BY order_nr, id", (filt.pipeline_id,)
    ).fetchall()
    order = {row[0]: i for i, row in enumerate(stages)}
    at = [0] * len(stages)
    extra, params = filt.deals()
    won = lost = total = 0
    sql = f"""SELECT d.status, d.stage_id, COUNT(*) FROM deals d
               WHERE d.add_time >= ? AND d.add_time < ?{extra} GROUP BY 1, 2"""
    for status, stage_id, count in conn.execute(sql, [filt.start, filt.after_end, *params]):
        total += count
        won += count if status == "won" else 0
        lost += count if status == "lost" else 0
        if not stages:
            continue
        index = len(stages) - 1 if status == "won" else order.get(stage_id, 0)
        at[index] += count
    reached = [sum(at[i:]) for i in range(len(stages))]
    out = [
        FunnelStage(
            row[0], row[1], reached[i], (100.0 * reached[i + 1] / reached[i] if reached[i] else 0.0) if i + 1 < len(stages) else None
        )
        for i, row in enumerate(stages)
    ]
    return Funnel(out, total, won, lost)


@dataclass
class ReasonRow:
    reason: str
    amounts: Amounts


def lost_reasons(conn: sqlite3.Connection, filt: InsightFilter) -> list[ReasonRow]:
    """Deals lost in the period by reason, most frequent first."""
    extra, params = filt.deals()
    rows: dict[str, ReasonRow] = {}
    sql = f"""SELECT COALESCE(NULLIF(TRIM(d.lost_reason), ''), '(no reason)'), d.currency, COUNT(*), SUM(d.value) FROM deals d
               WHERE d.status = 'lost' AND d.lost_time >= ? AND d.lost_time < ?{extra} GROUP BY 1, 2"""
    for reason, currency, count, total in conn.execute(sql, [filt.start, filt.after_end, *params]):
        rows.setdefault(reason, ReasonRow(reason, Amounts())).amounts.add(currency, count, total)
    return sorted(rows.values(), key=lambda r: (-r.amounts.count, r.reason))


@dataclass
class OwnerRow:
    owner_id: int | None
    name: str
    won: int
    lost: int
    days_to_win: float | None  # average days from added to won

    @property
    def win_rate(self) -> float | None:
        closed = self.won + self.lost
        return 100.0 * self.won / closed if closed else None


def by_owner(conn: sqlite3.Connection, filt: InsightFilter) -> list[OwnerRow]:
    """Per owner, deals closed in the period: won, lost, the win rate and the average days to win."""
    extra, params = filt.deals()
    sql = f"""SELECT d.owner_id, COALESCE(u.name, '?'),
                     SUM(d.status = 'won'), SUM(d.status = 'lost'),
                     AVG(CASE WHEN d.status = 'won' THEN julianday(d.won_time) - julianday(d.add_time) END)
                FROM deals d LEFT JOIN users u ON u.id = d.owner_id
               WHERE d.status IN ('won', 'lost') AND d.close_time >= ? AND d.close_time < ?{extra}
               GROUP BY d.owner_id ORDER BY 3 DESC, 2"""
    return [OwnerRow(r[0], r[1], r[2] or 0, r[3] or 0, r[4]) for r in conn.execute(sql, [filt.start, filt.after_end, *params])]


def days_to_win(conn: sqlite3.Connection, filt: InsightFilter) -> tuple[float | None, int]:
    """(average days from added to won, deals won) over the period."""
    extra, params = filt.deals()
    row = conn.execute(
        f"""SELECT AVG(julianday(d.won_time) - julianday(d.add_time)), COUNT(*) FROM deals d
             WHERE d.status = 'won' AND d.won_time >= ? AND d.won_time < ?{extra}""",
        [filt.start, filt.after_end, *params],
    ).fetchone()
    return (row[0], row[1]) if row else (None, 0)


@dataclass
class WeekRow:
    week: str  # the Monday, YYYY-MM-DD
    by_type: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_type.values())


def activities_per_week(conn: sqlite3.Connection, filt: InsightFilter, weeks: int = 12) -> list[WeekRow]:
    """Activities marked done in each of the `weeks` weeks up to the period's end, by type
    (the owner filter applies; activities belong to no pipeline)."""
    end = date.fromisoformat(filt.end)
    last_monday = end - timedelta(days=end.weekday())
    first = last_monday - timedelta(weeks=weeks - 1)
    rows = {(first + timedelta(weeks=n)).isoformat(): WeekRow((first + timedelta(weeks=n)).isoformat(), {}) for n in range(weeks)}
    # counted by day and type in SQL (a covering range of activities_done_time); the week and
    # the type's name are found here for those few hundred rows, not for every activity
    sql = """SELECT substr(a.marked_as_done_time, 1, 10), a.type, COUNT(*) FROM activities a
              WHERE a.done = 1 AND a.marked_as_done_time >= ? AND a.marked_as_done_time < ?"""
    params: list[object] = [first.isoformat(), (last_monday + timedelta(days=7)).isoformat()]
    if filt.owner_id is not None:
        sql += " AND a.owner_id = ?"
        params.append(filt.owner_id)
    names: dict[str, str | None] = dict(conn.execute("SELECT key_string, name FROM activity_types").fetchall())
    for day, kind, count in conn.execute(sql + " GROUP BY 1, 2", params):
        try:
            when = date.fromisoformat(day)
        except (TypeError, ValueError):
            continue
        row = rows.get((when - timedelta(days=when.weekday())).isoformat())
        if row is not None:
            name = names.get(kind)
            label = name if name is not None else kind
            row.by_type[label] = row.by_type.get(label, 0) + count
    return list(rows.values())


# -- drill-down ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Drill:
    """Which deals a bar stands for: kind is won_month / lost_month (key YYYY-MM), stage (key:
    a stage id, the deals that reached it), reason (key: the lost reason), owner (key: user id,
    closed deals), forecast (key: a forecast column)."""

    kind: str
    key: str
    filt: InsightFilter
    title: str


@dataclass(frozen=True)
class DrillRow:
    id: int
    title: str
    status: str
    value: float
    currency: str | None
    stage: str | None
    owner: str | None
    day: str | None  # the day that put it in the bar (won, lost, added)


def drill_deals(conn: sqlite3.Connection, drill: Drill, limit: int = 2000) -> list[DrillRow]:
    """The deals behind one bar, newest first."""
    filt = drill.filt
    extra, params = filt.deals()
    args: list[object]
    if drill.kind in ("won_month", "lost_month"):
        status = drill.kind.split("_")[0]
        first = date.fromisoformat(drill.key + "-01")
        cond, args = (
            f"d.status = '{status}' AND d.{status}_time >= ? AND d.{status}_time < ?",
            [first.isoformat(), month_start(first, 1).isoformat()],
        )
        day = f"d.{status}_time"
    elif drill.kind == "stage":
        orders = conn.execute(
            "SELECT id FROM stages WHERE pipeline_id = ? AND is_deleted = 0 ORDER BY order_nr, id", (filt.pipeline_id,)
        ).fetchall()
        ids = [r[0] for r in orders]
        later = ids[ids.index(int(drill.key)) :] if int(drill.key) in ids else []
        marks = ",".join("?" * len(later)) or "NULL"
        cond = f"d.add_time >= ? AND d.add_time < ? AND (d.status = 'won' OR d.stage_id IN ({marks}))"
        args = [filt.start, filt.after_end, *later]
        day = "d.add_time"
    elif drill.kind == "reason":
        cond = "d.status = 'lost' AND d.lost_time >= ? AND d.lost_time < ? AND COALESCE(NULLIF(TRIM(d.lost_reason), ''), '(no reason)') = ?"
        args, day = [filt.start, filt.after_end, drill.key], "d.lost_time"
    elif drill.kind == "owner":
        cond = "d.status IN ('won', 'lost') AND d.close_time >= ? AND d.close_time < ? AND d.owner_id IS ?"
        args, day = [filt.start, filt.after_end, int(drill.key) if drill.key else None], "d.close_time"
    else:
        raise ValueError(f"unknown drill {drill.kind}")
    sql = f"""SELECT d.id, d.title, d.status, d.value, d.currency, s.name, u.name, substr({day}, 1, 10) FROM deals d
                LEFT JOIN stages s ON s.id = d.stage_id LEFT JOIN users u ON u.id = d.owner_id
               WHERE {cond}{extra} ORDER BY {day} DESC, d.id LIMIT ?"""
    return [DrillRow(*r) for r in conn.execute(sql, [*args, *params, limit])]
