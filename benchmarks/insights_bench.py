"""Insights on a warm cache: opening section 7 (the Forecast), switching to a chart and changing
a filter, as ratios to the board's own open measured in the same run (no absolute thresholds).

    python benchmarks/insights_bench.py [--sizes 10000,100000]

The warm caches are board_bench.py's (the demo generator ingested directly, no HTTP), with the
day's exchange rates written in (as GET /v1/deals/summary would leave them). In-process with
Pilot at 160x45: the times are the app's own work from the key to the screen loaded (a worker's
read and the widgets filled), without a terminal's paint.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from board_bench import NOW, SIZE, build_cache  # noqa: E402

from tui.api import Auth, PipedriveClient  # noqa: E402
from tui.app import PipedriveApp  # noqa: E402
from tui.clock import Clock  # noqa: E402
from tui.sandbox import Sandbox  # noqa: E402
from tui.sandbox.insights import DEMO_RATES_EUR  # noqa: E402
from tui.store.store import Store  # noqa: E402


def with_rates(path: Path) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            "INSERT OR REPLACE INTO rates (currency, rate, base, fetched_on) VALUES (?,?,?,?)",
            [(code, rate, "EUR", NOW.date().isoformat()) for code, rate in DEMO_RATES_EUR.items()],
        )
    conn.close()


async def _settled(app: PipedriveApp, pilot: object, group: str) -> None:
    while any(w.group == group and not w.is_finished for w in app.workers):
        await pilot.pause(0.002)  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]


async def times(path: Path) -> dict[str, float]:
    sb = Sandbox(seed=1, deals=1, now=NOW)
    client = PipedriveClient("http://sandbox.local", Auth.personal(sb.token), transport=sb.transport())
    out: dict[str, float] = {}
    started = time.perf_counter()
    store = await Store.open(path, client, clock=Clock.frozen(NOW))

    async def no_call(*_a: object, **_k: object) -> bool:
        return False  # the rates are in the cache: no request in a benchmark

    store.refresh_rates = no_call  # type: ignore[method-assign]
    app = PipedriveApp(store, profile_label="bench", start_store=False)
    async with app.run_test(size=SIZE) as pilot:
        board = app.screen
        while not getattr(board, "_loaded", False):
            await pilot.pause(0.002)
        await pilot.pause()
        out["board open"] = time.perf_counter() - started
        t = time.perf_counter()
        await pilot.press("7")
        await _settled(app, pilot, "insights-reload")
        out["7 (insights: forecast)"] = time.perf_counter() - t
        for key, label in (("w", "won/lost chart"), ("n", "funnel"), ("f", "forecast again")):
            t = time.perf_counter()
            await pilot.press(key)
            await _settled(app, pilot, "insights-reload")
            out[f"{key} ({label})"] = time.perf_counter() - t
        screen = app.screen
        for key, label in (("w", "won/lost"), ("x", "lost reasons"), ("t", "owners"), ("a", "activities")):
            await pilot.press(key)
            await _settled(app, pilot, "insights-reload")
            for period in ("year", "quarter"):
                t = time.perf_counter()
                screen.period = period  # type: ignore[attr-defined]
                screen.reload()  # type: ignore[attr-defined]
                await _settled(app, pilot, "insights-reload")
                out[f"{label}: period {period} (filter change)"] = time.perf_counter() - t
    await store.close()
    await client.aclose()
    return out


async def main() -> None:
    from datetime import datetime

    from results import HERE, part, write_part

    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    rows: list[list[object]] = []
    for n in (int(x) for x in args.sizes.split(",")):
        path = build_cache(n, False)
        with_rates(path)
        found = await times(path)
        base = found["board open"]
        print(f"{n:,} deals: board open {base * 1000:.0f} ms (the ratios' base)")
        rows.append([f"{n:,}", "board open (the base)", f"{base * 1000:.0f}", "1.00x"])
        for label, seconds in found.items():
            if label != "board open":
                print(f"  {label:<30} {seconds * 1000:7.0f} ms = {seconds / base:.2f}x the board's open")
                rows.append([f"{n:,}", label, f"{seconds * 1000:.0f}", f"{seconds / base:.2f}x"])
    text = part(
        "Insights (benchmarks/insights_bench.py)",
        f"Measured {datetime.now():%Y-%m-%d %H:%M}, in-process (Pilot, 160x45) on warm caches with the day's rates; "
        "times from the key to the screen loaded, as ratios to the board's own open in the same run "
        "(targets: Insights and the Forecast open within 0.5 s at 100k, a filter change within 100 ms).",
        ["deals", "step", "ms", "ratio to the board's open"],
        "llrr",
        rows,
    )
    write_part(HERE / "results" / "insights.md", text)


if __name__ == "__main__":
    asyncio.run(main())
