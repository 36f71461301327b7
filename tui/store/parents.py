"""Outbox helpers for items under a parent (a deal's products) and for custom field values.

Deal products have no GET of one item: the parent's list is read instead (10 tokens, only on a
refusal or a conflict resolution). A product's write changes its deal's value on the server:
the deal is read again after each acknowledged or refused line write (1 token).
"""

from __future__ import annotations

from typing import Any

from tui.api.errors import ApiError, NotFound
from tui.store import deal_lines
from tui.store.field_values import same as _same
from tui.store.registry import REGISTRY
from tui.store.server_rows import apply_server_objects


async def get_child(client: Any, entity: str, eid: int, parent_id: int | None) -> dict[str, Any]:
    for item in await client.list_v2(REGISTRY[entity].path_for(parent_id).removeprefix("/api/v2/")):
        if item.get("id") == eid:
            found: dict[str, Any] = item
            return found
    raise NotFound(f"{entity} {eid} is gone", status=404)


async def refresh_parent(pusher: Any, row: dict[str, Any]) -> None:
    """A deal's value follows its products: after a line's write, read the server's deal."""
    if row["entity"] != "deal_product" or not row.get("parent_id"):
        return
    try:
        deal = await pusher._get("deal", row["parent_id"])
    except ApiError:
        await pusher.db.write(deal_lines.recompute, row["parent_id"])
        return
    await pusher.db.write(apply_server_objects, "deal", [deal])


def same_custom(a: Any, b: Any) -> bool:
    """Custom field values: objects compare by their parts (a time's zone id is the server's)."""
    if isinstance(a, dict) and isinstance(b, dict):
        keys = (set(a) | set(b)) - {"timezone_id", "formatted_address"}
        return all(_same(a.get(k), b.get(k)) for k in keys if a.get(k) is not None or b.get(k) is not None)
    if isinstance(a, list) and isinstance(b, list):
        return sorted(map(str, a)) == sorted(map(str, b))
    return _same(a, b)
