"""Conflicts can be resolved: both values shown, keep mine / theirs / edit."""

from tests.support.env import app_env
from tests.support.screen import screen_text
from tests.support.wait import settle
from tui.screens.conflicts import ConflictScreen
from tui.screens.forms.entity_forms import DealForm


async def _conflict(env, deal_id, mine, theirs):
    await env.store.update_entity("deal", deal_id, {"title": mine})
    env.sandbox.remote_edit("deal", deal_id, {"title": theirs})
    await env.store.drain()


async def test_keep_theirs_keep_mine_and_edit(tmp_path):
    async with app_env(tmp_path) as env:
        sb, store = env.sandbox, env.store
        await settle(env)
        a, b, c = [d["id"] for d in sb.live("deal") if d["status"] == "open"][:3]
        await _conflict(env, a, "Mine A", "Theirs A")
        await _conflict(env, b, "Mine B", "Theirs B")
        await _conflict(env, c, "Mine C", "Theirs C")
        assert store.status.conflicts == 3
        await settle(env)
        assert "3 conflicts: press !" in screen_text(env.app)
        await env.pilot.press("exclamation_mark")
        await settle(env)
        assert isinstance(env.app.screen, ConflictScreen)
        text = screen_text(env.app)
        assert "Mine A" in text and "Theirs A" in text
        await env.pilot.press("t")  # theirs for A
        await settle(env)
        title_a = await store.read(lambda conn: conn.execute("SELECT title FROM deals WHERE id=?", (a,)).fetchone()[0])
        assert title_a == "Theirs A"
        await env.pilot.press("m")  # mine for B (now the first)
        await settle(env)
        await store.drain()
        assert sb.state.deals[b]["title"] == "Mine B"
        await env.pilot.press("e")  # C: theirs, then the form with my value
        await settle(env)
        form = env.app.screen
        assert isinstance(form, DealForm) and form.field("title").input.value == "Mine C"
        await env.pilot.press("ctrl+s")
        await settle(env)
        await store.drain()
        assert sb.state.deals[c]["title"] == "Mine C"
        assert store.status.conflicts == 0
        assert sb.state.deals[a]["title"] == "Theirs A"
