"""Customer data stays private: data and config directories 0700, every file in them 0600."""

import os
import stat
from types import SimpleNamespace

from tests.support.store_env import data_env
from tui.config import Config, Profile, store_secret
from tui.runtime import build_runtime


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


async def test_cache_and_its_wal_files_are_created_private(tmp_path):
    old = os.umask(0o022)
    try:
        async with data_env(tmp_path / "data", deals=5) as env:
            await env.store.update_entity("deal", next(iter(env.sandbox.state.deals)), {"title": "private"})
            files = sorted(p.name for p in env.path.parent.iterdir())
            assert {"cache.sqlite3", "cache.sqlite3-wal", "cache.sqlite3-shm"} <= set(files)
            for name in files:
                assert mode(env.path.parent / name) == 0o600, name
            assert mode(env.path.parent) == 0o700
    finally:
        os.umask(old)


def test_config_dir_files_are_private(tmp_path, monkeypatch):
    monkeypatch.setenv("PIPEDRIVE_TUI_CONFIG_DIR", str(tmp_path / "cfg"))
    old = os.umask(0o022)
    try:
        Config(profiles={"w": Profile("w")}).save()
        store_secret("w", "s3cret")
    finally:
        os.umask(old)
    assert mode(tmp_path / "cfg") == 0o700
    assert mode(tmp_path / "cfg" / "config.toml") == 0o600
    assert mode(tmp_path / "cfg" / "secrets.toml") == 0o600


def test_looser_modes_found_at_start_are_fixed_with_one_notice(tmp_path, monkeypatch):
    cfg, data = tmp_path / "cfg", tmp_path / "data"
    cfg.mkdir(mode=0o755)
    data.mkdir(mode=0o755)
    (cfg / "secrets.toml").write_text('[default]\ntoken = "x"\n')
    os.chmod(cfg / "secrets.toml", 0o644)
    (data / "default.sqlite3").write_bytes(b"")
    os.chmod(data / "default.sqlite3", 0o644)
    (data / "default.sqlite3.corrupt-20260101-000000").write_bytes(b"x")
    os.chmod(data / "default.sqlite3.corrupt-20260101-000000", 0o666)
    (data / "notes.txt").write_text("the user's own file")
    os.chmod(data / "notes.txt", 0o644)
    os.chmod(cfg, 0o755)
    os.chmod(data, 0o755)
    monkeypatch.setenv("PIPEDRIVE_TUI_CONFIG_DIR", str(cfg))
    for var in ("PIPEDRIVE_API_TOKEN", "MATON_API_KEY", "PIPEDRIVE_ACCESS_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    runtime = build_runtime(SimpleNamespace(data_dir=str(data), profile=None, base_url=None, demo=False))
    assert len(runtime.notices) == 1 and "private" in runtime.notices[0]
    assert mode(cfg) == 0o700 and mode(data) == 0o700
    assert mode(cfg / "secrets.toml") == 0o600
    assert mode(data / "default.sqlite3") == 0o600
    assert mode(data / "default.sqlite3.corrupt-20260101-000000") == 0o600
    assert mode(data / "notes.txt") == 0o644  # not ours: left alone
    again = build_runtime(SimpleNamespace(data_dir=str(data), profile=None, base_url=None, demo=False))
    assert again.notices == []
