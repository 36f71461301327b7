"""Parts of the sync for the whole deal: deals archived elsewhere leave the cache, and the field
definitions are fetched again (both run with `lists`, the `r` key, and `full`)."""

from __future__ import annotations

import sqlite3
from typing import Any

from tui.store.sync_plan import FIELD_TASKS, Task


async def archived_since(syncer: Any, changes: Any) -> None:
    """Deals archived since the last look leave the cache (the lists no longer carry them):
    GET /deals/archived with updated_since, 20 tokens per 500."""
    from tui.store.sync import OVERLAP, _drop_gone, _fmt, _parse, newest_update

    mark = await syncer.db.read(newest_update, "deals")
    if not mark:
        return
    items = await syncer._all("/api/v2/deals/archived", {"updated_since": _fmt(_parse(mark) - OVERLAP)})
    if items:
        gone = await syncer.db.write(_drop_gone, "deal", {o["id"] for o in items})
        changes.add("deals", gone, "deals")


async def refresh_fields(syncer: Any, changes: Any) -> None:
    """The field definitions again (dealFields with the stages where a field is important or
    required), each list replacing the cached one: 3 x 10 tokens."""
    for task in FIELD_TASKS:
        items = await syncer._all(task.path, dict(task.params))
        await syncer.db.write(replace_fields, task, items)
    changes.add("fields", None, "fields", 0)


def replace_fields(conn: sqlite3.Connection, task: Task, items: list[dict[str, Any]]) -> None:
    from tui.store.sync import store_page

    entity = task.entity.split(":", 1)[1]
    conn.execute("DELETE FROM fields WHERE entity = ?", (entity,))
    store_page(conn, task, items, None, True)
