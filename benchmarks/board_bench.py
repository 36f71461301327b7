"""Board performance on a warm cache: time to first paint and per-key handling time,
as ratios to a bare Textual app measured in the same run (no absolute thresholds).

    python benchmarks/board_bench.py [--sizes 10000,100000] [--keys 40]

A warm cache is built once per size from the demo generator (ingested directly, no HTTP)
and kept in the temp dir. Besides the spread-out pipelines, one case puts 10,000 deals
into a single stage.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from textual.app import App  # noqa: E402
from textual.binding import Binding  # noqa: E402
from textual.widgets import Static  # noqa: E402

from tui.api import Auth, PipedriveClient  # noqa: E402
from tui.app import PipedriveApp  # noqa: E402
from tui.clock import Clock  # noqa: E402
from tui.sandbox import Sandbox  # noqa: E402
from tui.sandbox.generator import generate  # noqa: E402
from tui.store import ingest, schema  # noqa: E402
from tui.store.store import Store  # noqa: E402

NOW = datetime(2026, 11, 18, 9, 30, tzinfo=timezone.utc)
SIZE = (160, 45)


def build_cache(deals: int, one_stage: bool) -> Path:
    path = Path(tempfile.gettempdir()) / f"pipedrive-bench-{deals}{'-one-stage' if one_stage else ''}.sqlite3"
    if path.exists():
        return path
    started = time.perf_counter()
    state = generate(7, deals, NOW)
    if one_stage:
        for d in state.deals.values():
            d.update(pipeline_id=1, stage_id=1, status="open")
    conn = schema.connect(str(path))
    schema.migrate(conn)
    with conn:
        for entity, items in (
            ("user", state.users.values()),
            ("currency", state.currencies.values()),
            ("activity_type", state.activity_types.values()),
            ("pipeline", state.pipelines.values()),
            ("stage", state.stages.values()),
            ("organization", state.organizations.values()),
            ("person", state.persons.values()),
            ("deal", state.deals.values()),
            ("activity", state.activities.values()),
            ("note", state.notes.values()),
        ):
            ingest.upsert(conn, entity, list(items))
        conn.execute(
            "INSERT OR REPLACE INTO sync_state (collection, high_water, last_sync) VALUES ('deals', ?, ?)",
            ("2026-11-18T09:30:00Z", "2026-11-18T09:30:00Z"),
        )
    conn.close()
    print(f"  built warm cache with {deals:,} deals in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return path


class Bare(App):
    BINDINGS = [Binding("j", "down", "down")]

    def compose(self):
        yield Static("bare")

    def action_down(self) -> None:
        self.query_one(Static).update(str(time.perf_counter()))


async def bare_times(keys: int) -> tuple[float, float]:
    started = time.perf_counter()
    app = Bare()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = time.perf_counter() - started
        t = time.perf_counter()
        for _ in range(keys):
            await pilot.press("j")
        await pilot.pause()
        per_key = (time.perf_counter() - t) / keys
    return first, per_key


async def board_times(path: Path, keys: int) -> tuple[float, float, int]:
    sb = Sandbox(seed=1, deals=1, now=NOW)
    client = PipedriveClient("http://sandbox.local", Auth.personal(sb.token), transport=sb.transport())
    started = time.perf_counter()
    store = await Store.open(path, client, clock=Clock.frozen(NOW))
    app = PipedriveApp(store, profile_label="bench", start_store=False)
    async with app.run_test(size=SIZE) as pilot:
        board = app.screen
        while not getattr(board, "_loaded", False):
            await pilot.pause(0.005)
        await pilot.pause()
        first = time.perf_counter() - started
        shown = sum(len(c.cards.cards) for c in board.columns)
        t = time.perf_counter()
        for i in range(keys):
            await pilot.press("j" if i % 4 else "l")
        await pilot.pause()
        per_key = (time.perf_counter() - t) / keys
    await store.close()
    await client.aclose()
    return first, per_key, shown


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--keys", type=int, default=40)
    args = parser.parse_args()
    cases = [(int(n), False) for n in args.sizes.split(",")] + [(10_000, True)]
    paths = [(n, one, build_cache(n, one)) for n, one in cases]
    bare_first, bare_key = await bare_times(args.keys)
    print(f"bare Textual app: first paint {bare_first * 1000:.0f} ms, per key {bare_key * 1000:.1f} ms")
    for n, one, path in paths:
        first, per_key, shown = await board_times(path, args.keys)
        label = f"{n:,} deals" + (" in one stage" if one else "")
        print(
            f"board, {label:<26} ({shown:,} cards shown): first paint {first * 1000:.0f} ms "
            f"= {first / bare_first:.1f}x bare; per key {per_key * 1000:.1f} ms = {per_key / bare_key:.1f}x bare"
        )


if __name__ == "__main__":
    asyncio.run(main())
