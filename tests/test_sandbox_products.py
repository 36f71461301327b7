"""v2 products, deal products, their sums and the deal value following them."""

import json
from urllib.parse import urlencode

import pytest

from tests.conftest import FROZEN_NOW
from tui.sandbox import Sandbox

TOKEN = "products-test-token"
PRODUCT_KEYS = {
    "id",
    "name",
    "code",
    "unit",
    "tax",
    "is_deleted",
    "is_linkable",
    "visible_to",
    "owner_id",
    "add_time",
    "update_time",
    "description",
    "category",
    "custom_fields",
    "billing_frequency",
    "billing_frequency_cycles",
    "prices",
}
LINE_KEYS = {
    "id",
    "sum",
    "tax",
    "deal_id",
    "name",
    "product_id",
    "product_variation_id",
    "order_nr",
    "add_time",
    "update_time",
    "comments",
    "currency",
    "discount",
    "discount_type",
    "quantity",
    "item_price",
    "tax_method",
    "is_enabled",
    "billing_frequency",
    "billing_frequency_cycles",
    "billing_start_date",
}


@pytest.fixture
def sb():
    return Sandbox(seed=6, deals=80, token=TOKEN, now=FROZEN_NOW)


def call(sb, method, path, params=None, body=None):
    raw = json.dumps(body).encode() if body is not None else b""
    r = sb.handle(method, path, urlencode(params or {}), {"x-api-token": TOKEN}, raw)
    return r.status, json.loads(r.body), r.headers


def ok(sb, method, path, params=None, body=None, status=200):
    got, env, _ = call(sb, method, path, params, body)
    assert got == status, env
    return env


def test_product_list_get_and_search(sb):
    env = ok(sb, "GET", "/api/v2/products", {"limit": 3, "sort_by": "name"})
    assert [p["name"] for p in env["data"]] == sorted((p["name"] for p in sb.live("product")), key=str.lower)[:3]
    product = env["data"][0]
    assert set(product) == PRODUCT_KEYS and isinstance(product["prices"][0]["price"], (int, float))
    assert set(product["prices"][0]) == {"product_id", "price", "currency", "cost", "direct_cost", "notes"}
    assert ok(sb, "GET", f"/api/v2/products/{product['id']}")["data"] == product
    nxt = ok(sb, "GET", "/api/v2/products", {"limit": 3, "sort_by": "name", "cursor": env["additional_data"]["next_cursor"]})
    assert not {p["id"] for p in nxt["data"]} & {p["id"] for p in env["data"]}
    hits = ok(sb, "GET", "/api/v2/products/search", {"term": "seat", "include_fields": "product.price"})["data"]["items"]
    assert hits and all(h["item"]["type"] == "product" and "price" in h["item"] for h in hits)
    by_code = ok(sb, "GET", "/api/v2/products/search", {"term": "ONB", "fields": "code", "exact_match": "true"})["data"]["items"]
    assert [h["item"]["code"] for h in by_code] == ["ONB"]
    assert call(sb, "GET", "/api/v2/products/search", {"term": "seat", "fields": "title"})[0] == 400


def test_product_writes(sb):
    made = ok(
        sb,
        "POST",
        "/api/v2/products",
        body={
            "name": "Widget",
            "code": "W-1",
            "unit": "piece",
            "tax": 19,
            "category": 72,
            "billing_frequency": "monthly",
            "billing_frequency_cycles": 12,
            "prices": [{"currency": "EUR", "price": 10, "cost": 4}, {"currency": "USD", "price": 11}],
        },
        status=201,
    )["data"]
    assert made["category"] == "72" and made["owner_id"] == sb.state.me_id and len(made["prices"]) == 2
    assert made["prices"][1] == {"product_id": made["id"], "price": 11, "currency": "USD", "cost": 0, "direct_cost": None, "notes": ""}
    changed = ok(sb, "PATCH", f"/api/v2/products/{made['id']}", body={"prices": [{"currency": "GBP", "price": 9}]})["data"]
    assert [p["currency"] for p in changed["prices"]] == ["GBP"]  # the whole array is replaced
    default = ok(sb, "POST", "/api/v2/products", body={"name": "Free thing"}, status=201)["data"]
    assert default["prices"] == [{"product_id": default["id"], "price": 0, "currency": "EUR", "cost": 0, "direct_cost": None, "notes": ""}]
    for body in (
        {"code": "no name"},
        {"name": "x", "prices": [{"currency": "EUR", "price": 1}, {"currency": "EUR", "price": 2}]},
        {"name": "x", "billing_frequency": "weekly"},
        {"name": "x", "billing_frequency_cycles": 3},
        {"name": "x", "visible_to": 2},
        {"name": "x", "tax": "19"},
        {"name": "x", "custom_fields": {"nope": 1}},
    ):
        assert call(sb, "POST", "/api/v2/products", body=body)[0] == 400, body
    assert ok(sb, "DELETE", f"/api/v2/products/{made['id']}")["data"] == {"id": made["id"]}
    assert call(sb, "GET", f"/api/v2/products/{made['id']}")[0] == 404


@pytest.mark.parametrize(
    "line,expected",
    [
        ({"item_price": 100, "quantity": 3}, 300),
        ({"item_price": 100, "quantity": 3, "discount": 10}, 270),
        ({"item_price": 100, "quantity": 3, "discount": 25, "discount_type": "amount"}, 275),
        ({"item_price": 100, "quantity": 2, "tax": 19, "tax_method": "exclusive"}, 238),
        ({"item_price": 100, "quantity": 2, "tax": 19, "tax_method": "inclusive"}, 200),
        ({"item_price": 100, "quantity": 2, "tax": 19, "tax_method": "none"}, 200),
        ({"item_price": 100, "quantity": 2, "discount": 10, "tax": 20, "tax_method": "exclusive"}, 216),
        ({"item_price": 19.99, "quantity": 3}, 59.97),
    ],
)
def test_line_sums(sb, line, expected):
    deal = next(d for d in sb.state.deals.values() if d["status"] == "open")
    dp = ok(sb, "POST", f"/api/v2/deals/{deal['id']}/products", body={"product_id": 1, **line}, status=201)["data"]
    assert set(dp) == LINE_KEYS and dp["sum"] == pytest.approx(expected)
    assert sb.state.deals[deal["id"]]["value"] == pytest.approx(expected)


def test_deal_value_follows_its_products(sb):
    deal = next(d for d in sb.state.deals.values() if d["status"] == "open" and d["currency"] == "EUR")
    did = deal["id"]
    a = ok(sb, "POST", f"/api/v2/deals/{did}/products", body={"product_id": 1, "item_price": 480, "quantity": 5}, status=201)["data"]
    b = ok(
        sb,
        "POST",
        f"/api/v2/deals/{did}/products",
        body={"product_id": 3, "item_price": 2500, "quantity": 1, "tax": 19, "tax_method": "exclusive"},
        status=201,
    )["data"]
    assert a["currency"] == "EUR" and b["order_nr"] == 2
    # one tax method per deal: the second line's choice applies to the first too
    first = ok(sb, "GET", f"/api/v2/deals/{did}/products")["data"][0]
    assert first["tax_method"] == "exclusive"
    assert sb.state.deals[did]["value"] == pytest.approx(2400 + 2975)
    ok(sb, "PATCH", f"/api/v2/deals/{did}/products/{a['id']}", body={"quantity": 10})
    assert sb.state.deals[did]["value"] == pytest.approx(4800 + 2975)
    ok(sb, "PATCH", f"/api/v2/deals/{did}/products/{b['id']}", body={"is_enabled": False})
    assert sb.state.deals[did]["value"] == pytest.approx(4800)
    status, env, _ = call(sb, "PATCH", f"/api/v2/deals/{did}", body={"value": 1})
    assert status == 400 and "products" in env["error"]
    ok(sb, "PATCH", f"/api/v2/deals/{did}", body={"currency": "USD"})
    assert {p["currency"] for p in ok(sb, "GET", f"/api/v2/deals/{did}/products")["data"]} == {"USD"}
    assert ok(sb, "DELETE", f"/api/v2/deals/{did}/products/{b['id']}")["data"] == {"id": b["id"]}
    counted = ok(sb, "GET", f"/api/v2/deals/{did}", {"include_fields": "products_count"})["data"]
    assert counted["products_count"] == 1 and counted["value"] == pytest.approx(4800)
    log = ok(sb, "GET", f"/api/v1/deals/{did}/changelog")["data"]
    assert any(e["field_key"] == "value" and e["new_value"] == "4800" for e in log)


def test_deal_product_validation(sb):
    did = next(d["id"] for d in sb.state.deals.values() if d["status"] == "open")
    for body in (
        {"item_price": 1, "quantity": 1},
        {"product_id": 1, "quantity": 1},
        {"product_id": 999, "item_price": 1, "quantity": 1},
        {"product_id": 1, "item_price": 1, "quantity": 0},
        {"product_id": 1, "item_price": 1, "quantity": 1, "discount": 150},
        {"product_id": 1, "item_price": 1, "quantity": 1, "tax_method": "sometimes"},
        {"product_id": 1, "item_price": "1", "quantity": 1},
        {"product_id": 11, "item_price": 1, "quantity": 1},
        {"product_id": 1, "item_price": 1, "quantity": 1, "billing_frequency": "weekly"},
    ):
        assert call(sb, "POST", f"/api/v2/deals/{did}/products", body=body)[0] == 400, body
    assert call(sb, "POST", "/api/v2/deals/999999/products", body={"product_id": 1, "item_price": 1, "quantity": 1})[0] == 404
    assert call(sb, "PATCH", f"/api/v2/deals/{did}/products/4242", body={"quantity": 2})[0] == 404


def test_demo_extras_put_products_on_deals_without_changing_values():
    plain = Sandbox(seed=6, deals=80, token=TOKEN, now=FROZEN_NOW)
    rich = Sandbox(seed=6, deals=80, token=TOKEN, now=FROZEN_NOW, demo_extras=True)
    assert not plain.state.deal_products and rich.state.deal_products
    for dp in rich.state.deal_products.values():
        deal = rich.state.deals[dp["deal_id"]]
        assert dp["sum"] == deal["value"] == plain.state.deals[deal["id"]]["value"]
        assert dp["item_price"] * dp["quantity"] == pytest.approx(dp["sum"])
