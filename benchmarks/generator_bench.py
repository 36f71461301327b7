"""How long the demo generator takes at 1k / 10k / 100k deals (what `--demo --demo-deals N`
pays at every launch), and that its proportions hold at 100k.

    python benchmarks/generator_bench.py
"""

from __future__ import annotations

import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tui.sandbox.generator import generate  # noqa: E402

NOW = datetime(2026, 11, 18, 9, 30, tzinfo=timezone.utc)


def main() -> None:
    base = None
    for deals in (1_000, 10_000, 100_000):
        started = time.perf_counter()
        state = generate(7, deals, NOW)
        took = time.perf_counter() - started
        base = base or took / deals
        print(
            f"{deals:>7,} deals: {len(state.persons):,} people, {len(state.activities):,} activities, "
            f"{len(state.notes):,} notes in {took:.1f} s ({took / deals / base:.2f}x the per-deal time at 1k)"
        )
    assert len(state.persons) == 50_000 and len(state.activities) == 200_000


if __name__ == "__main__":
    main()
