"""Followers of an item and participants of a deal, by name (tui/store/followers.py keeps them)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class PartyRow:
    id: int  # follower: the user's id; participant: the participant row's id
    ref_id: int  # the user's or the person's id
    name: str
    pending: str | None  # 'add' | 'remove' until Pipedrive answers


def followers_of(conn: sqlite3.Connection, entity: str, entity_id: int) -> list[PartyRow]:
    rows = conn.execute(
        """SELECT f.user_id, COALESCE(u.name, 'user ' || f.user_id), f.pending FROM item_followers f
           LEFT JOIN users u ON u.id = f.user_id WHERE f.entity = ? AND f.entity_id = ?
           ORDER BY u.name COLLATE NOCASE, f.user_id""",
        (entity, entity_id),
    ).fetchall()
    return [PartyRow(r[0], r[0], r[1], r[2]) for r in rows]


def participants_of(conn: sqlite3.Connection, deal_id: int) -> list[PartyRow]:
    rows = conn.execute(
        """SELECT dp.id, dp.person_id, COALESCE(p.name, 'person ' || dp.person_id), dp.pending FROM deal_participants dp
           LEFT JOIN persons p ON p.id = dp.person_id WHERE dp.deal_id = ? ORDER BY dp.id > 0 DESC, dp.add_time, dp.id""",
        (deal_id,),
    ).fetchall()
    return [PartyRow(r[0], r[1], r[2], r[3]) for r in rows]
