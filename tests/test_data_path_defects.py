"""Reproduced data-path defects (issue: data path under attack): each fails on the old code."""

import asyncio
import json

from tests.support.store_env import instant
from tests.support.transports import Answering, matching
from tui.api import Auth, PipedriveClient
from tui.clock import Clock
from tui.sandbox import Sandbox
from tui.store.store import Store


class Env:
    def __init__(self, sb, client, store, answering):
        self.sandbox, self.client, self.store, self.answering = sb, client, store, answering


async def open_env(tmp_path, deals=20, latency_ms=0.0, name="c.sqlite3"):
    from tests.conftest import FROZEN_NOW

    sb = Sandbox(seed=7, deals=deals, token="t0k3n", now=FROZEN_NOW, latency_ms=latency_ms)
    answering = Answering(sb.transport())
    client = PipedriveClient("http://sandbox.local", Auth.personal(sb.token), transport=answering, sleep=instant)
    store = await Store.open(tmp_path / name, client, clock=Clock.frozen(FROZEN_NOW), sleep=instant)
    await store.sync_now()
    return Env(sb, client, store, answering)


async def close_env(env):
    await env.store.close()
    await env.client.aclose()


def posts(sb, path):
    return [r for r in sb.writes() if r[0] == "POST" and r[1] == path]


async def test_deleting_an_item_whose_create_was_sent_deletes_it_on_the_server(tmp_path):
    env = await open_env(tmp_path)
    try:
        env.answering.drop_after(matching("POST", "/api/v2/persons"))
        pid = await env.store.create_entity("person", {"name": "Ghost Person"})
        assert await env.store.pusher.push_next() == "retry"  # applied, answer lost
        await env.store.delete_entity("person", pid)
        assert await env.store.drain() is True
        assert [p for p in env.sandbox.live("person") if p["name"] == "Ghost Person"] == []
        await env.store.sync_now(full=True)
        cached = await env.store.read(lambda c: c.execute("SELECT COUNT(*) FROM persons WHERE name='Ghost Person'").fetchone()[0])
        assert cached == 0
    finally:
        await close_env(env)


async def test_a_create_deleted_before_its_post_is_never_sent(tmp_path):
    env = await open_env(tmp_path)
    try:
        pid = await env.store.create_entity("person", {"name": "Never Sent"})
        row = await env.store.read(lambda c: dict(c.execute("SELECT * FROM outbox ORDER BY seq DESC LIMIT 1").fetchone()))
        await env.store.delete_entity("person", pid)
        await env.store.pusher._create(row, json.loads(row["payload"]))  # the pusher had read the row before
        assert posts(env.sandbox, "/api/v2/persons") == []
    finally:
        await close_env(env)


async def test_quitting_during_a_slow_create_never_duplicates_it(tmp_path):
    env = await open_env(tmp_path, latency_ms=150)
    try:
        for i in range(3):
            await env.store.create_entity("person", {"name": f"Slow Person {i}"})
        # the background pusher and the drain on quit push at the same moment
        await asyncio.gather(env.store.pusher.push_next(), env.store.drain(timeout=10))
        await env.store.drain(timeout=10)
        for i in range(3):
            assert len([p for p in env.sandbox.live("person") if p["name"] == f"Slow Person {i}"]) == 1
        assert len(posts(env.sandbox, "/api/v2/persons")) == 3
    finally:
        await close_env(env)


async def test_two_address_edits_in_a_row_are_not_a_conflict(tmp_path):
    env = await open_env(tmp_path)
    try:
        org = next(iter(env.sandbox.live("organization")))
        await env.store.update_entity("organization", org["id"], {"address": {"value": "Hauptstr. 1, 10115 Berlin"}})
        await env.store.update_entity("organization", org["id"], {"address": {"value": "Main St 2, Springfield"}})
        assert await env.store.drain() is True
        assert env.store.status.conflicts == 0
        assert env.sandbox.state.organizations[org["id"]]["address"]["value"] == "Main St 2, Springfield"
        await env.store.update_entity("organization", org["id"], {"address": {"value": "Third Way 3"}})
        assert await env.store.drain() is True and env.store.status.conflicts == 0
    finally:
        await close_env(env)


async def test_a_sync_while_a_delete_is_queued_does_not_bring_the_item_back(tmp_path):
    env = await open_env(tmp_path)
    try:
        deal = next(d for d in env.sandbox.live("deal") if d["status"] == "open")
        await env.store.delete_entity("deal", deal["id"])
        env.sandbox.remote_edit("deal", deal["id"], {"value": 99})  # so the incremental sync sees it
        await env.store.sync_now()
        cached = await env.store.read(lambda c: c.execute("SELECT COUNT(*) FROM deals WHERE id=?", (deal["id"],)).fetchone()[0])
        assert cached == 0
        assert await env.store.drain() is True
        assert env.sandbox.state.deals[deal["id"]].get("is_deleted") or env.sandbox.state.deals[deal["id"]]["status"] == "deleted"
    finally:
        await close_env(env)


async def _lost_create(env, title):
    env.answering.drop_after(matching("POST", "/api/v2/deals"))
    local = await env.store.create_entity("deal", {"title": title, "value": 100, "currency": "EUR", "stage_id": 1})
    assert await env.store.pusher.push_next() == "retry"
    return local


async def test_adoption_finds_the_created_item_behind_more_than_50_newer_ones(tmp_path):
    env = await open_env(tmp_path)
    try:
        await _lost_create(env, "Adopt me")
        for i in range(60):
            await env.client.create_v2("deals", {"title": f"Someone else's {i}", "stage_id": 1})
        assert await env.store.drain() is True
        assert len([d for d in env.sandbox.live("deal") if d["title"] == "Adopt me"]) == 1
    finally:
        await close_env(env)


async def test_adoption_survives_a_remote_rename_and_trimmed_whitespace(tmp_path):
    env = await open_env(tmp_path)
    try:
        await _lost_create(env, "  Renamed later  ")
        created = next(d for d in env.sandbox.live("deal") if d["title"] == "  Renamed later  ")
        env.sandbox.remote_edit("deal", created["id"], {"title": "Renamed by a colleague"})
        assert await env.store.drain() is True
        titles = [d["title"] for d in env.sandbox.live("deal") if "Renamed" in d["title"]]
        assert titles == ["Renamed by a colleague"]
        env.answering.drop_after(matching("POST", "/api/v2/deals"))
        await env.store.create_entity("deal", {"title": " Trim me ", "value": 5, "currency": "EUR", "stage_id": 1})
        assert await env.store.pusher.push_next() == "retry"
        made = next(d for d in env.sandbox.live("deal") if d["title"] == " Trim me ")
        env.sandbox.state.deals[made["id"]]["title"] = "Trim me"  # what a trimming server stores
        assert await env.store.drain() is True
        assert len([d for d in env.sandbox.live("deal") if "Trim me" in d["title"]]) == 1
    finally:
        await close_env(env)
