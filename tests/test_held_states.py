"""A revoked token, a spent budget and a firewall block are states the user sees; edits wait
and nothing is rolled back; logging in again inside the app resumes everything."""

from tests.support.env import app_env
from tests.support.screen import screen_text
from tests.support.store_env import data_env, instant
from tests.support.transports import CLOUDFLARE_403, PORTAL_404, Answering, matching
from tests.support.wait import settle
from tui.api import Auth, PipedriveClient
from tui.api.errors import AuthError
from tui.clock import Clock
from tui.sandbox import Sandbox
from tui.screens.login import LoginScreen
from tui.store.store import Store


async def test_revoked_token_is_a_signed_out_state_and_login_in_the_app_resumes(tmp_path):
    async with app_env(tmp_path) as env:
        sb, store = env.sandbox, env.store
        await settle(env)
        deal = env.app.screen.selected
        stages = [s.id for s in env.app.screen.stages]
        sb.token = "rotated-token"
        await env.pilot.press("greater_than_sign")
        await settle(env)
        assert await store.drain() is False
        assert store.status.mode == "signed_out" and store.status.pending == 1
        await settle(env)
        assert "signed out: press L to log in again" in screen_text(env.app)
        assert "● online" not in screen_text(env.app)
        assert sb.state.deals[deal.id]["stage_id"] == stages[0]
        await env.pilot.press("L")
        await settle(env)
        assert isinstance(env.app.screen, LoginScreen)
        await env.pilot.press(*"wrong-token", "enter")
        await settle(env)
        assert "did not accept" in str(env.app.screen.query_one("#login-error").render())
        assert "wrong-token" not in screen_text(env.app)  # hidden input
        env.app.screen.query_one("#login-token").value = ""
        await env.pilot.press(*"rotated-token", "enter")
        await settle(env)
        assert not isinstance(env.app.screen, LoginScreen)
        assert store.status.mode == "online"
        assert await store.drain() is True
        assert sb.state.deals[deal.id]["stage_id"] == stages[1]


async def test_login_command_is_in_the_palette(tmp_path):
    from tui.screens.palette import ActionCommands

    async with app_env(tmp_path) as env:
        provider = ActionCommands(env.app.screen)
        await provider.startup()
        assert ("Log in again", "L · app.login") in [(t, h) for t, h, _run in provider._commands()]


async def test_spent_daily_budget_is_shown_and_edits_wait(tmp_path):
    sb = Sandbox(seed=7, deals=20, token="t0k3n-for-tests", daily_budget=100_000)
    async with app_env(tmp_path, sandbox=sb) as env:
        await settle(env)
        deal = env.app.screen.selected
        sb.rate.daily_budget = sb.rate.spent  # nothing left
        await env.pilot.press("w")
        await settle(env)
        assert await env.store.drain() is False
        assert env.store.status.mode == "budget_spent"
        await settle(env)
        assert "daily API budget spent: edits wait" in screen_text(env.app)
        assert sb.state.deals[deal.id]["status"] == "open"
        assert env.store.status.pending == 1  # kept, not rolled back


async def _store_with(tmp_path, transport_rules):
    from tests.conftest import FROZEN_NOW

    sb = Sandbox(seed=7, deals=20, token="t0k3n", now=FROZEN_NOW)
    answering = Answering(sb.transport())
    client = PipedriveClient("http://sandbox.local", Auth.personal(sb.token), transport=answering, sleep=instant)
    store = await Store.open(tmp_path / "c.sqlite3", client, clock=Clock.frozen(FROZEN_NOW), sleep=instant)
    await store.sync_now()
    transport_rules(answering)
    return sb, client, store, answering


async def test_firewall_403_page_holds_the_edit_and_is_explained(tmp_path):
    sb, client, store, answering = await _store_with(tmp_path, lambda a: a.answer(matching("PATCH", "/api/v2/deals/"), 403, CLOUDFLARE_403))
    try:
        deal_id = next(d["id"] for d in sb.live("deal") if d["status"] == "open")
        await store.update_entity("deal", deal_id, {"title": "Renamed"})
        assert await store.drain() is False
        assert store.status.mode == "blocked" and store.status.pending == 1
        assert "firewall" in store.status.last_error and "Cloudflare" in store.status.last_error
        assert sb.state.deals[deal_id]["title"] != "Renamed"
        assert (await store.rejections()) == []
        store._release()
        assert await store.drain() is True
        assert sb.state.deals[deal_id]["title"] == "Renamed"
    finally:
        await store.close()
        await client.aclose()


async def test_proxy_html_404_on_the_conflict_check_is_not_a_refusal(tmp_path):
    sb, client, store, answering = await _store_with(
        tmp_path, lambda a: a.answer(matching("GET", "/api/v2/deals/"), 404, PORTAL_404, times=20)
    )
    try:
        deal_id = next(d["id"] for d in sb.live("deal") if d["status"] == "open")
        await store.update_entity("deal", deal_id, {"title": "Kept"})
        outcome = await store.pusher.push_next()
        assert outcome == "retry"
        assert (await store.rejections()) == [] and store.status.pending == 1
        answering.rules.clear()
        assert await store.drain() is True
        assert sb.state.deals[deal_id]["title"] == "Kept"
    finally:
        await store.close()
        await client.aclose()


async def test_408_is_transient(tmp_path):
    sb, client, store, answering = await _store_with(
        tmp_path,
        lambda a: a.answer(matching("PATCH", "/api/v2/deals/"), 408, b'{"success":false,"error":"Request Timeout"}', "application/json"),
    )
    try:
        deal_id = next(d["id"] for d in sb.live("deal") if d["status"] == "open")
        await store.update_entity("deal", deal_id, {"title": "After 408"})
        assert await store.drain() is True
        assert sb.state.deals[deal_id]["title"] == "After 408"
        assert (await store.rejections()) == []
    finally:
        await store.close()
        await client.aclose()


async def test_sync_with_a_refused_token_raises_and_says_signed_out(tmp_path):
    async with data_env(tmp_path) as env:
        env.sandbox.token = "other"
        try:
            await env.store.sync_now()
        except AuthError:
            pass
        assert env.store.status.mode == "signed_out"


async def test_the_login_dialog_names_the_environment_variable_the_refused_token_came_from(tmp_path, monkeypatch):
    from argparse import Namespace

    from tui.runtime import build_runtime

    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", "token-from-the-environment")
    runtime = build_runtime(Namespace(demo=False, profile=None, base_url="http://pipedrive.invalid", data_dir=str(tmp_path / "d")))
    await runtime.client.aclose()
    assert runtime.token_source == "PIPEDRIVE_API_TOKEN"
    async with app_env(tmp_path) as env:
        env.app.token_source = runtime.token_source
        env.sandbox.token = "rotated-token"
        await settle(env)
        await env.pilot.press("greater_than_sign")
        await settle(env)
        await env.store.drain()
        await env.pilot.press("L")
        await settle(env)
        assert isinstance(env.app.screen, LoginScreen)
        text = str(env.app.screen.query_one(".dialog-message").render())
        assert "refused the token from PIPEDRIVE_API_TOKEN" in text
        assert "PIPEDRIVE_API_TOKEN still wins at the next start" in text
        assert "stored credentials" not in text
        assert "token-from-the-environment" not in screen_text(env.app)


def test_a_stored_token_has_no_environment_source(monkeypatch):
    from tui.runtime import token_source

    assert token_source(Auth.personal("abc"), env={}) is None
    assert token_source(Auth.personal("abc"), env={"PIPEDRIVE_API_TOKEN": "other"}) is None
    assert token_source(Auth.personal("abc"), env={"PIPEDRIVE_API_TOKEN": "abc"}) == "PIPEDRIVE_API_TOKEN"
    assert token_source(Auth.oauth("xyz"), env={"PIPEDRIVE_ACCESS_TOKEN": "xyz"}) == "PIPEDRIVE_ACCESS_TOKEN"
