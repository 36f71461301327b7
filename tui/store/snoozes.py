"""Triage snoozes: a deal hidden from the triage queue until a date. Local only: they live
in the cache (table triage_snoozes, schema version 2) and are never sent to Pipedrive.

Write functions for `Database.write` (one transaction each); reads are in
tui/store/queries/triage.py.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from tui.store.edits import utcnow


def set_snooze(conn: sqlite3.Connection, deal_id: int, until: date | str) -> str | None:
    """Hide the deal until `until` (a local date); returns the snooze it replaced, if any."""
    day = until.isoformat() if isinstance(until, date) else date.fromisoformat(str(until)[:10]).isoformat()
    row = conn.execute("SELECT until FROM triage_snoozes WHERE deal_id = ?", (deal_id,)).fetchone()
    conn.execute("INSERT OR REPLACE INTO triage_snoozes (deal_id, until, created_at) VALUES (?,?,?)", (deal_id, day, utcnow()))
    return row[0] if row else None


def clear_snooze(conn: sqlite3.Connection, deal_id: int) -> bool:
    """Show the deal again; True if it was snoozed."""
    return conn.execute("DELETE FROM triage_snoozes WHERE deal_id = ?", (deal_id,)).rowcount > 0
