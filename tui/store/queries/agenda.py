"""The activity agenda: groups by the user's local date, counts, filters, the week view."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone, tzinfo

from tui.store.derived import activity_due, parse_utc
from tui.store.rows import fold

GROUPS = ("Overdue", "Today", "Tomorrow", "This week", "Next week", "Later", "Done recently")


@dataclass(slots=True)
class AgendaRow:
    id: int
    subject: str
    type: str
    type_name: str
    day: date | None  # local date
    time: str | None  # local HH:MM, None = all day
    duration: str | None
    deal_id: int | None
    deal: str | None
    person_id: int | None
    person: str | None
    org_id: int | None
    org: str | None
    owner: str | None
    done: bool
    late: str = ""  # "3d late", "2h late"


@dataclass
class AgendaGroup:
    name: str
    rows: list[AgendaRow] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.rows)


_SELECT = """
SELECT a.id, a.subject, a.type, COALESCE(t.name, a.type) AS type_name, a.due_date, a.due_time, a.duration, a.done,
       a.marked_as_done_time, a.deal_id, d.title AS deal, a.person_id, p.name AS person, a.org_id, o.name AS org,
       u.name AS owner"""
_FROM = """
  FROM activities a
  LEFT JOIN activity_types t ON t.key_string = a.type
  LEFT JOIN deals d ON d.id = a.deal_id
  LEFT JOIN persons p ON p.id = a.person_id
  LEFT JOIN organizations o ON o.id = a.org_id
  LEFT JOIN users u ON u.id = a.owner_id
"""
_SQL = _SELECT + _FROM


def _rows(
    conn: sqlite3.Connection, where: list[str], args: list[object], now: datetime, tz: tzinfo, types: set[str] | None, text: str | None
) -> list[AgendaRow]:
    sql = _SQL + (" WHERE " + " AND ".join(where) if where else "")
    return _build(conn.execute(sql, args), now, tz, types, text)


def _build(cursor: sqlite3.Cursor, now: datetime, tz: tzinfo, types: set[str] | None, text: str | None) -> list[AgendaRow]:
    needle = (text or "").casefold().strip()
    out = []
    days: dict[str, date] = {}  # most activities share few dates: parse each once
    cursor.row_factory = None  # plain tuples: this loop can run for tens of thousands of rows
    for (
        aid,
        subject,
        type_,
        type_name,
        due_date,
        due_time,
        duration,
        done,
        _marked,
        deal_id,
        deal,
        person_id,
        person,
        org_id,
        org,
        owner,
    ) in cursor:
        if types and type_ not in types:
            continue
        if needle and not any(needle in (x or "").casefold() for x in (subject, deal, person, org)):
            continue
        local = None
        if not due_date:
            day = None
        elif due_time:
            due = activity_due(due_date, due_time, tz)
            day, local = due if due else (None, None)
        else:
            day = days.get(due_date)
            if day is None:
                try:
                    day = days[due_date] = date.fromisoformat(due_date[:10])
                except ValueError:
                    day = None
        row = AgendaRow(
            aid,
            subject,
            type_,
            type_name,
            day,
            local.strftime("%H:%M") if local else None,
            (duration or "")[:5] or None,
            deal_id,
            deal,
            person_id,
            person,
            org_id,
            org,
            owner,
            bool(done),
        )
        if not done and day is not None:
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


@dataclass(frozen=True)
class LaterTail:
    """The far part of the "Later" group, read in windows (there can be tens of thousands)."""

    owner_id: int | None
    types: tuple[str, ...] | None
    text: str
    after: str  # UTC due dates after this one are "Later" in any time zone

    def where(self) -> tuple[str, list[object]]:
        sql = " WHERE a.done = 0 AND (a.due_date IS NULL OR a.due_date > ?)"
        args: list[object] = [self.after]
        if self.owner_id is not None:
            sql += " AND a.owner_id = ?"
            args.append(self.owner_id)
        if self.types:
            sql += f" AND a.type IN ({','.join('?' * len(self.types))})"
            args += list(self.types)
        needle = fold(self.text)
        if needle:
            like = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            sql += (
                " AND (fold(a.subject) LIKE ? ESCAPE '\\' OR fold(d.title) LIKE ? ESCAPE '\\'"
                " OR fold(p.name) LIKE ? ESCAPE '\\' OR fold(o.name) LIKE ? ESCAPE '\\')"
            )
            args += [like] * 4
        return sql, args


@dataclass
class AgendaView:
    groups: list[AgendaGroup]
    later_more: int  # "Later" rows after the ones in its group, read with later_rows()
    tail: LaterTail


def agenda_view(
    conn: sqlite3.Connection,
    *,
    now: datetime,
    tz: tzinfo,
    owner_id: int | None = None,
    types: set[str] | None = None,
    show: str = "undone",
    text: str | None = None,
    done_recently_days: int = 7,
) -> AgendaView:
    """Groups in GROUPS order (empty groups included, so headers can show 0). Everything up to
    a day past next week is read and grouped in the user's time zone; the rest of "Later" is
    only counted here (later_rows reads it as it comes into view)."""
    where: list[str] = []
    args: list[object] = []
    if owner_id is not None:
        where.append("a.owner_id = ?")
        args.append(owner_id)
    groups = {name: AgendaGroup(name) for name in GROUPS}
    today = now.date()
    cut = (today + timedelta(days=14 - today.weekday() + 1)).isoformat()
    tail = LaterTail(owner_id, tuple(sorted(types)) if types else None, text or "", cut)
    more = 0
    if show in ("undone", "all"):
        near = where + ["a.done = 0", "a.due_date IS NOT NULL", "a.due_date <= ?"]
        for row in _rows(conn, near, args + [cut], now, tz, types, text):
            groups[group_of(row.day, today)].rows.append(row)
        tail_where, tail_args = tail.where()
        more = int(conn.execute(f"SELECT COUNT(*) {_FROM}{tail_where}", tail_args).fetchone()[0])
    if show in ("done", "all"):
        since = (now - timedelta(days=done_recently_days)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        done = _rows(
            conn, where + ["a.done = 1", "COALESCE(a.marked_as_done_time, a.update_time) >= ?"], args + [since], now, tz, types, text
        )
        groups["Done recently"].rows = done
    for g in groups.values():
        g.rows.sort(key=lambda r: (r.day or date.max, r.time is not None, r.time or "", r.id))
    groups["Done recently"].rows.reverse()
    names = GROUPS if show != "undone" else GROUPS[:-1]
    return AgendaView([groups[n] for n in names], more, tail)


def later_rows(
    conn: sqlite3.Connection, tail: LaterTail, *, now: datetime, tz: tzinfo, offset: int = 0, limit: int = 200
) -> list[AgendaRow]:
    """A window of the far "Later" rows, in the group's order."""
    where, args = tail.where()
    sql = f"{_SELECT}{_FROM}{where} ORDER BY a.due_date IS NULL, a.due_date, a.due_time IS NOT NULL, a.due_time, a.id LIMIT ? OFFSET ?"
    return _build(conn.execute(sql, [*args, limit, offset]), now, tz, None, None)


def agenda(
    conn: sqlite3.Connection,
    *,
    now: datetime,
    tz: tzinfo,
    owner_id: int | None = None,
    types: set[str] | None = None,
    show: str = "undone",
    text: str | None = None,
    done_recently_days: int = 7,
) -> list[AgendaGroup]:
    """Every group with every row (tests, small caches); the agenda screen reads windows."""
    view = agenda_view(conn, now=now, tz=tz, owner_id=owner_id, types=types, show=show, text=text, done_recently_days=done_recently_days)
    if view.later_more:
        later = next(g for g in view.groups if g.name == "Later")
        later.rows += later_rows(conn, view.tail, now=now, tz=tz, offset=0, limit=-1)
    return view.groups


def counts(groups: list[AgendaGroup]) -> dict[str, int]:
    return {g.name: g.count for g in groups}


def week(
    conn: sqlite3.Connection,
    *,
    week_start: date,
    now: datetime,
    tz: tzinfo,
    owner_id: int | None = None,
    types: set[str] | None = None,
    text: str | None = None,
) -> dict[date, list[AgendaRow]]:
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
    return (
        conn.execute("SELECT 1 FROM activities WHERE deal_id = ? AND id <> ? AND done = 0 LIMIT 1", (deal_id, activity_id)).fetchone()
        is not None
    )


__all__ = ["AgendaGroup", "AgendaRow", "GROUPS", "agenda", "counts", "week", "parse_utc"]
