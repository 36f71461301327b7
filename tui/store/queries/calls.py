"""Call logs of a deal, person or organization, newest first (tui/store/calls.py fills them)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

KEYS = {"deal": "deal_id", "person": "person_id", "organization": "org_id"}


@dataclass(frozen=True)
class CallRow:
    id: str
    outcome: str
    subject: str
    start_time: str | None  # UTC ISO
    duration: int | None  # seconds
    to_phone_number: str
    sending: bool  # queued here, not yet in Pipedrive


def calls_of(conn: sqlite3.Connection, entity: str, entity_id: int) -> list[CallRow]:
    key = KEYS[entity]
    rows = conn.execute(
        f"""SELECT id, outcome, subject, start_time, duration, to_phone_number,
                   EXISTS(SELECT 1 FROM outbox o WHERE o.entity='call_log' AND o.entity_id=c.id) AS sending
            FROM call_logs c WHERE {key} = ? ORDER BY start_time DESC, id""",
        (entity_id,),
    ).fetchall()
    return [CallRow(r[0], r[1], r[2] or "", r[3], r[4], r[5] or "", bool(r[6])) for r in rows]


def phones_of(conn: sqlite3.Connection, person_id: int | None) -> tuple[str, list[str], list[str]]:
    """(the person's name, phone numbers primary first, e-mail addresses primary first)."""
    import json

    if person_id is None:
        return "", [], []
    row = conn.execute("SELECT name, data FROM persons WHERE id = ?", (person_id,)).fetchone()
    if row is None:
        return "", [], []
    data = json.loads(row[1])

    def values(kind: str) -> list[str]:
        items = sorted((c for c in data.get(kind) or [] if isinstance(c, dict) and c.get("value")), key=lambda c: not c.get("primary"))
        return [str(c["value"]) for c in items]

    return row[0] or "", values("phones"), values("emails")
