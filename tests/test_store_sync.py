import math

from tests.support.store_env import data_env


def _count(conn, table):
    return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


async def test_first_sync_fills_every_table(tmp_path):
    async with data_env(tmp_path, deals=120) as env:
        sb = env.sandbox
        counts = await env.store.read(
            lambda c: {
                t: _count(c, t)
                for t in (
                    "deals",
                    "persons",
                    "organizations",
                    "activities",
                    "notes",
                    "pipelines",
                    "stages",
                    "users",
                    "activity_types",
                    "currencies",
                    "fields",
                )
            }
        )
        assert counts["deals"] == len(sb.live("deal"))
        assert counts["persons"] == len(sb.live("person"))
        assert counts["activities"] == len(sb.live("activity"))
        assert counts["notes"] == len(sb.live("note"))
        assert counts["stages"] == len(sb.state.stages) and counts["users"] == 5 and counts["fields"] > 0
        assert env.store.status.last_sync is not None and env.store.status.mode == "online"


def _pages(n: int) -> int:
    return max(1, math.ceil(n / 500))


async def test_list_calls_per_collection_are_minimal(tmp_path):
    async with data_env(tmp_path, deals=1200) as env:
        sb = env.sandbox
        by = sb.counters.by_path
        deals = sb.live("deal")
        pipelines = {d["pipeline_id"] for d in sb.state.deals.values()} | set(sb.state.pipelines)
        expected = sum(_pages(sum(1 for d in deals if d["status"] == "open" and d["pipeline_id"] == p)) for p in pipelines)
        expected += _pages(sum(d["status"] == "won" for d in deals)) + _pages(sum(d["status"] == "lost" for d in deals))
        assert by["GET /api/v2/deals"] == expected
        acts = sb.live("activity")
        assert by["GET /api/v2/activities"] == _pages(sum(not a["done"] for a in acts)) + _pages(sum(a["done"] for a in acts))
        assert by["GET /api/v2/organizations"] <= _pages(len(sb.live("organization"))) + 1  # + the first cards' names


async def test_a_probe_fetches_only_what_changed_by_id(tmp_path):
    async with data_env(tmp_path, deals=600) as env:
        sb = env.sandbox
        sb.advance(5)
        sb.remote_edit("deal", 3, {"title": "Changed elsewhere"})
        sb.remote_edit("person", 4, {"name": "Renamed Person"})
        before = dict(sb.counters.by_path)
        tokens = sb.counters.tokens
        await env.store.sync_now()
        after = sb.counters.by_path
        calls = {k: after[k] - before.get(k, 0) for k in after if after[k] - before.get(k, 0)}
        assert calls == {"GET /api/v1/recents": 1, "GET /api/v2/deals": 1, "GET /api/v2/persons": 1}
        assert sb.counters.tokens - tokens == 20 + 10 + 10
        deals_req = [r for r in sb.requests[-3:] if r[1] == "/api/v2/deals"]
        assert deals_req[0][2]["ids"] == "3"
        title = await env.store.read(lambda c: c.execute("SELECT title FROM deals WHERE id=3").fetchone()[0])
        assert title == "Changed elsewhere"
        name = await env.store.read(lambda c: c.execute("SELECT name FROM persons WHERE id=4").fetchone()[0])
        assert name == "Renamed Person"


async def test_a_probe_with_nothing_changed_costs_20_tokens_and_reloads_nothing(tmp_path):
    from tui.store.events import DataChanged

    async with data_env(tmp_path, deals=200) as env:
        events = []
        env.store.subscribe(events.append)
        sb = env.sandbox
        sb.advance(30)
        before, tokens = sb.counters.requests, sb.counters.tokens
        await env.store.sync_now()
        assert sb.counters.requests - before == 1 and sb.counters.tokens - tokens == 20
        assert not [e for e in events if isinstance(e, DataChanged)]


async def test_own_acknowledged_edits_are_not_fetched_again(tmp_path):
    async with data_env(tmp_path, deals=100) as env:
        sb = env.sandbox
        await env.store.update_entity("deal", 3, {"title": "Mine"})
        assert await env.store.drain()
        before = dict(sb.counters.by_path)
        await env.store.sync_now()
        after = sb.counters.by_path
        assert after.get("GET /api/v2/deals", 0) == before.get("GET /api/v2/deals", 0)


async def test_r_lists_collections_with_updated_since(tmp_path):
    async with data_env(tmp_path, deals=200) as env:
        sb = env.sandbox
        sb.advance(5)
        sb.remote_edit("activity", 2, {"subject": "Changed subject"})
        n = len(sb.requests)
        await env.store.sync_now(lists=True)
        listed = [r for r in sb.requests[n:] if r[1] in ("/api/v2/deals", "/api/v2/activities", "/api/v1/notes")]
        assert listed and all("updated_since" in r[2] for r in listed)
        subject = await env.store.read(lambda c: c.execute("SELECT subject FROM activities WHERE id=2").fetchone()[0])
        assert subject == "Changed subject"


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


async def test_the_integrity_check_holds_no_read_back(tmp_path, monkeypatch):
    """The start-up `quick_check` runs on its own connection and thread: the board's first
    reads do not wait for it (on the reader thread it held them ~0.5 s at 10,000 deals)."""
    import asyncio
    import threading

    from tui.store import db as dbm

    started, release = threading.Event(), threading.Event()
    real_connect = dbm.schema.connect

    class Slow:
        def __init__(self, conn):
            self.conn = conn

        def execute(self, sql, *args):
            if "quick_check" in sql:
                started.set()
                release.wait(10)
            return self.conn.execute(sql, *args)

        def close(self):
            self.conn.close()

    async with data_env(tmp_path, deals=30) as env:
        monkeypatch.setattr(dbm.schema, "connect", lambda *a, **k: Slow(real_connect(*a, **k)))
        check = asyncio.ensure_future(env.store.db.check())
        assert await asyncio.to_thread(started.wait, 10)
        count = await asyncio.wait_for(env.store.read(lambda c: _count(c, "deals")), 5)  # while the check runs
        assert count == len(env.sandbox.live("deal")) and not check.done()
        release.set()
        assert await check is None


async def test_the_integrity_check_finds_damaged_pages(tmp_path):
    from tui.store.db import Database

    async with data_env(tmp_path, deals=60):
        pass
    path = tmp_path / "cache.sqlite3"
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(3 * page, min(len(data), 12 * page), page):  # page headers of some b-tree pages
        data[offset : offset + 16] = b"\xff" * 16
    path.write_bytes(bytes(data))
    db = Database(path)
    try:
        await db.open()
        assert await db.check() is not None
    finally:
        await db.close()
