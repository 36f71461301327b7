"""The whole app on an in-process sandbox, for Pilot tests (contract 5)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from tests.support.store_env import DataEnv, data_env
from tui.app import PipedriveApp
from tui.sandbox import Sandbox


@dataclass
class AppEnv(DataEnv):
    app: PipedriveApp
    pilot: Any


@contextlib.asynccontextmanager
async def app_env(
    tmp_path: Path,
    *,
    deals: int = 60,
    seed: int = 7,
    now: datetime | None = None,
    size: tuple[int, int] = (160, 45),
    sandbox: Sandbox | None = None,
    keymap: dict[str, str] | None = None,
):
    async with data_env(tmp_path, deals=deals, seed=seed, now=now, sandbox=sandbox) as env:
        app = PipedriveApp(env.store, profile_label="test", keymap=keymap, start_store=False)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            yield AppEnv(env.sandbox, env.client, env.store, env.path, app, pilot)
