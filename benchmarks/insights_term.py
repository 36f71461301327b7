"""Insights' first open in a real terminal, several launches: what ui_bench.py measures once a
run (a section is first opened once per launch), here repeated on the warm caches of
board_bench.py, so the median says more than one sample.

    python benchmarks/insights_term.py [--sizes 100000] [--launches 5]

Each launch: the app in tmux at 160x45 on a copy of the warm cache, offline (nothing listens
at its URL, so no sync competes; the day's rates are in the cache), until the first card; then
`7` until the Forecast's columns and a card are on screen; then quit. Printed: the medians and
the ratio of the first open to the same launches' first card.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import ui_steps as st  # noqa: E402
from board_bench import build_cache  # noqa: E402
from insights_bench import with_rates  # noqa: E402
from results import HERE, part, write_part  # noqa: E402
from term import Terminal  # noqa: E402

OFFLINE_URL = "http://127.0.0.1:9"  # the discard port: nothing answers


def launches(deals: int, count: int, tmp: Path) -> tuple[list[float], list[float]]:
    cache = build_cache(deals, False)
    with_rates(cache)
    data, home = tmp / f"data-{deals}", tmp / "home"
    data.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(cache, data / "default.sqlite3")
    first_cards, opens = [], []
    for _ in range(count):
        with Terminal() as term:
            started = time.perf_counter()
            term.launch(st.app_command(OFFLINE_URL, data), env=st.app_env(home), until=lambda s: st.CARD.search(s) is not None, timeout=60)
            first_cards.append(time.perf_counter() - started)
            st.settle(term, 0.5)
            results: dict[str, st.KeyResult] = {}
            if st.timed(term, results, "7", "7", st.insights):
                opens.append(results["7"].done.values[0])
            st.quit_app(term)
    return first_cards, opens


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--launches", type=int, default=5)
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("insights_term: tmux is not installed; skipping")
        return 0
    rows: list[list[object]] = []
    tmp = Path(tempfile.mkdtemp(prefix="pipedrive-insights-term-"))
    try:
        for deals in (int(x) for x in args.sizes.split(",")):
            first, opens = launches(deals, args.launches, tmp)
            f, o = statistics.median(first), statistics.median(opens) if opens else float("nan")
            line = (
                f"{deals:,} deals: first card {f * 1000:.0f} ms; `7` first open {o * 1000:.0f} ms median "
                f"({', '.join(f'{x * 1000:.0f}' for x in opens)}), {o / f:.2f}x the first card; lost {args.launches - len(opens)}"
            )
            print(line, flush=True)
            rows.append([f"{deals:,}", f"{f * 1000:.0f}", f"{o * 1000:.0f}", ", ".join(f"{x * 1000:.0f}" for x in opens), f"{o / f:.2f}x"])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    text = part(
        "Insights' first open in the terminal (benchmarks/insights_term.py)",
        f"Measured {datetime.now():%Y-%m-%d %H:%M}, tmux 160x45, {args.launches} launches per size on board_bench.py's warm "
        "caches, offline; `7` from the key to the Forecast's columns with a card on screen (target: within 0.5 s at 100k).",
        ["deals", "first card (median ms)", "`7` first open (median ms)", "each launch (ms)", "ratio to the first card"],
        "lrrlr",
        rows,
    )
    write_part(HERE / "results" / "insights_term.md", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
