"""Building blocks of ui_bench.py: the loopback sandbox, the app's environment, what the
screens look like (predicates on `capture-pane` text) and the interactive key suites."""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from term import Terminal, TermTimeout

HERE = Path(__file__).resolve().parent
NOW = "2026-11-18T09:30:00+00:00"  # the sandbox's start time and the app's frozen clock
TOKEN = "bench-token"
KEY_TIMEOUT = 3.0  # a key whose effect has not shown after this long counts as lost

CARD = re.compile(r"[!●⚠›] (overdue|today|no activity|later)")  # the status line of a deal card
BOARD = re.compile(r"\d+ open deals")
DETAIL = "·  pipeline "  # deal screen header
AGENDA = re.compile(r"Agenda\s+\d+ overdue")
PEOPLE = re.compile(r"People\s+[\d,]+ shown")
FILTER_BOX = "filter deals by title"


def board(s: str) -> bool:
    return bool(BOARD.search(s) and CARD.search(s)) and DETAIL not in s


def online(s: str) -> bool:
    return "● online" in s and "pending" not in s


def no_status(s: str) -> str:
    """The screen without its status bar (second-to-last row), which changes on its own."""
    lines = s.split("\n")
    return "\n".join(lines[:-2] + lines[-1:]) if len(lines) > 2 else s


def selected(s: str) -> tuple[int, str] | None:
    """(x, text) of the topmost row of the selected card: a ▌ bar with text right after it
    (a toast's border is a ▌ followed by a space)."""
    for line in s.split("\n"):
        x = line.find("▌")
        while x >= 0:
            if line[x + 1 : x + 2].strip():
                return x, line[x + 1 :].split("▕")[0].strip()
            x = line.find("▌", x + 1)
    return None


# -- processes -----------------------------------------------------------------------------------------


class Server:
    """serve_sandbox.py in its own process (so the app shares the CPU with it as with a remote)."""

    def __init__(self, deals: int, one_stage: bool = False) -> None:
        argv = [sys.executable, str(HERE / "serve_sandbox.py"), "--deals", str(deals), "--now", NOW, "--token", TOKEN]
        self.proc = subprocess.Popen(argv + (["--one-stage"] if one_stage else []), stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line.startswith("READY "):
            self.close()
            raise RuntimeError(f"sandbox server did not start: {line!r}")
        self.url = line.split()[1]

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def app_command(url: str, data_dir: Path) -> list[str]:
    script = Path(sys.executable).with_name("pipedrive-tui")
    head = [str(script)] if script.exists() else [sys.executable, "-m", "tui"]
    return head + ["--base-url", url, "--data-dir", str(data_dir)]


def app_env(home: Path) -> dict[str, str]:
    return {
        "HOME": str(home),
        "PATH": "/usr/bin:/bin",
        "PIPEDRIVE_TUI_CONFIG_DIR": str(home / "config"),
        "PIPEDRIVE_API_TOKEN": TOKEN,
        "PIPEDRIVE_TUI_NOW": NOW,
    }


def bare_command() -> list[str]:
    return [sys.executable, str(HERE / "bare_app.py")]


# -- results ----------------------------------------------------------------------------------------------


@dataclass
class Samples:
    values: list[float] = field(default_factory=list)
    lost: int = 0

    def add(self, value: float) -> None:
        self.values.append(value)

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else float("nan")

    @property
    def p90(self) -> float:
        if not self.values:
            return float("nan")
        ordered = sorted(self.values)
        return ordered[min(len(ordered) - 1, int(round(0.9 * (len(ordered) - 1))))]


@dataclass
class KeyResult:
    change: Samples = field(default_factory=Samples)  # until the screen (without status bar) changed
    done: Samples = field(default_factory=Samples)  # until the expected content is there


def settle(term: Terminal, seconds: float = 0.15) -> None:
    term.quiet(seconds, mask=no_status)


def timed(term: Terminal, results: dict[str, KeyResult], name: str, key: str, until: Callable[[str], bool], pause: float = 0.15) -> bool:
    """Press `key`, record it under `name`; False when its effect never showed (lost key)."""
    result = results.setdefault(name, KeyResult())
    try:
        change, done = term.press(key, until=until, timeout=KEY_TIMEOUT, mask=no_status)
    except TermTimeout:
        result.done.lost += 1
        settle(term, 0.5)
        return False
    result.change.add(change)
    result.done.add(done)
    settle(term, pause)
    return True


# -- sessions ----------------------------------------------------------------------------------------------


def open_app(term: Terminal, url: str, data_dir: Path, home: Path, timeout: float = 120.0) -> tuple[float, float]:
    """Launch on the cache in data_dir: (seconds to the first deal card, seconds to synced)."""
    started = time.perf_counter()
    first = term.launch(app_command(url, data_dir), env=app_env(home), until=lambda s: CARD.search(s) is not None, timeout=timeout)
    synced = term.wait(online, started, timeout=timeout * 5, what="the first sync to finish")
    return first, synced


def quit_app(term: Terminal) -> None:
    term.send("q")
    deadline = time.perf_counter() + 10
    while time.perf_counter() < deadline and not term.dead():
        time.sleep(0.05)


def filter_keys(term: Terminal, reps: int, results: dict[str, KeyResult]) -> None:
    """`/`, one letter (its result: `filter: a` in the title), a second letter, escape."""
    for _ in range(reps):
        if timed(term, results, "/ (filter box)", "/", lambda s: FILTER_BOX in s):
            timed(term, results, "filter letter", "a", lambda s: "· filter: a" in s)
            timed(term, results, "filter second letter", "n", lambda s: "· filter: an" in s)
            timed(term, results, "escape (clear filter)", "Escape", lambda s: "· filter:" not in s and FILTER_BOX not in s)


def board_keys(term: Terminal, reps: int, results: dict[str, KeyResult], full: bool = True) -> None:
    """The board key suite; the board must be on screen and settled."""
    settle(term, 0.5)
    for _ in range(reps):
        before = selected(term.screen())
        timed(term, results, "j (cursor down)", "j", lambda s, b=before: selected(s) not in (None, b))
    if full:
        term.send("Home")
        settle(term, 0.3)
        for _ in range(reps):
            x = (selected(term.screen()) or (0, ""))[0]
            if timed(term, results, "l (next column)", "l", lambda s, x=x: (selected(s) or (x, ""))[0] > x):
                timed(term, results, "h (previous column)", "h", lambda s, x=x: (selected(s) or (-1, ""))[0] == x)
        for _ in range(reps):
            if timed(term, results, "enter (open deal)", "Enter", lambda s: DETAIL in s):
                timed(term, results, "escape (back to board)", "Escape", board)
        filter_keys(term, reps, results)
    for _ in range(reps):
        here = selected(term.screen())
        if here is None:
            break
        if timed(term, results, "> (move to next stage)", ">", lambda s, h=here: _moved(s, h, +1)):
            there = selected(term.screen()) or here
            timed(term, results, "< (move back)", "<", lambda s, h=there: _moved(s, h, -1))


def _moved(s: str, before: tuple[int, str], direction: int) -> bool:
    now = selected(s)
    return now is not None and now[1] == before[1] and (now[0] - before[0]) * direction > 0


def section_keys(term: Terminal, reps: int, results: dict[str, KeyResult]) -> None:
    """Agenda (2) and people (3): the first open builds the screen, later opens reuse it."""
    term.wait(lambda s: "Moved “" not in s, timeout=10, what="toasts to clear")
    settle(term, 0.3)
    for i in range(reps):
        again = " again" if i else ", first open"
        timed(term, results, f"2 (agenda{again})", "2", lambda s: bool(AGENDA.search(s)))
        timed(term, results, f"3 (people{again})", "3", lambda s: bool(PEOPLE.search(s)))
        timed(term, results, "1 (back to board)", "1", board)


def insights(s: str) -> bool:
    """The Forecast with its cards: the Insights title, the overdue column, a card's status."""
    return " Insights " in s and "Overdue" in s and bool(CARD.search(s))


def insights_keys(term: Terminal, reps: int, results: dict[str, KeyResult]) -> None:
    """Insights (7): the first open builds the screen and reads the forecast; later opens
    show the screen kept (its data reloaded only when the cache changed)."""
    settle(term, 0.3)
    for i in range(reps):
        timed(term, results, f"7 (insights{' again' if i else ', first open'})", "7", insights)
        timed(term, results, "1 (back to board)", "1", board)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def tmux_version() -> str:
    try:
        return subprocess.run(["tmux", "-V"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "tmux ?"


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 0)
