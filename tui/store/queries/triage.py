"""Triage to zero: the open deals that break the pipeline's rules, each with its reasons,
in Pipedrive's order of urgency; the card preview beside the queue.

Rules (Pipedrive's own: every open deal has a next step):
- OVERDUE      the next undone activity is in the past (local time, as cards mark it)
- NO_ACTIVITY  no undone activity at all
- ROTTING      the stage rots (rot_enabled, days_to_rotten) and the deal was last touched
               longer ago than that (derived.is_rotten). "Touched" is the deal's
               update_time, or later: a stage change, an activity marked done or a note
               added on it (Pipedrive's help: these reset the rot period; v2 update_time may
               not show it), or a local edit of the deal still waiting in the outbox (it
               will bump update_time when it lands). So a fix made offline counts at once.
- CLOSE_PASSED the expected close date is before today
- STUCK        in the current stage (since stage_change_time, else add_time) longer than
               the user's threshold ([triage] stuck_days, per pipeline in [triage.pipelines])

Order: overdue first (most overdue first), then no activity (longest untouched first), then
the rest (rotting, close date passed, stuck; the oldest first). Snoozed deals (table
triage_snoozes, local only) are left out until their date, and counted.
"""

from __future__ import annotations

import sqlite3
from typing import Any
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from tui.store.derived import ActivityStatus, activity_due, activity_status, is_rotten, parse_utc, rotten_days

OVERDUE, NO_ACTIVITY, ROTTING, CLOSE_PASSED, STUCK = "overdue", "no_activity", "rotting", "close_passed", "stuck"
REASON_ORDER = (OVERDUE, NO_ACTIVITY, ROTTING, CLOSE_PASSED, STUCK)


@dataclass(frozen=True, slots=True)
class Reason:
    kind: str
    days: int = 0

    @property
    def short(self) -> str:
        """For the queue's reasons column."""
        if self.kind == OVERDUE:
            return f"overdue {self.days}d" if self.days else "overdue today"
        if self.kind == NO_ACTIVITY:
            return "no activity"
        if self.kind == ROTTING:
            return f"rotting {self.days}d"
        if self.kind == CLOSE_PASSED:
            return f"close passed {self.days}d"
        return f"stuck {self.days}d"

    @property
    def text(self) -> str:
        """For the preview: what is wrong, in words."""

        def days(n: int) -> str:
            return f"{n} day{'s' if n != 1 else ''}"

        if self.kind == OVERDUE:
            return f"next activity overdue by {days(self.days)}" if self.days else "next activity overdue (due earlier today)"
        if self.kind == NO_ACTIVITY:
            return "no next activity"
        if self.kind == ROTTING:
            return f"rotting for {days(self.days)}" if self.days else "rotting since today"
        if self.kind == CLOSE_PASSED:
            return f"expected close date passed {days(self.days)} ago"
        return f"stuck in its stage for {days(self.days)}"


@dataclass(slots=True)
class TriageRow:
    id: int
    title: str
    value: float
    currency: str | None
    pipeline_id: int | None
    stage_id: int | None
    stage: str | None
    owner: str | None
    person: str | None
    org: str | None
    expected_close_date: str | None
    next_due: str | None  # "YYYY-MM-DD HH:MM" (UTC) or "YYYY-MM-DD " of the next undone activity
    reasons: tuple[Reason, ...]
    snoozed_until: str | None = None
    pending: bool = False  # a local edit of the deal waits in the outbox

    @property
    def kinds(self) -> set[str]:
        return {r.kind for r in self.reasons}

    @property
    def rank(self) -> int:
        kinds = self.kinds
        return 0 if OVERDUE in kinds else 1 if NO_ACTIVITY in kinds else 2


@dataclass
class TriageQueue:
    rows: list[TriageRow] = field(default_factory=list)  # to fix, in order
    snoozed: list[TriageRow] = field(default_factory=list)  # would be in the queue, snoozed

    def __len__(self) -> int:
        return len(self.rows)


_SQL = """
SELECT d.id, d.title, d.value, d.currency, d.pipeline_id, d.stage_id, s.name, u.name, p.name, o.name,
       d.expected_close_date, d.add_time, d.update_time, d.stage_change_time, s.rot_enabled, s.days_to_rotten,
       (SELECT MIN(a.due_date || ' ' || COALESCE(substr(a.due_time, 1, 5), ''))
          FROM activities a WHERE a.deal_id = d.id AND a.done = 0) AS next_due,
       (SELECT MAX(COALESCE(a.marked_as_done_time, a.update_time))
          FROM activities a WHERE a.deal_id = d.id AND a.done = 1) AS last_done,
       (SELECT MAX(n.add_time) FROM notes n WHERE n.deal_id = d.id) AS last_note,
       z.until
  FROM deals d
  LEFT JOIN stages s ON s.id = d.stage_id
  LEFT JOIN users u ON u.id = d.owner_id
  LEFT JOIN persons p ON p.id = d.person_id
  LEFT JOIN organizations o ON o.id = d.org_id
  LEFT JOIN triage_snoozes z ON z.deal_id = d.id
 WHERE d.status = 'open'
"""


def _utc(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def queue(
    conn: sqlite3.Connection,
    *,
    now: datetime,
    owner_id: int | None = None,
    stuck_days: int = 30,
    stuck_by_pipeline: dict[int, int] | None = None,
) -> TriageQueue:
    """The triage queue of the owner's open deals (everyone's with owner_id None)."""
    sql, args = _SQL, []
    if owner_id is not None:
        sql += " AND d.owner_id = ?"
        args.append(owner_id)
    per_pipeline = stuck_by_pipeline or {}
    today = now.date()
    today_s = today.isoformat()
    edited: dict[int, str] = {}
    for eid, created in conn.execute(
        "SELECT entity_id, MAX(created_at) FROM outbox WHERE entity = 'deal' "
        "AND op = 'update' AND state IN ('pending', 'conflict') GROUP BY entity_id"
    ):
        edited[eid] = created
    out = TriageQueue()
    keys: dict[int, tuple[Any, ...]] = {}
    cursor = conn.execute(sql, args)
    cursor.row_factory = None  # plain tuples: this loop runs for every open deal
    for (
        did,
        title,
        value,
        currency,
        pipeline_id,
        stage_id,
        stage,
        owner,
        person,
        org,
        close,
        add_time,
        update_time,
        stage_change,
        rot_enabled,
        days_to_rotten,
        next_due,
        last_done,
        last_note,
        until,
    ) in cursor:
        reasons: list[Reason] = []
        if not next_due:
            reasons.append(Reason(NO_ACTIVITY))
        elif activity_status(next_due[:10], next_due[11:] or None, now) is ActivityStatus.OVERDUE:
            due = activity_due(next_due[:10], next_due[11:] or None, now.tzinfo or timezone.utc)
            reasons.append(Reason(OVERDUE, (today - due[0]).days if due else 0))
        touched = max(t for t in (update_time, stage_change, last_done, last_note, edited.get(did), "") if t is not None)
        if is_rotten("open", bool(rot_enabled), days_to_rotten, touched or None, now):
            reasons.append(Reason(ROTTING, rotten_days(days_to_rotten, touched, now)))
        if close and close[:10] < today_s:
            try:
                reasons.append(Reason(CLOSE_PASSED, (today - date.fromisoformat(close[:10])).days))
            except ValueError:
                pass
        threshold = per_pipeline.get(pipeline_id, stuck_days) if pipeline_id is not None else stuck_days
        since = parse_utc(stage_change or add_time)
        if threshold and since is not None:
            in_stage = int((now - since).total_seconds() // 86400)
            if in_stage > threshold:
                reasons.append(Reason(STUCK, in_stage))
        if not reasons:
            continue
        row = TriageRow(
            did,
            title,
            value or 0.0,
            currency,
            pipeline_id,
            stage_id,
            stage,
            owner,
            person,
            org,
            close,
            next_due,
            tuple(reasons),
            until if until and until > today_s else None,
            did in edited,
        )
        first = reasons[0]
        if first.kind == OVERDUE:
            key: tuple[Any, ...] = (0, next_due, did)
        elif first.kind == NO_ACTIVITY:
            key = (1, touched, did)
        else:
            key = (2, REASON_ORDER.index(first.kind), -first.days, did)
        keys[did] = key
        (out.snoozed if row.snoozed_until else out.rows).append(row)
    out.rows.sort(key=lambda r: keys[r.id])
    out.snoozed.sort(key=lambda r: (r.snoozed_until or "", keys[r.id]))
    return out


# -- the card preview ------------------------------------------------------------------------------


@dataclass(slots=True)
class ActivityLine:
    id: int
    subject: str
    type: str
    day: date | None  # local
    time: str | None  # local HH:MM, None = all day
    done: bool


@dataclass
class DealPreview:
    id: int
    title: str
    value: float
    currency: str | None
    status: str
    pipeline: str | None
    stage: str | None
    stage_position: tuple[int, int] | None  # (1-based index, number of stages)
    owner: str | None
    expected_close_date: str | None
    probability: float | None
    days_in_stage: int | None
    add_time: str | None
    person: str | None = None
    person_phone: str | None = None
    person_email: str | None = None
    org: str | None = None
    org_address: str | None = None
    last_note: str | None = None  # HTML as stored (shown through notes_html.html_to_text)
    last_note_time: str | None = None
    last_note_author: str | None = None
    last_activity: ActivityLine | None = None
    next_activity: ActivityLine | None = None


def _activity(row: sqlite3.Row | None, now: datetime) -> ActivityLine | None:
    if row is None:
        return None
    due = activity_due(row["due_date"], row["due_time"], now.tzinfo or timezone.utc)
    return ActivityLine(
        row["id"],
        row["subject"],
        row["type"],
        due[0] if due else None,
        due[1].strftime("%H:%M") if due and due[1] else None,
        bool(row["done"]),
    )


def preview(conn: sqlite3.Connection, deal_id: int, now: datetime) -> DealPreview | None:
    d = conn.execute(
        """SELECT d.*, s.name AS stage, pl.name AS pipeline, u.name AS owner, p.name AS person, p.primary_phone,
                  p.primary_email, o.name AS org, o.address
             FROM deals d LEFT JOIN stages s ON s.id = d.stage_id LEFT JOIN pipelines pl ON pl.id = d.pipeline_id
             LEFT JOIN users u ON u.id = d.owner_id LEFT JOIN persons p ON p.id = d.person_id
             LEFT JOIN organizations o ON o.id = d.org_id WHERE d.id = ?""",
        (deal_id,),
    ).fetchone()
    if d is None:
        return None
    stage_ids = [
        r[0]
        for r in conn.execute("SELECT id FROM stages WHERE pipeline_id = ? AND is_deleted = 0 ORDER BY order_nr, id", (d["pipeline_id"],))
    ]
    position = (stage_ids.index(d["stage_id"]) + 1, len(stage_ids)) if d["stage_id"] in stage_ids else None
    since = parse_utc(d["stage_change_time"] or d["add_time"])
    out = DealPreview(
        d["id"],
        d["title"],
        d["value"] or 0.0,
        d["currency"],
        d["status"],
        d["pipeline"],
        d["stage"],
        position,
        d["owner"],
        d["expected_close_date"],
        d["probability"],
        int((now - since).total_seconds() // 86400) if since else None,
        d["add_time"],
        d["person"],
        d["primary_phone"],
        d["primary_email"],
        d["org"],
        d["address"],
    )
    note = conn.execute(
        """SELECT n.content, n.add_time, u.name FROM notes n LEFT JOIN users u ON u.id = n.user_id
                            WHERE n.deal_id = ? ORDER BY n.add_time DESC, n.id DESC LIMIT 1""",
        (deal_id,),
    ).fetchone()
    if note is not None:
        out.last_note, out.last_note_time, out.last_note_author = note[0], note[1], note[2]
    out.next_activity = _activity(
        conn.execute(
            "SELECT * FROM activities WHERE deal_id = ? AND done = 0 ORDER BY due_date, due_time IS NOT NULL, due_time, id LIMIT 1",
            (deal_id,),
        ).fetchone(),
        now,
    )
    out.last_activity = _activity(
        conn.execute(
            "SELECT * FROM activities WHERE deal_id = ? AND done = 1 "
            "ORDER BY COALESCE(marked_as_done_time, due_date) DESC, id DESC LIMIT 1",
            (deal_id,),
        ).fetchone(),
        now,
    )
    return out


# -- what the fixes need ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleDefaults:
    type: str
    subject: str
    deal_id: int
    person_id: int | None
    org_id: int | None


def schedule_defaults(conn: sqlite3.Connection, deal_id: int) -> ScheduleDefaults:
    """The next activity's prefill: type and subject of the deal's last activity (the one
    due last, done or not), linked to the deal's person and organization (when they still
    exist: a deal may point to a deleted person)."""
    deal = conn.execute(
        """SELECT p.id, o.id FROM deals d LEFT JOIN persons p ON p.id = d.person_id
                             LEFT JOIN organizations o ON o.id = d.org_id WHERE d.id = ?""",
        (deal_id,),
    ).fetchone()
    last = conn.execute(
        "SELECT type, subject FROM activities WHERE deal_id = ? ORDER BY due_date DESC, due_time DESC, id DESC LIMIT 1", (deal_id,)
    ).fetchone()
    return ScheduleDefaults(
        last[0] if last else "call", (last[1] if last else "") or "Follow up", deal_id, deal[0] if deal else None, deal[1] if deal else None
    )


def next_activity_id(conn: sqlite3.Connection, deal_id: int) -> tuple[int, str] | None:
    """(id, subject) of the deal's next undone activity: the one `d` marks done."""
    row = conn.execute(
        "SELECT id, subject FROM activities WHERE deal_id = ? AND done = 0 ORDER BY due_date, due_time IS NOT NULL, due_time, id LIMIT 1",
        (deal_id,),
    ).fetchone()
    return (row[0], row[1]) if row else None


def next_stage(conn: sqlite3.Connection, deal_id: int) -> tuple[int, int, str] | None:
    """(current stage id, next stage id, next stage name) in the deal's pipeline; None in the last stage."""
    row = conn.execute("SELECT stage_id, pipeline_id FROM deals WHERE id = ?", (deal_id,)).fetchone()
    if row is None:
        return None
    stages = conn.execute(
        "SELECT id, name FROM stages WHERE pipeline_id = ? AND is_deleted = 0 ORDER BY order_nr, id", (row[1],)
    ).fetchall()
    ids = [s[0] for s in stages]
    if row[0] not in ids or ids.index(row[0]) + 1 >= len(ids):
        return None
    after = stages[ids.index(row[0]) + 1]
    return row[0], after[0], after[1]


def close_date(conn: sqlite3.Connection, deal_id: int) -> str | None:
    row = conn.execute("SELECT expected_close_date FROM deals WHERE id = ?", (deal_id,)).fetchone()
    return row[0] if row else None
