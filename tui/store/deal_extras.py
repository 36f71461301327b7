"""The Store's side for the whole deal (a mixin of Store): custom fields, products on deals,
history, archived deals, field definitions.

    await store.set_custom_field(entity, entity_id, field_code, value)   # only that field is sent
    line_id = await store.add_deal_product(deal_id, {"product_id": 3, "quantity": 2, "item_price": 99,
                                                     "discount": 0, "tax": 19})
    await store.update_deal_product(line_id, {"quantity": 3})             # the deal's value follows
    await store.remove_deal_product(line_id)
    await store.load_deal_products(deal_id)   # when the deal's screen opens: GET /deals/{id}/products
                                              # (10 tokens) unless fetched for this version of the deal
    await store.history(entity, entity_id, refresh=False)   # tui/store/history.py: 40 tokens on open
    await store.archived_deals()              # GET /deals/archived (20 tokens per 500), cached
    await store.refresh_fields()              # the field definitions again (30 tokens)

Products on deals go through the outbox like every edit (optimistic, rolled back on refusal):
tui/store/deal_lines.py computes the deal's value the way Pipedrive does, before the server
confirms; the server's deal replaces it after.
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

from tui.store import deal_lines, history, server_rows
from tui.store.events import DataChanged


def _store_archived(conn: sqlite3.Connection, items: list[dict[str, Any]]) -> None:
    conn.execute("DELETE FROM archived_deals")
    conn.executemany(
        "INSERT OR REPLACE INTO archived_deals (id, title, archive_time, data) VALUES (?,?,?,?)",
        [
            (o["id"], o.get("title") or "", o.get("archive_time"), json.dumps(o, ensure_ascii=False))
            for o in items
            if isinstance(o.get("id"), int)
        ],
    )
    deal_lines.set_mark(conn, "archived_deals", 0, None)


if TYPE_CHECKING:
    from tui.store.db import Database


class DealExtras:
    # set by Store: client, db, _edit, _emit, _update, create_entity, update_entity, delete_entity
    client: Any
    db: Database
    _edit: Any
    _emit: Any
    _update: Any
    create_entity: Any
    update_entity: Any
    delete_entity: Any
    _log_tokens: Any
    _syncer: Any

    async def set_custom_field(self, entity: str, entity_id: int, code: str, value: Any) -> None:
        await self.update_entity(entity, entity_id, {"custom_fields": {code: value}})

    async def add_deal_product(self, deal_id: int, fields: dict[str, Any]) -> int:
        line_id: int = await self.create_entity("deal_product", {**fields, "deal_id": deal_id})
        return line_id

    async def update_deal_product(self, line_id: int, changes: dict[str, Any]) -> None:
        await self._edit_line("update", line_id, changes)

    async def remove_deal_product(self, line_id: int) -> None:
        await self._edit_line("delete", line_id)

    async def _edit_line(self, op: str, line_id: int, changes: dict[str, Any] | None = None) -> None:
        from tui.store import edits

        if op == "update":
            await self._edit(
                edits.update,
                "deal_product",
                line_id,
                changes or {},
                tables={"deal_products", "deals"},
            )
        else:
            await self._edit(edits.delete, "deal_product", line_id, tables={"deal_products", "deals"})

    async def load_deal_products(self, deal_id: int) -> bool:
        """Fetch a deal's products (10 tokens per 500) unless the cache has them for the deal's
        current version. True when something was fetched; ApiError propagates."""
        if self.client is None or deal_id < 0:
            return False

        def stale(conn: sqlite3.Connection) -> tuple[bool, str | None]:
            mark, known = deal_lines.get_mark(conn, "deal_products", deal_id)
            now = deal_lines.deal_update_time(conn, deal_id)
            return (not known or mark != now), now

        wanted, mark = await self.db.read(stale)
        if not wanted:
            return False
        items = await self.client.list_v2(f"deals/{deal_id}/products")
        await self.db.write(server_rows.store_fetched, deal_id, items, mark)
        self._emit(DataChanged(frozenset({"deal_products"})))
        return True

    async def history(self, entity: str, entity_id: int, refresh: bool = False) -> tuple[list[dict[str, Any]], bool]:
        """(the flow items, fetched now?). Fetched only when asked for, and only when the entity
        changed since the cached copy (or `refresh`); costs 40 tokens per 500 entries."""
        fresh = await self.db.read(history.is_fresh, entity, entity_id)
        if fresh and not refresh or self.client is None or entity_id < 0:
            found = await self.db.read(history.cached, entity, entity_id)
            return (found[0] if found else []), False
        mark = await self.db.read(history.current_mark, entity, entity_id)
        items = await history.fetch(self.client, entity, entity_id)
        await self.db.write(history.save, entity, entity_id, items, mark)
        await self._log_tokens()
        return items, True

    async def archived_deals(self, refresh: bool = False) -> bool:
        """Fetch the archived deals (read-only; 20 tokens per 500) when not fetched yet or asked to."""
        if self.client is None:
            return False
        _mark, known = await self.db.read(deal_lines.get_mark, "archived_deals", 0)
        if known and not refresh:
            return False
        items = await self.client.list_v2("deals/archived")
        await self.db.write(_store_archived, items)
        await self._log_tokens()
        self._emit(DataChanged(frozenset({"archived_deals"})))
        return True

    async def refresh_fields(self) -> None:
        if self.client is None:
            return
        from tui.store.sync import Changes

        await self._syncer().refresh_fields(Changes())
        self._emit(DataChanged(frozenset({"fields"})))
