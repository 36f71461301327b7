"""The activity agenda: groups by the user's local date, counts, filters, the week view."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo

from tui.store.derived import activity_due, parse_utc

GROUPS = ("Overdue", "Today", "Tomorrow", "This week", "Next week", "Later", "Done recently")


@dataclass(slots=True)
class AgendaRow:
    id: int
    subject: str
    type: str
    type_name: str
    day: date | None            # local date
    time: str | None            # local HH:MM, None = all day
    duration: str | None
    deal_id: int | None
    deal: str | None
    person_id: int | None
    person: str | None
    org_id: int | None
    org: str | None
    owner: str | None
    done: bool
    late: str = ""              # "3d late", "2h late"


@dataclass
class AgendaGroup:
    name: str
    rows: list[AgendaRow] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.rows)


_SQL = """
SELECT a.id, a.subject, a.type, COALESCE(t.name, a.type) AS type_name, a.due_date, a.due_time, a.duration, a.done,
       a.marked_as_done_time, a.deal_id, d.title AS deal, a.person_id, p.name AS person, a.org_id, o.name AS org,
       u.name AS owner
  FROM activities a
  LEFT JOIN activity_types t ON t.key_string = a.type
  LEFT JOIN deals d ON d.id = a.deal_id
  LEFT JOIN persons p ON p.id = a.person_id
  LEFT JOIN organizations o ON o.id = a.org_id
  LEFT JOIN users u ON u.id = a.owner_id
"""


def _rows(conn: sqlite3.Connection, where: list[str], args: list[object], now: datetime, tz: tzinfo,
          types: set[str] | None, text: str | None) -> list[AgendaRow]:
    sql = _SQL + (" WHERE " + " AND ".join(where) if where else "")
    needle = (text or "").casefold().strip()
    out = []
    for r in conn.execute(sql, args):
        if types and r["type"] not in types:
            continue
        if needle and not any(needle in (x or "").casefold() for x in (r["subject"], r["deal"], r["person"], r["org"])):
            continue
        due = activity_due(r["due_date"], r["due_time"], tz)
        day, local = (due if due else (None, None))
        row = AgendaRow(r["id"], r["subject"], r["type"], r["type_name"], day, local.strftime("%H:%M") if local else None,
                        (r["duration"] or "")[:5] or None, r["deal_id"], r["deal"], r["person_id"], r["person"],
                        r["org_id"], r["org"], r["owner"], bool(r["done"]))
        if not row.done and day is not None:
            row.late = lateness(day, local, now)
        out.append(row)
    return out


def lateness(day: date, local: datetime | None, now: datetime) -> str:
    today = now.date()
    if day < today:
        return f"{(today - day).days}d late"
    if local is not None and local < now:
        minutes = int((now - local).total_seconds() // 60)
        return f"{minutes // 60}h late" if minutes >= 60 else f"{minutes}m late"
    return ""


def group_of(day: date | None, today: date) -> str:
    if day is None or day > today + timedelta(days=13 - today.weekday()):
        return "Later"
    if day < today:
        return "Overdue"
    if day == today:
        return "Today"
    if day == today + timedelta(days=1):
        return "Tomorrow"
    end_of_week = today + timedelta(days=6 - today.weekday())
    if day <= end_of_week:
        return "This week"
    return "Next week"


def agenda(conn: sqlite3.Connection, *, now: datetime, tz: tzinfo, owner_id: int | None = None,
           types: set[str] | None = None, show: str = "undone", text: str | None = None,
           done_recently_days: int = 7) -> list[AgendaGroup]:
    """Groups in GROUPS order (empty groups included, so headers can show 0)."""
    where: list[str] = []
    args: list[object] = []
    if owner_id is not None:
        where.append("a.owner_id = ?")
        args.append(owner_id)
    groups = {name: AgendaGroup(name) for name in GROUPS}
    today = now.date()
    if show in ("undone", "all"):
        for row in _rows(conn, where + ["a.done = 0"], args, now, tz, types, text):
            groups[group_of(row.day, today)].rows.append(row)
    if show in ("done", "all"):
        since = (now - timedelta(days=done_recently_days)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        done = _rows(conn, where + ["a.done = 1", "COALESCE(a.marked_as_done_time, a.update_time) >= ?"], args + [since],
                     now, tz, types, text)
        groups["Done recently"].rows = done
    for g in groups.values():
        g.rows.sort(key=lambda r: (r.day or date.max, r.time is not None, r.time or "", r.id))
    groups["Done recently"].rows.reverse()
    names = GROUPS if show != "undone" else GROUPS[:-1]
    return [groups[n] for n in names]


def counts(groups: list[AgendaGroup]) -> dict[str, int]:
    return {g.name: g.count for g in groups}


def week(conn: sqlite3.Connection, *, week_start: date, now: datetime, tz: tzinfo, owner_id: int | None = None,
         types: set[str] | None = None, text: str | None = None) -> dict[date, list[AgendaRow]]:
    """The seven local days from week_start, each in time order (all-day first), done included."""
    where = ["a.due_date BETWEEN ? AND ?"]
    args: list[object] = [(week_start - timedelta(days=1)).isoformat(), (week_start + timedelta(days=7)).isoformat()]
    if owner_id is not None:
        where.append("a.owner_id = ?")
        args.append(owner_id)
    days: dict[date, list[AgendaRow]] = {week_start + timedelta(days=i): [] for i in range(7)}
    for row in _rows(conn, where, args, now, tz, types, text):
        if row.day in days:
            days[row.day].append(row)
    for rows in days.values():
        rows.sort(key=lambda r: (r.time is not None, r.time or "", r.id))
    return days


def deal_has_other_open_activity(conn: sqlite3.Connection, deal_id: int, activity_id: int) -> bool:
    return conn.execute("SELECT 1 FROM activities WHERE deal_id = ? AND id <> ? AND done = 0 LIMIT 1",
                        (deal_id, activity_id)).fetchone() is not None


__all__ = ["AgendaGroup", "AgendaRow", "GROUPS", "agenda", "counts", "week", "parse_utc"]
