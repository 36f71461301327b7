"""What the server sent, into the cache: the one entry point every path uses (a sync page, an
outbox answer, a fetch by id, a search hit, a conversion). Rows with local edits waiting are
kept as they are (the server's copy goes to `server_copy` for the conflict check).

Here rather than in sync.py so that the sync's helpers (sync_extras, sync_leads, views),
the outbox, conversion and the deal extras use it without importing the sync engine.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from typing import Any

from tui.store import deal_lines, ingest
from tui.store.boundary import check_and_record
from tui.store.registry import EDITABLE, REGISTRY, strip_related
from tui.store.sync_plan import Task, save_progress

OVERLAP_SECONDS = 2


def utc_text(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def now_text() -> str:
    return utc_text(datetime.now(timezone.utc))


def from_text(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def pending_ids(conn: sqlite3.Connection, entity: str) -> set[int]:
    return {
        r[0] for r in conn.execute("SELECT DISTINCT entity_id FROM outbox WHERE entity = ? AND state IN ('pending','conflict')", (entity,))
    }


def apply_server_objects(conn: sqlite3.Connection, entity: str, objects: list[dict[str, Any]]) -> int:
    """Upsert what the server sent (checked against the models: tui/store/boundary.py),
    except entities with local edits pending."""
    objects = check_and_record(conn, entity, objects)
    held = pending_ids(conn, entity) if entity in EDITABLE else set()
    deleting = (
        {
            r[0]
            for r in conn.execute(
                "SELECT entity_id FROM outbox WHERE entity = ? AND op IN ('delete','merge') AND state IN ('pending','conflict')",
                (entity,),
            )
        }
        if held
        else set()
    )
    free = [o for o in objects if o.get("id") not in held]
    missing: list[dict[str, Any]] = []
    for obj in objects:
        if obj.get("id") in held:
            conn.execute(
                "INSERT OR REPLACE INTO server_copy (entity, id, data) VALUES (?,?,?)",
                (entity, obj["id"], json.dumps(obj, ensure_ascii=False)),
            )
            if obj["id"] not in deleting and ingest.load(conn, entity, obj["id"]) is None:
                # the cache lost this row (e.g. rebuilt) while edits to it wait: show them on top
                merged = dict(obj)
                for (payload,) in conn.execute(
                    "SELECT payload FROM outbox WHERE entity=? AND entity_id=? AND op='update' ORDER BY seq", (entity, obj["id"])
                ):
                    merged.update(json.loads(payload))
                missing.append(merged)
    count = ingest.upsert(conn, entity, free + missing)
    if entity == "deal":  # line edits not yet acknowledged: the deal's value stays the local estimate
        for deal_id in deal_lines.pending_parents(conn) & {o.get("id") for o in free}:
            deal_lines.recompute(conn, deal_id)
    return count


def drop_gone(conn: sqlite3.Connection, entity: str, ids: set[int]) -> list[int]:
    """Remove rows the server no longer has (deleted, archived), unless edits to them wait."""
    gone = sorted(ids - pending_ids(conn, entity))
    ingest.delete(conn, entity, gone)
    return gone


def newest_update(conn: sqlite3.Connection, table: str | None = None) -> str | None:
    """The largest server update_time in the cache (server clock: skew does not matter)."""
    tables = [table] if table else ["deals", "persons", "organizations", "activities", "notes"]
    found = [conn.execute(f"SELECT MAX(update_time) FROM {t} WHERE id > 0").fetchone()[0] for t in tables]
    found = [f for f in found if f]
    return max(found) if found else None


def clean_note(note: dict[str, Any]) -> dict[str, Any]:
    return strip_related(note)


def store_page(conn: sqlite3.Connection, task: Task, items: list[dict[str, Any]], cursor: str | None, complete: bool) -> list[int]:
    """One page of a task, and the task's progress, in one transaction. Returns the ids."""
    if task.entity.startswith("field:"):
        entity = task.entity.split(":", 1)[1]
        conn.executemany(
            "INSERT OR REPLACE INTO fields (entity, field_code, field_name, field_type, is_custom, data) VALUES (?,?,?,?,?,?)",
            [
                (
                    entity,
                    f["field_code"],
                    f.get("field_name") or f["field_code"],
                    f.get("field_type"),
                    1 if f.get("is_custom_field") else 0,
                    json.dumps(f, ensure_ascii=False),
                )
                for f in items
            ],
        )
        ids: list[int] = []
    elif task.meta:
        spec = REGISTRY[task.entity]
        if complete and cursor is None:  # the whole list: what it lacks is gone (invalid items stay)
            keep = {o.get(spec.key) for o in items if isinstance(o, dict)}
            existing = {r[0] for r in conn.execute(f"SELECT {spec.key} FROM {spec.table}")}
            ingest.delete(conn, task.entity, existing - keep)
        items = check_and_record(conn, task.entity, items)
        ingest.upsert(conn, task.entity, items)
        ids = [o["id"] for o in items if isinstance(o.get("id"), int)]
    else:
        if task.entity == "note":
            items = [clean_note(n) for n in items]
        apply_server_objects(conn, task.entity, items)
        ids = [o["id"] for o in items]
    save_progress(conn, task.key, cursor, complete, now_text())
    return ids


def store_fetched(conn: sqlite3.Connection, deal_id: int, items: list[dict[str, Any]], mark: str | None) -> None:
    """A deal's lines as the server listed them: what it lacks is gone (unless edits to it wait)."""
    apply_server_objects(conn, "deal_product", items)
    keep = {o["id"] for o in items} | pending_ids(conn, "deal_product")
    gone = [r[0] for r in conn.execute("SELECT id FROM deal_products WHERE deal_id = ? AND id > 0", (deal_id,)) if r[0] not in keep]
    ingest.delete(conn, "deal_product", gone)
    deal_lines.set_mark(conn, "deal_products", deal_id, mark)
