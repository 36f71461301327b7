"""SVG snapshot of the deal screen with products and custom fields (120x40)."""

from __future__ import annotations

from tests.support.deal_env import open_screen, rich_sandbox
from tests.support.env import app_env
from tests.support.snapshots import snapshot
from tests.support.wait import settle


async def test_deal_screen_with_products_and_custom_fields_snapshot(tmp_path):
    sb = rich_sandbox()
    deal_id = 33  # open, in Negotiations (fields it asks for), one product line, custom values of several types
    async with app_env(tmp_path, sandbox=sb, size=(120, 40)) as env:
        await env.store.load_deal_products(deal_id)
        await env.store.add_deal_product(deal_id, {"product_id": 4, "quantity": 12, "item_price": 219, "tax": 19})
        await env.store.drain()
        screen = await open_screen(env, "deal", deal_id)
        screen.query_one("#section-products").focus()
        await settle(env)
        assert len(screen.detail.lines) == 2 and screen.custom_rows
        await snapshot(env, "deal_products_custom_fields_120x40")
