"""Reads for mail: an item's messages (newest first), a thread's messages (oldest first), a
cached body, and the item's mail figures the fetches are marked with (tui/store/mail.py)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from tui.store.registry import MAIL_FIGURES, REGISTRY

# the item fields that change when its mail does (organizations carry only the count)
FIGURES = {entity: tuple(names.split(",")) for entity, names in MAIL_FIGURES.items()}


@dataclass(slots=True)
class MailRow:
    id: int
    thread_id: int | None
    subject: str
    sender: str  # address
    sender_name: str
    recipients: str
    message_time: str | None  # UTC, RFC 3339
    snippet: str
    sent: bool  # the user's own
    has_body: bool  # its body is in the cache


_COLUMNS = (
    "m.id, m.thread_id, m.subject, m.sender, m.sender_name, m.recipients, m.message_time, m.snippet, m.sent, "
    "EXISTS (SELECT 1 FROM mail_bodies b WHERE b.message_id = m.id)"
)


def _rows(cur: sqlite3.Cursor) -> list[MailRow]:
    return [MailRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], bool(r[8]), bool(r[9])) for r in cur.fetchall()]


def item_messages(conn: sqlite3.Connection, entity: str, entity_id: int) -> list[MailRow]:
    """The messages last fetched for a deal, person or organization, newest first."""
    return _rows(
        conn.execute(
            f"SELECT {_COLUMNS} FROM mail_links l JOIN mail_messages m ON m.id = l.message_id "
            "WHERE l.entity = ? AND l.entity_id = ? ORDER BY m.message_time DESC, m.id DESC",
            (entity, entity_id),
        )
    )


def thread_messages(conn: sqlite3.Connection, thread_id: int) -> list[MailRow]:
    """A thread's messages in the cache, oldest first (as a conversation reads)."""
    return _rows(conn.execute(f"SELECT {_COLUMNS} FROM mail_messages m WHERE m.thread_id = ? ORDER BY m.message_time, m.id", (thread_id,)))


def one_message(conn: sqlite3.Connection, message_id: int) -> list[MailRow]:
    return _rows(conn.execute(f"SELECT {_COLUMNS} FROM mail_messages m WHERE m.id = ?", (message_id,)))


def body(conn: sqlite3.Connection, message_id: int) -> str | None:
    row = conn.execute("SELECT body FROM mail_bodies WHERE message_id = ?", (message_id,)).fetchone()
    return row[0] if row else None


def figures(conn: sqlite3.Connection, entity: str, entity_id: int) -> str | None:
    """The item's mail figures as the cache has them (a JSON list), None when the item is not
    cached or its data lacks them (it came without include_fields: nothing to compare)."""
    row = conn.execute(f"SELECT data FROM {REGISTRY[entity].table} WHERE id = ?", (entity_id,)).fetchone()
    if row is None:
        return None
    data = json.loads(row[0])
    names = FIGURES[entity]
    if not any(name in data for name in names):
        return None
    return json.dumps([data.get(name) for name in names])
