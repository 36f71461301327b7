"""OAuth access tokens expire; the session renews them (before expiry and after a 401) and
keeps pending edits across it; login accepts a refresh token and client credentials."""

import io
import json

from tests.conftest import FROZEN_NOW
from tests.support.store_env import instant
from tui.api import Auth, PipedriveClient
from tui.api.oauth import OAuthSession
from tui.clock import Clock
from tui.sandbox import Sandbox
from tui.store.store import Store


def _session(sb, stored):
    sb.oauth.add_client("app-1", "app-secret")
    tokens = sb.oauth.grant("app-1", lifetime=3600)
    session = OAuthSession(
        tokens["refresh_token"], "app-1", "app-secret", token_url="http://sandbox.local/oauth/token", on_tokens=stored.append
    )
    return tokens, session


async def test_an_expired_access_token_is_renewed_and_the_pending_edit_goes_out(tmp_path):
    sb = Sandbox(seed=7, deals=20, token="personal", now=FROZEN_NOW)
    stored: list[dict] = []
    tokens, session = _session(sb, stored)
    client = PipedriveClient(
        "http://sandbox.local", Auth.oauth(tokens["access_token"]), transport=sb.transport(), sleep=instant, oauth=session
    )
    store = await Store.open(tmp_path / "c.sqlite3", client, clock=Clock.frozen(FROZEN_NOW), sleep=instant)
    try:
        await store.sync_now()
        deal = next(d for d in sb.live("deal") if d["status"] == "open")
        await store.update_entity("deal", deal["id"], {"title": "Edited before the token expired"})
        sb.advance(3700)  # the access token has expired on the server
        assert await store.drain() is True
        assert sb.state.deals[deal["id"]]["title"] == "Edited before the token expired"
        assert sb.oauth.refreshes == 1 and store.status.mode != "signed_out"
        assert stored and stored[-1]["access_token"] != tokens["access_token"]
        assert stored[-1]["refresh_token"] != tokens["refresh_token"]  # rotated
        assert client.auth.secret == stored[-1]["access_token"]
        await store.sync_now()  # later requests use the new token
        assert sb.oauth.refreshes == 1
    finally:
        await store.close()
        await client.aclose()


async def test_a_token_about_to_expire_is_renewed_before_sending():
    import time

    sb = Sandbox(seed=7, deals=5, token="personal", now=FROZEN_NOW)
    stored: list[dict] = []
    tokens, session = _session(sb, stored)
    session.expires_at = time.time() + 30  # within the renewal margin
    client = PipedriveClient(
        "http://sandbox.local", Auth.oauth(tokens["access_token"]), transport=sb.transport(), sleep=instant, oauth=session
    )
    await client.me()
    assert sb.oauth.refreshes == 1
    assert [r for r in sb.requests if r[1] != "/oauth/token"][0][1] == "/api/v1/users/me"
    assert session.expires_at > time.time() + 3000
    await client.aclose()


async def test_a_revoked_refresh_token_is_the_signed_out_state(tmp_path):
    sb = Sandbox(seed=7, deals=5, token="personal", now=FROZEN_NOW)
    tokens, session = _session(sb, [])
    sb.oauth.refresh_tokens.clear()  # revoked
    client = PipedriveClient(
        "http://sandbox.local", Auth.oauth(tokens["access_token"]), transport=sb.transport(), sleep=instant, oauth=session
    )
    store = await Store.open(tmp_path / "c.sqlite3", client, clock=Clock.frozen(FROZEN_NOW), sleep=instant)
    try:
        sb.advance(3700)
        try:
            await store.sync_now()
        except Exception:
            pass
        assert store.status.mode == "signed_out"
    finally:
        await store.close()
        await client.aclose()


def test_login_with_a_refresh_token_stores_the_oauth_session(tmp_path, monkeypatch, capsys):
    from tui.cli import main
    from tui.config import load_secrets, resolve, Config
    from tui.sandbox.server import start

    sb = Sandbox(seed=7, deals=5, token="personal", now=FROZEN_NOW)
    sb.oauth.add_client("app-1", "app-secret")
    refresh = sb.oauth.grant("app-1")["refresh_token"]
    server, url = start(sb)
    try:
        monkeypatch.setenv("PIPEDRIVE_TUI_CONFIG_DIR", str(tmp_path))
        for var in ("PIPEDRIVE_API_TOKEN", "MATON_API_KEY", "PIPEDRIVE_ACCESS_TOKEN"):
            monkeypatch.delenv(var, raising=False)
        monkeypatch.setattr("sys.stdin", io.StringIO(f"{refresh}\napp-secret\n"))
        code = main(
            [
                "login",
                "--auth-mode",
                "oauth",
                "--client-id",
                "app-1",
                "--token-stdin",
                "--base-url",
                url,
                "--token-url",
                f"{url}/oauth/token",
            ]
        )
        out = capsys.readouterr()
        assert code == 0, out.err
        assert "app-secret" not in out.out and refresh not in out.out
        secrets = load_secrets("default", tmp_path)
        assert secrets["client_id"] == "app-1" and secrets["refresh_token"] != refresh and secrets["expires_at"]
        creds = resolve(Config.load(), None, None, env={}, directory=tmp_path)
        assert creds.mode == "oauth" and creds.oauth is not None and creds.auth.secret == secrets["token"]
        assert json.dumps(repr(creds.oauth)).count("app-secret") == 0
    finally:
        server.shutdown()
