"""The live-refresh schedule (fake clock) and the first sync's order, partial data and resume."""

import pytest

from tests.support.env import app_env
from tests.support.screen import screen_text
from tests.support.store_env import data_env, instant
from tests.support.wait import settle, workers_done
from tui.api import Auth, PipedriveClient
from tui.api.errors import NetworkError
from tui.clock import Clock
from tui.sandbox import Sandbox
from tui.store.schedule import RefreshPolicy, Schedule
from tui.store.store import Store

P = RefreshPolicy()


def test_each_state_has_its_interval():
    s = Schedule(P, last_key=0.0)
    assert s.state(10) == "active" and s.interval("active") == 55
    assert s.state(181) == "idle" and s.interval("idle") == 480
    s.focused = False
    assert s.state(10) == "unfocused" and s.interval("unfocused") == 2400
    assert P.tokens_per_hour("active") <= 1500 and P.tokens_per_hour("idle") <= 300
    assert P.tokens_per_hour("unfocused") <= 60


def test_budget_thresholds():
    s = Schedule(P, last_key=0.0)
    assert s.state(5, budget_left=0.5) == "active"
    assert s.state(5, budget_left=0.2) == "low_budget" and s.interval("low_budget") == 480
    assert s.state(5, budget_left=0.05) == "manual" and s.interval("manual") is None
    s.refreshed(0)
    assert s.due_at(5, budget_left=0.05) is None  # only r refreshes
    assert s.due_at(5, budget_left=0.2) == 480


def test_due_times_follow_the_state():
    s = Schedule(P, last_key=0.0)
    assert s.due_at(0) == 0  # never refreshed: now
    s.refreshed(100)
    s.last_key = 100
    assert s.due_at(110) == 155
    assert s.due_at(400) == 580  # idle since 280: 100 + 480


def test_focus_back_or_first_key_after_idle_refreshes_when_stale():
    s = Schedule(P, last_key=0.0)
    s.refreshed(0)
    assert s.focus(False, 10) is False
    assert s.focus(True, 30) is False  # fresh: 30 s old
    s.focus(False, 40)
    assert s.focus(True, 100) is True  # stale: 100 s old
    s.refreshed(100)
    assert s.key(150) is False  # active and fresh
    assert s.key(400) is True  # first key after idling, data 300 s old
    s.refreshed(400)
    assert s.key(401) is False


def test_custom_bounds_come_from_the_config(tmp_path, monkeypatch):
    from tui.config import Config

    monkeypatch.setenv("PIPEDRIVE_TUI_CONFIG_DIR", str(tmp_path))
    (tmp_path / "config.toml").write_text("[refresh]\nactive = 90\nunfocused = 3600\n")
    policy = RefreshPolicy(**Config.load().refresh)
    assert policy.active == 90 and policy.unfocused == 3600 and policy.idle == 480


def _request_order(sb):
    return [(r[1], r[2]) for r in sb.requests if r[0] == "GET"]


async def test_first_sync_gets_the_board_before_activities(tmp_path):
    async with data_env(tmp_path, deals=1500) as env:
        order = _request_order(env.sandbox)
        first_deals = next(i for i, (p, q) in enumerate(order) if p == "/api/v2/deals")
        first_acts = next(i for i, (p, q) in enumerate(order) if p == "/api/v2/activities")
        assert order[first_deals][1].get("status") == "open" and order[first_deals][1].get("pipeline_id") == "1"
        assert first_deals < first_acts
        assert {p for p, _ in order[:first_deals]} == {"/api/v2/pipelines", "/api/v2/stages", "/api/v1/users", "/api/v1/currencies"}
        names = [i for i, (p, q) in enumerate(order) if "ids" in q]
        assert names and all(first_deals < i < first_acts for i in names)
        tokens_before_acts = sum(
            20 if p.startswith("/api/v1") else (5 if p.endswith(("pipelines", "stages")) else 10) for p, _ in order[:first_acts]
        )
        assert tokens_before_acts <= 250


@pytest.mark.heavy
async def test_interrupted_first_sync_resumes_without_refetching(tmp_path):
    from tests.conftest import FROZEN_NOW

    sb = Sandbox(seed=7, deals=2500, token="t0k3n", now=FROZEN_NOW)
    client = PipedriveClient("http://sandbox.local", Auth.personal(sb.token), transport=sb.transport(), sleep=instant, max_retries=0)
    store = await Store.open(tmp_path / "c.sqlite3", client, clock=Clock.frozen(FROZEN_NOW), sleep=instant)
    try:
        n = 0

        def count(_changes):
            nonlocal n
            n += 1
            if n == 6:  # the network goes away mid-way
                sb.faults.configure(rate=1.0, kinds=("drop_before",))

        store._first_page = count
        try:
            await store.sync_now()
        except NetworkError:
            pass
        fetched = [(r[1], tuple(sorted(r[2].items()))) for r in sb.requests if r[0] == "GET"]
        sb.faults.configure(rate=0)
        mark = len(sb.requests)
        store._first_page = lambda changes: None
        await store.sync_now()
        again = [(r[1], tuple(sorted(r[2].items()))) for r in sb.requests[mark:] if r[0] == "GET"]
        assert not set(fetched) & set(again)  # nothing fetched twice
        count_deals = await store.read(lambda c: c.execute("SELECT COUNT(*) FROM deals").fetchone()[0])
        assert count_deals == len(sb.live("deal"))
    finally:
        await store.close()
        await client.aclose()


async def test_while_activities_load_cards_say_loading_not_no_activity(tmp_path):
    from tests.conftest import FROZEN_NOW

    sb = Sandbox(seed=7, deals=80, token="t0k3n-for-tests", now=FROZEN_NOW)
    original = sb.handle

    def no_activities_yet(method, path, *a, **k):
        if path == "/api/v2/activities":
            raise ConnectionError("activities not reachable yet")
        return original(method, path, *a, **k)

    sb.handle = no_activities_yet
    async with data_env(tmp_path, deals=80, sandbox=sb, sync=False) as env:
        try:
            await env.store.sync_now()
        except Exception:
            pass
        from tui.app import PipedriveApp

        app = PipedriveApp(env.store, profile_label="test", start_store=False)
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            await workers_done(app)
            await pilot.pause()
            text = screen_text(app)
            assert "… loading" in text and "no activity" not in text
            sb.handle = original
            await env.store.sync_now()
            await pilot.pause()
            await workers_done(app)
            await pilot.pause()
            assert "… loading" not in screen_text(app)


async def test_a_remote_change_is_picked_up_by_the_probe_and_shown(tmp_path):
    async with app_env(tmp_path) as env:
        await settle(env)
        board = env.app.screen
        deal = board.selected
        env.sandbox.advance(5)
        env.sandbox.remote_edit("deal", deal.id, {"title": "Renamed on the web"})
        await env.store.sync_now()
        await settle(env)
        assert "Renamed on the web" in screen_text(env.app)


async def test_a_no_op_refresh_reloads_no_screen(tmp_path):
    async with app_env(tmp_path) as env:
        await settle(env)
        board = env.app.screen
        calls = []
        original = board.reload
        board.reload = lambda *a, **k: (calls.append(1), original(*a, **k))[1]
        env.sandbox.advance(30)
        await env.store.sync_now()
        await settle(env)
        assert calls == []


async def test_keys_every_20s_from_launch_probe_at_most_55s_apart_without_focus_reporting(tmp_path, monkeypatch):
    """A terminal that never reports focus (tmux's default): the launch counts as activity and
    a key that shortens the interval wakes the waiting loop, so the probes run every 55 s from
    the first minute. Fake monotonic time (a machine up for hours), a key every 20 s."""
    import asyncio
    import types

    import tui.store.refresh as refresh_module

    clock = types.SimpleNamespace(t=50_000.0)  # monotonic seconds since boot
    monkeypatch.setattr("tui.store.refresh.time", types.SimpleNamespace(monotonic=lambda: clock.t))
    async with data_env(tmp_path, deals=200) as env:
        store = env.store
        launch = clock.t
        probes: list[float] = []
        real_sync = store.sync_now

        async def counted(*args, **kwargs):
            probes.append(clock.t - launch)
            return await real_sync(*args, **kwargs)

        store.sync_now = counted
        next_key = launch + 20

        async def fake_wait(event, timeout):
            nonlocal next_key
            deadline = float("inf") if timeout is None else clock.t + timeout
            while clock.t < deadline and not event.is_set() and clock.t - launch < 600:
                clock.t = min(deadline, next_key, clock.t + 1)
                if clock.t >= next_key:
                    store.touch()
                    next_key += 20
                await asyncio.sleep(0)
            if clock.t - launch >= 600:
                raise asyncio.CancelledError

        monkeypatch.setattr(refresh_module, "wait_event", fake_wait)
        try:
            await store._sync_loop()
        except asyncio.CancelledError:
            pass
        print("probes at", probes)
        assert probes and probes[0] <= 56, probes  # the first look for changes within the first minute
        gaps = [b - a for a, b in zip(probes, probes[1:])]
        assert len(probes) >= 10 and max(gaps) <= 56, probes
