"""Saved Pipedrive filters as board views: each view selects exactly the deals the sandbox's
filter selects (GET /api/v2/deals?filter_id=), whether the cache evaluates it (SQL) or
Pipedrive does (fetched and kept per filter); filters sync economically; `v` on the board."""

from __future__ import annotations

from datetime import date, timezone

from tests.conftest import FROZEN_NOW
from tests.support.env import app_env
from tests.support.store_env import data_env
from tests.support.wait import settle
from tui.sandbox import Sandbox
from tui.sandbox.catalog import CONTRACT_CODE
from tui.screens.views import ViewsScreen
from tui.store.queries import filters as qf

# extra filters made through the API: one condition kind each (field ids: tui/sandbox/catalog.py)
EXTRA = [
    ("Title has renewal", [("deal", 12450, "LIKE '%$%'", "renewal")], []),
    ("Title does not start with A", [("deal", 12450, "NOT LIKE '$%'", "a")], []),
    ("Lost without a reason", [("deal", 12457, "=", "lost"), ("deal", 12465, "IS NULL", None)], []),
    ("Probability set, not 50", [("deal", 12458, "IS NOT NULL", None), ("deal", 12458, "!=", "50")], []),
    ("Overdue close", [("deal", 12457, "=", "open"), ("deal", 12459, "<", "today")], []),
    ("Closing within 2 months", [("deal", 12459, "<=", "in_2_months"), ("deal", 12459, ">=", "today")], []),
    ("Label hot", [("deal", 12467, "=", "1")], []),
    ("Not Bea's", [("deal", 12452, "!=", "2")], []),
    ("Long contracts", [("deal", 12471, ">=", "24")], []),
    ("Small or early", [], [("deal", 12451, "<=", "10000"), ("deal", 12456, "=", "1")]),
    ("Competitor HubSpot", [("deal", 12480, "=", "32")], []),
    ("Big budget", [("deal", 12481, ">", "100000")], []),
    ("Person named Smith", [("person", 9500, "LIKE '%$%'", "smith")], []),
]


def _sandbox() -> Sandbox:
    return Sandbox(seed=7, deals=300, token="t0k3n-for-tests", now=FROZEN_NOW, demo_extras=True)


async def _add_filters(client) -> None:
    for name, ands, ors in EXTRA:
        groups = [{"glue": "and", "conditions": [{"object": o, "field_id": f, "operator": op, "value": v} for o, f, op, v in ands]}]
        if ors:
            groups.append({"glue": "or", "conditions": [{"object": o, "field_id": f, "operator": op, "value": v} for o, f, op, v in ors]})
        await client.request(
            "POST", "/api/v1/filters", json={"name": name, "type": "deals", "conditions": {"glue": "and", "conditions": groups}}
        )


async def _server_ids(client, filter_id: int) -> list[int]:
    ids: list[int] = []
    async for page in client.pages_v2("/api/v2/deals", {"filter_id": filter_id}):
        ids += [d["id"] for d in page]
    return sorted(ids)


def _today(store) -> date:
    return store.clock.now().astimezone(timezone.utc).date()


async def test_every_view_selects_what_pipedrives_filter_selects(tmp_path):
    sb = _sandbox()
    async with data_env(tmp_path, sandbox=sb, sync=False) as env:
        store, client = env.store, env.client
        await _add_filters(client)
        await store.sync_now()
        views = await store.read(qf.views, _today(store))
        assert len(views) == len([f for f in sb.state.filters.values() if f["type"] == "deals"]) == 6 + len(EXTRA)
        server_side = {v.name for v in views if v.server}
        assert server_side == {"Enterprise or mid-market accounts", "Person named Smith"}  # related objects
        for view in views:
            if view.server:
                await store.view_results(view.id)
                view = next(v for v in await store.read(qf.views, _today(store)) if v.id == view.id)
            mine = await store.read(qf.view_deal_ids, view)
            theirs = await _server_ids(client, view.id)
            assert mine == theirs, (view.name, [c.describe() for c in view.conditions])
        nonempty = [v.name for v in views if await store.read(qf.view_deal_ids, v)]
        assert len(nonempty) >= len(views) - 2  # the comparisons are not all of empty sets


async def test_a_server_side_view_is_fetched_once_and_kept(tmp_path):
    async with data_env(tmp_path, deals=120) as env:
        store, sb = env.store, env.sandbox
        view = next(v for v in await store.read(qf.views, _today(store)) if v.server)
        assert view.fetched_at is None and view.count is None
        tokens = sb.counters.tokens
        count = await store.view_results(view.id)
        assert sb.counters.tokens - tokens == 10 and count == len(await _server_ids(env.client, view.id))
        tokens = sb.counters.tokens
        assert await store.view_results(view.id) is None and sb.counters.tokens == tokens  # fresh enough
        await store.view_results(view.id, force=True)
        assert sb.counters.tokens - tokens == 10
        kept = next(v for v in await store.read(qf.views, _today(store)) if v.id == view.id)
        assert kept.count == count and kept.fetched_at


async def test_filters_sync_fetches_only_new_or_changed_conditions(tmp_path):
    async with data_env(tmp_path, deals=60, fresh=True) as env:  # counts the first sync's requests
        store, sb = env.store, env.sandbox
        deal_filters = [f for f in sb.state.filters.values() if f["type"] == "deals"]
        assert sb.counters.by_path["GET /api/v1/filters/{id}"] == len(deal_filters)
        before = dict(sb.counters.by_path)
        await store.sync_now(lists=True)
        assert sb.counters.by_path["GET /api/v1/filters"] == before["GET /api/v1/filters"] + 1
        assert sb.counters.by_path["GET /api/v1/filters/{id}"] == before["GET /api/v1/filters/{id}"]
        target = deal_filters[1]  # "Value over 50k" becomes "over 80k"
        sb.advance(5)
        target["conditions"]["conditions"][0]["conditions"][0]["value"] = "80000"
        target["update_time"] = sb.now().strftime("%Y-%m-%d %H:%M:%S")
        await store.sync_now()  # the probe: /recents names the changed filter
        assert sb.counters.by_path["GET /api/v1/filters/{id}"] == before["GET /api/v1/filters/{id}"] + 1
        view = next(v for v in await store.read(qf.views, _today(store)) if v.id == target["id"])
        assert view.params == (80000.0,) and view.conditions[0].describe() == "Value > 80000"
        assert await store.read(qf.view_deal_ids, view) == await _server_ids(env.client, target["id"])


def test_translation_of_conditions_and_what_stays_on_the_server():
    today = date(2026, 11, 18)
    t = qf.translate(
        {
            "glue": "and",
            "conditions": [
                {
                    "glue": "and",
                    "conditions": [{"object": "deal", "field_id": "1", "field_code": "status", "operator": "=", "value": "open"}],
                },
                {
                    "glue": "or",
                    "conditions": [
                        {"object": "deal", "field_id": "2", "field_code": "expected_close_date", "operator": "=", "value": "this_month"},
                        {"object": "deal", "field_id": "3", "field_code": CONTRACT_CODE, "operator": ">", "value": "12"},
                    ],
                },
            ],
        },
        today,
        {CONTRACT_CODE: ("Contract length", "double")},
    )
    assert t.where is not None and " OR " in t.where and not t.untranslated
    assert t.params == ["open", "2026-11-01", "2026-11-30", 12.0]
    t = qf.translate(
        {
            "glue": "and",
            "conditions": [
                {
                    "glue": "and",
                    "conditions": [
                        {"object": "deal", "field_id": "1", "field_code": "status", "operator": "=", "value": "open"},
                        {"object": "organization", "field_id": "9", "field_code": "name", "operator": "=", "value": "Acme"},
                        {"object": "deal", "field_id": "4", "field_code": "x'); DROP TABLE deals; --", "operator": "=", "value": "1"},
                    ],
                }
            ],
        },
        today,
        {"x'); DROP TABLE deals; --": ("Odd", "varchar")},
    )
    assert t.where is None and [c.field_id for c in t.untranslated] == ["9", "4"]


async def test_v_on_the_board_shows_a_view(tmp_path):
    async with app_env(tmp_path, deals=120) as env:
        store, board = env.store, env.app.screen
        await env.pilot.press("v")
        await settle(env)
        picker = env.app.screen
        assert isinstance(picker, ViewsScreen)
        names = [v.name for v in picker.views]
        await env.pilot.press(*["down"] * (1 + names.index("My open deals")), "enter")
        await settle(env)
        assert env.app.screen is board and board.view is not None and board.view.name == "My open deals"
        shown = sorted(c.id for column in board.columns for c in column.cards.cards)
        expected = sorted(
            d["id"]
            for d in env.sandbox.live("deal")
            if d["status"] == "open" and d["owner_id"] == 1 and d["pipeline_id"] == board.pipeline_id
        )
        assert shown == expected and expected
        assert "view: My open deals" in str(board.query_one("#board-title").render())
        await env.pilot.press("v")
        await settle(env)
        await env.pilot.press("home", "enter")  # All deals (no view)
        await settle(env)
        assert board.view is None
        await store.drain()


async def test_the_picker_fetches_the_filters_a_cache_from_before_views_lacks(tmp_path):
    from tui.store.views import FILTERS_KEY

    async with app_env(tmp_path, deals=60) as env:
        store = env.store

        def forget(conn) -> None:
            conn.execute("DELETE FROM filters")
            conn.execute("DELETE FROM sync_state WHERE collection = ?", (FILTERS_KEY,))

        await store.db.write(forget)
        await env.pilot.press("v")
        await settle(env)
        picker = env.app.screen
        assert isinstance(picker, ViewsScreen)
        assert [v.name for v in picker.views] == sorted(
            (f["name"] for f in env.sandbox.state.filters.values() if f["type"] == "deals"), key=str.casefold
        )
