"""`pipedrive-tui sync [--full]`: one sync without the UI, with a progress line and a summary.

On a terminal the progress is one line rewritten in place (padded to the terminal's width,
so a shorter line leaves nothing behind): items fetched so far, per collection. Elsewhere
(a log, a pipe) one line per collection when it is done."""

from __future__ import annotations

import asyncio
import shutil
import sys
import time
from typing import Any

from tui.api.errors import ApiError
from tui.store.events import StatusChanged
from tui.store.store import Store


def main_sync(runtime: Any, full: bool = False) -> int:
    if runtime.client is None:
        print("pipedrive-tui: no credentials: run `pipedrive-tui login`, set PIPEDRIVE_API_TOKEN, or use --demo", file=sys.stderr)
        return 1
    return asyncio.run(_run(runtime, full))


async def _run(runtime: Any, full: bool) -> int:
    client = runtime.client
    started = time.monotonic()
    store = await Store.open(runtime.db_path, client, clock=runtime.clock, profile=runtime.profile_label)
    tty = sys.stderr.isatty()
    counts: dict[str, int] = {}

    def show(event: Any) -> None:
        if not (isinstance(event, StatusChanged) and event.status.sync_collection):
            return
        s = event.status
        counts[s.sync_collection] = s.sync_done  # type: ignore[index]  # checked just above
        if tty:
            width = shutil.get_terminal_size((100, 20)).columns - 1
            parts = " · ".join(f"{name} {n:,}" for name, n in counts.items())
            line = f"syncing: {sum(counts.values()):,} items ({parts})"
            line = line[: width - 1] + "…" if len(line) > width else line.ljust(width)
            print("\r" + line, end="", file=sys.stderr, flush=True)

    store.subscribe(show)
    try:
        counts = await store.sync_now(full=full)
        pushed = await store.drain(timeout=120)
    except ApiError as exc:
        print(("\n" if tty else "") + f"pipedrive-tui: sync failed: {exc.message}", file=sys.stderr)
        return 1
    finally:
        await store.close()
        await client.aclose()
    if tty:
        print("\r" + " " * (shutil.get_terminal_size((100, 20)).columns - 1) + "\r", end="", file=sys.stderr)
    items = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    print(
        f"synced ({'full' if store.last_sync_full else 'incremental'}): {items or 'no changes'}; "
        f"{client.requests_made} requests, {client.tokens_spent} tokens, {time.monotonic() - started:.1f}s"
        + ("" if pushed else "; some edits are still waiting to be pushed")
    )
    return 0
