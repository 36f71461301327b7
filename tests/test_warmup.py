"""tui/warmup.py: the screens opened next are imported while no key comes, in a thread."""

from __future__ import annotations

import sys
import threading

from tui import warmup


async def test_modules_are_imported_in_a_thread_only_once_the_user_is_idle(tmp_path, monkeypatch):
    for name in ("warm_probe_a", "warm_probe_b"):
        (tmp_path / f"{name}.py").write_text("import threading\nTHREAD = threading.current_thread().name\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    now = [100.0]
    last_key = [100.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(round(seconds, 3))
        now[0] += seconds
        if len(slept) == 1:  # the user pressed a key 0.25 s before the first wait ended
            last_key[0] = now[0] - 0.25

    done = await warmup.warm_up(lambda: last_key[0], modules=("warm_probe_a", "sys", "warm_probe_b"), sleep=sleep, clock=lambda: now[0])
    assert done == ["warm_probe_a", "warm_probe_b"]  # `sys` was imported already
    # the launch's wait, then the rest of QUIET after that key; none before the second
    assert slept == [warmup.FIRST, warmup.QUIET - 0.25]
    assert sys.modules["warm_probe_a"].THREAD != threading.main_thread().name


async def test_the_cli_app_warms_up_and_a_test_app_does_not(tmp_path):
    from tests.support.env import app_env

    async with app_env(tmp_path) as env:
        assert env.app.warm_up is False
        assert not [w for w in env.app.workers if w.group == "warm-up"]
