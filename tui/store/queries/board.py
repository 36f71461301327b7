"""Board data: deal cards with derived facts, stage summaries, pickers' lists."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

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
    next_due: str | None          # "YYYY-MM-DD HH:MM" (UTC time) or "YYYY-MM-DD"
    activity: ActivityStatus
    rotten: bool
    rotten_days: int
    weighted: float
    pending: bool                 # a local edit is waiting to be pushed


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
       p.name AS person_name, o.name AS org_name, u.name AS owner_name,
       (SELECT MIN(a.due_date || ' ' || COALESCE(substr(a.due_time, 1, 5), ''))
          FROM activities a WHERE a.deal_id = d.id AND a.done = 0) AS next_due,
       s.rot_enabled, s.days_to_rotten, s.deal_probability AS stage_probability,
       pl.probability_enabled
  FROM deals d
  LEFT JOIN persons p ON p.id = d.person_id
  LEFT JOIN organizations o ON o.id = d.org_id
  LEFT JOIN users u ON u.id = d.owner_id
  LEFT JOIN stages s ON s.id = d.stage_id
  LEFT JOIN pipelines pl ON pl.id = d.pipeline_id
 WHERE d.pipeline_id = ?
"""


def deal_cards(conn: sqlite3.Connection, pipeline_id: int, *, now: datetime, status: str | None = "open",
               owner_id: int | None = None, text: str | None = None, sort: str = "urgency",
               where: str | None = None, params: tuple[object, ...] = ()) -> list[DealCard]:
    """`status` None: every status. `where`/`params`: an extra SQL condition over deals d, e.g.
    a saved filter's (tui/store/queries/filters.py View.where)."""
    sql = _CARDS
    args: list[object] = [pipeline_id]
    if status is not None:
        sql += " AND d.status = ?"
        args.append(status)
    if where:
        sql += f" AND ({where})"
        args += list(params)
    if owner_id is not None:
        sql += " AND d.owner_id = ?"
        args.append(owner_id)
    needle = (text or "").casefold().strip()
    pending = {r[0] for r in conn.execute("SELECT entity_id FROM outbox WHERE entity = 'deal' AND state = 'pending'")}
    # during the first sync: say "loading" rather than "no activity" / no name
    activities_known, names_known = loaded(conn, "activities"), loaded(conn, "names")
    today = now.date()
    today_s, yesterday_s, tomorrow_s = today.isoformat(), (today - timedelta(days=1)).isoformat(), (today + timedelta(days=1)).isoformat()
    rot_cutoff: dict[int, str] = {}  # days_to_rotten -> update_time older than this is rotten
    cards: list[DealCard] = []
    cursor = conn.execute(sql, args)
    cursor.row_factory = None  # plain tuples: this loop runs for every deal of the pipeline
    for (did, title, value, currency, stage_id, pipeline_id, status, owner_id, person_id, org_id, probability,
         close_date, add_time, update_time, lost_reason, person_name, org_name, owner_name, due,
         rot_enabled, days, stage_probability, probability_enabled) in cursor:
        if needle and not any(needle in (x or "").casefold() for x in (title, person_name, org_name)):
            continue
        if not names_known:
            org_name = org_name or ("…" if org_id else None)
            person_name = person_name or ("…" if person_id else None)
        if not due:
            status_mark = ActivityStatus.NONE if activities_known else ActivityStatus.LOADING
        else:
            day = due[:10]
            hhmm = due[11:]
            # only activities near today can change local day through the UTC due time
            if hhmm and yesterday_s <= day <= tomorrow_s:
                status_mark = activity_status(day, hhmm, now)
            elif day < today_s:
                status_mark = ActivityStatus.OVERDUE
            elif day > today_s:
                status_mark = ActivityStatus.LATER
            else:
                status_mark = ActivityStatus.TODAY
        rot = False
        if rot_enabled and days is not None and status == "open" and update_time:
            cutoff = rot_cutoff.get(days)
            if cutoff is None:
                cutoff = rot_cutoff[days] = (now - timedelta(days=days)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            rot = update_time < cutoff
        if probability_enabled and (probability is not None or stage_probability is not None):
            weighted = (value or 0.0) * float(probability if probability is not None else stage_probability) / 100.0
        else:
            weighted = float(value or 0.0)
        cards.append(DealCard(
            did, title, value or 0.0, currency, stage_id, pipeline_id, status, owner_id, owner_name, person_id,
            person_name, org_id, org_name, close_date, add_time, update_time, lost_reason, due, status_mark, rot,
            rotten_days(days, update_time, now) if rot else 0, weighted, did in pending,
        ))
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
    else:
        cards.sort(key=lambda c: (c.activity.urgency, c.next_due or ""))


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
    return [PipelineRow(r["id"], r["name"], bool(r["probability_enabled"]))
            for r in conn.execute("SELECT * FROM pipelines WHERE is_deleted = 0 ORDER BY order_nr, id")]


def stages(conn: sqlite3.Connection, pipeline_id: int) -> list[StageRow]:
    return [StageRow(r["id"], r["name"], r["pipeline_id"], r["order_nr"], r["deal_probability"], bool(r["rot_enabled"]),
                     r["days_to_rotten"])
            for r in conn.execute("SELECT * FROM stages WHERE pipeline_id = ? AND is_deleted = 0 ORDER BY order_nr, id",
                                  (pipeline_id,))]


def users(conn: sqlite3.Connection) -> list[UserRow]:
    return [UserRow(r["id"], r["name"], bool(r["is_you"]))
            for r in conn.execute("SELECT id, name, is_you FROM users WHERE active = 1 ORDER BY is_you DESC, name")]


def currencies(conn: sqlite3.Connection) -> dict[str, CurrencyRow]:
    return {r["code"]: CurrencyRow(r["code"], r["symbol"], r["decimal_points"])
            for r in conn.execute("SELECT code, symbol, decimal_points FROM currencies")}


def recent_lost_reasons(conn: sqlite3.Connection, limit: int = 8) -> list[str]:
    rows = conn.execute(
        """SELECT lost_reason, MAX(COALESCE(lost_time, update_time)) AS t FROM deals
            WHERE status = 'lost' AND lost_reason IS NOT NULL AND TRIM(lost_reason) <> ''
            GROUP BY lost_reason ORDER BY t DESC LIMIT ?""", (limit,))
    return [r[0] for r in rows]


def deal_stage(conn: sqlite3.Connection, deal_id: int) -> tuple[int | None, str | None, str | None]:
    """(stage_id, status, title) of one deal."""
    r = conn.execute("SELECT stage_id, status, title FROM deals WHERE id = ?", (deal_id,)).fetchone()
    return (r[0], r[1], r[2]) if r else (None, None, None)


def stage_choices(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """Every stage as "Pipeline › Stage", pipelines and stages in their order (for forms)."""
    return [(f"{r[0]} › {r[1]}", r[2]) for r in conn.execute(
        """SELECT p.name, s.name, s.id FROM stages s JOIN pipelines p ON p.id = s.pipeline_id
            WHERE s.is_deleted = 0 AND p.is_deleted = 0 ORDER BY p.order_nr, p.id, s.order_nr, s.id""")]
