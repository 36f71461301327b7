"""Schema drift: an item of the wrong shape is reported with its id and field, skipped, and
the cache (its earlier version included) stays intact; the sync does not crash."""

from tests.support.store_env import data_env


async def test_a_wrongly_typed_field_is_reported_and_the_cache_stays_intact(tmp_path):
    async with data_env(tmp_path, deals=40) as env:
        sb, store = env.sandbox, env.store
        deal_id = next(d["id"] for d in sb.live("deal") if d["status"] == "open")
        before = await store.read(lambda c: c.execute("SELECT title, value FROM deals WHERE id=?", (deal_id,)).fetchone())
        other = next(d["id"] for d in sb.live("deal") if d["id"] != deal_id)
        sb.advance(5)
        sb.remote_edit("deal", deal_id, {"label_ids": "vip", "title": "Drifted"})  # a list of ids in the model
        sb.remote_edit("deal", other, {"title": "Fine change"})
        await store.sync_now()
        assert store.status.mode == "online"
        assert f"deal {deal_id}, label_ids" in store.status.last_error
        after = await store.read(lambda c: c.execute("SELECT title, value FROM deals WHERE id=?", (deal_id,)).fetchone())
        assert tuple(after) == tuple(before)  # the earlier version, untouched
        fine = await store.read(lambda c: c.execute("SELECT title FROM deals WHERE id=?", (other,)).fetchone()[0])
        assert fine == "Fine change"  # the rest of the page arrived
        sb.remote_edit("deal", deal_id, {"label_ids": [], "value": 1200})  # fixed on the server
        await store.sync_now()
        assert store.status.last_error is None
        assert await store.read(lambda c: c.execute("SELECT value FROM deals WHERE id=?", (deal_id,)).fetchone()[0]) == 1200


async def test_a_first_sync_with_a_bad_item_finishes(tmp_path):
    from tests.conftest import FROZEN_NOW
    from tui.sandbox import Sandbox

    sb = Sandbox(seed=7, deals=40, token="t0k3n-for-tests", now=FROZEN_NOW)
    person = next(iter(sb.state.persons))
    sb.state.persons[person]["name"] = None
    sb.state.persons[person]["emails"] = "not a list"
    async with data_env(tmp_path, sandbox=sb) as env:
        assert env.store.status.mode == "online" and "person" in env.store.status.last_error
        count = await env.store.read(lambda c: c.execute("SELECT COUNT(*) FROM persons").fetchone()[0])
        assert count == len(sb.live("person")) - 1
