"""CLI: status against a local fake Pipedrive; login stores a 0600 secret; errors are one line."""

import io
import json
import os
import stat
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tui.cli import main
from tui.config import Config, load_secret, resolve

TOKEN = "cli-secret-token-987"


class FakePipedrive(BaseHTTPRequestHandler):
    seen: list[tuple[str, dict]] = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        FakePipedrive.seen.append((self.path, dict(self.headers.items())))
        if self.headers.get("x-api-token") != TOKEN:
            body = {
                "success": False,
                "error": "unauthorized access",
                "errorCode": 401,
                "error_info": "Please check developers.pipedrive.com",
            }
            status = 401
        elif self.path == "/api/v1/users/me":
            body = {
                "success": True,
                "data": {
                    "id": 1,
                    "name": "Ada Lovelace",
                    "email": "ada@example.com",
                    "company_id": 5,
                    "company_name": "Analytical Engines",
                    "company_domain": "engines",
                },
            }
            status = 200
        else:
            body, status = {"success": False, "error": "not found"}, 404
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("x-ratelimit-limit", "40")
        self.send_header("x-ratelimit-remaining", "39")
        self.send_header("x-daily-ratelimit-token-limit", "300000")
        self.send_header("x-daily-ratelimit-token-remaining", "299998")
        self.send_header("content-length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


@pytest.fixture
def fake(monkeypatch, tmp_path):
    for var in ("PIPEDRIVE_API_TOKEN", "PIPEDRIVE_ACCESS_TOKEN", "MATON_API_KEY", "PIPEDRIVE_BASE_URL", "PIPEDRIVE_COMPANY_DOMAIN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("PIPEDRIVE_TUI_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("PIPEDRIVE_TUI_DATA_DIR", str(tmp_path / "data"))
    FakePipedrive.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakePipedrive)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_status_prints_user_company_and_budget(fake, monkeypatch, capsys):
    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", TOKEN)
    assert main(["status", "--base-url", fake]) == 0
    out = capsys.readouterr().out
    assert "Ada Lovelace" in out and "Analytical Engines" in out and "token" in out
    assert "299,998 of 300,000 tokens left today" in out
    assert "MCP:       0 of 2,000 tokens in the last hour (mcp_tokens_per_hour); 0 proposals waiting" in out
    path, headers = FakePipedrive.seen[0]
    assert path == "/api/v1/users/me" and TOKEN not in path
    assert headers["x-api-token"] == TOKEN and "Authorization" not in headers


def test_status_with_a_bad_token_is_one_clear_line(fake, monkeypatch, capsys):
    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", "wrong-token")
    assert main(["status", "--base-url", fake]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "401" in err and "wrong-token" not in err


def test_status_without_network_or_credentials(fake, monkeypatch, capsys):
    assert main(["status"]) == 1
    assert "no credentials" in capsys.readouterr().err
    monkeypatch.setenv("PIPEDRIVE_API_TOKEN", TOKEN)
    assert main(["status", "--base-url", "http://127.0.0.1:9"]) == 1
    assert "Cannot reach Pipedrive" in capsys.readouterr().err


def test_login_stores_a_0600_secret_and_status_uses_it(fake, monkeypatch, capsys, tmp_path):
    monkeypatch.setattr("sys.stdin", io.StringIO(TOKEN + "\n"))
    assert main(["login", "--token-stdin", "--base-url", fake]) == 0
    secrets = tmp_path / "config" / "secrets.toml"
    assert stat.S_IMODE(os.stat(secrets).st_mode) == 0o600
    assert load_secret("default", tmp_path / "config") == TOKEN
    config_text = (tmp_path / "config" / "config.toml").read_text()
    assert TOKEN not in config_text
    creds = resolve(Config.load(tmp_path / "config"), None, env={}, directory=tmp_path / "config")
    assert creds.auth.headers() == {"x-api-token": TOKEN} and creds.base_url == fake
    capsys.readouterr()
    assert main(["status"]) == 0
    assert "Ada Lovelace" in capsys.readouterr().out
    assert main(["logout"]) == 0
    assert load_secret("default", tmp_path / "config") is None


def test_login_with_a_bad_token_stores_nothing(fake, monkeypatch, capsys, tmp_path):
    monkeypatch.setattr("sys.stdin", io.StringIO("nope\n"))
    assert main(["login", "--token-stdin", "--base-url", fake]) == 1
    assert not (tmp_path / "config" / "secrets.toml").exists()


def test_env_overrides_pick_the_auth_mode(tmp_path):
    cfg = Config()
    assert (
        resolve(cfg, None, env={"PIPEDRIVE_ACCESS_TOKEN": "a", "PIPEDRIVE_COMPANY_DOMAIN": "acme"}, directory=tmp_path).base_url
        == "https://acme.pipedrive.com"
    )
    maton = resolve(cfg, None, env={"MATON_API_KEY": "k", "MATON_CONNECTION": "c1"}, directory=tmp_path)
    assert maton.base_url == "https://gateway.maton.ai/pipedrive"
    assert maton.auth.headers() == {"Authorization": "Bearer k", "Maton-Connection": "c1"}
    assert resolve(cfg, None, env={}, directory=tmp_path) is None


def test_version_and_help(capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert "pipedrive-tui" in capsys.readouterr().out


def test_quitting_with_unsent_edits_says_how_many_wait_and_when_they_go(tmp_path, monkeypatch, capsys):
    """Two edits made while Pipedrive refuses the token: the app closes, the terminal is told."""
    import asyncio

    from tests.support.store_env import data_env
    from tui.api import Auth, PipedriveClient
    from tui.app import PipedriveApp, run_app
    from tui.clock import Clock
    from tui.runtime import Runtime
    from tui.sandbox import Sandbox
    from tests.conftest import FROZEN_NOW

    sandbox = Sandbox(seed=7, deals=10, token="good-token", now=FROZEN_NOW)

    async def first_sync() -> list[int]:
        async with data_env(tmp_path, sandbox=sandbox) as env:
            return sorted(env.sandbox.state.deals)[:2]

    ids = asyncio.run(first_sync())
    refused = PipedriveClient("http://sandbox.local", Auth.personal("revoked-token"), transport=sandbox.transport())

    async def edit_then_quit(self, *args, **kwargs):
        for deal_id in ids:
            await self.store.update_entity("deal", deal_id, {"title": f"Edited {deal_id}"})

    monkeypatch.setattr(PipedriveApp, "run_async", edit_then_quit)
    runtime = Runtime(refused, "work", tmp_path, tmp_path / "cache.sqlite3", clock=Clock.frozen(FROZEN_NOW))
    assert run_app(runtime) == 0
    err = capsys.readouterr().err
    assert "2 edits wait to be sent to Pipedrive; they go at the next start" in err
    assert "revoked-token" not in err
