"""Paging: v2 keyset cursors tied to the sort, offset cursors for search, v1 start/limit.

A v2 list cursor holds the sort field, direction and the last item's sort key and id
(Pipedrive's own cursors decode to {"field","fieldValue","sortDirection","id"}). The next
page starts strictly after that key, so an item that leaves the filtered set between two
pages (or a new one sorting before the cursor) never shifts later items out of view.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from tui.sandbox import validate as v
from tui.sandbox.state import Obj

Query = dict[str, str]
KeyFn = Callable[[Obj], tuple[Any, ...]]


def limit_of(q: Query, maximum: int = 500, default: int = 100) -> int:
    raw = q.get("limit")
    if raw is None or raw == "":
        return default
    try:
        n = int(raw)
    except ValueError:
        raise v.bad("Validation failed: limit: Expected number") from None
    if n < 1 or n > maximum:
        raise v.bad(f"Validation failed: limit: Number must be less than or equal to {maximum}")
    return n


def _encode(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode(cursor: str) -> dict[str, Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor.encode() + b"=" * (-len(cursor) % 4)).decode()
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError(cursor)
        return data
    except Exception:
        raise v.bad("Validation failed: cursor: Invalid cursor") from None


def key_fn(sort_by: str) -> KeyFn:
    """The total order of a v2 list: the sort field, then id."""
    if sort_by == "id":
        return lambda o: (o["id"],)
    if sort_by == "due_date":
        return lambda o: (o.get("due_date") or "9999-99-99", o.get("due_time") or "", o["id"])
    if sort_by == "order_nr":
        return lambda o: (o.get("order_nr") or 0, o["id"])
    if sort_by == "name":
        return lambda o: ((o.get("name") or "").lower(), o["id"])
    return lambda o: (o.get(sort_by) or "", o["id"])


def sort_params(q: Query, allowed: tuple[str, ...]) -> tuple[str, str]:
    key = q.get("sort_by") or "id"
    if key not in allowed:
        raise v.bad(f"Validation failed: sort_by: Invalid enum value. Expected {' | '.join(allowed)}, received '{key}'")
    direction = q.get("sort_direction") or "asc"
    if direction not in ("asc", "desc"):
        raise v.bad("Validation failed: sort_direction: Invalid enum value. Expected asc | desc")
    return key, direction


def keyset(items: list[Obj], q: Query, sorts: tuple[str, ...], maximum: int = 500) -> tuple[list[Obj], dict[str, Any]]:
    """Sort `items` per sort_by/sort_direction and return the page after `cursor`."""
    limit = limit_of(q, maximum)
    sort_by, direction = sort_params(q, sorts)
    fn = key_fn(sort_by)
    desc = direction == "desc"
    if q.get("cursor"):
        c = _decode(q["cursor"])
        if c.get("field") != sort_by or c.get("sortDirection") != direction or "id" not in c:
            raise v.bad("Validation failed: cursor: The cursor does not match sort_by and sort_direction")
        value = c.get("fieldValue")
        after = (*value, c["id"]) if isinstance(value, list) else ((c["id"],) if sort_by == "id" else (value, c["id"]))
        try:
            items = [o for o in items if (fn(o) < after if desc else fn(o) > after)]
        except TypeError:
            raise v.bad("Validation failed: cursor: Invalid cursor") from None
    items = sorted(items, key=fn, reverse=desc)
    chunk = items[:limit]
    nxt = None
    if len(items) > limit:
        last = fn(chunk[-1])
        head = list(last[:-1])
        nxt = _encode(
            {"field": sort_by, "fieldValue": head[0] if len(head) == 1 else (head or last[-1]), "sortDirection": direction, "id": last[-1]}
        )
    return chunk, {"next_cursor": nxt}


def offset(items: list[Any], q: Query, maximum: int = 500) -> tuple[list[Any], dict[str, Any]]:
    """Opaque offset cursors, for results without a stable sort key (search, fields)."""
    limit = limit_of(q, maximum)
    start = 0
    if q.get("cursor"):
        c = _decode(q["cursor"])
        if not isinstance(c.get("offset"), int) or c["offset"] < 0:
            raise v.bad("Validation failed: cursor: Invalid cursor")
        start = c["offset"]
    chunk = items[start : start + limit]
    nxt = _encode({"offset": start + limit}) if start + limit < len(items) else None
    return chunk, {"next_cursor": nxt}


def v1_window(q: Query, maximum: int = 500) -> tuple[int, int]:
    """v1 start/limit (limit defaults to 100)."""
    try:
        start = int(q.get("start") or 0)
        limit = int(q.get("limit") or 100)
    except ValueError:
        raise v.bad("start and limit must be integers") from None
    if start < 0 or limit < 1 or limit > maximum:
        raise v.bad(f"limit must be between 1 and {maximum}")
    return start, limit


def v1_page(items: list[Any], q: Query, maximum: int = 500) -> tuple[list[Any], dict[str, Any]]:
    start, limit = v1_window(q, maximum)
    chunk = items[start : start + limit]
    more = start + limit < len(items)
    pagination: dict[str, Any] = {"start": start, "limit": limit, "more_items_in_collection": more}
    if more:
        pagination["next_start"] = start + limit
    return chunk, pagination
