"""The adversarial suite: random edits of every kind through an HTTP-level chaos proxy
(drops before and after forwarding, HTML 502 and 403 pages, 429 with Retry-After, slow and
truncated answers), and kill -9 of the app right after a save. It ends with cache == server
and nothing lost, duplicated, resurrected or stuck. CHAOS_EDITS=N runs a longer one."""

import asyncio
import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from tests.conftest import FROZEN_NOW
from tests.support.chaos_proxy import ChaosProxy
from tests.support.random_edits import audit, random_edits
from tests.support.store_env import instant
from tui.api import Auth, PipedriveClient
from tui.api.errors import ApiError
from tui.clock import Clock
from tui.sandbox import Sandbox
from tui.sandbox.server import start
from tui.store.store import Store

EDITS = int(os.environ.get("CHAOS_EDITS", "120"))


async def _until_done(store, step, tries=400):
    for _ in range(tries):
        try:
            if await step():
                return True
        except ApiError:
            pass
        store._release()  # a firewall block would pause for minutes: the test does not wait
    return False


@pytest.mark.heavy
async def test_random_edits_through_a_chaos_proxy_lose_nothing(tmp_path):
    sb = Sandbox(seed=11, deals=80, token="chaos-token", now=FROZEN_NOW)
    server, url = start(sb)
    proxy = ChaosProxy(int(url.rsplit(":", 1)[1]), rate=0.3, seed=3)
    base = await proxy.start()
    client = PipedriveClient(base, Auth.personal(sb.token), sleep=instant, timeout=10)
    store = await Store.open(tmp_path / "chaos.sqlite3", client, clock=Clock.frozen(FROZEN_NOW), sleep=instant)
    try:
        assert await _until_done(store, lambda: _sync(store))
        rng = random.Random(5)
        ledger = None
        for round_ in range(3):
            led = await random_edits(store, rng, EDITS // 3, tag=f"r{round_}-")
            ledger = led if ledger is None else _merge(ledger, led)
            await _until_done(store, lambda: store.drain(timeout=60), tries=5)
            await _until_done(store, lambda: _sync(store), tries=5)
        assert await _until_done(store, lambda: store.drain(timeout=60))
        proxy.rate = 0
        store._release()
        assert await store.drain(timeout=60)
        await store.sync_now(full=True)
        result = await audit(store, sb, ledger)
        faults = {k: v for k, v in proxy.counts.items() if k != "requests"}
        print(
            f"\nchaos run: {ledger.edits} edits, {proxy.counts['requests']} requests through the proxy, "
            f"{sum(faults.values())} faults {faults}; {result}"
        )
        assert sum(faults.values()) >= 30
        assert result == {"lost": 0, "duplicated": 0, "resurrected": 0, "stuck": 0, "cache_mismatch": 0, "missing_creates": 0}
    finally:
        await store.close()
        await client.aclose()
        await proxy.stop()
        server.shutdown()


async def _sync(store):
    await store.sync_now()
    return True


def _merge(a, b):
    a.edits += b.edits
    a.intended.update(b.intended)
    for attr in ("created", "deleted_names", "deleted_ids"):
        for k, v in getattr(b, attr).items():
            getattr(a, attr).setdefault(k, []).extend(v)
    return a


APP_CHILD = textwrap.dedent("""
    import asyncio, sys
    from textual import events
    from tui.api import Auth, PipedriveClient
    from tui.app import PipedriveApp
    from tui.store.store import Store

    async def main(path, url, token, text):
        client = PipedriveClient(url, Auth.personal(token), max_retries=0)
        store = await Store.open(path, client)
        await store.sync_now()
        app = PipedriveApp(store, start_store=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause(0.3)
            await app.workers.wait_for_complete()
            await pilot.press("n")
            await pilot.pause(0.2)
            store.subscribe(lambda e: print("saved", flush=True) if type(e).__name__ == "DataChanged" else None)
            app.post_message(events.Paste(text))
            app.post_message(events.Key("ctrl+s", None))
            print("typed", flush=True)
            await store.drain()
            await asyncio.sleep(30)

    asyncio.run(main(*sys.argv[1:]))
""")


@pytest.mark.heavy
async def test_kill_9_right_after_ctrl_s_loses_no_saved_note(tmp_path):
    sb = Sandbox(seed=7, deals=30, token="kill-token", now=FROZEN_NOW)
    server, url = start(sb)
    try:
        for run, delay in enumerate((0.0, 0.02, 0.05, 0.15)):
            path = tmp_path / f"kill{run}.sqlite3"
            text = f"Kill note {run}: " + "x" * 500
            proc = subprocess.Popen(
                [sys.executable, "-c", APP_CHILD, str(path), url, sb.token, text],
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
            )
            lines = [proc.stdout.readline().strip()]
            time.sleep(delay)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            lines += proc.stdout.read().split()
            assert "typed" in lines[0]
            client = PipedriveClient(url, Auth.personal(sb.token), sleep=instant)
            store = await Store.open(path, client, clock=Clock.frozen(FROZEN_NOW), sleep=instant)
            try:
                assert await store.drain()
                made = [n for n in sb.live("note") if n["content"] == f"<p>{text}</p>"]
                assert len(made) <= 1
                if "saved" in lines:
                    assert len(made) == 1, f"run {run}: the app said saved, the note is not on the server"
            finally:
                await store.close()
                await client.aclose()
            await asyncio.sleep(0)
    finally:
        server.shutdown()
