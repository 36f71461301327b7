"""The background pusher of the outbox.

Rows are pushed in `seq` order; a row that fails transiently stays at the head and is
retried with capped exponential backoff (later rows wait: edits reach the server in the
order they were made). A row held as a conflict only blocks later rows of the same entity.

One pusher at a time: `push_next` holds a lock, so the background loop and a drain on quit
never push the same row twice.

Duplicate-free creates: before a create is sent, `sent_at` and the largest id of that
entity type in the cache are written durably (if the row is gone by then, the user deleted
the new item: nothing is sent). If the attempt ends with an uncertain outcome (timeout,
dropped connection, 5xx, garbled body) or the process dies mid-request, the next attempt
first looks on the server for the item it may have created: every item with a larger id
(Pipedrive ids grow; paged newest first down to that id, at most ADOPT_SCAN items; notes:
of the linked deal/person/organization) whose sent fields match after normalising
whitespace and case. Failing that, one item whose other fields match and that was edited
since it was created (renamed by a colleague meanwhile). A match's id is adopted instead of
posting again (even if a sync already fetched it).

Created, id unknown: a create Pipedrive answered as successful (2xx, `success: true`) without
the new item's id (`data: null`) is never sent again. Its row moves to state 'created'
(durable: it survives a restart) and is only looked up, with the same scan, when no other row
waits to be pushed, at most every LOOK_AGAIN s (doubling per miss, up to LOOK_AGAIN_MAX);
found, it is acknowledged with the found id. Meanwhile, like a conflict, it holds later rows
of the same item and rows that point at it (a note on the new deal): they need its id.

Conflicts: before an update is pushed, the entity is fetched (1 token on v2). If its
`update_time` moved past the one the edit was based on and an edited field now differs
from the value the edit started from (and from the value we want), the row is held as a
conflict for the user instead of overwriting the other person's change.

Permanent refusals (400/403/404): the entity is restored to the server's state (fetched,
else the saved server copy), the edits queued for it are dropped, a `rejections` row and
an EditRejected event carry the human reason.
"""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
import time
from collections.abc import Awaitable, Callable
from typing import Any

from tui.api.client import PipedriveClient
from tui.api.errors import ApiError, AuthError, Blocked, CreatedWithoutId, DailyBudgetExhausted, NetworkError, NotFound
from tui.store import ingest, parents
from tui.store.db import Database
from tui.store.edits import table_of, utcnow
from tui.store.field_values import norm as _norm
from tui.store.field_values import same as _same
from tui.store.events import ConflictDetected, Created, EditRejected, StoreEvent
from tui.store.operations import OPERATIONS
from tui.store.registry import REGISTRY, strip_related
from tui.store.server_rows import apply_server_objects

NOTE_FLAGS = ("pinned_to_deal_flag", "pinned_to_person_flag", "pinned_to_organization_flag", "pinned_to_lead_flag")


def _ref_keys(entity: str) -> tuple[str, ...]:
    key = REGISTRY[entity].ref_key
    return (key,) if key else ()


def _tables_with(conn: sqlite3.Connection, column: str) -> list[str]:
    return [e.table for e in REGISTRY.values() if e.editable and column in {r[1] for r in conn.execute(f"PRAGMA table_info({e.table})")}]


def _row(conn: sqlite3.Connection, seq: int) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute("SELECT * FROM outbox WHERE seq = ?", (seq,)).fetchone()
    return row


def next_row(conn: sqlite3.Connection) -> dict[str, Any] | None:
    """The first pending row not held: by a conflict or a create whose id is unknown of the
    same item, or (created, id unknown) by pointing at such an item."""
    rows = conn.execute("SELECT * FROM outbox WHERE state IN ('pending','conflict','created') ORDER BY seq").fetchall()
    held: set[tuple[str, int]] = set()
    unknown: set[tuple[str, int]] = set()
    for r in rows:
        key = (r["entity"], r["entity_id"])
        if r["state"] in ("conflict", "created"):
            held.add(key)
            if r["state"] == "created":
                unknown.add(key)
            continue
        if key in held or (unknown and _points_at(json.loads(r["payload"]), unknown)):
            continue
        return dict(r)
    return None


def _points_at(payload: dict[str, Any], items: set[tuple[str, int]]) -> bool:
    for entity, local_id in items:
        if any(payload.get(key) == local_id for key in _ref_keys(entity)):
            return True
        if entity == "person" and any(p.get("person_id") == local_id for p in payload.get("participants") or [] if isinstance(p, dict)):
            return True
    return False


def unconfirmed(conn: sqlite3.Connection) -> list[dict[str, Any]]:
    """Creates Pipedrive made without saying the id (state 'created'), oldest first."""
    return [dict(r) for r in conn.execute("SELECT * FROM outbox WHERE state = 'created' ORDER BY seq")]


def mark_created(conn: sqlite3.Connection, seq: int) -> None:
    conn.execute(
        "UPDATE outbox SET state='created', attempts=0, last_error=? WHERE seq=?",
        ("Pipedrive created it without saying its id; looking it up", seq),
    )


def _others_pending(conn: sqlite3.Connection, entity: str, entity_id: int, seq: int) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM outbox WHERE entity=? AND entity_id=? AND seq<>? AND state IN ('pending','conflict')", (entity, entity_id, seq)
        ).fetchone()
        is not None
    )


def _clean(entity: str, obj: dict[str, Any]) -> dict[str, Any]:
    """v1 answers carry related objects (derived data): keep the item itself."""
    if REGISTRY[entity].version == "v1":
        strip_related(obj)
    return obj


def _with_included(conn: sqlite3.Connection, entity: str, eid: Any, server: dict[str, Any]) -> dict[str, Any]:
    """An item's answer to a write lacks what only comes when listed with include_fields
    (an activity's attendees): keep the cached values of those."""
    names = [n for n in str(REGISTRY[entity].list_params.get("include_fields") or "").split(",") if n and n not in server]
    cached = ingest.load(conn, entity, eid) if names else None
    if cached:
        server = {**server, **{n: cached[n] for n in names if n in cached}}
    return server


def ack_write(conn: sqlite3.Connection, row: dict[str, Any], server: dict[str, Any] | None) -> None:
    """An update/delete reached the server: drop the row, settle cache and server copy."""
    entity, eid, seq = row["entity"], row["entity_id"], row["seq"]
    if server is not None:
        server = _with_included(conn, entity, eid, server)
    conn.execute("DELETE FROM outbox WHERE seq = ?", (seq,))
    if _others_pending(conn, entity, eid, seq):
        if server is not None:
            conn.execute(
                "INSERT OR REPLACE INTO server_copy (entity,id,data) VALUES (?,?,?)", (entity, eid, json.dumps(server, ensure_ascii=False))
            )
        return
    conn.execute("DELETE FROM server_copy WHERE entity=? AND id=?", (entity, eid))
    if server is not None and row["op"] != "delete":
        apply_server_objects(conn, entity, [server])


def remap(conn: sqlite3.Connection, entity: str, local_id: int, server_id: int) -> None:
    """Replace a local (negative) id by the server's everywhere it is used."""
    table = table_of(entity)
    conn.execute(f"DELETE FROM {table} WHERE id = ?", (server_id,))  # a sync may have fetched it already
    conn.execute(f"UPDATE {table} SET id = ?, data = json_set(data, '$.id', ?) WHERE id = ?", (server_id, server_id, local_id))
    for key in _ref_keys(entity):
        for tbl in _tables_with(conn, key):
            conn.execute(
                f"UPDATE {tbl} SET {key} = ?, data = json_set(data, '$.{key}', ?) WHERE {key} = ?", (server_id, server_id, local_id)
            )
    if entity == "person":
        for aid, data in conn.execute("SELECT id, data FROM activities WHERE data LIKE ?", (f"%{local_id}%",)).fetchall():
            obj = json.loads(data)
            changed = False
            for p in obj.get("participants") or []:
                if p.get("person_id") == local_id:
                    p["person_id"] = server_id
                    changed = True
            if changed:
                conn.execute("UPDATE activities SET data = ? WHERE id = ?", (json.dumps(obj, ensure_ascii=False), aid))
    if entity == "deal":  # a snooze set on a deal before its create landed
        conn.execute("UPDATE triage_snoozes SET deal_id = ? WHERE deal_id = ?", (server_id, local_id))
    conn.execute("UPDATE outbox SET entity_id = ? WHERE entity = ? AND entity_id = ?", (server_id, entity, local_id))
    for seq, payload in conn.execute("SELECT seq, payload FROM outbox").fetchall():
        obj = json.loads(payload)
        changed = False
        for key in _ref_keys(entity):
            if obj.get(key) == local_id:
                obj[key] = server_id
                changed = True
        if entity == "person":
            for p in obj.get("participants") or []:
                if p.get("person_id") == local_id:
                    p["person_id"] = server_id
                    changed = True
        if changed:
            conn.execute("UPDATE outbox SET payload = ? WHERE seq = ?", (json.dumps(obj, ensure_ascii=False), seq))


def ack_create(conn: sqlite3.Connection, row: dict[str, Any], server: dict[str, Any]) -> None:
    entity, local_id, seq = row["entity"], row["entity_id"], row["seq"]
    server_id = int(server["id"])
    conn.execute("DELETE FROM outbox WHERE seq = ?", (seq,))
    remap(conn, entity, local_id, server_id)
    if _others_pending(conn, entity, server_id, seq):
        conn.execute(
            "INSERT OR REPLACE INTO server_copy (entity,id,data) VALUES (?,?,?)",
            (entity, server_id, json.dumps(server, ensure_ascii=False)),
        )
    else:
        ingest.upsert(conn, entity, [server])


def rollback(
    conn: sqlite3.Connection, row: dict[str, Any], server: dict[str, Any] | None, gone: bool, reason: str
) -> tuple[int, dict[str, Any]]:
    """Restore the server's state for a refused edit; drop its queued edits. Returns the dropped
    count and what their updates had typed (merged in order), for the form to show again."""
    entity, eid = row["entity"], row["entity_id"]
    typed: dict[str, Any] = json.loads(row["payload"]) if row["op"] == "update" else {}
    for (payload,) in conn.execute(
        "SELECT payload FROM outbox WHERE entity=? AND entity_id=? AND op='update' AND state IN ('pending','conflict') ORDER BY seq",
        (entity, eid),
    ):
        typed.update(json.loads(payload))
    dropped = conn.execute("DELETE FROM outbox WHERE entity=? AND entity_id=? AND state IN ('pending','conflict')", (entity, eid)).rowcount
    own = OPERATIONS.get(row["op"])
    if row["op"] == "create" or gone or (own is not None and own.creates):
        ingest.delete(conn, entity, [eid])
        for key in _ref_keys(entity):
            for tbl in _tables_with(conn, key):
                conn.execute(f"UPDATE {tbl} SET {key} = NULL, data = json_set(data, '$.{key}', NULL) WHERE {key} = ?", (eid,))
        # edits queued for things created on top of a refused create cannot succeed either
    else:
        if server is None:
            saved = conn.execute("SELECT data FROM server_copy WHERE entity=? AND id=?", (entity, eid)).fetchone()
            server = json.loads(saved[0]) if saved else None
        if server is not None:
            ingest.upsert(conn, entity, [server])
    conn.execute("DELETE FROM server_copy WHERE entity=? AND id=?", (entity, eid))
    if own is not None and own.rollback is not None:
        own.rollback(conn, row)
    conn.execute(
        "INSERT INTO rejections (entity, entity_id, op, reason, at) VALUES (?,?,?,?,?)", (entity, eid, row["op"], reason, utcnow())
    )
    return dropped, typed


def describe(conn: sqlite3.Connection, row: dict[str, Any]) -> str:
    entity, payload = row["entity"], json.loads(row["payload"])
    if entity not in REGISTRY:  # an operation on something the cache keeps beside an item (a follower)
        own = OPERATIONS.get(row["op"])
        return own.verb.format(label=payload.get("label") or f"the {entity}") if own else f"the change to the {entity}"
    obj = ingest.load(conn, entity, row["entity_id"]) or {}
    srv = conn.execute("SELECT data FROM server_copy WHERE entity=? AND id=?", (entity, row["entity_id"])).fetchone()
    identity = REGISTRY[entity].identity or "name"
    name = obj.get(identity) or (json.loads(srv[0]).get(identity) if srv else None) or payload.get(identity)
    label = f"“{name}”" if name and entity != "note" else f"the {entity}"
    if row["op"] == "create":
        return f"creating {label}"
    if row["op"] in OPERATIONS:
        return OPERATIONS[row["op"]].verb.format(label=label)
    if row["op"] == "delete":
        return f"deleting {label}"
    if entity == "deal" and "stage_id" in payload:
        return f"moving {label}"
    if entity == "deal" and payload.get("status") in ("won", "lost"):
        return f"marking {label} {payload['status']}"
    if entity == "deal" and payload.get("status") == "open":
        return f"reopening {label}"
    if entity == "activity" and set(payload) == {"done"}:
        return f"marking {label} {'done' if payload['done'] else 'not done'}"
    return f"the change to {label} ({', '.join(sorted(payload))})"


class Pusher:
    def __init__(
        self,
        client: PipedriveClient,
        db: Database,
        emit: Callable[[StoreEvent], None],
        on_online: Callable[[bool, str | None], None],
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
        on_problem: Callable[[ApiError], bool] | None = None,
    ) -> None:
        self.client = client
        self.db = db
        self.emit = emit
        self.on_online = on_online
        self.on_problem = on_problem or (lambda exc: False)
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.attempts: dict[int, int] = {}
        self.wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self.wait = 1.0  # after 'waiting' (a lead conversion running): seconds until the next step
        self.look_again = LOOK_AGAIN  # seconds before a create of unknown id is looked up again
        self._next_look: dict[int, float] = {}  # seq -> time.monotonic() of its next look-up

    def backoff(self, seq: int) -> float:
        n = self.attempts.get(seq, 0)
        return float(min(30.0, 0.5 * (2 ** max(0, n - 1))) * (0.5 + self.rng.random()))

    async def push_next(self) -> str:
        """Push the head row. Returns 'empty', 'pushed', 'conflict', 'rejected', 'retry',
        'created' (Pipedrive made it but did not say the id: looked up later), 'waiting' (a lead
        conversion runs on Pipedrive: look again after `self.wait` s), or 'held' (signed out,
        budget spent, blocked by the firewall: the row waits, untouched). With nothing to
        push, a create of unknown id that is due is looked up ('pushed' if found, else 'empty')."""
        async with self._lock:
            return await self._push_head()

    def _due(self, rows: list[dict[str, Any]]) -> dict[str, Any] | None:
        now = time.monotonic()
        return next((r for r in rows if self._next_look.get(r["seq"], 0.0) <= now), None)

    async def _push_head(self) -> str:
        row = await self.db.read(next_row)
        if row is None:
            row = self._due(await self.db.read(unconfirmed))
            if row is None:
                return "empty"
        try:
            outcome = await self._push(row)
        except (DailyBudgetExhausted, AuthError, Blocked) as exc:
            message = exc.message
            await self.db.write(lambda c: c.execute("UPDATE outbox SET last_error=? WHERE seq=?", (message, row["seq"])))
            if not self.on_problem(exc):
                self.on_online(True, exc.message)
            return "held"
        except ApiError as exc:
            if exc.transient:
                self.attempts[row["seq"]] = self.attempts.get(row["seq"], 0) + 1
                message = exc.message
                await self.db.write(
                    lambda c: c.execute("UPDATE outbox SET attempts=attempts+1, last_error=? WHERE seq=?", (message, row["seq"]))
                )
                self.on_online(not isinstance(exc, NetworkError), exc.message)
                return "retry"
            await self._reject(row, exc)
            self.on_online(True, None)
            return "rejected"
        self.attempts.pop(row["seq"], None)
        self.on_online(True, None)
        return outcome

    async def _get(self, entity: str, eid: int, parent_id: int | None = None) -> dict[str, Any]:
        if not REGISTRY[entity].single_get:  # no GET of one item: the parent's list (deal products)
            return await parents.get_child(self.client, entity, eid, parent_id)
        return _clean(entity, await self.client.get_item(REGISTRY[entity].path or "", eid))

    async def _refresh_parent(self, row: dict[str, Any]) -> None:
        await parents.refresh_parent(self, row)

    async def _push(self, row: dict[str, Any]) -> str:
        entity, eid, op = row["entity"], row["entity_id"], row["op"]
        payload = json.loads(row["payload"])
        if row["state"] == "created":
            return await self._look_up(row, payload)
        if op == "create":
            return await self._create(row, payload)
        if op in OPERATIONS:
            return await OPERATIONS[op].push(self, row)
        spec = REGISTRY[entity]
        path = spec.path_for(row.get("parent_id"))
        if op == "delete":
            try:
                await self.client.delete_item(path, eid)
            except NotFound:
                pass  # already gone (e.g. an earlier attempt's response was lost)
            await self.db.write(ack_write, row, None)
            await self._refresh_parent(row)
            self.emit_changed(entity, *(("deals",) if spec.parent_key else ()))
            return "pushed"
        if not row["force"] and spec.single_get:
            remote = await self._get(entity, eid)
            clash = self._conflict(row, payload, remote)
            if clash:
                await self.db.write(
                    lambda c: c.execute(
                        "UPDATE outbox SET state='conflict', last_error=? WHERE seq=?",
                        (json.dumps(clash, ensure_ascii=False, default=str), row["seq"]),
                    )
                )
                self.emit(ConflictDetected(row["seq"], entity, eid, {k: tuple(v) for k, v in clash.items()}))
                self.emit_changed(entity)
                return "conflict"
        server = _clean(entity, await self.client.update_item(path, eid, _body(entity, payload), spec.update_method))
        await self.db.write(ack_write, row, server)
        await self._refresh_parent(row)
        if spec.parent_key:  # the parent's value follows its items
            self.emit_changed(entity, "deals")
        else:
            self.emit_changed(entity, ids={table_of(entity): frozenset({eid})})
        return "pushed"

    @staticmethod
    def _conflict(row: dict[str, Any], payload: dict[str, Any], remote: dict[str, Any]) -> dict[str, list[Any]]:
        base = json.loads(row["base"] or "{}")
        remote_time = ingest.norm_time(remote.get("update_time")) or ""
        if row["base_update_time"] and remote_time <= row["base_update_time"]:
            return {}
        clash = {}
        for key, mine in payload.items():
            theirs = remote.get(key)
            if key == "lost_reason":
                continue
            if key == "custom_fields":  # each custom field is a field of its own
                old, now = base.get(key) or {}, remote.get(key) or {}
                for code, value in (mine or {}).items():
                    if not parents.same_custom(now.get(code), old.get(code)) and not parents.same_custom(now.get(code), value):
                        clash[f"custom_fields.{code}"] = [value, now.get(code)]
                continue
            if not _same(theirs, base.get(key)) and not _same(theirs, mine):
                clash[key] = [mine, theirs]
        return clash

    async def _create(self, row: dict[str, Any], payload: dict[str, Any]) -> str:
        entity = row["entity"]
        server = await self._find_created(row, payload) if row["sent_at"] else None
        if server is None:
            table = table_of(entity)
            marked = await self.db.write(
                lambda c: (
                    c.execute(
                        f"UPDATE outbox SET sent_at=?, known_max_id=COALESCE(known_max_id, (SELECT MAX(id) FROM {table})) WHERE seq=?",
                        (utcnow(), row["seq"]),
                    ).rowcount
                )
            )
            if not marked:
                return "pushed"  # the new item was deleted before it was sent: nothing to create
            path = REGISTRY[entity].path_for(row.get("parent_id"))
            try:
                server = _clean(entity, await self.client.create_item(path, _body(entity, payload)))
            except CreatedWithoutId:
                await self.db.write(mark_created, row["seq"])
                self._next_look.pop(row["seq"], None)
                self.emit_changed(entity)
                return "created"
        await self._acknowledge(row, server)
        return "pushed"

    async def _look_up(self, row: dict[str, Any], payload: dict[str, Any]) -> str:
        """A create Pipedrive made without saying its id: find it (never POST it again)."""
        seq = row["seq"]
        misses = row["attempts"] or 0
        self._next_look[seq] = time.monotonic() + min(LOOK_AGAIN_MAX, self.look_again * 2**misses)
        try:
            server = await self._find_created(row, payload)
        except ApiError as exc:
            if exc.transient or isinstance(exc, (DailyBudgetExhausted, AuthError, Blocked)):
                raise  # retried or held like any push; never a refusal of the create
            server = None
        if server is None:
            await self.db.write(lambda c: c.execute("UPDATE outbox SET attempts=attempts+1 WHERE seq=?", (seq,)))
            return "empty"
        self._next_look.pop(seq, None)
        await self._acknowledge(row, server)
        return "pushed"

    async def _acknowledge(self, row: dict[str, Any], server: dict[str, Any]) -> None:
        entity = row["entity"]
        await self.db.write(ack_create, row, server)
        await self._refresh_parent(row)
        self.emit(Created(entity, row["entity_id"], int(server["id"])))
        self.emit_changed(entity, "deals", "persons", "organizations", "activities", "notes")

    async def _find_created(self, row: dict[str, Any], payload: dict[str, Any]) -> dict[str, Any] | None:
        floor = row["known_max_id"] or 0
        candidates = await self._newer_than(row["entity"], floor, payload, row.get("parent_id"))
        return adoptable(row["entity"], candidates, payload)

    async def _newer_than(self, entity: str, floor: int, payload: dict[str, Any], parent_id: int | None = None) -> list[dict[str, Any]]:
        """Items of this type with an id above `floor`, newest first (at most ADOPT_SCAN)."""
        found: list[dict[str, Any]] = []
        spec = REGISTRY[entity]
        if spec.version == "v1":
            params: dict[str, Any] = {"sort": "id DESC"}
            for key in ("deal_id", "person_id", "org_id", "lead_id"):
                if payload.get(key):
                    params[key] = payload[key]
            pages = self.client.pages_v1(spec.path or "", params)
        else:
            pages = self.client.pages_v2(spec.path_for(parent_id), {"sort_by": "id", "sort_direction": "desc"})
        async for page in pages:
            newer = [_clean(entity, item) for item in page if item.get("id", 0) > floor]
            found += newer
            if len(newer) < len(page) or len(found) >= ADOPT_SCAN:
                break
        return found

    async def _reject(self, row: dict[str, Any], exc: ApiError) -> None:
        entity, eid = row["entity"], row["entity_id"]
        what = await self.db.read(describe, row)
        server, gone = None, False
        own = OPERATIONS.get(row["op"])
        if row["op"] != "create" and entity in REGISTRY and not (own is not None and own.creates):
            try:
                server = await self._get(entity, eid, row.get("parent_id"))
            except NotFound:
                gone = True
            except ApiError:
                server = None
        reason = f"Pipedrive refused {what}: {exc.message}"
        dropped, typed = await self.db.write(rollback, row, server, gone, reason)
        if dropped > 1:
            reason += f" ({dropped - 1} later edit(s) to it were taken back too; the form shows what you typed)"
        await self._refresh_parent(row)
        fields = tuple(sorted(set(json.loads(row["payload"])) | set(typed)))
        self.emit(EditRejected(entity, eid, row["op"], reason, fields, typed, exc.message))
        self.emit_changed(entity, "deals", "persons", "organizations", "activities", "notes")

    def emit_changed(self, *tables: str, ids: dict[str, frozenset[int] | None] | None = None) -> None:
        from tui.store.events import DataChanged

        names = {table_of(t) if t in REGISTRY else t for t in tables}
        self.emit(DataChanged(frozenset(names), ids))


ADOPT_SCAN = 2000  # items looked at to find a create whose answer was lost (4 pages, 40 tokens)
LOOK_AGAIN = 30.0  # seconds between look-ups of a create Pipedrive made without saying its id...
LOOK_AGAIN_MAX = 600.0  # ...doubling after each miss up to this


def _loose(value: Any) -> Any:
    """Normalised for finding a create: whitespace collapsed, case folded, HTML as text."""
    value = _norm(value)
    if isinstance(value, str):
        if "<" in value and ">" in value:
            from tui.notes_html import html_to_text

            value = html_to_text(value)
        return " ".join(value.split()).casefold()
    return value


def _matches(candidate: dict[str, Any], payload: dict[str, Any], skip: tuple[str, ...] = ()) -> bool:
    for key, sent in payload.items():
        if key in skip or key in NOTE_FLAGS or isinstance(sent, dict):
            continue
        if isinstance(sent, list) and key not in ("participants", "emails", "phones"):
            continue
        if not _same(_loose(candidate.get(key)), _loose(sent)):
            return False
    return True


def adoptable(entity: str, candidates: list[dict[str, Any]], payload: dict[str, Any]) -> dict[str, Any] | None:
    """The server item a lost create made, if one can be told apart (oldest match first)."""
    ordered = sorted(candidates, key=lambda c: c.get("id", 0))
    for cand in ordered:
        if _matches(cand, payload):
            return cand
    identity = REGISTRY[entity].identity
    if entity == "note" or identity is None or identity not in payload or len(payload) < 2:
        return None
    renamed = [
        c
        for c in ordered
        if _matches(c, payload, skip=(identity,))
        and (ingest.norm_time(c.get("update_time")) or "") > (ingest.norm_time(c.get("add_time")) or "")
    ]
    return renamed[0] if len(renamed) == 1 else None


def _body(entity: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The request body: v1 notes take their flags as 0/1."""
    body = dict(payload)
    if entity == "note":
        for key in NOTE_FLAGS:
            if key in body:
                body[key] = 1 if body[key] else 0
    return body
