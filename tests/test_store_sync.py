import json
import math

from tests.support.store_env import data_env


def _count(conn, table):
    return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


async def test_first_sync_fills_every_table(tmp_path):
    async with data_env(tmp_path, deals=120) as env:
        sb = env.sandbox
        counts = await env.store.read(lambda c: {t: _count(c, t) for t in (
            "deals", "persons", "organizations", "activities", "notes", "pipelines", "stages", "users",
            "activity_types", "currencies", "fields")})
        assert counts["deals"] == len(sb.live("deal"))
        assert counts["persons"] == len(sb.live("person"))
        assert counts["activities"] == len(sb.live("activity"))
        assert counts["notes"] == len(sb.live("note"))
        assert counts["stages"] == len(sb.state.stages) and counts["users"] == 5 and counts["fields"] > 0
        assert env.store.status.last_sync is not None and env.store.status.mode == "online"


async def test_list_calls_per_collection_are_minimal(tmp_path):
    async with data_env(tmp_path, deals=1200) as env:
        by = env.sandbox.counters.by_path
        assert by["GET /api/v2/deals"] <= math.ceil(1200 / 500) + 1
        assert by["GET /api/v2/activities"] <= math.ceil(2400 / 500) + 1


async def test_incremental_sync_fetches_only_changes(tmp_path):
    async with data_env(tmp_path, deals=600) as env:
        sb = env.sandbox
        sb.advance(5)
        sb.remote_edit("deal", 3, {"title": "Changed elsewhere"})
        sb.remote_edit("person", 4, {"name": "Renamed Person"})
        before = dict(sb.counters.by_path)
        await env.store.sync_now()
        after = sb.counters.by_path
        calls = {k: after[k] - before.get(k, 0) for k in after if after[k] - before.get(k, 0)}
        # one page per changing collection (+ deleted deals), nothing else
        assert calls["GET /api/v2/deals"] == 2
        assert calls["GET /api/v2/persons"] == 1
        assert sum(calls.values()) <= 7
        deals_req = [r for r in sb.requests[-10:] if r[1] == "/api/v2/deals"]
        assert all("updated_since" in r[2] for r in deals_req)
        title = await env.store.read(lambda c: c.execute("SELECT title FROM deals WHERE id=3").fetchone()[0])
        assert title == "Changed elsewhere"
        name = await env.store.read(lambda c: c.execute("SELECT name FROM persons WHERE id=4").fetchone()[0])
        assert name == "Renamed Person"


async def test_deleted_deal_leaves_the_cache_on_incremental_sync(tmp_path):
    async with data_env(tmp_path, deals=50) as env:
        sb = env.sandbox
        sb.advance(3)
        await env.client.delete_v2("deals", 5)
        await env.store.sync_now()
        assert await env.store.read(lambda c: c.execute("SELECT COUNT(*) FROM deals WHERE id=5").fetchone()[0]) == 0


async def test_corrupted_cache_is_rebuilt(tmp_path):
    path = tmp_path / "cache.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    async with data_env(tmp_path, deals=30) as env:
        assert "damaged" in (env.store.status.last_error or "") or env.store.db.recovered_from is not None
        assert await env.store.read(lambda c: _count(c, "deals")) == len(env.sandbox.live("deal"))
        assert list(tmp_path.glob("cache.sqlite3.corrupt-*"))


async def test_damaged_pages_found_by_the_background_check_rebuild_the_cache(tmp_path):
    async with data_env(tmp_path, deals=30) as env:
        await env.store.update_entity("deal", 1, {"title": "kept across the rebuild"})
        await env.store.rebuild("test: pretend the integrity check failed")
        assert env.store.status.last_error.startswith("test:")
        assert await env.store.read(lambda c: _count(c, "deals")) == 0
        await env.store.sync_now(full=True)
        assert await env.store.read(lambda c: _count(c, "deals")) == len(env.sandbox.live("deal"))
        assert await env.store.read(lambda c: c.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]) == 1
        assert list(tmp_path.glob("cache.sqlite3.corrupt-*"))
