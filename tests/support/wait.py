"""Waiting on the app without fixed sleeps: until workers finish and queues are idle.

A store edit travels: store -> event callback -> app message -> screen DataRefresh ->
reload worker -> repaint. Each round lets one hop happen; a few rounds reach the end.
"""

from __future__ import annotations

from textual.worker import WorkerCancelled


async def workers_done(app) -> None:
    """Wait for the app's workers. An exclusive worker that a newer one replaces while it is
    awaited (a search typed on, a reload superseded) ends cancelled: that is its normal end,
    so wait again for what replaced it instead of failing."""
    for _ in range(20):
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            continue


async def settle(env, rounds: int = 4) -> None:
    app, pilot = env.app, env.pilot
    for _ in range(rounds):
        await pilot.pause()
        await workers_done(app)
    await pilot.pause()


def no_debounce(monkeypatch) -> None:
    """Debounced inputs answer at once in tests (no timer to wait for)."""
    import tui.widgets.filter_bar

    monkeypatch.setattr(tui.widgets.filter_bar, "DEBOUNCE", 0.0)
