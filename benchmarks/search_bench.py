"""Global search on a big cache: milliseconds per keystroke.

    python benchmarks/search_bench.py [--deals 100000] [--terminal]

1. The cache query (tui/store/queries/search.py, what the `g` screen runs on every key) for
   every prefix of a set of queries typed as a user would: a name without its accents, part
   of an e-mail address, phone digits with spaces, an organization, a deal title, a CJK name,
   one letter, a query that matches nothing. Median, p90 and worst per keystroke.
2. --terminal: the app itself in tmux on that cache (a tiny loopback sandbox behind it, so
   only the cheap change probe runs): after each key, the time until the screen shows that
   prefix's hits (its group headers and first hit), next to a bare Textual app's key echo.

The cache is built once from the demo generator (benchmarks/board_bench.py, kept in the
temp dir); a cache from before schema v5 is migrated here, which fills the search index.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from board_bench import build_cache  # noqa: E402
from tui.store import schema  # noqa: E402
from tui.store.queries.search import search  # noqa: E402

LIMIT = 10  # hits per type, as the search screen asks


def queries(conn: sqlite3.Connection) -> list[str]:
    one = lambda sql: conn.execute(sql).fetchone()  # noqa: E731
    accented = one("SELECT name FROM persons WHERE name LIKE '%é%' OR name LIKE '%ü%' ORDER BY id LIMIT 1")[0]
    email = one("SELECT primary_email FROM persons WHERE primary_email IS NOT NULL ORDER BY id DESC LIMIT 1")[0]
    phone = one("SELECT primary_phone FROM persons WHERE primary_phone IS NOT NULL ORDER BY id LIMIT 1 OFFSET 500")[0]
    org = one("SELECT name FROM organizations ORDER BY id LIMIT 1 OFFSET 1234")[0]
    cjk = one("SELECT name FROM persons WHERE name GLOB '*[一-龥]*' ORDER BY id LIMIT 1")[0]
    plain = accented.replace("é", "e").replace("ü", "u").lower()
    return [plain, email.split("@")[0][1:] + "@ex", phone[-9:], org, "renewal", cjk, "k", "zqxjv"]


def query_times(path: Path) -> list[tuple[str, list[float]]]:
    conn = schema.connect(str(path))
    started = time.perf_counter()
    schema.migrate(conn)
    took = time.perf_counter() - started
    if took > 1:
        print(f"  migrated the cache (search index filled) in {took:.1f} s", file=sys.stderr)
    conn.execute("PRAGMA query_only=ON")
    out = []
    for text in queries(conn):
        times = []
        for n in range(1, len(text) + 1):
            runs = []
            for _ in range(3):
                t = time.perf_counter()
                search(conn, text[:n], LIMIT)
                runs.append(time.perf_counter() - t)
            times.append(statistics.median(runs) * 1000)
        out.append((text, times))
    conn.close()
    return out


def summary(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]
    return f"median {statistics.median(values):5.1f} ms, p90 {p90:5.1f} ms, worst {max(values):5.1f} ms"


def expected_screen(conn: sqlite3.Connection, text: str) -> tuple[str, ...]:
    """What the search screen shows for `text`: its group headers and first hit (or the empty line)."""
    results = search(conn, text, LIMIT)
    if results.empty:
        return ("Nothing in the cache matches",)
    labels = {"deal": "Deals", "person": "People", "organization": "Organizations"}
    heads = []
    for kind, label in labels.items():
        shown = len(results.of(kind))
        total = results.totals.get(kind, shown)
        more = "+" if kind in results.more else ""
        if shown:
            heads.append(f"{label}  {shown} of {total:,}{more}" if total > shown or more else f"{label}  {shown}")
    return (*heads, "▌ " + results.hits[0].title[:20])


def terminal_times(path: Path, typed: list[str]) -> tuple[list[float], float]:
    from term import Terminal
    from ui_steps import Server, app_command, app_env, board, quit_app

    work = Path(tempfile.mkdtemp(prefix="search-bench-"))
    data = work / "data"
    data.mkdir()
    shutil.copy(path, data / "default.sqlite3")
    conn = sqlite3.connect(data / "default.sqlite3")
    with conn:  # a warm cache: only the cheap change probe at start
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('first_sync_done', '1')")
        conn.execute(
            "INSERT OR REPLACE INTO sync_state (collection, high_water, complete, last_sync) "
            "VALUES ('recents', '2026-11-18T09:30:00Z', 1, '2026-11-18T09:30:00Z')"
        )
    conn.close()
    reader = schema.connect(str(data / "default.sqlite3"), readonly=True)
    times: list[float] = []
    try:
        with Server(1) as server, Terminal(160, 45) as term:
            term.launch(app_command(server.url, data), env=app_env(work), until=board, timeout=120)
            term.quiet(0.5)
            term.press("g", until=lambda s: "Type to search the cache" in s)
            for text in typed:
                previous: tuple[str, ...] = ()
                for n in range(1, len(text) + 1):
                    want = expected_screen(reader, text[:n])
                    shown = lambda s, p=text[:n], w=want: f"  {p}" in s and all(x in s for x in w)  # noqa: E731
                    _change, done = term.press(text[n - 1], until=shown, timeout=10)
                    if want != previous:  # the same screen as the last prefix proves nothing
                        times.append(done * 1000)
                    previous = want
                    term.quiet(0.05)
                term.press("C-u", until=lambda s: "Type to search the cache" in s)
            term.send("escape")
            quit_app(term)
        with Terminal(160, 45) as term:
            from ui_steps import bare_command

            term.launch(bare_command(), until=lambda s: "bare app ready" in s)
            bare = [term.press("j", until=lambda s, k=k: f"bare app key {k}" in s)[1] * 1000 for k in range(1, 31)]
    finally:
        reader.close()
        shutil.rmtree(work, ignore_errors=True)
    return times, statistics.median(bare)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--terminal", action="store_true", help="also time the app in a real terminal (tmux)")
    args = parser.parse_args()
    path = build_cache(args.deals, False)
    conn = sqlite3.connect(path)
    counts = [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("deals", "persons", "organizations")]
    conn.close()
    print(f"cache: {counts[0]:,} deals, {counts[1]:,} persons, {counts[2]:,} organizations")
    results = query_times(path)
    every = [t for _q, times in results for t in times]
    print(f"cache query per keystroke ({len(every)} keystrokes): {summary(every)}")
    for text, times in results:
        print(f"  {text!r:34} {summary(times)}")
    if args.terminal:
        typed = [text for text, _t in results]
        times, bare = terminal_times(path, typed)
        print(f"in the terminal, key -> the hits of the new prefix on screen ({len(times)} keystrokes): {summary(times)}")
        print(f"  bare Textual app, key -> echo: median {bare:.1f} ms; search median = {statistics.median(times) / bare:.1f}x bare")


if __name__ == "__main__":
    main()
