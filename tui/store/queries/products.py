"""Reads for products: a deal's lines, the catalogue (list section and picker), archived deals."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from tui.store.queries.common import _like, label_of


@dataclass(slots=True)
class LineRow:
    id: int
    product_id: int | None
    name: str
    quantity: float
    item_price: float
    discount: float
    discount_type: str
    tax: float
    tax_method: str
    sum: float
    currency: str | None
    enabled: bool
    pending: bool  # an edit to it waits in the outbox


@dataclass(slots=True)
class ProductRow:
    id: int
    name: str
    code: str | None
    unit: str | None
    tax: float
    prices: dict[str, float]
    linkable: bool

    def price_in(self, currency: str | None) -> tuple[float, str | None]:
        if currency and currency in self.prices:
            return self.prices[currency], currency
        if self.prices:
            code = next(iter(self.prices))
            return self.prices[code], code
        return 0.0, currency


def deal_lines(conn: sqlite3.Connection, deal_id: int) -> list[LineRow]:
    waiting = {
        r[0]
        for r in conn.execute(
            "SELECT entity_id FROM outbox WHERE entity = 'deal_product' AND parent_id = ? AND state IN ('pending','conflict')", (deal_id,)
        )
    }
    out = []
    for (data,) in conn.execute("SELECT data FROM deal_products WHERE deal_id = ? ORDER BY order_nr, id", (deal_id,)):
        o = json.loads(data)
        out.append(
            LineRow(
                o["id"],
                o.get("product_id"),
                o.get("name") or "",
                float(o.get("quantity") or 0),
                float(o.get("item_price") or 0),
                float(o.get("discount") or 0),
                o.get("discount_type") or "percentage",
                float(o.get("tax") or 0),
                o.get("tax_method") or "exclusive",
                float(o.get("sum") or 0),
                o.get("currency"),
                bool(o.get("is_enabled", True)),
                o["id"] in waiting or o["id"] < 0,
            )
        )
    return out


def line_count(conn: sqlite3.Connection, deal_id: int) -> int:
    """Products on the deal as far as the cache knows (its lines, else the server's products_count)."""
    (lines,) = conn.execute("SELECT COUNT(*) FROM deal_products WHERE deal_id = ?", (deal_id,)).fetchone()
    if lines:
        return int(lines)
    row = conn.execute("SELECT json_extract(data, '$.products_count') FROM deals WHERE id = ?", (deal_id,)).fetchone()
    return int(row[0] or 0) if row else 0


def _product(data: str) -> ProductRow:
    o = json.loads(data)
    prices = {p.get("currency"): float(p.get("price") or 0) for p in o.get("prices") or [] if p.get("currency")}
    return ProductRow(
        o["id"],
        o.get("name") or "",
        o.get("code") or None,
        o.get("unit") or None,
        float(o.get("tax") or 0),
        prices,
        bool(o.get("is_linkable", True)),
    )


def products(
    conn: sqlite3.Connection, text: str | None = None, *, linkable_only: bool = False, limit: int | None = None
) -> list[ProductRow]:
    """The catalogue by name, searched by name or code."""
    sql = "SELECT data FROM products"
    args: list[Any] = []
    where = []
    like = _like(text)
    if like:
        where.append("(name LIKE ? ESCAPE '\\' OR code LIKE ? ESCAPE '\\')")
        args += [like, like]
    if linkable_only:
        where.append("linkable = 1")
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY name COLLATE NOCASE, id"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [_product(r[0]) for r in conn.execute(sql, args)]


def product(conn: sqlite3.Connection, product_id: int) -> ProductRow | None:
    row = conn.execute("SELECT data FROM products WHERE id = ?", (product_id,)).fetchone()
    return _product(row[0]) if row else None


def deals_with_product(conn: sqlite3.Connection, product_id: int) -> int:
    return int(conn.execute("SELECT COUNT(DISTINCT deal_id) FROM deal_products WHERE product_id = ?", (product_id,)).fetchone()[0])


@dataclass(slots=True)
class ArchivedRow:
    id: int
    title: str
    value: float
    currency: str | None
    status: str
    stage: str | None
    org: str | None
    archive_time: str | None


def archived(conn: sqlite3.Connection, text: str | None = None) -> list[ArchivedRow]:
    out = []
    like = (text or "").strip().casefold()
    for (data,) in conn.execute("SELECT data FROM archived_deals ORDER BY archive_time DESC, id DESC"):
        o = json.loads(data)
        if like and like not in (o.get("title") or "").casefold():
            continue
        stage = conn.execute("SELECT name FROM stages WHERE id = ?", (o.get("stage_id"),)).fetchone()
        org = conn.execute("SELECT name FROM organizations WHERE id = ?", (o.get("org_id"),)).fetchone()
        out.append(
            ArchivedRow(
                o["id"],
                o.get("title") or "",
                float(o.get("value") or 0),
                o.get("currency"),
                o.get("status") or "open",
                stage[0] if stage else None,
                org[0] if org else None,
                o.get("archive_time"),
            )
        )
    return out


def archived_deal(conn: sqlite3.Connection, deal_id: int) -> dict[str, Any] | None:
    row = conn.execute("SELECT data FROM archived_deals WHERE id = ?", (deal_id,)).fetchone()
    return json.loads(row[0]) if row else None


def archived_fetched(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT at FROM fetch_marks WHERE kind = 'archived_deals' AND key = 0").fetchone()
    return row[0] if row else None


def archived_facts(conn: sqlite3.Connection, deal: dict[str, Any]) -> list[tuple[str, str]]:
    """What the read-only view of an archived deal shows: its facts and its set custom fields."""
    from tui.custom_values import display
    from tui.formatting import money
    from tui.store.queries.custom import field_defs, names

    stage = conn.execute("SELECT name FROM stages WHERE id = ?", (deal.get("stage_id"),)).fetchone()
    out = [
        ("Status", deal.get("status") or "open"),
        ("Value", money(deal.get("value"), deal.get("currency"))),
        ("Stage", stage[0] if stage else "—"),
        ("Owner", label_of(conn, "user", deal.get("owner_id")) or "—"),
        ("Person", label_of(conn, "person", deal.get("person_id")) or "—"),
        ("Organization", label_of(conn, "organization", deal.get("org_id")) or "—"),
        ("Archived", (deal.get("archive_time") or "")[:16].replace("T", " ") or "—"),
    ]
    values = deal.get("custom_fields") or {}
    lookup = names(conn)
    out += [
        (fd.name, display(fd, values.get(fd.code), lookup)) for fd in field_defs(conn, "deal") if values.get(fd.code) not in (None, "", [])
    ]
    return out
