"""Logging a call: one POST /v1/callLogs through the outbox, exactly once (a lost answer, a
restart, kill -9 mid-push), offline-safe, undoable until sent; the call shows at once and the
done call activity Pipedrive records with it follows."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

from tests.conftest import FROZEN_NOW
from tests.support.store_env import close_store, instant, open_store
from tests.support.transports import Answering, matching
from tui.api import Auth, PipedriveClient
from tui.clock import Clock
from tui.sandbox import Sandbox
from tui.sandbox.server import start
from tui.store.events import EditRejected
from tui.store.queries.calls import calls_of
from tui.store.store import Store

CALLS = "/api/v1/callLogs"


def _sandbox(seed: int = 11) -> Sandbox:
    sb = Sandbox(seed=seed, deals=30, token="t0k3n-for-call-tests", now=FROZEN_NOW)
    sb.state.call_logs.clear()  # only the calls a test logs
    return sb


_open = open_store


_close = close_store


def _body(deal: dict, person_id: int | None, outcome: str = "no_answer", minute: int = 0) -> dict:
    return {
        "outcome": outcome,
        "to_phone_number": "+49 30 1234567",
        "start_time": f"2026-12-07 09:{minute:02d}:00",
        "end_time": f"2026-12-07 09:{minute:02d}:30",
        "duration": "30",
        "subject": "Call with Marta O'Brien",
        "deal_id": deal["id"],
        "person_id": person_id,
    }


def _posts(sb: Sandbox) -> int:
    return sum(1 for r in sb.writes() if r[0] == "POST" and r[1] == CALLS)


async def test_a_logged_call_shows_at_once_then_is_posted_once_with_its_activity(tmp_path):
    sb = _sandbox()
    store, client = await _open(tmp_path / "c.sqlite3", sb)
    try:
        await store.sync_now()
        deal = next(d for d in sb.live("deal") if d.get("person_id"))
        local = await store.log_call(_body(deal, deal["person_id"]))
        shown = await store.read(calls_of, "deal", deal["id"])
        assert [(c.id, c.outcome, c.sending) for c in shown] == [(local, "no_answer", True)]
        assert store.status.pending == 1
        assert await store.pusher.push_next() == "pushed"
        assert _posts(sb) == 1
        (server,) = [c for c in sb.state.call_logs.values() if c["deal_id"] == deal["id"]]
        assert server["outcome"] == "no_answer" and server["to_phone_number"] == "+49 30 1234567"
        shown = await store.read(calls_of, "deal", deal["id"])
        assert [(c.id, c.sending, c.duration) for c in shown] == [(server["id"], False, 30)]
        activity = await store.read(
            lambda c: c.execute("SELECT type, done, deal_id FROM activities WHERE id = ?", (server["activity_id"],)).fetchone()
        )
        assert tuple(activity) == ("call", 1, deal["id"])  # the done call activity, without waiting for a sync
        assert await store.drain()
        assert _posts(sb) == 1
    finally:
        await _close(store, client)


async def test_a_lost_answer_and_a_restart_log_the_call_once(tmp_path):
    sb = _sandbox()
    path = tmp_path / "c.sqlite3"
    lossy = Answering(sb.transport())
    lossy.drop_after(matching("POST", CALLS))
    store, client = await _open(path, sb, lossy)
    try:
        await store.sync_now()
        deal = sb.live("deal")[0]
        await store.log_call(_body(deal, deal.get("person_id")))
        assert await store.pusher.push_next() == "retry"  # logged on Pipedrive, the answer lost
        assert _posts(sb) == 1 and len(sb.state.call_logs) == 1
    finally:
        await _close(store, client)
    store, client = await _open(path, sb)  # the restart
    try:
        assert await store.drain()
        assert _posts(sb) == 1  # found among the user's call logs, not sent again
        (server,) = sb.state.call_logs.values()
        assert [c.id for c in await store.read(calls_of, "deal", deal["id"])] == [server["id"]]
    finally:
        await _close(store, client)


async def test_a_call_is_sent_again_when_the_lost_attempt_never_reached_pipedrive(tmp_path):
    sb = _sandbox()
    lossy = Answering(sb.transport())
    lossy.answer(matching("POST", CALLS), 502, b"<html>Bad gateway</html>")  # the proxy never passed it on
    store, client = await _open(tmp_path / "c.sqlite3", sb, lossy)
    try:
        await store.sync_now()
        deal = sb.live("deal")[0]
        await store.log_call(_body(deal, None))
        assert await store.pusher.push_next() == "retry"
        assert len(sb.state.call_logs) == 0
        assert await store.drain()
        assert len(sb.state.call_logs) == 1
    finally:
        await _close(store, client)


async def test_undo_before_sending_sends_nothing_and_after_sending_is_refused(tmp_path):
    sb = _sandbox()
    store, client = await _open(tmp_path / "c.sqlite3", sb)
    try:
        await store.sync_now()
        deal = sb.live("deal")[0]
        first = await store.log_call(_body(deal, None, minute=1))
        assert await store.cancel_call(first) is True
        assert await store.read(calls_of, "deal", deal["id"]) == []
        assert store.status.pending == 0
        second = await store.log_call(_body(deal, None, minute=2))
        assert await store.drain()
        assert await store.cancel_call(second) is False
        assert _posts(sb) == 1 and len(sb.state.call_logs) == 1
    finally:
        await _close(store, client)


async def test_a_refused_call_is_taken_back_with_pipedrives_reason(tmp_path):
    sb = _sandbox()
    store, client = await _open(tmp_path / "c.sqlite3", sb)
    seen: list[EditRejected] = []
    store.subscribe(lambda e: seen.append(e) if isinstance(e, EditRejected) else None)
    try:
        await store.sync_now()
        deal = sb.live("deal")[0]
        body = _body(deal, None)
        body["end_time"] = "2026-12-07 08:00:00"  # before it started
        await store.log_call(body)
        assert await store.pusher.push_next() == "rejected"
        assert await store.read(calls_of, "deal", deal["id"]) == []
        assert await store.read(lambda c: c.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]) == 0
        assert seen and "end_time must not be before start_time" in seen[0].reason
        assert "logging the call" in seen[0].reason
    finally:
        await _close(store, client)


CHILD = textwrap.dedent("""
    import asyncio, sys
    from tui.api import Auth, PipedriveClient
    from tui.store.store import Store

    async def main(path, url, token, deal_id):
        client = PipedriveClient(url, Auth.personal(token), max_retries=0)
        store = await Store.open(path, client)
        for i in range(12):
            await store.log_call({"outcome": "busy", "to_phone_number": f"+1 555 {i:04d}", "start_time": f"2026-12-07 10:{i:02d}:00",
                                  "end_time": f"2026-12-07 10:{i:02d}:20", "subject": f"Killed call {i}", "deal_id": int(deal_id)})
        print("queued", flush=True)
        await store.drain()
        print("done", flush=True)

    asyncio.run(main(*sys.argv[1:]))
""")


async def test_kill_9_mid_push_then_restart_logs_every_call_exactly_once(tmp_path):
    sb = _sandbox(seed=5)
    sb.faults.configure(latency_ms=15)
    server, url = start(sb)
    path = tmp_path / "cache.sqlite3"
    try:
        client = PipedriveClient(url, Auth.personal(sb.token), sleep=instant)
        store = await Store.open(path, client, clock=Clock.frozen(FROZEN_NOW), sleep=instant)
        await store.sync_now()
        await _close(store, client)
        deal = sb.live("deal")[0]
        proc = subprocess.Popen([sys.executable, "-c", CHILD, str(path), url, sb.token, str(deal["id"])], stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "queued"
        time.sleep(0.12)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert len(sb.state.call_logs) < 12, "the child must be killed mid-push"
        client = PipedriveClient(url, Auth.personal(sb.token), sleep=instant)
        store = await Store.open(path, client, clock=Clock.frozen(FROZEN_NOW), sleep=instant)
        try:
            assert await store.drain()
            subjects = sorted(c["subject"] for c in sb.state.call_logs.values())
            assert subjects == sorted(f"Killed call {i}" for i in range(12))  # each once
            shown = await store.read(calls_of, "deal", deal["id"])
            assert sorted(c.subject for c in shown) == subjects and not any(c.sending for c in shown)
        finally:
            await _close(store, client)
    finally:
        server.shutdown()


async def test_a_logged_call_shows_in_the_deals_history_with_its_outcome(tmp_path):
    from tui.store.queries.history import cached_timeline

    sb = _sandbox()
    store, client = await _open(tmp_path / "c.sqlite3", sb)
    try:
        await store.sync_now()
        deal = next(d for d in sb.live("deal") if d.get("person_id"))
        await store.log_call({**_body(deal, deal["person_id"]), "duration": "95", "end_time": "2026-12-07 09:01:35"})
        assert await store.drain()
        await store.history("deal", deal["id"], refresh=True)
        events, _when = await store.read(cached_timeline, "deal", deal["id"])
        (call,) = [e for e in events if "call · no answer" in e.title]
        assert call.detail == "Call with Marta O'Brien (1:35, +49 30 1234567)"
    finally:
        await _close(store, client)
