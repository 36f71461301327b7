"""v2 products and deal products.

A deal-product's sum: quantity x item_price, less the discount (a percentage of that, or an
amount off it, per discount_type), plus the tax when tax_method is "exclusive" ("inclusive"
prices already hold the tax; "none" adds none). Once a deal has products its value is the
sum of its enabled products' sums and follows every change to them; the deal's currency is
theirs. tax_method is one per deal: changing it on one product changes it on all.
"""

from __future__ import annotations

from typing import Any

from tui.sandbox import fields, flow
from tui.sandbox import validate as v
from tui.sandbox.state import Obj, State

FREQUENCIES = ("one-time", "annually", "semi-annually", "quarterly", "monthly", "weekly")
PRODUCT_KEYS = {
    "name",
    "code",
    "description",
    "unit",
    "tax",
    "category",
    "owner_id",
    "is_linkable",
    "visible_to",
    "prices",
    "custom_fields",
    "billing_frequency",
    "billing_frequency_cycles",
}
DEAL_PRODUCT_KEYS = {
    "product_id",
    "item_price",
    "quantity",
    "tax",
    "comments",
    "discount",
    "is_enabled",
    "tax_method",
    "discount_type",
    "product_variation_id",
    "billing_frequency",
    "billing_frequency_cycles",
    "billing_start_date",
}


def _billing(body: dict[str, Any], current: Obj | None) -> None:
    freq = body.get("billing_frequency", (current or {}).get("billing_frequency", "one-time"))
    if freq not in FREQUENCIES:
        raise v.bad(f"Validation failed: billing_frequency: Invalid enum value. Expected {' | '.join(FREQUENCIES)}")
    cycles = body.get("billing_frequency_cycles", (current or {}).get("billing_frequency_cycles"))
    if cycles is not None and (not v.is_int(cycles) or not 0 < cycles <= 208):
        raise v.bad("Validation failed: billing_frequency_cycles: Must be a positive integer less or equal to 208")
    if freq == "one-time" and cycles is not None:
        raise v.bad("Validation failed: billing_frequency_cycles: must be null when billing_frequency is one-time")
    if freq == "weekly" and cycles is None:
        raise v.bad("Validation failed: billing_frequency_cycles: cannot be null when billing_frequency is weekly")


def _prices(st: State, prices: Any, product_id: int) -> list[Obj]:
    if not isinstance(prices, list):
        raise v.bad("Validation failed: prices: Expected array")
    out, seen = [], set()
    codes = {c["code"] for c in st.currencies.values()}
    for p in prices:
        if not isinstance(p, dict) or not isinstance(p.get("currency"), str) or "price" not in p:
            raise v.bad("Validation failed: prices: each price needs currency (string) and price (number)")
        extra = set(p) - {"currency", "price", "cost", "direct_cost", "notes"}
        if extra:
            raise v.bad(f"Validation failed: prices: unrecognized keys: {', '.join(sorted(extra))}")
        if p["currency"] not in codes:
            raise v.bad(f"Validation failed: prices: Unknown currency {p['currency']}")
        if p["currency"] in seen:
            raise v.bad(f"Validation failed: prices: only one price per currency ({p['currency']})")
        seen.add(p["currency"])
        for key in ("price", "cost", "direct_cost"):
            v.opt_number(p, key)
        out.append(
            {
                "product_id": product_id,
                "price": p["price"],
                "currency": p["currency"],
                "cost": p.get("cost", 0),
                "direct_cost": p.get("direct_cost"),
                "notes": p.get("notes") or "",
            }
        )
    return out


def _check_product(st: State, body: dict[str, Any], current: Obj | None) -> dict[str, Any]:
    v.unknown_keys(body, PRODUCT_KEYS)
    v.opt_str(body, "name", required=current is None or "name" in body)
    for key in ("code", "description", "unit"):
        v.opt_str(body, key)
    for key in ("tax", "category"):
        v.opt_number(body, key)
    v.opt_int(body, "owner_id")
    v.opt_bool(body, "is_linkable")
    if body.get("visible_to") is not None and body["visible_to"] not in (1, 3, 5, 7):
        raise v.bad("Validation failed: visible_to: Invalid enum value. Expected 1 | 3 | 5 | 7")
    if body.get("owner_id") is not None and body["owner_id"] not in st.users:
        raise v.bad(f"User with id {body['owner_id']} not found")
    _billing(body, current)
    clean = {k: val for k, val in body.items() if k not in ("prices", "custom_fields", "category")}
    if "category" in body:
        category = body["category"]
        clean["category"] = None if category is None else str(int(category) if float(category).is_integer() else category)
    if "name" in clean:
        clean["name"] = clean["name"].strip()
    return clean


def create_product(st: State, body: dict[str, Any], now: str) -> Obj:
    clean = _check_product(st, body, None)
    pid = st.new_id("products")
    custom = fields.check_custom(st, "product", body.get("custom_fields"))
    prices = (
        _prices(st, body["prices"], pid)
        if "prices" in body
        else [
            {
                "product_id": pid,
                "price": 0,
                "currency": st.users[st.me_id].get("default_currency") or "EUR",
                "cost": 0,
                "direct_cost": None,
                "notes": "",
            }
        ]
    )
    product: Obj = {
        "id": pid,
        "name": "",
        "code": "",
        "unit": "",
        "tax": 0,
        "is_deleted": False,
        "is_linkable": True,
        "visible_to": 3,
        "owner_id": st.me_id,
        "add_time": now,
        "update_time": now,
        "description": "",
        "category": None,
        "custom_fields": {},
        "billing_frequency": "one-time",
        "billing_frequency_cycles": None,
        "prices": prices,
    }
    product.update(clean)
    product["custom_fields"].update(custom)
    st.products[pid] = product
    return product


def get_product(st: State, pid: int) -> Obj:
    p = st.products.get(pid)
    if p is None or p.get("is_deleted"):
        raise v.not_found("Product")
    return p


def update_product(st: State, pid: int, body: dict[str, Any], now: str) -> Obj:
    product = get_product(st, pid)
    if body.get("is_deleted") is True:
        raise v.bad("Validation failed: is_deleted: use DELETE to delete a product")
    clean = _check_product(st, body, product)
    custom = fields.check_custom(st, "product", body.get("custom_fields"))
    if "prices" in body:  # the whole array is replaced
        product["prices"] = _prices(st, body["prices"], pid)
    product.update(clean)
    product["custom_fields"].update(custom)
    product["update_time"] = now
    return product


def delete_product(st: State, pid: int, now: str) -> Obj:
    product = get_product(st, pid)
    product.update(is_deleted=True, update_time=now)
    return {"id": pid}


# -- deal products --------------------------------------------------------------------------------


def line_sum(dp: Obj) -> float:
    base = dp["item_price"] * dp["quantity"]
    discounted = base * (1 - dp["discount"] / 100) if dp["discount_type"] == "percentage" else base - dp["discount"]
    total = discounted * (1 + dp["tax"] / 100) if dp["tax_method"] == "exclusive" else discounted
    return round(total, 2)


def _live_deal(st: State, deal_id: int) -> Obj:
    deal = st.deals.get(deal_id)
    if deal is None or deal.get("is_deleted"):
        raise v.not_found("Deal")
    if deal.get("is_archived"):
        raise v.bad("Archived deals cannot be edited")
    return deal


def of_deal(st: State, deal_id: int) -> list[Obj]:
    return [dp for dp in st.deal_products.values() if dp["deal_id"] == deal_id]


def sync_deal_value(st: State, deal: Obj, now: str, user_id: int) -> None:
    """The deal's value follows its products (when it has any)."""
    items = of_deal(st, deal["id"])
    if not items:
        return
    total = round(sum(dp["sum"] for dp in items if dp["is_enabled"]), 2)
    if total != deal.get("value"):
        before = dict(deal)
        deal["value"] = total
        deal["update_time"] = now
        flow.record(st, before, deal, now, user_id)


def _check_line(st: State, body: dict[str, Any], current: Obj | None) -> None:
    v.unknown_keys(body, DEAL_PRODUCT_KEYS)
    if current is None:
        for key in ("product_id", "item_price", "quantity"):
            if body.get(key) is None:
                raise v.bad(f"Validation failed: {key}: Required")
    v.opt_int(body, "product_id")
    v.opt_int(body, "product_variation_id")
    for key in ("item_price", "quantity", "tax", "discount"):
        v.opt_number(body, key)
    v.opt_str(body, "comments")
    v.opt_bool(body, "is_enabled")
    v.opt_date(body, "billing_start_date")
    if body.get("tax_method") is not None and body["tax_method"] not in ("exclusive", "inclusive", "none"):
        raise v.bad("Validation failed: tax_method: Invalid enum value. Expected exclusive | inclusive | none")
    if body.get("discount_type") is not None and body["discount_type"] not in ("percentage", "amount"):
        raise v.bad("Validation failed: discount_type: Invalid enum value. Expected percentage | amount")
    if body.get("quantity") is not None and body["quantity"] <= 0:
        raise v.bad("Validation failed: quantity: must be greater than 0")
    if body.get("product_variation_id") is not None:
        raise v.bad(f"Product variation with id {body['product_variation_id']} not found")
    if body.get("product_id") is not None:
        product = st.products.get(body["product_id"])
        if product is None or product.get("is_deleted"):
            raise v.bad(f"Product with id {body['product_id']} not found")
        if not product.get("is_linkable"):
            raise v.bad(f"Product with id {body['product_id']} cannot be added to deals (is_linkable is false)")
    discount_type = body.get("discount_type", (current or {}).get("discount_type", "percentage"))
    discount: Any = body.get("discount", (current or {}).get("discount", 0))
    if discount_type == "percentage" and not 0 <= discount <= 100:
        raise v.bad("Validation failed: discount: a percentage discount must be between 0 and 100")
    if discount < 0:
        raise v.bad("Validation failed: discount: must not be negative")
    _billing(body, current)


def add_line(st: State, deal_id: int, body: dict[str, Any], now: str, user_id: int) -> Obj:
    deal = _live_deal(st, deal_id)
    _check_line(st, body, None)
    others = of_deal(st, deal_id)
    product = st.products[body["product_id"]]
    method = body.get("tax_method") or (others[0]["tax_method"] if others else "exclusive")
    dp: Obj = {
        "id": st.new_id("deal_products"),
        "sum": 0,
        "tax": product.get("tax", 0),
        "deal_id": deal_id,
        "name": product["name"],
        "product_id": product["id"],
        "product_variation_id": None,
        "order_nr": len(others) + 1,
        "add_time": now,
        "update_time": now,
        "comments": "",
        "currency": deal.get("currency"),
        "discount": 0,
        "discount_type": "percentage",
        "quantity": 1,
        "item_price": 0,
        "tax_method": method,
        "is_enabled": True,
        "billing_frequency": "one-time",
        "billing_frequency_cycles": None,
        "billing_start_date": None,
    }
    dp.update(body)
    dp["sum"] = line_sum(dp)
    st.deal_products[dp["id"]] = dp
    _same_tax_method(st, deal_id, dp, now)
    sync_deal_value(st, deal, now, user_id)
    return dp


def _same_tax_method(st: State, deal_id: int, changed: Obj, now: str) -> None:
    for dp in of_deal(st, deal_id):
        if dp is not changed and dp["tax_method"] != changed["tax_method"]:
            dp.update(tax_method=changed["tax_method"], update_time=now)
            dp["sum"] = line_sum(dp)


def _line(st: State, deal_id: int, line_id: int) -> Obj:
    dp = st.deal_products.get(line_id)
    if dp is None or dp["deal_id"] != deal_id:
        raise v.not_found("Deal product")
    return dp


def update_line(st: State, deal_id: int, line_id: int, body: dict[str, Any], now: str, user_id: int) -> Obj:
    deal = _live_deal(st, deal_id)
    dp = _line(st, deal_id, line_id)
    _check_line(st, body, dp)
    if body.get("product_id") is not None and body["product_id"] != dp["product_id"]:
        dp["name"] = st.products[body["product_id"]]["name"]
    dp.update(body)
    dp["sum"] = line_sum(dp)
    dp["update_time"] = now
    if "tax_method" in body:
        _same_tax_method(st, deal_id, dp, now)
    sync_deal_value(st, deal, now, user_id)
    return dp


def delete_line(st: State, deal_id: int, line_id: int, now: str, user_id: int) -> Obj:
    deal = _live_deal(st, deal_id)
    _line(st, deal_id, line_id)  # 404 for a line not on this deal
    del st.deal_products[line_id]
    remaining = of_deal(st, deal_id)
    if remaining:
        sync_deal_value(st, deal, now, user_id)
    return {"id": line_id}
