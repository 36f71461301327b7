"""Parts of the sync for the whole deal: deals archived elsewhere leave the cache, and the field
definitions are fetched again (both run with `lists`, the `r` key, and `full`)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Any

from tui.store.server_rows import OVERLAP_SECONDS, drop_gone, from_text, newest_update, store_page, utc_text
from tui.store.sync_plan import FIELD_TASKS, Task


async def archived_since(syncer: Any, changes: Any) -> None:
    """Deals archived since the last look leave the cache (the lists no longer carry them):
    GET /deals/archived with updated_since, 20 tokens per 500."""
    mark = await syncer.db.read(newest_update, "deals")
    if not mark:
        return
    since = utc_text(from_text(mark) - timedelta(seconds=OVERLAP_SECONDS))
    items = await syncer._all("/api/v2/deals/archived", {"updated_since": since})
    if items:
        gone = await syncer.db.write(drop_gone, "deal", {o["id"] for o in items})
        changes.add("deals", gone, "deals")


async def refresh_fields(syncer: Any, changes: Any) -> None:
    """The field definitions again (dealFields with the stages where a field is important or
    required), each list replacing the cached one: 3 x 10 tokens."""
    for task in FIELD_TASKS:
        items = await syncer._all(task.path, dict(task.params))
        await syncer.db.write(replace_fields, task, items)
    changes.add("fields", None, "fields", 0)


def replace_fields(conn: sqlite3.Connection, task: Task, items: list[dict[str, Any]]) -> None:
    entity = task.entity.split(":", 1)[1]
    conn.execute("DELETE FROM fields WHERE entity = ?", (entity,))
    store_page(conn, task, items, None, True)
