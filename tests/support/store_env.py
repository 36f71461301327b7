"""Sandbox + client + store, wired in-process, for data-path tests."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

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


@contextlib.asynccontextmanager
async def data_env(
    tmp_path: Path, *, deals: int = 60, seed: int = 7, now: datetime | None = None, sync: bool = True, sandbox: Sandbox | None = None
):
    from tests.conftest import FROZEN_NOW

    now = now or FROZEN_NOW
    sb = sandbox or Sandbox(seed=seed, deals=deals, token="t0k3n-for-tests", now=now)
    client = PipedriveClient("http://sandbox.local", Auth.personal(sb.token), transport=sb.transport(), sleep=instant)
    path = tmp_path / "cache.sqlite3"
    store = await Store.open(path, client, clock=Clock.frozen(now), profile="test", sleep=instant)
    try:
        if sync:
            await store.sync_now()
        yield DataEnv(sb, client, store, path)
    finally:
        await store.close()
        await client.aclose()
