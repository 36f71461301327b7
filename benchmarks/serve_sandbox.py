"""Serve a generated sandbox on a loopback port for the terminal benchmarks.

    python benchmarks/serve_sandbox.py --deals 10000 [--one-stage] [--now ISO] [--token T]

Prints one line `READY <base-url>` on stdout once it listens, then serves until killed.
`--one-stage` rewrites the generated state before serving so every deal is an open deal in
the first stage of the first pipeline (the "10k deals in one stage" case); the app cannot
build that case itself, so it is done here on a `tui.sandbox.Sandbox` object.
"""

from __future__ import annotations

import argparse
import sys
import threading
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tui.sandbox import Sandbox  # noqa: E402
from tui.sandbox.server import start  # noqa: E402


def one_stage(sb: Sandbox) -> None:
    pipeline = min(sb.state.pipelines)
    stage = min(s["id"] for s in sb.state.stages.values() if s["pipeline_id"] == pipeline)
    for deal in sb.state.deals.values():
        deal.update(
            pipeline_id=pipeline,
            stage_id=stage,
            status="open",
            close_time=None,
            won_time=None,
            lost_time=None,
            local_won_date=None,
            local_lost_date=None,
            lost_reason=None,
        )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deals", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--now", default=None, help="server start time, ISO with offset")
    parser.add_argument("--token", default="bench-token")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--one-stage", action="store_true")
    args = parser.parse_args()
    now = datetime.fromisoformat(args.now) if args.now else None
    sb = Sandbox(seed=args.seed, deals=args.deals, token=args.token, now=now)
    if args.one_stage:
        one_stage(sb)
    server, url = start(sb, port=args.port)
    print(f"READY {url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
