"""What a board read is made of, shared by the SQL path (queries/board.py) and the in-memory
text filter (queries/board_text.py): the query, a card and a stage's summary, the card SQL,
the facts a card is computed from, the order of a column."""

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


_CARDS = """
SELECT d.id, d.title, d.value, d.currency, d.stage_id, d.pipeline_id, d.status, d.owner_id, d.person_id, d.org_id,
       d.probability, d.expected_close_date, d.add_time, d.update_time, d.lost_reason,
       p.name AS person_name, o.name AS org_name, u.name AS owner_name, d.next_due,
       s.rot_enabled, s.days_to_rotten, s.deal_probability AS stage_probability,
       pl.probability_enabled, d.stage_change_time
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
            stage_change_time,
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
        # touched as triage counts it (queries/triage.py, ROTTING), without its activity and
        # note reads: a stage change is an update to Pipedrive, and a deal with an edit still
        # in the outbox is touched now (Pipedrive's update_time moves when the edit lands)
        rot = False
        pending = did in self.pending
        touched = max(update_time or "", stage_change_time or "")
        if rot_enabled and days is not None and status == "open" and touched and not pending:
            cutoff = self.rot_cutoff.get(days)
            if cutoff is None:
                cutoff = self.rot_cutoff[days] = (self.now - timedelta(days=days)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            rot = touched < cutoff
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
            rotten_days(days, touched, self.now) if rot else 0,
            weighted,
            pending,
        )


def converted_value_sql(conn: sqlite3.Connection, column: str = "d.value", currency: str = "d.currency") -> str | None:
    """The value in the user's default currency, as SQL, from the cached rates (tui/store/rates.py);
    None without rates. A currency without a rate converts to NULL (sorted after the rest)."""
    rates = conn.execute("SELECT currency, rate FROM rates ORDER BY currency").fetchall()
    if not rates:
        return None
    whens = " ".join(f"WHEN {_quote(str(code))} THEN {float(rate)!r}" for code, rate in rates)
    return f"({column} * CASE {currency} {whens} END)"


def _order(conn: sqlite3.Connection, query: BoardQuery) -> str:
    if query.sort != "value":
        return ORDER.get(query.sort, ORDER["urgency"])
    converted = converted_value_sql(conn)
    if converted is not None:  # one currency: the rates of GET /v1/deals/summary, kept for the day
        return f"{converted} DESC NULLS LAST, d.value DESC, d.id"
    # no rates yet: amounts in different currencies are not comparable;
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


@dataclass
class BoardWindow:
    """What a board (re)load needs in one read: per-stage summaries, where a followed deal is,
    and the blocks of cards in view."""

    summaries: dict[int, StageSummary]
    follow: tuple[int, int] | None  # (stage id, index) of the followed deal
    blocks: dict[int, dict[int, list[DealCard]]]  # stage id -> block number -> cards


_TEXT_IDS: dict[int, tuple[str, int, str]] = {}  # id(connection) -> (text, data_version, ids as JSON)
