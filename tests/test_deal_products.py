"""Products on deals: added, edited and removed through the outbox, the deal's value following
them as Pipedrive computes it (the sandbox's products.py) before and after the server answers."""

from __future__ import annotations

from tests.support.deal_env import open_screen, rich_sandbox
from tests.support.env import app_env
from tests.support.screen import screen_text
from tests.support.store_env import data_env
from tests.support.wait import settle
from tui.formatting import money
from tui.sandbox.products import line_sum
from tui.screens.deal import DealScreen
from tui.screens.deal_products import LineForm, ProductPicker
from tui.store.queries.entities import entity_data
from tui.store.queries.products import deal_lines


async def _value(store, deal_id):
    return (await store.read(entity_data, "deal", deal_id))["value"]


async def test_add_edit_remove_change_the_deal_value_as_pipedrive_computes_it(tmp_path):
    sb = rich_sandbox()
    deal_id = 5  # has one product line (every fourth deal, from 1)
    async with data_env(tmp_path, sandbox=sb) as env:
        store = env.store
        assert await store.load_deal_products(deal_id)
        lines = await store.read(deal_lines, deal_id)
        assert len(lines) == 1 and await _value(store, deal_id) == sb.state.deals[deal_id]["value"]
        product = sb.state.products[3]  # Onboarding package, 19% tax
        line_id = await store.add_deal_product(deal_id, {"product_id": 3, "quantity": 2, "item_price": 2500, "tax": 19})
        estimate = await _value(store, deal_id)  # shown before the server confirms
        assert await store.drain()
        assert sb.writes()[-1][:2] == ("POST", f"/api/v2/deals/{deal_id}/products")
        assert estimate == sb.state.deals[deal_id]["value"] == await _value(store, deal_id)  # reconciled
        new = next(dp for dp in sb.state.deal_products.values() if dp["deal_id"] == deal_id and dp["product_id"] == 3)
        assert new["name"] == product["name"]
        lines = await store.read(deal_lines, deal_id)
        assert [ln.id for ln in lines][-1] == new["id"] != line_id  # the local id became the server's
        await store.update_deal_product(new["id"], {"quantity": 5, "discount": 10})
        estimate = await _value(store, deal_id)
        assert await store.drain()
        assert sb.writes()[-1][1:] == (f"/api/v2/deals/{deal_id}/products/{new['id']}", {}, {"quantity": 5, "discount": 10})
        assert estimate == sb.state.deals[deal_id]["value"] == await _value(store, deal_id)
        first = lines[0].id
        await store.remove_deal_product(first)
        estimate = await _value(store, deal_id)
        assert await store.drain()
        assert sb.writes()[-1][:2] == ("DELETE", f"/api/v2/deals/{deal_id}/products/{first}")
        assert estimate == sb.state.deals[deal_id]["value"] == await _value(store, deal_id) == new["sum"]


async def test_a_refused_line_is_rolled_back_with_the_deal_value(tmp_path):
    sb = rich_sandbox()
    deal_id = 9
    async with data_env(tmp_path, sandbox=sb) as env:
        store = env.store
        await store.load_deal_products(deal_id)
        before = await _value(store, deal_id)
        sb.inject("POST", f"/api/v2/deals/{deal_id}/products", 400, "Product cannot be added")
        await store.add_deal_product(deal_id, {"product_id": 2, "quantity": 1, "item_price": 45, "tax": 0})
        assert await _value(store, deal_id) != before  # the estimate, at once
        await store.drain()
        assert len(await store.read(deal_lines, deal_id)) == 1 and await _value(store, deal_id) == before
        assert any("Product cannot be added" in r["reason"] for r in await store.rejections())


async def test_a_deal_without_products_takes_the_first_products_sum(tmp_path):
    sb = rich_sandbox()
    deal_id = 6
    async with data_env(tmp_path, sandbox=sb) as env:
        store = env.store
        await store.load_deal_products(deal_id)
        await store.add_deal_product(deal_id, {"product_id": 1, "quantity": 3, "item_price": 480, "tax": 0})
        assert await _value(store, deal_id) == 1440
        await store.drain()
        assert sb.state.deals[deal_id]["value"] == 1440 == await _value(store, deal_id)


async def test_products_are_fetched_once_per_version_of_the_deal(tmp_path):
    sb = rich_sandbox()
    async with data_env(tmp_path, sandbox=sb) as env:
        assert await env.store.load_deal_products(5)
        assert not await env.store.load_deal_products(5)  # cached for this update_time
        assert [r[1] for r in sb.requests].count("/api/v2/deals/5/products") == 1
        sb.remote_edit("deal", 5, {"title": "Renamed elsewhere"})
        await env.store.sync_now()
        assert await env.store.load_deal_products(5)  # the deal changed: its products again


async def test_deal_screen_adds_edits_and_removes_products_by_keys(tmp_path):
    sb = rich_sandbox()
    deal_id = 5
    async with app_env(tmp_path, sandbox=sb, size=(140, 50)) as env:
        screen = await open_screen(env, "deal", deal_id)
        assert isinstance(screen, DealScreen) and len(screen.detail.lines) == 1
        await env.pilot.press("plus")
        await settle(env)
        assert isinstance(env.app.screen, ProductPicker)
        await env.pilot.press(*"onboard")
        await settle(env)
        await env.pilot.press("enter")
        await settle(env)
        form = env.app.screen
        assert isinstance(form, LineForm)
        form.field("quantity").input.value = "0"
        await env.pilot.press("ctrl+s")
        await settle(env)
        assert env.app.screen is form and "Quantity must be more than 0" in screen_text(env.app)
        form.field("quantity").input.value = "2"
        await settle(env)
        method = next(dp for dp in sb.state.deal_products.values() if dp["deal_id"] == deal_id)["tax_method"]
        price = next(p["price"] for p in sb.state.products[3]["prices"] if p["currency"] == "USD")  # the deal's
        preview = line_sum(
            {"item_price": price, "quantity": 2, "tax": 19, "discount": 0, "discount_type": "percentage", "tax_method": method}
        )
        assert f"= {money(preview, 'USD')}" in screen_text(env.app)
        await env.pilot.press("ctrl+s")
        await settle(env)
        assert env.app.screen is screen
        assert "Onboarding package" in screen_text(env.app)
        await env.store.drain()
        await settle(env)
        body = sb.writes()[-1][3]
        assert body["product_id"] == 3 and body["quantity"] == 2 and body["tax"] == 19
        assert screen.detail.deal["value"] == sb.state.deals[deal_id]["value"]
        section = screen.query_one("#section-products")
        section.focus()
        await env.pilot.press("end", "enter")
        await settle(env)
        form = env.app.screen
        assert isinstance(form, LineForm)
        form.field("quantity").input.value = "4"
        await env.pilot.press("ctrl+s")
        await settle(env)
        await env.store.drain()
        line_id = screen.detail.lines[-1].id
        assert sb.writes()[-1][1:] == (f"/api/v2/deals/{deal_id}/products/{line_id}", {}, {"quantity": 4})
        await settle(env)
        section.focus()
        await env.pilot.press("end", "delete")
        await settle(env)
        await env.pilot.press("y")
        await settle(env)
        await env.store.drain()
        await settle(env)
        assert sb.writes()[-1][:2] == ("DELETE", f"/api/v2/deals/{deal_id}/products/{line_id}")
        assert len(screen.detail.lines) == 1
        assert screen.detail.deal["value"] == sb.state.deals[deal_id]["value"]


async def test_products_section_lists_and_searches_the_catalogue(tmp_path):
    sb = rich_sandbox()
    async with app_env(tmp_path, sandbox=sb, size=(140, 40)) as env:
        await env.app.switch_mode("products")
        await settle(env)
        text = screen_text(env.app)
        assert "Products" in text and "CRM seat (annual)" in text and "Hardware kit" in text
        await env.pilot.press("slash", *"train")
        await settle(env)
        text = screen_text(env.app)
        assert "Training day" in text and "Hardware kit" not in text
