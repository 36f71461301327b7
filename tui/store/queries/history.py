"""The timeline of a deal, person or organization built from its cached flow (tui/store/history.py):
stage moves with the time spent in the stage left, field changes (old -> new, who, when),
won/lost with the reason, notes and activities, oldest first; names instead of ids."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from tui.custom_values import FieldDef, display
from tui.formatting import clean, money
from tui.store.calls import OUTCOMES
from tui.store.queries.custom import field_defs, names

KINDS = ("all", "stage", "field", "status", "note", "activity")
SKIP = {
    "won_time",
    "lost_time",
    "close_time",
    "stage_change_time",
    "update_time",
    "add_time",
    "local_won_date",
    "local_lost_date",
    "local_close_date",
    "archive_time",
    "deleted",
    "pipeline_id",
}
LABELS = {
    "title": "Title",
    "value": "Value",
    "currency": "Currency",
    "user_id": "Owner",
    "owner_id": "Owner",
    "person_id": "Person",
    "org_id": "Organization",
    "expected_close_date": "Expected close date",
    "probability": "Probability",
    "lost_reason": "Lost reason",
    "visible_to": "Visible to",
    "label": "Labels",
    "is_archived": "Archived",
    "name": "Name",
    "status": "Status",
    "stage_id": "Stage",
    "pipeline_id": "Pipeline",
}


@dataclass(slots=True)
class Event:
    kind: str  # created | stage | field | status | note | activity
    when: datetime | None  # UTC
    who: str
    title: str
    detail: str = ""
    duration: str = ""  # stage moves: the time spent in the stage left


def parse_time(text: Any) -> datetime | None:
    if not text or not isinstance(text, str):
        return None
    raw = text.strip().replace("Z", "").replace("T", " ")[:19]
    try:
        return datetime.strptime(raw, "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def span(seconds: float) -> str:
    """2d 3h, 5h 20m, 45m, under a minute."""
    seconds = int(max(0, seconds))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days}d {hours}h" if hours else f"{days}d"
    if hours:
        return f"{hours}h {minutes}m" if minutes else f"{hours}h"
    return f"{minutes}m" if minutes else "under a minute"


class _Names:
    def __init__(self, conn: sqlite3.Connection, entity: str) -> None:
        self.conn = conn
        self.lookup = names(conn)
        self.fields: dict[str, FieldDef] = {fd.code: fd for fd in field_defs(conn, entity)}

    def stage(self, stage_id: Any) -> str:
        row = self.conn.execute("SELECT name FROM stages WHERE id = ?", (_int(stage_id),)).fetchone()
        return clean(row[0]) if row else f"stage #{stage_id}"

    def ref(self, kind: str, item_id: Any) -> str:
        if item_id in (None, ""):
            return "—"
        number = _int(item_id)
        name = self.lookup(kind, number) if number is not None else None
        return clean(name) if name else f"#{item_id}"

    def user(self, user_id: Any) -> str:
        return self.ref("user", user_id) if user_id else "someone"


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _value(n: _Names, key: str, value: Any, currency: str | None) -> str:
    if value in (None, ""):
        return "—"
    if key in ("user_id", "owner_id"):
        return n.ref("user", value)
    if key == "person_id":
        return n.ref("person", value)
    if key == "org_id":
        return n.ref("organization", value)
    if key == "stage_id":
        return n.stage(value)
    if key == "value":
        try:
            return money(float(value), currency)
        except (TypeError, ValueError):
            return clean(value)
    fd = n.fields.get(key)
    if fd is not None:
        if isinstance(value, str) and fd.type in ("enum", "user", "people", "org", "double") and _int(value) is not None:
            value = _int(value)
        elif isinstance(value, str) and fd.type == "set":
            value = [_int(v) for v in value.split(",") if _int(v) is not None]
        elif isinstance(value, str) and value.startswith("{"):
            try:
                value = json.loads(value)
            except ValueError:
                pass
        return display(fd, value, n.lookup)
    return clean(value)


def timeline(conn: sqlite3.Connection, entity: str, entity_id: int, items: list[dict[str, Any]]) -> list[Event]:
    """Every event, oldest first (the flow is newest first)."""
    n = _Names(conn, entity)
    table = {"deal": "deals", "person": "persons", "organization": "organizations"}[entity]
    row = conn.execute(f"SELECT data FROM {table} WHERE id = ?", (entity_id,)).fetchone()
    obj = json.loads(row[0]) if row else {}
    currency = obj.get("currency")
    ordered = sorted(
        items,
        key=lambda i: (parse_time(i.get("timestamp")) or datetime.min.replace(tzinfo=timezone.utc), (i.get("data") or {}).get("id") or 0),
    )
    created = parse_time(obj.get("add_time"))
    calls = {  # the call logged with a done call activity: its outcome, length and number
        r[0]: (r[1], r[2], r[3])
        for r in conn.execute("SELECT activity_id, outcome, duration, to_phone_number FROM call_logs WHERE activity_id IS NOT NULL")
    }
    events: list[Event] = []
    if created and entity == "deal":
        events.append(Event("created", created, n.user(obj.get("creator_user_id") or obj.get("owner_id")), "Deal created"))
    entered = created  # when the deal entered its current stage
    changes = [(parse_time(i.get("timestamp")), i.get("data") or {}) for i in ordered if i.get("object") == "dealChange"]
    reasons = {when: d.get("new_value") for when, d in changes if d.get("field_key") == "lost_reason"}
    status_times = {when for when, d in changes if d.get("field_key") == "status"}
    for item in ordered:
        data = item.get("data") or {}
        when = parse_time(item.get("timestamp") or data.get("log_time"))
        kind = item.get("object")
        if kind in ("dealChange", "personChange", "organizationChange"):
            key = data.get("field_key") or ""
            who = n.user(data.get("user_id"))
            old, new = data.get("old_value"), data.get("new_value")
            if key in SKIP:
                continue
            if key == "stage_id":
                spent = span((when - entered).total_seconds()) if when and entered else ""
                events.append(Event("stage", when, who, f"{n.stage(old)} → {n.stage(new)}", duration=spent))
                entered = when
            elif key == "status":
                title = {"won": "Won", "lost": "Lost", "open": "Reopened"}.get(str(new), f"Status {new}")
                reason = reasons.get(when) if new == "lost" else None
                events.append(Event("status", when, who, title, f"reason: {clean(reason)}" if reason else ""))
            elif key == "lost_reason" and when in status_times:
                continue  # shown with the status change
            else:
                fd = n.fields.get(key)
                label = clean(fd.name) if fd else LABELS.get(key, key)
                events.append(Event("field", when, who, label, f"{_value(n, key, old, currency)} → {_value(n, key, new, currency)}"))
        elif kind == "note":
            from tui.notes_html import summary

            events.append(Event("note", when, n.user(data.get("user_id")), "Note", summary(data.get("content") or "", 90)))
        elif kind == "activity" and data.get("id") in calls:
            outcome, seconds, number = calls[data["id"]]
            length = f"{(seconds or 0) // 60}:{(seconds or 0) % 60:02d}"
            events.append(
                Event(
                    "activity",
                    when,
                    n.user(data.get("user_id") or data.get("owner_id")),
                    f"Activity done · call · {OUTCOMES.get(outcome, clean(outcome)).lower()}",
                    f"{clean(data.get('subject')) or 'Call'} ({length}{', ' + clean(number) if number else ''})",
                )
            )
        elif kind == "activity":
            done = bool(data.get("done"))
            subject = clean(data.get("subject")) or "(no subject)"
            title = ("Activity done" if done else "Activity planned") + f" · {clean(data.get('type')) or 'task'}"
            due = clean(data.get("due_date"))
            events.append(
                Event(
                    "activity",
                    when,
                    n.user(data.get("user_id") or data.get("owner_id")),
                    title,
                    subject + (f" (due {due})" if due and not done else ""),
                )
            )
    return events


def current_stage_since(events: list[Event]) -> datetime | None:
    """When the deal entered the stage it is in (the last stage move, else its creation)."""
    for e in reversed(events):
        if e.kind in ("stage", "created"):
            return e.when
    return None


def cached_timeline(conn: sqlite3.Connection, entity: str, entity_id: int) -> tuple[list[Event], str | None] | None:
    """The timeline from the cache, with when it was fetched; None when never fetched."""
    from tui.store.history import cached

    found = cached(conn, entity, entity_id)
    if found is None:
        return None
    return timeline(conn, entity, entity_id, found[0]), found[2]
