"""Drive a program in a real terminal (tmux) and time what the user sees.

    with Terminal(160, 45) as term:
        t = term.launch(["python", "app.py"], env={...}, until=lambda s: "hello" in s)
        change, done = term.press("j", until=lambda s: ...)
        kb = term.peak_rss_kb()

Each Terminal runs its own tmux server (private socket, no user config) with one session
of the given size. Screens are read with `capture-pane -p` through one tmux control-mode
client (`tmux -C`) kept open for the whole run, so a poll costs a pipe round trip instead
of a fork+exec of the tmux client; the loop sleeps ~2 ms between polls so it does not eat
the core the app needs (BENCH_POLL_MS changes the pause; 2 vs 20 ms gave the same numbers
within run-to-run noise). The program runs under `env -i` with only the variables given
(plus TERM and LANG; Textual's animations stay at their default, as a user has them). Closing kills the tmux server and with it the
program; a Terminal is a context manager so this also happens on errors.
"""

from __future__ import annotations

import os
import shutil
import signal
import shlex
import subprocess
import time
import tempfile
from collections.abc import Callable
from pathlib import Path

Predicate = Callable[[str], bool]
POLL = float(os.environ.get("BENCH_POLL_MS", "2")) / 1000  # seconds between screen reads
BASE_ENV = {"TERM": "tmux-256color", "COLORTERM": "truecolor", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}


class TermTimeout(Exception):
    def __init__(self, what: str, screen: str) -> None:
        super().__init__(f"timed out waiting for {what}; screen was:\n{screen}")
        self.screen = screen


class Terminal:
    def __init__(self, width: int = 160, height: int = 45) -> None:
        self.width, self.height = width, height
        self._dir = tempfile.mkdtemp(prefix="bench-tmux-")
        self.socket = os.path.join(self._dir, "sock")
        self.target = "app:0.0"
        self._ctl: subprocess.Popen[str] | None = None
        self._tmux_env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
        self._tmux_env.pop("TMUX", None)

    # -- lifecycle -----------------------------------------------------------------------------------

    def __enter__(self) -> "Terminal":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-S", self.socket, "-f", "/dev/null", *args], env=self._tmux_env, check=True, capture_output=True, text=True
        ).stdout

    def launch(
        self,
        argv: list[str],
        env: dict[str, str] | None = None,
        cwd: str | Path | None = None,
        until: Predicate | None = None,
        timeout: float = 120.0,
    ) -> float:
        """Start `argv` in a fresh session; seconds until `until(screen)` holds (0 if no predicate)."""
        if self._ctl is not None:
            raise RuntimeError("one program per Terminal")
        full_env = {**BASE_ENV, **(env or {})}
        assigns = " ".join(shlex.quote(f"{k}={v}") for k, v in full_env.items())
        cd = f"cd {shlex.quote(str(cwd))} && " if cwd else ""
        command = f"{cd}exec env -i {assigns} {shlex.join(argv)}"
        # a control client in its own session (so it never resizes ours) serves all later commands
        self._ctl = subprocess.Popen(
            ["tmux", "-S", self.socket, "-f", "/dev/null", "-u", "-C", "new-session", "-s", "ctl", "-x", "80", "-y", "24", "cat"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=self._tmux_env,
            text=True,
            encoding="utf-8",
            errors="replace",
            bufsize=1,
        )
        self._read_block("new-session -s ctl")  # the command on tmux's own command line answers first
        self.command("refresh-client -f no-output")
        self.command("set-option -g remain-on-exit on")
        started = time.perf_counter()
        self.command(f"new-session -d -s app -x {self.width} -y {self.height} {shlex.quote(command)}")
        if until is None:
            return 0.0
        return self.wait(until, started, timeout, "first screen")

    def close(self) -> None:
        """Kill the tmux server (SIGHUP to the program), then SIGKILL what is left of its tree."""
        if self._ctl is not None:
            procs: dict[int, str | None] = {}
            try:
                if not self.dead():
                    procs = {pid: _started(pid) for pid in _tree(self.pane_pid())}
            except (RuntimeError, ValueError, IndexError, OSError):
                pass
            try:
                self._tmux("kill-server")
            except (subprocess.CalledProcessError, OSError):
                pass
            deadline = time.perf_counter() + 3
            while procs and time.perf_counter() < deadline:
                procs = {pid: t for pid, t in procs.items() if t is not None and _started(pid) == t}
                time.sleep(0.02)
            for pid in procs:  # still the same processes (same start time), so still ours
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            try:
                self._ctl.kill()
                self._ctl.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                pass
            self._ctl = None
        shutil.rmtree(self._dir, ignore_errors=True)

    # -- control-mode commands -------------------------------------------------------------------------

    def command(self, line: str) -> list[str]:
        """Run one tmux command through the control client; its output lines."""
        ctl = self._ctl
        assert ctl is not None and ctl.stdin is not None and ctl.stdout is not None
        ctl.stdin.write(line + "\n")
        ctl.stdin.flush()
        return self._read_block(line)

    def _read_block(self, line: str) -> list[str]:
        ctl = self._ctl
        assert ctl is not None and ctl.stdout is not None
        out: list[str] = []
        inside = False
        while True:
            raw = ctl.stdout.readline()
            if not raw:
                raise RuntimeError(f"tmux control client ended during: {line}")
            text = raw.rstrip("\n")
            if not inside:
                inside = text.startswith("%begin ")
                continue
            if text.startswith("%end ") or text.startswith("%error "):
                if text.startswith("%error "):
                    raise RuntimeError(f"tmux: {line}: {' '.join(out)}")
                return out
            out.append(text)

    def screen(self) -> str:
        return "\n".join(self.command(f"capture-pane -p -t {self.target}"))

    def pane_pid(self) -> int:
        return int(self.command(f"display-message -p -t {self.target} '#{{pane_pid}}'")[0])

    def dead(self) -> bool:
        return self.command(f"display-message -p -t {self.target} '#{{pane_dead}}'")[0] == "1"

    # -- timing ------------------------------------------------------------------------------------------

    def wait(self, until: Predicate, since: float | None = None, timeout: float = 30.0, what: str = "a screen") -> float:
        """Poll until `until(screen)`; seconds since `since` (perf_counter; default now)."""
        since = time.perf_counter() if since is None else since
        deadline = time.perf_counter() + timeout
        while True:
            text = self.screen()
            now = time.perf_counter()
            if until(text):
                return now - since
            if now > deadline:
                raise TermTimeout(what, text)
            time.sleep(POLL)

    def quiet(self, seconds: float = 0.3, timeout: float = 30.0, mask: Callable[[str], str] = lambda s: s) -> str:
        """Wait until the (masked) screen has not changed for `seconds`; returns it."""
        deadline = time.perf_counter() + timeout
        last, since = mask(self.screen()), time.perf_counter()
        while time.perf_counter() - since < seconds:
            if time.perf_counter() > deadline:
                raise TermTimeout("a quiet screen", last)
            time.sleep(POLL * 5)
            text = mask(self.screen())
            if text != last:
                last, since = text, time.perf_counter()
        return last

    def send(self, key: str) -> None:
        self.command(f"send-keys -t {self.target} {shlex.quote(key)}")

    def press(
        self, key: str, until: Predicate | None = None, timeout: float = 30.0, mask: Callable[[str], str] = lambda s: s
    ) -> tuple[float, float]:
        """Send a key; (seconds until the masked screen changed, seconds until `until` holds).
        Without `until` both are the first change."""
        before = mask(self.screen())
        started = time.perf_counter()
        self.send(key)
        changed = None
        deadline = started + timeout
        while True:
            text = self.screen()
            now = time.perf_counter()
            if changed is None and mask(text) != before:
                changed = now - started
            if until is None and changed is not None:
                return changed, changed
            if until is not None and until(text):
                changed = now - started if changed is None else changed
                return changed, now - started
            if now > deadline:
                raise TermTimeout(f"key {key!r}", text)
            time.sleep(POLL)

    # -- memory --------------------------------------------------------------------------------------------

    def peak_rss_kb(self) -> int:
        """Sum of VmHWM (peak resident set) over the program's process tree, in kB."""
        return tree_peak_rss_kb(self.pane_pid())


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids += [int(k) for k in (task / "children").read_text().split()]
        except OSError:
            pass
    return kids


def _started(pid: int) -> str | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def _tree(root: int) -> list[int]:
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid not in pids and Path(f"/proc/{pid}").exists():
            pids.append(pid)
            todo += _children(pid)
    return pids


def tree_peak_rss_kb(root: int) -> int:
    total = 0
    for pid in _tree(root):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total
