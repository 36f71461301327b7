"""Call logs of a deal, person or organization, newest first (tui/store/calls.py fills them)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from tui.store.registry import REF_KEYS


@dataclass(frozen=True)
class CallRow:
    id: str
    outcome: str
    subject: str
    start_time: str | None  # UTC ISO
    duration: int | None  # seconds
    to_phone_number: str
    sending: bool  # queued here, not yet in Pipedrive


def calls_of(conn: sqlite3.Connection, entity: str, entity_id: int | str) -> list[CallRow]:
    key = REF_KEYS[entity]  # deal_id, person_id, org_id, lead_id
    rows = conn.execute(
        f"""SELECT id, outcome, subject, start_time, duration, to_phone_number,
                   EXISTS(SELECT 1 FROM outbox o WHERE o.entity='call_log' AND o.entity_id=c.id) AS sending
            FROM call_logs c WHERE {key} = ? ORDER BY start_time DESC, id""",
        (entity_id,),
    ).fetchall()
    return [CallRow(r[0], r[1], r[2] or "", r[3], r[4], r[5] or "", bool(r[6])) for r in rows]


@dataclass(frozen=True)
class CallContext:
    """Who a call from a deal, person or organization screen is with, and what it links to."""

    deal_id: int | None
    deal_title: str
    person_id: int | None
    person_name: str
    org_id: int | None
    org_name: str
    phones: list[str]
    emails: list[str]
    lead_id: str | None = None  # a call about a lead (Pipedrive links a call to a deal or a lead)
    lead_title: str = ""

    @property
    def subject(self) -> str:
        return f"Call with {self.person_name or self.org_name or self.deal_title or self.lead_title}".strip()


def call_context(
    conn: sqlite3.Connection, deal_id: int | None, person_id: int | None, org_id: int | None, lead_id: str | None = None
) -> CallContext:
    """A deal or a lead brings its person and organization; a person their organization.
    Deleted or missing links are left out."""
    title = lead_title = ""
    if lead_id is not None:
        lead = conn.execute("SELECT title, person_id, org_id FROM leads WHERE id = ?", (lead_id,)).fetchone()
        if lead is None:
            lead_id = None
        else:
            lead_title = lead[0] or ""
            person_id = person_id if person_id is not None else lead[1]
            org_id = org_id if org_id is not None else lead[2]
    if deal_id is not None:
        row = conn.execute("SELECT title, person_id, org_id FROM deals WHERE id = ?", (deal_id,)).fetchone()
        if row is None:
            deal_id = None
        else:
            title = row[0] or ""
            person_id = person_id if person_id is not None else row[1]
            org_id = org_id if org_id is not None else row[2]
    if person_id is not None and org_id is None:
        row = conn.execute("SELECT org_id FROM persons WHERE id = ?", (person_id,)).fetchone()
        org_id = row[0] if row else None
    name, phones, emails = phones_of(conn, person_id)
    if not name:
        person_id = None
    org = conn.execute("SELECT name FROM organizations WHERE id = ?", (org_id,)).fetchone() if org_id is not None else None
    return CallContext(
        deal_id, title, person_id, name, org_id if org else None, (org[0] or "") if org else "", phones, emails, lead_id, lead_title
    )


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
