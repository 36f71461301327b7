"""Damaged caches keep their pending edits; broken environments give one clear line."""

import os
import sqlite3
import stat

import pytest

from tests.support.store_env import data_env, instant
from tui.api import Auth, PipedriveClient
from tui.api.errors import MalformedResponse
from tui.cli import main
from tui.config import Config, ConfigError, load_secret
from tui.store.db import CacheUnavailable, DiskFull
from tui.store.store import Store


async def _cache_with_pending_edits(tmp_path, n):
    async with data_env(tmp_path, deals=40) as env:
        deals = [d["id"] for d in env.sandbox.live("deal")][:n]
        for i, did in enumerate(deals):
            await env.store.update_entity("deal", did, {"title": f"EDIT-{i:03d}-" + "x" * 300})
        path, sandbox = env.path, env.sandbox
    return path, sandbox, deals


def _page_of(path, marker: bytes, page_size=4096) -> int:
    data = path.read_bytes()
    return data.index(marker) // page_size


async def test_a_damaged_outbox_page_keeps_every_readable_edit_and_says_so(tmp_path):
    path, sandbox, deals = await _cache_with_pending_edits(tmp_path, 60)
    page = _page_of(path, b'{"title": "EDIT-030-')  # the outbox payload (cache rows have no spaces)
    with open(path, "r+b") as fh:
        fh.seek(page * 4096)
        fh.write(os.urandom(4096))
    client = PipedriveClient("http://sandbox.local", Auth.personal(sandbox.token), transport=sandbox.transport(), sleep=instant)
    store = await Store.open(path, client, sleep=instant)  # used to crash on every start
    try:
        rows = await store.read(lambda c: c.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])
        assert 0 < rows < 60
        assert store.notices and "damaged" in store.notices[0] and f"kept {rows} pending edit" in store.notices[0]
        assert "could not be read" in store.notices[0]
        assert any(p.name.startswith("cache.sqlite3.corrupt-") for p in path.parent.iterdir())
        await store.sync_now()
        assert await store.drain() is True
        titled = [d for d in sandbox.live("deal") if d["title"].startswith("EDIT-")]
        assert len(titled) == rows
    finally:
        await store.close()
        await client.aclose()


async def test_a_garbled_header_still_gives_back_the_pending_edits(tmp_path):
    path, sandbox, deals = await _cache_with_pending_edits(tmp_path, 5)
    with open(path, "r+b") as fh:
        fh.write(b"garbage garbage!")
    client = PipedriveClient("http://sandbox.local", Auth.personal(sandbox.token), transport=sandbox.transport(), sleep=instant)
    store = await Store.open(path, client, sleep=instant)
    try:
        assert store.status.pending == 5
        assert "kept 5 pending edits" in store.notices[0]
    finally:
        await store.close()
        await client.aclose()


async def test_a_read_only_cache_is_not_taken_for_damage(tmp_path):
    path, sandbox, _ = await _cache_with_pending_edits(tmp_path, 1)
    before = path.read_bytes()
    os.chmod(path, 0o400)
    os.chmod(path.parent, 0o500)
    try:
        if os.access(path, os.W_OK):
            pytest.skip("running as a user who can write anyway (root)")
        with pytest.raises(CacheUnavailable):
            await Store.open(path, None)
        assert path.read_bytes() == before
        assert not any(".corrupt-" in p.name for p in path.parent.iterdir())
    finally:
        os.chmod(path.parent, 0o700)
        os.chmod(path, 0o600)


async def test_disk_full_is_one_line_and_nothing_changes(tmp_path):
    async with data_env(tmp_path, deals=10) as env:
        did = next(iter(env.sandbox.state.deals))

        def full(conn, *a):
            raise sqlite3.OperationalError("database or disk is full")

        with pytest.raises(DiskFull) as err:
            await env.store.db.write(full)
        assert "disk" in str(err.value) and "Nothing was changed" in str(err.value)
        assert env.store.status.pending == 0
        assert did


async def test_disk_full_in_the_app_is_a_notice_not_a_crash(tmp_path):
    from tests.support.env import app_env
    from tests.support.wait import settle

    async with app_env(tmp_path) as env:
        await settle(env)

        async def full(*a, **k):
            raise DiskFull("Could not save: the disk holding /x is full. Nothing was changed; free some space and try again.")

        env.store.db.write = full
        await env.pilot.press("w")
        await settle(env)
        assert env.app.is_running and env.app.return_code in (None, 0)
        assert any("disk" in n.message for n in env.app._notifications)


def test_a_config_file_that_is_not_toml_is_one_clear_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PIPEDRIVE_TUI_CONFIG_DIR", str(tmp_path))
    (tmp_path / "config.toml").write_text("[profiles.work\n")
    with pytest.raises(ConfigError) as err:
        Config.load()
    assert "line 1" in str(err.value)
    assert main(["status"]) == 1
    out = capsys.readouterr().err
    assert out.startswith("pipedrive-tui: bad config file:") and "Traceback" not in out and out.count("\n") == 1


@pytest.mark.parametrize(
    "text,words",
    [
        ("keys = 5\n", "line 1: [keys] must be a table"),
        ('profiles = "x"\n', "line 1: [profiles] must hold tables"),
        ("default_profile = 3\n", "line 1: default_profile must be a profile name"),
    ],
)
def test_a_bad_value_in_the_config_is_said_and_its_default_used(tmp_path, monkeypatch, capsys, text, words):
    monkeypatch.setenv("PIPEDRIVE_TUI_CONFIG_DIR", str(tmp_path))
    for var in ("PIPEDRIVE_API_TOKEN", "MATON_API_KEY", "PIPEDRIVE_ACCESS_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    (tmp_path / "config.toml").write_text(text)
    config = Config.load()
    assert (config.default_profile, config.profiles, config.keys) == ("default", {}, {})
    assert [f"line {p.line}: {p.message}" for p in config.problems][0].startswith(words)
    assert main(["status"]) == 1  # no credentials: the config file is not what stops it
    out = capsys.readouterr().err
    assert words in out and "no credentials" in out and "Traceback" not in out


def test_malformed_secrets_file_is_one_clear_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PIPEDRIVE_TUI_CONFIG_DIR", str(tmp_path))
    (tmp_path / "secrets.toml").write_text('[default\ntoken = "abc"')
    os.chmod(tmp_path / "secrets.toml", 0o600)
    with pytest.raises(ConfigError):
        load_secret("default", tmp_path)
    for var in ("PIPEDRIVE_API_TOKEN", "MATON_API_KEY", "PIPEDRIVE_ACCESS_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    assert main(["status"]) == 1
    assert "secrets.toml" in capsys.readouterr().err
    assert main(["logout"]) == 1


async def test_json_of_the_wrong_shape_is_a_clear_error():
    import httpx

    def handler(request):
        if request.url.path.endswith("/deals"):
            return httpx.Response(200, json={"success": True, "data": {"oops": 1}})
        return httpx.Response(200, json={"success": True, "data": [1, 2]})

    client = PipedriveClient("http://x", Auth.personal("t"), transport=httpx.MockTransport(handler), sleep=instant, max_retries=0)
    with pytest.raises(MalformedResponse):
        await client.list_v2("deals")
    with pytest.raises(MalformedResponse):
        await client.get_v2("deals", 1)
    await client.aclose()


def test_logout_without_a_token_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PIPEDRIVE_TUI_CONFIG_DIR", str(tmp_path))
    assert main(["logout"]) == 0
    assert "no stored token" in capsys.readouterr().out
    assert stat.S_IMODE(os.stat(tmp_path).st_mode) in (0o700, 0o755)


@pytest.mark.parametrize("message", ["attempt to write a readonly database", "unable to open database file"])
async def test_a_cache_sqlite_cannot_write_is_left_alone(tmp_path, monkeypatch, message):
    from tui.store import schema

    path, sandbox, _ = await _cache_with_pending_edits(tmp_path, 1)
    before = path.read_bytes()

    def refuse(*a, **k):
        raise sqlite3.OperationalError(message)

    monkeypatch.setattr(schema, "connect", refuse)
    with pytest.raises(CacheUnavailable) as err:
        await Store.open(path, None)
    assert str(path.parent) in str(err.value)
    assert path.read_bytes() == before
    assert not any(".corrupt-" in p.name for p in path.parent.iterdir())


def test_cli_says_one_line_when_the_cache_cannot_be_opened(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("PIPEDRIVE_TUI_CONFIG_DIR", str(tmp_path / "cfg"))
    code = main(["--demo", "--data-dir", str(blocker / "sub"), "sync"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err and err.startswith("pipedrive-tui:")


async def test_a_truncated_cache_gives_back_every_pending_edit_still_in_the_file(tmp_path):
    """Offline: 2 moves and 2 notes; the file cut at half its size plus 1,234 bytes. Their rows
    are still physically there: read with the header's page count set to the pages present."""
    async with data_env(tmp_path, deals=200) as env:
        deals = [d for d in env.sandbox.live("deal") if d["status"] == "open"][:2]
        stages = {s["pipeline_id"]: [] for s in env.sandbox.state.stages.values()}
        for s in sorted(env.sandbox.state.stages.values(), key=lambda s: s["order_nr"]):
            stages[s["pipeline_id"]].append(s["id"])
        for d in deals:
            others = [s for s in stages[d["pipeline_id"]] if s != d["stage_id"]]
            await env.store.move_deal(d["id"], others[0])
            await env.store.create_note("TRUNCATION NOTE " + str(d["id"]), deal_id=d["id"])
        assert env.store.status.pending == 4
        path, sandbox = env.path, env.sandbox
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.truncate(size // 2 + 1234)
    client = PipedriveClient("http://sandbox.local", Auth.personal(sandbox.token), transport=sandbox.transport(), sleep=instant)
    store = await Store.open(path, client, sleep=instant)
    try:
        assert store.status.pending == 4, store.notices
        assert "kept 4 pending edits" in store.notices[0]
        assert "could not" not in store.notices[0]
        await store.sync_now()
        assert await store.drain() is True
        notes = [n for n in sandbox.state.notes.values() if str(n.get("content", "")).startswith("TRUNCATION NOTE")]
        assert len(notes) == 2
        assert [sandbox.state.deals[d["id"]]["stage_id"] for d in deals] != [d["stage_id"] for d in deals]
    finally:
        await store.close()
        await client.aclose()
