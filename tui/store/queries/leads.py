"""Reads of the leads section: the inbox (filters, order), one lead, the filters' choices."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from tui.store.conversion import converted_to, converting
from tui.store.queries.common import _like
from tui.store.queries.entities import ActivityRow, NoteRow, Ref, _activities, _user, notes_for

SORTS = ("newest", "next_activity", "value", "close_date", "title")
SORT_LABELS = {
    "newest": "newest first",
    "next_activity": "next activity",
    "value": "value",
    "close_date": "expected close",
    "title": "title",
}
_ORDER = {
    "newest": "l.add_time DESC",
    "next_activity": "n.due_date IS NULL, n.due_date, COALESCE(n.due_time, ''), l.add_time DESC",
    "value": "l.value IS NULL, l.currency, l.value DESC, l.add_time DESC",
    "close_date": "l.expected_close_date IS NULL, l.expected_close_date, l.add_time DESC",
    "title": "l.title COLLATE NOCASE, l.add_time DESC",
}
NO_LABEL = "-"  # LeadFilter.label_id for leads without a label


@dataclass(frozen=True)
class LeadFilter:
    text: str = ""
    label_id: str | None = None  # a label's id, NO_LABEL, or None (any)
    owner_id: int | None = None
    source: str | None = None
    archived: bool = False  # the archive instead of the inbox

    def describe(self, labels: dict[str, tuple[str, str | None]], owners: dict[int, str]) -> list[str]:
        parts = []
        if self.label_id == NO_LABEL:
            parts.append("label: none")
        elif self.label_id:
            parts.append(f"label: {labels.get(self.label_id, ('?', None))[0]}")
        if self.owner_id is not None:
            parts.append(f"owner: {owners.get(self.owner_id, '?')}")
        if self.source:
            parts.append(f"source: {self.source}")
        return parts


@dataclass(slots=True)
class LeadRow:
    id: str
    title: str
    value: float | None
    currency: str | None
    owner_id: int | None
    owner: str | None
    person: str | None
    org: str | None
    labels: list[tuple[str, str | None]]  # (name, colour name), in the lead's order
    source: str | None
    expected_close_date: str | None
    next_due: str | None  # "YYYY-MM-DD HH:MM" (UTC time) or "YYYY-MM-DD"
    next_subject: str | None
    archived: bool
    add_time: str | None
    pending: bool = False  # a local edit waits to be pushed
    converting: bool = False  # a conversion into a deal is queued or running


@dataclass
class LeadDetail:
    lead: dict[str, Any]
    person: Ref | None
    org: Ref | None
    owner: str | None
    labels: list[tuple[str, str, str | None]]  # (id, name, colour)
    activities: list[ActivityRow]
    notes: list[NoteRow]
    converting: bool = False
    pending: bool = False
    all_labels: list[tuple[str, str, str | None]] = field(default_factory=list)


_ROWS = """
WITH n AS (
    SELECT lead_id, due_date, due_time, subject,
           ROW_NUMBER() OVER (PARTITION BY lead_id ORDER BY due_date, COALESCE(due_time, ''), id) AS rn
      FROM activities WHERE lead_id IS NOT NULL AND done = 0)
SELECT l.id, l.title, l.value, l.currency, l.owner_id, u.name, p.name, o.name, l.label_ids, l.source_name,
       l.expected_close_date, n.due_date, n.due_time, n.subject, l.is_archived, l.add_time
  FROM leads l
  LEFT JOIN users u ON u.id = l.owner_id
  LEFT JOIN persons p ON p.id = l.person_id
  LEFT JOIN organizations o ON o.id = l.org_id
  LEFT JOIN n ON n.lead_id = l.id AND n.rn = 1
 WHERE l.is_archived = ?"""


def lead_rows(conn: sqlite3.Connection, flt: LeadFilter = LeadFilter(), sort: str = "newest") -> list[LeadRow]:
    sql = _ROWS
    args: list[Any] = [1 if flt.archived else 0]
    if flt.owner_id is not None:
        sql += " AND l.owner_id = ?"
        args.append(flt.owner_id)
    if flt.source:
        sql += " AND l.source_name = ?"
        args.append(flt.source)
    if flt.label_id == NO_LABEL:
        sql += " AND json_array_length(l.label_ids) = 0"
    elif flt.label_id:
        sql += " AND EXISTS (SELECT 1 FROM json_each(l.label_ids) WHERE json_each.value = ?)"
        args.append(flt.label_id)
    like = _like(flt.text)
    if like:
        sql += " AND (l.title LIKE ? ESCAPE '\\' OR p.name LIKE ? ESCAPE '\\' OR o.name LIKE ? ESCAPE '\\')"
        args += [like] * 3
    sql += f" ORDER BY {_ORDER.get(sort, _ORDER['newest'])}, l.id"
    labels = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, name, color FROM lead_labels")}
    pending = {
        r[0]
        for r in conn.execute("SELECT entity_id FROM outbox WHERE entity = 'lead' AND op <> 'convert' AND state IN ('pending','conflict')")
    }
    moving = {
        r[0]
        for r in conn.execute("SELECT entity_id FROM outbox WHERE entity = 'lead' AND op = 'convert' AND state IN ('pending','conflict')")
    }
    out = []
    for (
        lid,
        title,
        value,
        currency,
        owner_id,
        owner,
        person,
        org,
        label_ids,
        source,
        close,
        due_date,
        due_time,
        subject,
        archived,
        add_time,
    ) in conn.execute(sql, args):
        names = [labels[x] for x in json.loads(label_ids or "[]") if x in labels]
        due = None if due_date is None else (due_date + (" " + due_time[:5] if due_time else ""))
        out.append(
            LeadRow(
                lid,
                title,
                value,
                currency,
                owner_id,
                owner,
                person,
                org,
                names,
                source,
                close,
                due,
                subject,
                bool(archived),
                add_time,
                lid in pending,
                lid in moving,
            )
        )
    return out


def label_choices(conn: sqlite3.Connection) -> list[tuple[str, str, str | None]]:
    """(id, name, colour) of every lead label, by name."""
    return [(r[0], r[1], r[2]) for r in conn.execute("SELECT id, name, color FROM lead_labels ORDER BY name COLLATE NOCASE")]


def source_choices(conn: sqlite3.Connection) -> list[str]:
    return [
        r[0]
        for r in conn.execute("SELECT DISTINCT source_name FROM leads WHERE source_name IS NOT NULL ORDER BY source_name COLLATE NOCASE")
    ]


def owner_choices(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    """Users who own a lead (the owner filter's choices), you first."""
    return [
        (r[0], r[1])
        for r in conn.execute(
            """SELECT u.id, u.name FROM users u WHERE u.id IN (SELECT owner_id FROM leads)
            ORDER BY u.is_you DESC, u.name COLLATE NOCASE"""
        )
    ]


def lead_detail(conn: sqlite3.Connection, lead_id: str) -> LeadDetail | None:
    row = conn.execute("SELECT data FROM leads WHERE id = ?", (lead_id,)).fetchone()
    if row is None:
        return None
    lead = json.loads(row[0])
    person = org = None
    if lead.get("person_id") is not None:
        name = conn.execute("SELECT name FROM persons WHERE id = ?", (lead["person_id"],)).fetchone()
        person = Ref(lead["person_id"], name[0]) if name else None
    if lead.get("organization_id") is not None:
        name = conn.execute("SELECT name FROM organizations WHERE id = ?", (lead["organization_id"],)).fetchone()
        org = Ref(lead["organization_id"], name[0]) if name else None
    all_labels = label_choices(conn)
    by_id = {x[0]: x for x in all_labels}
    labels = [by_id[x] for x in lead.get("label_ids") or [] if x in by_id]
    pending = (
        conn.execute(
            "SELECT 1 FROM outbox WHERE entity = 'lead' AND entity_id = ? AND op <> 'convert' AND state IN ('pending','conflict')",
            (lead_id,),
        ).fetchone()
        is not None
    )
    return LeadDetail(
        lead,
        person,
        org,
        _user(conn, lead.get("owner_id")),
        labels,
        _activities(conn, "lead_id", lead_id),
        notes_for(conn, "lead_id", lead_id),
        converting(conn, lead_id),
        pending,
        all_labels,
    )


def lead_outcome(conn: sqlite3.Connection, lead_id: str) -> int | None:
    """The deal a lead became (a conversion this app saw finish), else None."""
    return converted_to(conn, lead_id)


def lead_title(conn: sqlite3.Connection, lead_id: str) -> str | None:
    row = conn.execute("SELECT title FROM leads WHERE id = ?", (lead_id,)).fetchone()
    return row[0] if row else None
