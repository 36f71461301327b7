"""Products on deals, the way Pipedrive computes them (the sandbox implements the same rules:
tui/sandbox/products.py).

A line's sum is quantity x item_price, less the discount (a percentage of that, or an amount
off it, per discount_type), plus the tax when tax_method is "exclusive" ("inclusive" prices
already hold the tax, "none" adds none). A deal with products is worth the sum of its enabled
lines' sums; removing its last line leaves the value as it was. tax_method is one per deal: a
new line takes the deal's (its other lines'), else "exclusive".

These run on the writer thread (inside `Database.write`): an edit to a line recomputes the
deal's value in the cache at once (no outbox row for the deal: the server derives it too); the
server's deal is fetched after the line's write is acknowledged and replaces the estimate.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from typing import Any

from tui.store import ingest

LINE_KEYS = ("product_id", "item_price", "quantity", "discount", "discount_type", "tax", "tax_method", "is_enabled", "comments")


def line_sum(line: dict[str, Any]) -> float:
    price, qty = float(line.get("item_price") or 0), float(line.get("quantity") or 0)
    discount, tax = float(line.get("discount") or 0), float(line.get("tax") or 0)
    base = price * qty
    discounted = base * (1 - discount / 100) if (line.get("discount_type") or "percentage") == "percentage" else base - discount
    total = discounted * (1 + tax / 100) if line.get("tax_method") == "exclusive" else discounted
    return round(total, 2)


def lines_of(conn: sqlite3.Connection, deal_id: int) -> list[dict[str, Any]]:
    return [json.loads(r[0]) for r in conn.execute("SELECT data FROM deal_products WHERE deal_id = ? ORDER BY order_nr, id", (deal_id,))]


def deal_value(lines: list[dict[str, Any]]) -> float | None:
    """The value of a deal with these lines (None: no lines, the deal keeps its own value)."""
    if not lines:
        return None
    return round(sum(float(line.get("sum") or 0) for line in lines if line.get("is_enabled", True)), 2)


def recompute(conn: sqlite3.Connection, deal_id: int | None) -> None:
    """Set the cached deal's value from its cached lines (when it has any)."""
    if deal_id is None:
        return
    value = deal_value(lines_of(conn, deal_id))
    deal = ingest.load(conn, "deal", deal_id)
    if value is None or deal is None or deal.get("value") == value:
        return
    deal["value"] = value
    ingest.upsert(conn, "deal", [deal])


def new_line(conn: sqlite3.Connection, deal_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    """The optimistic line of a create: the product's name and tax, the deal's currency and tax method."""
    product = ingest.load(conn, "product", fields.get("product_id")) or {}
    deal = ingest.load(conn, "deal", deal_id) or {}
    others = lines_of(conn, deal_id)
    line = {
        "deal_id": deal_id,
        "name": product.get("name") or "",
        "tax": product.get("tax") or 0,
        "currency": deal.get("currency"),
        "order_nr": len(others) + 1,
        "tax_method": fields.get("tax_method") or (others[0].get("tax_method") if others else "exclusive"),
    }
    line.update({k: v for k, v in fields.items() if k != "deal_id"})
    line["sum"] = line_sum(line)
    return line


def pending_parents(conn: sqlite3.Connection) -> set[int]:
    """Deals with line edits waiting in the outbox (their value is still the local estimate)."""
    return {
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT parent_id FROM outbox WHERE entity = 'deal_product' AND state IN ('pending','conflict') "
            "AND parent_id IS NOT NULL"
        )
    }


def get_mark(conn: sqlite3.Connection, kind: str, key: int) -> tuple[str | None, bool]:
    row = conn.execute("SELECT mark FROM fetch_marks WHERE kind = ? AND key = ?", (kind, key)).fetchone()
    return (row[0], True) if row else (None, False)


def set_mark(conn: sqlite3.Connection, kind: str, key: int, mark: str | None) -> None:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    conn.execute("INSERT OR REPLACE INTO fetch_marks (kind, key, mark, at) VALUES (?,?,?,?)", (kind, key, mark, now))


def deal_update_time(conn: sqlite3.Connection, deal_id: int) -> str | None:
    row = conn.execute("SELECT update_time FROM deals WHERE id = ?", (deal_id,)).fetchone()
    return row[0] if row else None
