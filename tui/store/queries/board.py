"""Board data: deal cards with derived facts, stage summaries, pickers' lists."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable

from tui.store.search_index import fold as search_fold, rowid_range
from tui.store.derived import ActivityStatus, activity_status, rotten_days
from tui.store.sync_plan import loaded

SORTS = ("urgency", "value", "close_date", "updated")
SORT_LABELS = {"urgency": "next activity", "value": "value", "close_date": "expected close", "updated": "last update"}


@dataclass(slots=True)
class DealCard:
    id: int
    title: str
    value: float
    currency: str | None
    stage_id: int | None
    pipeline_id: int | None
    status: str
    owner_id: int | None
    owner_name: str | None
    person_id: int | None
    person_name: str | None
    org_id: int | None
    org_name: str | None
    expected_close_date: str | None
    add_time: str | None
    update_time: str | None
    lost_reason: str | None
    next_due: str | None  # "YYYY-MM-DD HH:MM" (UTC time) or "YYYY-MM-DD"
    activity: ActivityStatus
    rotten: bool
    rotten_days: int
    weighted: float
    pending: bool  # a local edit is waiting to be pushed


@dataclass
class StageSummary:
    count: int = 0
    totals: dict[str, float] = field(default_factory=dict)
    weighted: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    def currencies(self) -> list[str]:
        """Currencies by number of deals (totals are per currency, never converted)."""
        return sorted(self.totals, key=lambda c: (-self.counts.get(c, 0), c))


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


_CARDS = """
SELECT d.id, d.title, d.value, d.currency, d.stage_id, d.pipeline_id, d.status, d.owner_id, d.person_id, d.org_id,
       d.probability, d.expected_close_date, d.add_time, d.update_time, d.lost_reason,
       p.name AS person_name, o.name AS org_name, u.name AS owner_name, d.next_due,
       s.rot_enabled, s.days_to_rotten, s.deal_probability AS stage_probability,
       pl.probability_enabled
  FROM deals d
  LEFT JOIN persons p ON p.id = d.person_id
  LEFT JOIN organizations o ON o.id = d.org_id
  LEFT JOIN users u ON u.id = d.owner_id
  LEFT JOIN stages s ON s.id = d.stage_id
  LEFT JOIN pipelines pl ON pl.id = d.pipeline_id
"""

# A column's order in SQL (the deals_column index serves the default one): Pipedrive's
# next-activity urgency is the order of the next due date (overdue < today < later < none).
ORDER = {
    "urgency": "d.next_due_key, d.add_time DESC, d.id",
    "close_date": "COALESCE(d.expected_close_date, '9999-99-99'), d.add_time DESC, d.id",
    "updated": "d.update_time DESC, d.id",
}


# deals matching a folded text by title, person or organization name: scans of the search
# index's content table (c1 = the entity's id, c2 = its folded name; one rowid range per kind)
_TEXT_SQL = """SELECT d.id FROM deals d
 WHERE d.id IN (SELECT c1 FROM search_index_content WHERE id > ? AND id < ? AND instr(c2, ?) > 0)
    OR d.person_id IN (SELECT c1 FROM search_index_content WHERE id > ? AND id < ? AND instr(c2, ?) > 0)
    OR d.org_id IN (SELECT c1 FROM search_index_content WHERE id > ? AND id < ? AND instr(c2, ?) > 0)"""
_TEXT_IDS: dict[int, tuple[str, int, str]] = {}  # id(connection) -> (text, data_version, ids as JSON)


def _text_params(needle: str) -> list[object]:
    params: list[object] = []
    for kind in ("deal", "person", "organization"):
        lo, hi = rowid_range(kind)
        params += [lo, hi, needle]
    return params


def _text_matches(conn: sqlite3.Connection, needle: str) -> str:
    """The ids of the deals matching `needle`, as a JSON array for json_each(): found once
    and kept while the text and the cache are unchanged (PRAGMA data_version moves when
    another connection commits). The reader connection is query_only, so no temp table."""
    version = conn.execute("PRAGMA data_version").fetchone()[0]
    kept = _TEXT_IDS.get(id(conn))
    if kept is not None and kept[:2] == (needle, version):
        return kept[2]
    ids = json.dumps([row[0] for row in conn.execute(_TEXT_SQL, _text_params(needle))])
    _TEXT_IDS[id(conn)] = (needle, version, ids)
    return ids


@dataclass(frozen=True)
class BoardQuery:
    """What the board shows: a pipeline's deals of one status, maybe one owner's, maybe
    matching a text (title, person or organization; case- and accent-folded)."""

    pipeline_id: int
    status: str | None = "open"  # None: every status (a saved view may say so)
    owner_id: int | None = None
    text: str = ""
    sort: str = "urgency"
    extra: str | None = None  # a saved view's condition over deals d (queries/filters.py)
    extra_params: tuple[object, ...] = ()

    def where(self, alias_joins: bool, conn: sqlite3.Connection | None = None) -> tuple[str, list[object]]:
        """The WHERE clause. With a text, the deals whose title, person or organization
        contains it, from the search index's folded names (tui/store/search_index.py): given
        the connection, they are found once per text and cache version and every statement
        of the board's read then takes them as one JSON parameter (at 100k deals this replaced
        a Python fold() of three names per deal per statement: about 400 ms a statement)."""
        sql = " WHERE d.pipeline_id = ?"
        params: list[object] = [self.pipeline_id]
        if self.status is not None:
            sql += " AND d.status = ?"
            params.append(self.status)
        if self.extra:
            sql += f" AND ({self.extra})"
            params += list(self.extra_params)
        if self.owner_id is not None:
            sql += " AND d.owner_id = ?"
            params.append(self.owner_id)
        needle = search_fold(self.text).strip()
        if needle:
            if conn is not None:
                sql += " AND d.id IN (SELECT value FROM json_each(?))"
                params.append(_text_matches(conn, needle))
            else:
                text_sql, text_params = _TEXT_SQL, _text_params(needle)
                sql += f" AND d.id IN ({text_sql})"
                params += text_params
        return sql, params


class _Facts:
    """The derived facts of a card (activity mark, rotting, weighted value) for one `now`."""

    def __init__(self, conn: sqlite3.Connection, now: datetime) -> None:
        self.now = now
        today = now.date()
        self.today, self.yesterday, self.tomorrow = (
            today.isoformat(),
            (today - timedelta(days=1)).isoformat(),
            (today + timedelta(days=1)).isoformat(),
        )
        self.pending = {r[0] for r in conn.execute("SELECT entity_id FROM outbox WHERE entity = 'deal' AND state = 'pending'")}
        # during the first sync: say "loading" rather than "no activity" / no name
        self.activities_known, self.names_known = loaded(conn, "activities"), loaded(conn, "names")
        self.rot_cutoff: dict[int, str] = {}

    def card(self, row: tuple[Any, ...]) -> DealCard:
        (
            did,
            title,
            value,
            currency,
            stage_id,
            pipeline_id,
            status,
            owner_id,
            person_id,
            org_id,
            probability,
            close_date,
            add_time,
            update_time,
            lost_reason,
            person_name,
            org_name,
            owner_name,
            due,
            rot_enabled,
            days,
            stage_probability,
            probability_enabled,
        ) = row
        if not self.names_known:
            org_name = org_name or ("…" if org_id else None)
            person_name = person_name or ("…" if person_id else None)
        if not due:
            mark = ActivityStatus.NONE if self.activities_known else ActivityStatus.LOADING
        else:
            day, hhmm = due[:10], due[11:].strip()
            # only activities near today can change local day through the UTC due time
            if hhmm and self.yesterday <= day <= self.tomorrow:
                mark = activity_status(day, hhmm, self.now)
            elif day < self.today:
                mark = ActivityStatus.OVERDUE
            elif day > self.today:
                mark = ActivityStatus.LATER
            else:
                mark = ActivityStatus.TODAY
        rot = False
        if rot_enabled and days is not None and status == "open" and update_time:
            cutoff = self.rot_cutoff.get(days)
            if cutoff is None:
                cutoff = self.rot_cutoff[days] = (self.now - timedelta(days=days)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            rot = update_time < cutoff
        if probability_enabled and (probability is not None or stage_probability is not None):
            weighted = (value or 0.0) * float(probability if probability is not None else stage_probability) / 100.0
        else:
            weighted = float(value or 0.0)
        return DealCard(
            did,
            title,
            value or 0.0,
            currency,
            stage_id,
            pipeline_id,
            status,
            owner_id,
            owner_name,
            person_id,
            person_name,
            org_id,
            org_name,
            close_date,
            add_time,
            update_time,
            lost_reason,
            due,
            mark,
            rot,
            rotten_days(days, update_time, self.now) if rot else 0,
            weighted,
            did in self.pending,
        )


def _order(conn: sqlite3.Connection, query: BoardQuery) -> str:
    if query.sort != "value":
        return ORDER.get(query.sort, ORDER["urgency"])
    # amounts in different currencies are not comparable (Pipedrive's API gives no rates):
    # the pipeline's most used currency first, each by value
    ranked = [
        r[0]
        for r in conn.execute(
            "SELECT currency FROM deals WHERE pipeline_id = ? AND status = COALESCE(?, status) GROUP BY currency "
            "ORDER BY COUNT(*) DESC, currency",
            (query.pipeline_id, query.status),
        )
    ]
    rank = " ".join(f"WHEN {_quote(c)} THEN {i}" for i, c in enumerate(ranked) if c is not None)
    return f"CASE d.currency {rank} ELSE {len(ranked)} END, d.value DESC, d.id" if rank else "d.value DESC, d.id"


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def stage_cards(
    conn: sqlite3.Connection, query: BoardQuery, stage_id: int, *, now: datetime, offset: int = 0, limit: int = 64
) -> list[DealCard]:
    """The cards of one stage from `offset`, in the board's order (the window on screen)."""
    if query.text.strip():
        from tui.store.queries import board_text  # it builds on this module

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


def finish_summaries(groups: Iterable[tuple[Any, ...]], enabled: bool, stage_prob: dict[int, int | None]) -> dict[int, StageSummary]:
    """StageSummary per stage from (stage id, currency, count, total, sum of value x probability
    where the deal has one, sum of value where it has none) groups; the stage's probability
    weights the latter when the pipeline weights values."""
    out: dict[int, StageSummary] = {}
    for stage_id, currency, count, total, with_prob, without_prob in groups:
        if stage_id is None:
            continue
        summary = out.setdefault(stage_id, StageSummary())
        cur = currency or "?"
        total = total or 0.0
        if enabled:
            prob = stage_prob.get(stage_id)
            weighted = (with_prob or 0.0) + ((without_prob or 0.0) * prob / 100.0 if prob is not None else (without_prob or 0.0))
        else:
            weighted = total
        summary.count += count
        summary.totals[cur] = summary.totals.get(cur, 0.0) + total
        summary.weighted[cur] = summary.weighted.get(cur, 0.0) + weighted
        summary.counts[cur] = summary.counts.get(cur, 0) + count
    return out


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
    sort_cards(cards, sort)
    return cards


def sort_cards(cards: list[DealCard], sort: str) -> None:
    """In place. urgency = Pipedrive's default: overdue, today, later (by due), none; ties newest first."""
    cards.sort(key=lambda c: c.add_time or "", reverse=True)  # stable: newest first within ties
    if sort == "value":
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


@dataclass
class BoardWindow:
    """What a board (re)load needs in one read: per-stage summaries, where a followed deal is,
    and the blocks of cards in view."""

    summaries: dict[int, StageSummary]
    follow: tuple[int, int] | None  # (stage id, index) of the followed deal
    blocks: dict[int, dict[int, list[DealCard]]]  # stage id -> block number -> cards


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
        from tui.store.queries import board_text  # it builds on this module

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
