"""A fetch of a detail screen's section while the screen reloads: how each call of it ended."""

from __future__ import annotations

import asyncio
from typing import Any

from tui.store.events import DataChanged


def watch_ends(store: Any, name: str) -> list[str]:
    """From now on, how each call of `store.<name>` (a load_* that says whether it fetched)
    ends: "fetched", "not needed" or "cancelled"."""
    ends: list[str] = []
    load = getattr(store, name)

    async def watched(*args: Any, **kwargs: Any) -> Any:
        try:
            fetched = await load(*args, **kwargs)
        except asyncio.CancelledError:
            ends.append("cancelled")
            raise
        ends.append("fetched" if fetched else "not needed")
        return fetched

    setattr(store, name, watched)
    return ends


async def open_deal_reloading(env: Any, deal_id: int, latency_ms: float = 300, reloads: int = 6) -> None:
    """Open the deal with each request `latency_ms` on the wire, and meanwhile have the store
    say `reloads` times that deals changed (what a sync page does): the screen rereads all."""
    env.sandbox.faults.configure(latency_ms=latency_ms)
    env.app.open_deal(deal_id)
    for _ in range(reloads):
        await asyncio.sleep(0.05)
        env.store._emit(DataChanged(frozenset({"deals"})))
    env.sandbox.faults.configure(latency_ms=0)
