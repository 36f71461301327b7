"""Changes an agent proposed over MCP (tui/agent/), kept in the cache until a person decides.

A proposal holds the validated fields of one create or update, as the store takes them. It
is answered "proposal #N, waiting for approval"; nothing is queued for Pipedrive until it is
approved. `approve` applies it with the same edit functions the screens use (tui/store/edits.py:
the cache and an outbox row) and marks it approved in the same transaction, so an approval
queues the change exactly once: a second approval (another key, another process) finds it
decided and does nothing. Rejected proposals are never sent.

`agent_spend` is the ledger of the tokens the MCP side caused (refresh, first sync, remote
search), for its per-hour cap (`pipedrive-tui status` shows it).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from tui.store import edits

STATES = ("waiting", "approved", "rejected", "failed")


class ProposalError(ValueError):
    """The proposal is unknown or already decided."""


@dataclass(slots=True)
class Proposal:
    id: int
    tool: str
    client: str
    created_at: str
    op: str  # create | update
    entity: str
    entity_id: int | None
    fields: dict[str, Any]
    summary: str
    diff: list[list[Any]] = field(default_factory=list)  # [label, before, after]
    state: str = "waiting"
    reason: str | None = None
    decided_at: str | None = None
    result_id: int | None = None


def _utc(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _row(r: sqlite3.Row) -> Proposal:
    return Proposal(
        r["id"],
        r["tool"],
        r["client"],
        r["created_at"],
        r["op"],
        r["entity"],
        r["entity_id"],
        json.loads(r["fields"]),
        r["summary"],
        json.loads(r["diff"]),
        r["state"],
        r["reason"],
        r["decided_at"],
        r["result_id"],
    )


def add(
    conn: sqlite3.Connection,
    *,
    tool: str,
    client: str,
    op: str,
    entity: str,
    entity_id: int | None,
    fields: dict[str, Any],
    summary: str,
    diff: list[list[Any]],
    now: datetime,
) -> int:
    if op not in ("create", "update"):
        raise ValueError(f"unknown proposal op {op!r}")
    cur = conn.execute(
        "INSERT INTO proposals (tool, client, created_at, op, entity, entity_id, fields, summary, diff) VALUES (?,?,?,?,?,?,?,?,?)",
        (tool, client, _utc(now), op, entity, entity_id, json.dumps(fields), summary, json.dumps(diff)),
    )
    return int(cur.lastrowid or 0)


def waiting_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM proposals WHERE state = 'waiting'").fetchone()[0])


def version(conn: sqlite3.Connection) -> tuple[int, int, int]:
    """(waiting, highest id, decided): changes when another process proposes or decides."""
    row = conn.execute(
        "SELECT SUM(state = 'waiting'), MAX(id), SUM(state != 'waiting') FROM proposals",
    ).fetchone()
    return int(row[0] or 0), int(row[1] or 0), int(row[2] or 0)


def listing(conn: sqlite3.Connection, states: tuple[str, ...] = ("waiting",), limit: int = 500) -> list[Proposal]:
    marks = ",".join("?" * len(states))
    rows = conn.execute(f"SELECT * FROM proposals WHERE state IN ({marks}) ORDER BY id LIMIT ?", (*states, limit))
    return [_row(r) for r in rows]


def get(conn: sqlite3.Connection, proposal_id: int) -> Proposal | None:
    row = conn.execute("SELECT * FROM proposals WHERE id = ?", (proposal_id,)).fetchone()
    return _row(row) if row else None


def by_ids(conn: sqlite3.Connection, ids: list[int]) -> list[Proposal]:
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    return [_row(r) for r in conn.execute(f"SELECT * FROM proposals WHERE id IN ({marks}) ORDER BY id", ids)]


def recent(conn: sqlite3.Connection, limit: int = 20) -> list[Proposal]:
    return [_row(r) for r in conn.execute("SELECT * FROM proposals ORDER BY id DESC LIMIT ?", (limit,))]


def _waiting(conn: sqlite3.Connection, proposal_id: int) -> Proposal:
    found = get(conn, proposal_id)
    if found is None:
        raise ProposalError(f"no proposal #{proposal_id}")
    if found.state != "waiting":
        raise ProposalError(f"proposal #{proposal_id} is already {found.state}")
    return found


def _decide(conn: sqlite3.Connection, proposal_id: int, state: str, now: datetime, reason: str | None, result_id: int | None) -> None:
    conn.execute(
        "UPDATE proposals SET state = ?, reason = ?, decided_at = ?, result_id = ? WHERE id = ? AND state = 'waiting'",
        (state, reason, _utc(now), result_id, proposal_id),
    )


def approve(conn: sqlite3.Connection, proposal_id: int, me_id: int | None, now: datetime, fields: dict[str, Any] | None = None) -> Proposal:
    """Apply the proposal (cache + outbox, tui/store/edits.py) and mark it approved, in the
    caller's transaction. A change the cache refuses (its deal was deleted meanwhile) marks it
    failed with the reason. ProposalError when it is not waiting."""
    found = _waiting(conn, proposal_id)
    use = found.fields if fields is None else fields
    try:
        if found.op == "create":
            result: int | None = edits.create(conn, found.entity, dict(use), me_id)
        else:
            assert found.entity_id is not None
            edits.update(conn, found.entity, found.entity_id, dict(use))
            result = found.entity_id
    except edits.EditError as exc:
        _decide(conn, proposal_id, "failed", now, str(exc), None)
    else:
        _decide(conn, proposal_id, "approved", now, None, result)
    decided = get(conn, proposal_id)
    assert decided is not None
    return decided


def reject(conn: sqlite3.Connection, proposal_id: int, reason: str | None, now: datetime) -> Proposal:
    _waiting(conn, proposal_id)
    _decide(conn, proposal_id, "rejected", now, (reason or "").strip() or None, None)
    decided = get(conn, proposal_id)
    assert decided is not None
    return decided


def settle(conn: sqlite3.Connection, proposal_id: int, now: datetime, result_id: int | None) -> bool:
    """Approved after a person edited it in a form (the form queued the change itself)."""
    found = get(conn, proposal_id)
    if found is None or found.state != "waiting":
        return False
    _decide(conn, proposal_id, "approved", now, "edited before approval", result_id)
    return True


# -- the MCP side's token ledger -----------------------------------------------------------------


def spend(conn: sqlite3.Connection, tokens: int, what: str, now: datetime) -> None:
    if tokens > 0:
        conn.execute("INSERT INTO agent_spend (at, tokens, what) VALUES (?,?,?)", (_utc(now), tokens, what))


def spent_since(conn: sqlite3.Connection, since: datetime) -> int:
    row = conn.execute("SELECT COALESCE(SUM(tokens), 0) FROM agent_spend WHERE at >= ?", (_utc(since),)).fetchone()
    return int(row[0])


def spent_last_hour_in(db_path: Path | str, now: datetime | None = None) -> tuple[int, int]:
    """(tokens the MCP side caused in the last hour, proposals waiting) in a cache file, read-only
    (0, 0 without a file or the tables)."""
    if not Path(db_path).exists():
        return 0, 0
    now = now or datetime.now(timezone.utc)
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            return spent_since(conn, now - timedelta(hours=1)), waiting_count(conn)
        finally:
            conn.close()
    except sqlite3.Error:
        return 0, 0
