"""Sandbox + client + store, wired in-process, for data-path tests.

The first sync of a sandbox is done once per test run for each distinct sandbox (its
generated state, token and clock): the synced cache file is kept in the run's shared directory
(tests/support/shared.py) and copied for the next test, in any worker, with the same sandbox, whose store then starts with the live refresh's probe (one request) as
a returning user's does. `fresh=True` (or PIPEDRIVE_TUI_TEST_FRESH_SYNC=1) makes a test run
the whole first sync itself, for tests about the first sync's requests.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from tests.support import shared
from tui.api import Auth, PipedriveClient
from tui.clock import Clock
from tui.sandbox import Sandbox
from tui.store.store import Store


async def instant(_seconds: float) -> None:
    return None


@dataclass
class DataEnv:
    sandbox: Sandbox
    client: PipedriveClient
    store: Store
    path: Path


def _fingerprint(sb: Sandbox, now: datetime) -> str | None:
    try:
        state = pickle.dumps(sb.state, protocol=5)
    except Exception:
        return None
    digest = hashlib.sha256(state)
    # the server clock's start and shifts, not its now(): that moves with real time, and a key
    # that changes every call would make every test sync from scratch
    clock = sb.clock
    digest.update(repr((sb.token, now.isoformat(), sb.options, clock._start.isoformat(), clock._offset)).encode())
    return digest.hexdigest()


def _synced(key: str) -> Path:
    """Where the run keeps the synced cache of the sandbox with this fingerprint."""
    return shared.directory() / f"synced-{key}.sqlite3"


def _keep(path: Path, key: str) -> None:
    """A copy of a freshly synced cache (the database as its committed state, WAL included),
    for the next test with the same sandbox."""
    source = sqlite3.connect(path)
    try:
        shared.write(_synced(key).name, source.serialize())
    finally:
        source.close()


@contextlib.asynccontextmanager
async def data_env(
    tmp_path: Path,
    *,
    deals: int = 60,
    seed: int = 7,
    now: datetime | None = None,
    sync: bool = True,
    sandbox: Sandbox | None = None,
    fresh: bool = False,
):
    from tests.conftest import FROZEN_NOW

    now = now or FROZEN_NOW
    sb = sandbox or Sandbox(seed=seed, deals=deals, token="t0k3n-for-tests", now=now)
    client = PipedriveClient("http://sandbox.local", Auth.personal(sb.token), transport=sb.transport(), sleep=instant)
    path = tmp_path / "cache.sqlite3"
    reuse = sync and not fresh and not os.environ.get("PIPEDRIVE_TUI_TEST_FRESH_SYNC") and not path.exists()
    key = _fingerprint(sb, now) if reuse else None
    kept = key is not None and _synced(key).exists()
    if kept:
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_synced(key), path)
    store = await Store.open(path, client, clock=Clock.frozen(now), profile="test", sleep=instant)
    try:
        if sync:
            await store.sync_now()
            if key is not None and not kept:
                _keep(path, key)
        yield DataEnv(sb, client, store, path)
    finally:
        await store.close()
        await client.aclose()


async def open_store(path: Path, sb: Sandbox, transport=None, now: datetime | None = None) -> tuple[Store, PipedriveClient]:
    """A Store on `path` talking to `sb` (or through `transport`), on the tests' frozen clock:
    open it again on the same path to play a restart."""
    from tests.conftest import FROZEN_NOW

    client = PipedriveClient("http://sandbox.local", Auth.personal(sb.token), transport=transport or sb.transport(), sleep=instant)
    store = await Store.open(path, client, clock=Clock.frozen(now or FROZEN_NOW), profile="test", sleep=instant)
    return store, client


async def close_store(store: Store, client: PipedriveClient) -> None:
    await store.close()
    await client.aclose()
