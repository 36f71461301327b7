"""SIGKILL at any moment loses nothing and duplicates nothing (real processes, real HTTP)."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from tests.conftest import FROZEN_NOW
from tests.support.store_env import instant
from tui.api import Auth, PipedriveClient
from tui.clock import Clock
from tui.sandbox import Sandbox
from tui.sandbox.server import start
from tui.store.store import Store

CHILD = textwrap.dedent("""
    import asyncio, sys
    from tui.api import Auth, PipedriveClient
    from tui.store.store import Store

    async def main(mode, path, url, token):
        client = PipedriveClient(url, Auth.personal(token), max_retries=0)
        store = await Store.open(path, client)
        if mode == "sync":
            print("syncing", flush=True)
            await store.sync_now(full=True)
        else:
            deals = await store.read(lambda c: [r[0] for r in c.execute("SELECT id FROM deals WHERE status='open' LIMIT 20")])
            for i in range(25):
                await store.create_entity("person", {"name": f"Killed person {i}"})
                await store.update_entity("deal", deals[i % len(deals)], {"title": f"Killed edit {i}"})
                await store.create_note(f"<p>killed note {i}</p>", deal_id=deals[i % len(deals)])
            print("queued", flush=True)
            await store.drain()
        print("done", flush=True)

    asyncio.run(main(*sys.argv[1:]))
""")


def _run_child(mode, path, url, token, kill_after):
    proc = subprocess.Popen([sys.executable, "-c", CHILD, mode, str(path), url, token], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line.strip() in ("queued", "syncing"), line
    time.sleep(kill_after)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    return proc.returncode


async def _restart_and_drain(path, url, token):
    client = PipedriveClient(url, Auth.personal(token), sleep=instant)
    store = await Store.open(path, client, clock=Clock.frozen(FROZEN_NOW), sleep=instant)
    try:
        await store.sync_now()
        assert await store.drain()
        await store.sync_now()
        return await store.read(
            lambda c: {t: {r[0]: json.loads(r[1]) for r in c.execute(f"SELECT id, data FROM {t}")} for t in ("deals", "persons", "notes")}
        )
    finally:
        await store.close()
        await client.aclose()


@pytest.mark.heavy
async def test_sigkill_mid_push_then_restart_loses_and_duplicates_nothing(tmp_path):
    sb = Sandbox(seed=3, deals=40, token="kill-test-token", now=FROZEN_NOW)
    sb.faults.configure(latency_ms=15)
    server, url = start(sb)
    path = tmp_path / "cache.sqlite3"
    try:
        # fill the cache first (a normal run)
        cached = await _restart_and_drain(path, url, sb.token)
        assert len(cached["deals"]) == len(sb.live("deal"))
        for kill_after in (0.05, 0.4):
            before = len(sb.writes())
            assert _run_child("push", path, url, sb.token, kill_after) == -signal.SIGKILL
            assert len(sb.writes()) - before < 75, "the child must be killed mid-push"
            cached = await _restart_and_drain(path, url, sb.token)
        names = [p["name"] for p in sb.live("person") if p["name"].startswith("Killed person")]
        for i in range(25):
            assert names.count(f"Killed person {i}") == 2  # one per run, never duplicated
            notes = [n for n in sb.live("note") if n["content"] == f"<p>killed note {i}</p>"]
            assert len(notes) == 2
        assert {d["title"] for d in sb.live("deal") if d["title"].startswith("Killed edit")}
        # the cache equals the sandbox
        assert set(cached["persons"]) == {p["id"] for p in sb.live("person")}
        assert set(cached["notes"]) == {n["id"] for n in sb.live("note")}
        for d in sb.live("deal"):
            assert cached["deals"][d["id"]]["title"] == d["title"]
    finally:
        server.shutdown()


async def test_sigkill_mid_sync_then_restart(tmp_path):
    sb = Sandbox(seed=4, deals=600, token="kill-test-token", now=FROZEN_NOW)
    sb.faults.configure(latency_ms=30)
    server, url = start(sb)
    path = tmp_path / "cache.sqlite3"
    try:
        assert _run_child("sync", path, url, sb.token, 0.25) == -signal.SIGKILL
        cached = await _restart_and_drain(path, url, sb.token)
        assert set(cached["deals"]) == {d["id"] for d in sb.live("deal")}
        assert set(cached["notes"]) == {n["id"] for n in sb.live("note")}
    finally:
        server.shutdown()
