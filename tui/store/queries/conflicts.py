"""Edits held as conflicts, with both values of each field, for the conflict screen."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from tui.store import ingest

NAME = {"deal": "title", "person": "name", "organization": "name", "activity": "subject", "note": "content", "lead": "title"}


@dataclass
class Conflict:
    seq: int
    entity: str
    entity_id: int
    name: str
    fields: dict[str, tuple[Any, Any]]  # field -> (mine, theirs)
    payload: dict[str, Any]  # the whole held edit


def held(conn: sqlite3.Connection) -> list[Conflict]:
    out = []
    for r in conn.execute("SELECT seq, entity, entity_id, payload, last_error FROM outbox WHERE state = 'conflict' ORDER BY seq"):
        payload = json.loads(r["payload"])
        try:
            clash = json.loads(r["last_error"] or "{}")
        except ValueError:
            clash = {}
        fields = {k: (v[0], v[1]) for k, v in clash.items() if isinstance(v, list) and len(v) == 2}
        obj = ingest.load(conn, r["entity"], r["entity_id"]) or {}
        name = str(obj.get(NAME.get(r["entity"], "name")) or f"{r['entity']} {r['entity_id']}")
        out.append(Conflict(r["seq"], r["entity"], r["entity_id"], name, fields, payload))
    return out
