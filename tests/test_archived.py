"""Archived deals: Pipedrive leaves them out of /deals and refuses edits to them. A deal archived
elsewhere leaves the cache (and the board) on the next sync; the archived list shows them
read-only from /deals/archived, fetched when shown."""

from __future__ import annotations

from tests.support.deal_env import rich_sandbox
from tests.support.env import app_env
from tests.support.screen import screen_text
from tests.support.store_env import data_env
from tests.support.wait import settle
from tui.screens.products import ArchivedDealsScreen, ArchivedDealView
from tui.store.queries.entities import entity_data


def _open_deal(sb) -> dict:
    return next(d for d in sb.live("deal") if d["status"] == "open")


async def test_a_deal_archived_elsewhere_leaves_the_cache_on_the_probe(tmp_path):
    sb = rich_sandbox()
    async with data_env(tmp_path, sandbox=sb) as env:
        deal = _open_deal(sb)
        assert await env.store.read(entity_data, "deal", deal["id"]) is not None
        sb.remote_edit("deal", deal["id"], {"is_archived": True, "archive_time": "2026-11-18T08:00:00Z"})
        await env.store.sync_now()  # recents says it changed; the fetch by id lacks it
        assert await env.store.read(entity_data, "deal", deal["id"]) is None


async def test_a_deal_archived_elsewhere_leaves_the_cache_on_lists_too(tmp_path):
    sb = rich_sandbox()
    async with data_env(tmp_path, sandbox=sb) as env:
        deal = _open_deal(sb)
        sb.remote_edit("deal", deal["id"], {"is_archived": True, "archive_time": "2026-11-18T08:00:00Z"})
        await env.store.sync_now(lists=True)  # r: updated_since lists, and /deals/archived since then
        assert await env.store.read(entity_data, "deal", deal["id"]) is None


async def test_an_edit_to_a_deal_archived_meanwhile_is_refused_and_the_deal_leaves(tmp_path):
    sb = rich_sandbox()
    async with data_env(tmp_path, sandbox=sb) as env:
        deal = _open_deal(sb)
        await env.store.update_entity("deal", deal["id"], {"title": "Renamed here"})
        sb.remote_edit("deal", deal["id"], {"is_archived": True, "archive_time": "2026-11-18T08:00:00Z"})
        await env.store.drain()
        assert sb.state.deals[deal["id"]]["title"] == deal["title"]
        assert await env.store.read(entity_data, "deal", deal["id"]) is None
        assert any("Archived deals cannot be edited" in r["reason"] for r in await env.store.rejections())


async def test_archived_list_is_fetched_when_shown_and_read_only(tmp_path):
    sb = rich_sandbox()
    closed = next(d for d in sb.live("deal") if d["status"] == "won")
    sb.state.deals[closed["id"]].update(is_archived=True, archive_time="2026-10-01T10:00:00Z")
    async with app_env(tmp_path, sandbox=sb, size=(140, 40)) as env:
        archived = [p for _m, p, _q, _b in sb.requests if p == "/api/v2/deals/archived"]
        assert archived == []  # not part of the sync
        await env.app.switch_mode("archived")
        await settle(env)
        screen = env.app.screen
        assert isinstance(screen, ArchivedDealsScreen)
        assert [p for _m, p, _q, _b in sb.requests].count("/api/v2/deals/archived") == 1
        assert closed["title"] in screen_text(env.app) and "read-only" in screen_text(env.app)
        await env.pilot.press("enter")
        await settle(env)
        assert isinstance(env.app.screen, ArchivedDealView)
        assert "cannot be edited" in screen_text(env.app)
        writes = len(sb.writes())
        await env.pilot.press("e", "delete", "escape")
        await settle(env)
        assert len(sb.writes()) == writes and env.app.screen is screen
        await env.app.switch_mode("board")
        await settle(env)
        await env.app.switch_mode("archived")
        await settle(env)
        assert [p for _m, p, _q, _b in sb.requests].count("/api/v2/deals/archived") == 1  # cached
