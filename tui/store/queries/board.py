"""Board data: deal cards with derived facts, stage summaries, pickers' lists."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tui.store.queries import board_text
from tui.store.queries.kept import kept
from tui.store.queries.board_base import (
    SORTS,
    SORT_LABELS,
    DealCard,
    StageSummary,
    _CARDS,
    ORDER,
    BoardQuery,
    _Facts,
    _order,
    finish_summaries,
    BoardWindow,
)

# the board's types live in board_base.py (shared with board_text.py); callers keep finding them here
__all__ = ["SORTS", "SORT_LABELS", "DealCard", "StageSummary", "ORDER", "BoardQuery", "finish_summaries", "BoardWindow"]


@dataclass(frozen=True)
class PipelineRow:
    id: int
    name: str
    probability_enabled: bool


@dataclass(frozen=True)
class StageRow:
    id: int
    name: str
    pipeline_id: int
    order_nr: int
    deal_probability: int | None
    rot_enabled: bool
    days_to_rotten: int | None


@dataclass(frozen=True)
class UserRow:
    id: int
    name: str
    is_you: bool


@dataclass(frozen=True)
class CurrencyRow:
    code: str
    symbol: str | None
    decimal_points: int


def stage_cards(
    conn: sqlite3.Connection, query: BoardQuery, stage_id: int, *, now: datetime, offset: int = 0, limit: int = 64
) -> list[DealCard]:
    """The cards of one stage from `offset`, in the board's order (the window on screen)."""
    if query.text.strip():
        return board_text.stage_slice(conn, query, stage_id, now=now, offset=offset, limit=limit)
    where, params = query.where(alias_joins=True, conn=conn)
    sql = f"{_CARDS}{where} AND d.stage_id = ? ORDER BY {_order(conn, query)} LIMIT ? OFFSET ?"
    cursor = conn.execute(sql, [*params, stage_id, limit, offset])
    cursor.row_factory = None
    facts = _Facts(conn, now)
    return [facts.card(row) for row in cursor]


def stage_summaries(conn: sqlite3.Connection, query: BoardQuery, stage_ids: list[int] | None = None) -> dict[int, StageSummary]:
    """Per stage: count, total and weighted total per currency (not converted), in SQL.
    Without a text filter this reads only the deals_summary index (no table, no joins); the
    stage's probability is applied per group in Python."""
    summaries = kept(
        conn, ("stage_summaries", query, tuple(stage_ids) if stage_ids is not None else None), lambda: _summaries(conn, query, stage_ids)
    )
    return dict(summaries)


def _summaries(conn: sqlite3.Connection, query: BoardQuery, stage_ids: list[int] | None) -> dict[int, StageSummary]:
    where, params = query.where(alias_joins=False, conn=conn)
    sql = f"""SELECT d.stage_id, d.currency, COUNT(*), SUM(d.value),
                     SUM(CASE WHEN d.probability IS NOT NULL THEN d.value * d.probability / 100.0 END),
                     SUM(CASE WHEN d.probability IS NULL THEN d.value END)
                FROM deals d {where}"""
    if stage_ids is not None:
        sql += f" AND d.stage_id IN ({','.join('?' * len(stage_ids))})"
        params = [*params, *stage_ids]
    sql += " GROUP BY d.stage_id, d.currency"
    pipeline = conn.execute("SELECT probability_enabled FROM pipelines WHERE id = ?", (query.pipeline_id,)).fetchone()
    enabled = bool(pipeline and pipeline[0])
    stage_prob = {r[0]: r[1] for r in conn.execute("SELECT id, deal_probability FROM stages WHERE pipeline_id = ?", (query.pipeline_id,))}
    return finish_summaries(conn.execute(sql, params), enabled, stage_prob)


def card_position(conn: sqlite3.Connection, query: BoardQuery, deal_id: int) -> tuple[int, int] | None:
    """(stage id, index in its column) of a deal on this board, or None if not shown."""
    where, params = query.where(alias_joins=True, conn=conn)
    row = conn.execute(
        f"SELECT d.stage_id FROM deals d LEFT JOIN persons p ON p.id = d.person_id "
        f"LEFT JOIN organizations o ON o.id = d.org_id {where} AND d.id = ?",
        [*params, deal_id],
    ).fetchone()
    if row is None or row[0] is None:
        return None
    stage_id = row[0]
    ids = conn.execute(
        f"SELECT d.id FROM deals d LEFT JOIN persons p ON p.id = d.person_id LEFT JOIN organizations o "
        f"ON o.id = d.org_id {where} AND d.stage_id = ? ORDER BY {_order(conn, query)}",
        [*params, stage_id],
    )
    ids.row_factory = None
    for index, (found,) in enumerate(ids):
        if found == deal_id:
            return stage_id, index
    return None


def deal_cards(
    conn: sqlite3.Connection,
    pipeline_id: int,
    *,
    now: datetime,
    status: str | None = "open",
    owner_id: int | None = None,
    text: str | None = None,
    sort: str = "urgency",
    where: str | None = None,
    params: tuple[object, ...] = (),
) -> list[DealCard]:
    """Every card of a pipeline (tests, small boards); the board itself reads windows."""
    query = BoardQuery(pipeline_id, status, owner_id, text or "", sort, where, tuple(params))
    sql, args = query.where(alias_joins=True, conn=conn)
    cursor = conn.execute(f"{_CARDS}{sql} ORDER BY d.stage_id, {_order(conn, query)}", args)
    cursor.row_factory = None
    facts = _Facts(conn, now)
    cards = [facts.card(row) for row in cursor]
    rates = {str(r[0]): float(r[1]) for r in conn.execute("SELECT currency, rate FROM rates")} if sort == "value" else None
    sort_cards(cards, sort, rates)
    return cards


def sort_cards(cards: list[DealCard], sort: str, rates: dict[str, float] | None = None) -> None:
    """In place. urgency = Pipedrive's default: overdue, today, later (by due), none; ties newest first.
    value: converted at `rates` when there are any (a currency without a rate last)."""
    cards.sort(key=lambda c: c.add_time or "", reverse=True)  # stable: newest first within ties
    if sort == "value" and rates:
        cards.sort(key=lambda c: (c.currency not in rates, -(c.value or 0) * rates.get(c.currency or "", 0.0), -(c.value or 0)))
    elif sort == "value":
        # amounts in different currencies are not comparable (Pipedrive's API gives no rates):
        # the pipeline's most used currency first, each by value
        used: dict[str | None, int] = {}
        for c in cards:
            used[c.currency] = used.get(c.currency, 0) + 1
        cards.sort(key=lambda c: (-used[c.currency], c.currency or "", -c.value))
    elif sort == "close_date":
        cards.sort(key=lambda c: c.expected_close_date or "9999-99-99")
    elif sort == "updated":
        cards.sort(key=lambda c: c.update_time or "", reverse=True)
    elif sort == "value":
        pass
    else:  # as ORDER["urgency"] orders in SQL: an all-day activity after the day's timed ones
        cards.sort(key=lambda c: (c.activity.urgency, _due_key(c.next_due)))


def _due_key(next_due: str | None) -> str:
    """deals.next_due_key in Python (schema v5): no activity last, all day after the timed."""
    if not next_due:
        return "~"
    return next_due.rstrip() + " ~" if len(next_due.rstrip()) == 10 else next_due


def summarize(cards: list[DealCard]) -> dict[int, StageSummary]:
    """Per stage: count, total and weighted total per currency (not converted)."""
    out: dict[int, StageSummary] = {}
    for c in cards:
        if c.stage_id is None:
            continue
        s = out.setdefault(c.stage_id, StageSummary())
        s.count += 1
        cur = c.currency or "?"
        s.totals[cur] = s.totals.get(cur, 0.0) + c.value
        s.weighted[cur] = s.weighted.get(cur, 0.0) + c.weighted
        s.counts[cur] = s.counts.get(cur, 0) + 1
    return out


def pipelines(conn: sqlite3.Connection) -> list[PipelineRow]:
    return [
        PipelineRow(r["id"], r["name"], bool(r["probability_enabled"]))
        for r in conn.execute("SELECT * FROM pipelines WHERE is_deleted = 0 ORDER BY order_nr, id")
    ]


def stages(conn: sqlite3.Connection, pipeline_id: int) -> list[StageRow]:
    return [
        StageRow(r["id"], r["name"], r["pipeline_id"], r["order_nr"], r["deal_probability"], bool(r["rot_enabled"]), r["days_to_rotten"])
        for r in conn.execute("SELECT * FROM stages WHERE pipeline_id = ? AND is_deleted = 0 ORDER BY order_nr, id", (pipeline_id,))
    ]


def users(conn: sqlite3.Connection) -> list[UserRow]:
    return [
        UserRow(r["id"], r["name"], bool(r["is_you"]))
        for r in conn.execute("SELECT id, name, is_you FROM users WHERE active = 1 ORDER BY is_you DESC, name")
    ]


def currencies(conn: sqlite3.Connection) -> dict[str, CurrencyRow]:
    return {
        r["code"]: CurrencyRow(r["code"], r["symbol"], r["decimal_points"])
        for r in conn.execute("SELECT code, symbol, decimal_points FROM currencies")
    }


def recent_lost_reasons(conn: sqlite3.Connection, limit: int = 8) -> list[str]:
    rows = conn.execute(
        """SELECT lost_reason, MAX(COALESCE(lost_time, update_time)) AS t FROM deals
            WHERE status = 'lost' AND lost_reason IS NOT NULL AND TRIM(lost_reason) <> ''
            GROUP BY lost_reason ORDER BY t DESC LIMIT ?""",
        (limit,),
    )
    return [r[0] for r in rows]


def deal_stage(conn: sqlite3.Connection, deal_id: int) -> tuple[int | None, str | None, str | None]:
    """(stage_id, status, title) of one deal."""
    r = conn.execute("SELECT stage_id, status, title FROM deals WHERE id = ?", (deal_id,)).fetchone()
    return (r[0], r[1], r[2]) if r else (None, None, None)


def stage_choices(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """Every stage as "Pipeline › Stage", pipelines and stages in their order (for forms)."""
    return [
        (f"{r[0]} › {r[1]}", r[2])
        for r in conn.execute(
            """SELECT p.name, s.name, s.id FROM stages s JOIN pipelines p ON p.id = s.pipeline_id
            WHERE s.is_deleted = 0 AND p.is_deleted = 0 ORDER BY p.order_nr, p.id, s.order_nr, s.id"""
        )
    ]


def board_window(
    conn: sqlite3.Connection,
    query: BoardQuery,
    *,
    now: datetime,
    wants: dict[int, set[int]],
    follow: int | None = None,
    block: int = 64,
    only: list[int] | None = None,
) -> BoardWindow:
    """`wants`: the blocks each stage shows; `only`: reload just these stages (one deal moved).
    With a text, the deals are matched in memory (queries/board_text.py)."""
    if query.text.strip():
        return board_text.window(conn, query, now=now, wants=wants, follow=follow, block=block, only=only)
    summaries = stage_summaries(conn, query, only)
    position = card_position(conn, query, follow) if follow is not None else None
    wants = {sid: set(bs) for sid, bs in wants.items()}
    if position is not None:
        wants.setdefault(position[0], set()).add(position[1] // block)
    blocks = {
        sid: {b: stage_cards(conn, query, sid, now=now, offset=b * block, limit=block) for b in sorted(bs)}
        for sid, bs in wants.items()
        if only is None or sid in only
    }
    return BoardWindow(summaries, position, blocks)


def stages_of(conn: sqlite3.Connection, deal_ids: list[int]) -> dict[int, int | None]:
    """The stage each of these deals is in now (None: gone from the cache)."""
    found = {r[0]: r[1] for r in conn.execute(f"SELECT id, stage_id FROM deals WHERE id IN ({','.join('?' * len(deal_ids))})", deal_ids)}
    return {i: found.get(i) for i in deal_ids}


def stage_deal_ids(conn: sqlite3.Connection, query: BoardQuery, stage_id: int) -> list[int]:
    """Every deal id of a column as the board shows it (marking a whole column)."""
    where, params = query.where(alias_joins=True, conn=conn)
    cursor = conn.execute(
        f"SELECT d.id FROM deals d LEFT JOIN persons p ON p.id = d.person_id LEFT JOIN organizations o "
        f"ON o.id = d.org_id {where} AND d.stage_id = ?",
        [*params, stage_id],
    )
    cursor.row_factory = None
    return [r[0] for r in cursor]


def deals_brief(conn: sqlite3.Connection, deal_ids: list[int]) -> list[dict[str, Any]]:
    """id, title, status, stage, owner, person and organization of these deals (bulk actions)."""
    out: list[dict[str, Any]] = []
    for i in range(0, len(deal_ids), 500):
        chunk = deal_ids[i : i + 500]
        out += [
            dict(r)
            for r in conn.execute(
                f"SELECT id, title, status, stage_id, pipeline_id, owner_id, person_id, org_id FROM deals "
                f"WHERE id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
        ]
    return out
