"""What a detail screen shows beside the item itself, read in one trip to the reader thread so
the screen fills every section at once (one layout): its calls, followers, participants,
mail and files (each only when the screen has that section)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from tui.store.queries.calls import CallRow, calls_of
from tui.store.queries.files import FileRow, files_of
from tui.store.queries.followers import PartyRow, followers_of, participants_of
from tui.store.queries.mail import MailRow, item_messages


@dataclass
class DetailExtras:
    calls: list[CallRow] = field(default_factory=list)
    followers: list[PartyRow] = field(default_factory=list)
    participants: list[PartyRow] = field(default_factory=list)
    mail: list[MailRow] = field(default_factory=list)
    files: list[FileRow] = field(default_factory=list)
    me: int | None = None  # the user (marked among the followers)


def extras(conn: sqlite3.Connection, entity: str, entity_id: int | str, sections: frozenset[str]) -> DetailExtras:
    out = DetailExtras()
    if "calls" in sections:
        out.calls = calls_of(conn, entity, entity_id)
    if isinstance(entity_id, int):
        if "followers" in sections:
            out.followers = followers_of(conn, entity, entity_id)
            row = conn.execute("SELECT id FROM users WHERE is_you = 1").fetchone()
            out.me = row[0] if row else None
        if "participants" in sections:
            out.participants = participants_of(conn, entity_id)
        if "mail" in sections:
            out.mail = item_messages(conn, entity, entity_id)
        if "files" in sections:
            out.files = files_of(conn, entity, entity_id)
    return out
