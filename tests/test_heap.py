"""What the launch does before its first cards: the collector is off until they show, then
startup is frozen (tui/heap.py; without `hold` nothing changes); no HTTP library is imported."""

import gc

from tests.support.env import app_env
from tests.test_board_keys import board, settle
from tui import heap


async def test_the_launch_holds_collections_until_the_first_cards_then_freezes_startup(tmp_path):
    assert gc.isenabled() and gc.get_freeze_count() == 0
    heap.hold()
    try:
        assert not gc.isenabled()
        async with app_env(tmp_path) as env:
            await settle(env)
            await env.pilot.pause()
            assert board(env).columns[0].cards.size.height > 0
            assert gc.isenabled() and not heap.held()
            assert gc.get_freeze_count() > 10_000  # modules, classes, the board: never walked again
            heap.release()  # once only
            assert gc.isenabled()
    finally:
        heap.release()
        gc.unfreeze()
        gc.enable()


async def test_without_hold_the_app_leaves_the_collector_alone(tmp_path):
    async with app_env(tmp_path) as env:
        await settle(env)
        await env.pilot.pause()
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_the_cli_holds_collections_for_the_app_only(monkeypatch):
    from tui import cli

    held = []
    monkeypatch.setattr(heap, "hold", lambda: held.append(True))
    monkeypatch.setattr("tui.runtime.build_runtime", lambda args: (_ for _ in ()).throw(KeyboardInterrupt))
    assert cli.main(["--demo"]) == 130
    assert held == [True]
    held.clear()
    assert cli.main(["--demo", "status"]) == 130
    assert held == []


def test_the_first_frame_imports_no_http_library():
    """httpx takes ~100 ms to import: the client imports it on its first request, which the
    store makes after the cache's integrity check, not before the first cards."""
    import subprocess
    import sys

    probe = "import sys; import tui.cli; from tui.runtime import build_runtime; from tui.app import run_app; print('httpx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "False"
