"""What a user feels in a real terminal: launch, keys and memory of the app in tmux, as
ratios to a bare Textual app measured in the same run.

    python benchmarks/ui_bench.py            # full run, a few minutes; writes benchmarks/results/ui.md (-> RESULTS.md)
    python benchmarks/ui_bench.py --quick    # or BENCH_QUICK=1: 5 repetitions, one launch, no 100k

How it measures (term.py): every program runs in its own tmux server at 160x45 under
`env -i` (a temp HOME and config dir; animations at their default); the screen is read with
`capture-pane -p` every ~2 ms and a step ends when a predicate on the screen text holds
(e.g. a deal card's status line "! overdue" is visible). Keys are sent with `send-keys`;
for each key both the first change of the screen (status bar ignored) and the time until
the expected content shows are recorded. Peak RSS is VmHWM of the app's process tree.

The data: each case has its own sandbox server (serve_sandbox.py, a separate process on a
loopback port, generated with a fixed seed and start time), and the app is pointed at it
with --base-url, PIPEDRIVE_API_TOKEN and --data-dir DIR, its clock frozen with
PIPEDRIVE_TUI_NOW. `--demo` is not used: its in-process sandbox regenerates all data on
every launch (0.7 s at 10k deals, 11 s at 100k), which no real user pays. Warm cache: the
first launch on an empty DIR does the full sync (reported as "empty cache"), is quit with
`q`, and the measured launches reuse DIR. "10k deals in one stage": serve_sandbox.py
--one-stage rewrites the generated tui.sandbox.Sandbox state before serving so all 10,000
deals are open in the first stage of the first pipeline (the app has no switch for this).

Keys run on the 10k board once it is synced and quiet; a background sync every 20 s (the
app's own) may land inside a measurement, as it would for a user. A key whose effect does
not show within 3 s is counted as lost. Numbers are of this machine only: compare ratios.
Some keys are bimodal (enter on the same deal: ~90 or ~300 ms), so medians of the slower
keys moved by up to ~1.8x between full runs on the 2-core machine; compare runs with care.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ui_steps as st  # noqa: E402
from results import write_part  # noqa: E402
from term import Terminal  # noqa: E402

CASES = [("1k deals", 1_000, False), ("10k deals", 10_000, False), ("10k deals in one stage", 10_000, True), ("100k deals", 100_000, False)]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}" if seconds == seconds else "—"


ESCAPE_FLOOR = "escape (repaint one line)"


def ratio(value: float, floor: float) -> str:
    return f"{value / floor:.1f}×" if floor and value == value else "—"


def bare(launches: int, reps: int) -> tuple[st.Samples, dict[str, st.KeyResult], int]:
    first = st.Samples()
    keys: dict[str, st.KeyResult] = {}
    rss = 0
    for i in range(launches):
        with Terminal() as term:
            first.add(term.launch(st.bare_command(), until=lambda s: "bare app ready" in s, timeout=60))
            if i == launches - 1:
                st.settle(term, 0.3)
                for n in range(1, reps + 1):
                    st.timed(term, keys, "j (repaint one line)", "j", lambda s, n=n: re.search(rf"bare app key {n}\b", s) is not None)
                for n in range(1, reps + 1):
                    st.timed(term, keys, ESCAPE_FLOOR, "Escape", lambda s, n=n: re.search(rf"bare app escape {n}\b", s) is not None)
            rss = max(rss, term.peak_rss_kb())
    return first, keys, rss


def app_case(label: str, deals: int, one_stage: bool, launches: int, reps: int, tmp: Path) -> dict:
    out: dict = {"label": label, "first": st.Samples(), "synced": st.Samples(), "rss": 0, "keys": {}}
    t = time.perf_counter()
    with st.Server(deals, one_stage) as server:
        log(f"  sandbox with {deals:,} deals up in {time.perf_counter() - t:.1f}s")
        data, home = tmp / f"data-{deals}{'-one' if one_stage else ''}", tmp / "home"
        with Terminal() as term:
            out["cold_first"], out["cold_synced"] = st.open_app(term, server.url, data, home, timeout=600)
            out["cold_rss"] = term.peak_rss_kb()
            st.quit_app(term)
        log(f"  empty cache: first card {ms(out['cold_first'])} ms, synced {ms(out['cold_synced'])} ms")
        for i in range(launches):
            with Terminal() as term:
                first, synced = st.open_app(term, server.url, data, home)
                out["first"].add(first)
                out["synced"].add(synced)
                st.settle(term, 0.3)
                out["rss"] = max(out["rss"], term.peak_rss_kb())
                if i == launches - 1 and deals == 10_000:
                    log(f"  keys on the board ({reps} repetitions each)…")
                    st.board_keys(term, reps, out["keys"], full=not one_stage)
                    if not one_stage:
                        st.section_keys(term, max(2, reps // 2), out["keys"])
                        st.insights_keys(term, max(2, reps // 2), out["keys"])
                    out["rss_keys"] = term.peak_rss_kb()
                elif i == launches - 1 and deals == 100_000:
                    log(f"  filter keys ({reps} repetitions each)…")
                    st.filter_keys(term, reps, out["keys"])
                    st.insights_keys(term, max(2, reps // 2), out["keys"])
                    out["rss_keys"] = term.peak_rss_kb()
                st.quit_app(term)
        log(
            f"  warm launch: first card {ms(out['first'].median)} ms, synced {ms(out['synced'].median)} ms, "
            f"peak RSS {out['rss'] / 1024:.0f} MB"
        )
    return out


def report(
    bare_first: st.Samples, bare_keys: dict[str, st.KeyResult], bare_rss: int, cases: list[dict], args: argparse.Namespace, elapsed: float
) -> str:
    import textual

    bare_key = next(iter(bare_keys.values()), st.KeyResult()).done.median
    bare_escape = bare_keys.get(ESCAPE_FLOOR, st.KeyResult()).done.median
    lines = [
        "# Terminal benchmarks (ui_bench.py)",
        "",
        f"Run {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}{' (quick run)' if args.quick else ''}, "
        f"took {elapsed / 60:.1f} min. Machine: {st.cores()} CPUs usable ({os.cpu_count()} online), {st.cpu_model()}; "
        f"{platform.system()} {platform.release()}; Python {platform.python_version()}; Textual {textual.__version__}; "
        f"{st.tmux_version()}; terminal 160x45; {args.launches} warm launch(es) per case, {args.reps} repetitions per key.",
        "",
        "Times in ms from `tmux new-session` / `send-keys` until `capture-pane` shows the content; "
        "ratios are to the bare Textual app of the same run. Regenerate with `make bench`.",
        "",
        "- *first card*: a deal card's status line (`! overdue`, `● today`, ...) is on screen; *synced*: the status "
        "bar shows `● online` with nothing pending after the sync the app starts at launch; *empty cache*: the first "
        "launch on an empty data dir (full sync from the loopback sandbox), which fills the cache for the others.",
        "- Keys: *first change* = any cell outside the status bar changed; *content shown* = the expected result is "
        "there (cursor on another card or column, the deal screen's header, `filter: a` in the board title, the moved "
        "deal selected in its new column, the agenda/people title with counts). *Lost* = not shown within 3 s.",
        "- *× bare* is to the bare app's `j`, except for escape keys: Textual delivers a lone ESC only after its "
        "escape-sequence wait (ESCDELAY 100 ms, polled every 100 ms), so escape keys are compared with the bare "
        "app's escape, and *app cost* is what the app adds above that floor.",
        "",
        "## Launch on a warm cache",
        "",
        "| case | first card (median) | × bare | synced (median) | peak RSS MB | × bare "
        "| empty cache: first card / synced | empty cache: peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        f"| bare Textual app (one line) | {ms(bare_first.median)} | 1.0× | — | {bare_rss / 1024:.0f} | 1.0× | — | — |",
    ]
    for c in cases:
        lines.append(
            f"| {c['label']} | {ms(c['first'].median)} | {ratio(c['first'].median, bare_first.median)} | "
            f"{ms(c['synced'].median)} | {c['rss'] / 1024:.0f} | {ratio(c['rss'], bare_rss)} | "
            f"{ms(c['cold_first'])} / {ms(c['cold_synced'])} | {c['cold_rss'] / 1024:.0f} |"
        )
    for c in cases:
        if not c["keys"]:
            continue
        lines += [
            "",
            f"## Keys on the board: {c['label']}",
            "",
            f"Peak RSS after the key suite: {c.get('rss_keys', 0) / 1024:.0f} MB ({ratio(c.get('rss_keys', 0), bare_rss)} bare).",
            "",
            "| key | first change median / p90 | content shown median / p90 | × bare (median) | app cost ms (median) | lost |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for name, r in bare_keys.items():
            lines.append(
                f"| bare app: {name} | {ms(r.change.median)} / {ms(r.change.p90)} | "
                f"{ms(r.done.median)} / {ms(r.done.p90)} | 1.0× | — | {r.done.lost} |"
            )
        for name, r in c["keys"].items():
            floor = bare_escape if name.startswith("escape") and bare_escape == bare_escape else bare_key
            lines.append(
                f"| {name} | {ms(r.change.median)} / {ms(r.change.p90)} | {ms(r.done.median)} / "
                f"{ms(r.done.p90)} | {ratio(r.done.median, floor)} | {ms(r.done.median - floor)} | "
                f"{r.done.lost} of {len(r.done.values) + r.done.lost} |"
            )
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", default=os.environ.get("BENCH_QUICK", "") not in ("", "0"))
    parser.add_argument("--reps", type=int, default=None, help="repetitions per key (20; quick 5)")
    parser.add_argument("--launches", type=int, default=None, help="warm launches per case (3; quick 1)")
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent / "results" / "ui.md"))
    args = parser.parse_args()
    args.reps = args.reps or (5 if args.quick else 20)
    args.launches = args.launches or (1 if args.quick else 3)
    if shutil.which("tmux") is None:
        log("ui_bench: tmux is not installed; skipping")
        return 0
    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="pipedrive-ui-bench-"))
    try:
        log("== bare Textual app")
        bare_first, bare_keys, bare_rss = bare(args.launches, args.reps)
        log(f"  first paint {ms(bare_first.median)} ms, j {ms(next(iter(bare_keys.values())).done.median)} ms")
        cases = []
        for label, deals, one in CASES:
            if args.quick and deals > 10_000:
                continue
            log(f"== {label}")
            cases.append(app_case(label, deals, one, args.launches, args.reps, tmp))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    text = report(bare_first, bare_keys, bare_rss, cases, args, time.perf_counter() - started)
    print(text)
    write_part(Path(args.out), text)
    log(f"written to {args.out}; benchmarks/RESULTS.md assembled")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
