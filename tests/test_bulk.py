"""Bulk actions on the board: marks survive scrolling and re-sorting; one confirmation with the
count; each deal its own queued edit, pushed without loss under faults; one undo for all."""

from tests.support.env import app_env
from tests.support.screen import screen_text
from tests.support.wait import settle
from tui.sandbox import Sandbox
from tui.screens.dialogs import ConfirmScreen


def _sandbox(deals=200):
    from tests.conftest import FROZEN_NOW

    return Sandbox(seed=7, deals=deals, token="t0k3n-for-tests", now=FROZEN_NOW)


async def test_mark_fifty_move_them_with_one_key_under_faults_and_undo_all(tmp_path):
    sb = _sandbox(600)
    async with app_env(tmp_path, sandbox=sb, size=(160, 45)) as env:
        await settle(env)
        board = env.app.screen
        first = board.columns[0]
        assert first.cards.total >= 50
        await env.pilot.press("asterisk")  # the whole first column
        await settle(env)
        marked = set(board.marked)
        assert len(marked) == first.cards.total
        keep = sorted(marked)[:50]
        board.marked.intersection_update(keep)  # fifty of them
        board._repaint_marks()
        await settle(env)
        assert "☑" in screen_text(env.app)
        await env.pilot.press("greater_than_sign")
        await settle(env)
        assert isinstance(env.app.screen, ConfirmScreen)
        assert "Move 50 deals" in screen_text(env.app)
        await env.pilot.press("y")
        await settle(env)
        assert board.marked == set()
        sb.faults.configure(rate=0.3, seed=9)
        assert await env.store.drain()
        sb.faults.configure(rate=0)
        second = board.stages[1].id
        moved = [d for d in sb.live("deal") if d["id"] in keep]
        assert len(moved) == 50 and all(d["stage_id"] == second for d in moved)
        patches = {r[1] for r in sb.writes() if r[0] == "PATCH"}
        assert patches == {f"/api/v2/deals/{i}" for i in keep}
        await env.pilot.press("u")  # one undo for the batch
        await settle(env)
        assert await env.store.drain()
        first_stage = board.stages[0].id
        assert all(sb.state.deals[i]["stage_id"] == first_stage for i in keep)


async def test_marks_survive_scrolling_and_resorting(tmp_path):
    async with app_env(tmp_path, sandbox=_sandbox(300), size=(120, 30)) as env:
        await settle(env)
        board = env.app.screen
        await env.pilot.press("space", "shift+down", "shift+down")
        await settle(env)
        marked = set(board.marked)
        assert len(marked) == 3
        await env.pilot.press("end", "home", "S", "S")  # scroll away and back, sort by value, by close date
        await settle(env)
        assert board.marked == marked
        shown = [c.id for c in board.columns[0].cards.cards if c.id in marked]
        assert set(shown) == marked
        await env.pilot.press("escape")
        await settle(env)
        assert board.marked == set()


async def test_bulk_won_and_lost_with_one_reason(tmp_path):
    sb = _sandbox(200)
    async with app_env(tmp_path, sandbox=sb) as env:
        await settle(env)
        board = env.app.screen
        await env.pilot.press("space", "j", "space", "j", "space")
        await settle(env)
        ids = set(board.marked)
        await env.pilot.press("x")
        await settle(env)
        await env.pilot.press(*"Budget cut", "enter")
        await settle(env)
        assert "Mark 3 deals as lost" in screen_text(env.app)
        await env.pilot.press("y")
        await settle(env)
        assert await env.store.drain()
        assert all(sb.state.deals[i]["status"] == "lost" and sb.state.deals[i]["lost_reason"] == "Budget cut" for i in ids)


async def test_a_refused_deal_of_a_batch_is_rolled_back_alone(tmp_path):
    sb = _sandbox(200)
    async with app_env(tmp_path, sandbox=sb) as env:
        await settle(env)
        board = env.app.screen
        await env.pilot.press("space", "j", "space")
        await settle(env)
        a, b = sorted(board.marked)
        sb.inject("PATCH", f"/api/v2/deals/{a}", status=400, error="Deal is locked")
        await env.pilot.press("w")
        await settle(env)
        await env.pilot.press("y")
        await settle(env)
        await env.store.drain()
        assert sb.state.deals[a]["status"] == "open" and sb.state.deals[b]["status"] == "won"
        assert any("Deal is locked" in n.message for n in env.app._notifications)
