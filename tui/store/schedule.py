"""When to look for changes on Pipedrive: often while someone works, rarely otherwise, never
past the company's budget. Pure (no clock of its own, no I/O): tested with a fake clock.

    state        when                                          every      tokens/hour
    active       a key in the last `idle_after` s, focused     55 s       ~1,310 (+10 a changed kind)
    idle         no key for `idle_after` s                     480 s      150 (+10 a changed kind)
    unfocused    the terminal lost focus (focus reporting)     2,400 s    30
    low_budget   < 25 % of the daily budget left               480 s      150
    manual       < 10 % left: only `r` refreshes               -          0

The probe costs 20 tokens; a probe that finds changes adds 10 per kind of item changed (the
fetch by id), so the idle and unfocused intervals leave room for a change per look within
300 and 60 tokens an hour (benchmarks/sync_bench.py measures it).

Coming back (focus regained, the first key after idling) refreshes at once when the data is
older than the active interval, and any key that changes the state wakes the waiting loop so
it plans with the new interval (the store starts with the launch as its first key: a
terminal without focus reporting is active from the first minute). Bounds come from the
config file ([refresh]).
"""

from __future__ import annotations

from dataclasses import dataclass

PROBE_TOKENS = 20  # GET /v1/recents (tui/store/sync.py says why this probe)


@dataclass(frozen=True)
class RefreshPolicy:
    active: float = 55.0
    idle: float = 480.0
    unfocused: float = 2400.0
    idle_after: float = 180.0
    low_budget: float = 0.25
    critical_budget: float = 0.10

    def tokens_per_hour(self, state: str, probe: int = PROBE_TOKENS) -> int:
        interval = Schedule(self).interval(state)
        return 0 if interval is None else round(3600 / interval * probe)


@dataclass
class Schedule:
    policy: RefreshPolicy
    last_key: float = 0.0
    focused: bool = True
    last_refresh: float | None = None

    def state(self, now: float, budget_left: float | None = None) -> str:
        if budget_left is not None and budget_left < self.policy.critical_budget:
            return "manual"
        if not self.focused:
            return "unfocused"
        if budget_left is not None and budget_left < self.policy.low_budget:
            return "low_budget"
        if now - self.last_key > self.policy.idle_after:
            return "idle"
        return "active"

    def interval(self, state: str) -> float | None:
        return {
            "active": self.policy.active,
            "idle": self.policy.idle,
            "low_budget": self.policy.idle,
            "unfocused": self.policy.unfocused,
        }.get(state)

    def due_at(self, now: float, budget_left: float | None = None) -> float | None:
        """When the next probe is due (None: only on request)."""
        interval = self.interval(self.state(now, budget_left))
        if interval is None:
            return None
        if self.last_refresh is None:
            return now
        return self.last_refresh + interval

    def stale(self, now: float) -> bool:
        return self.last_refresh is None or now - self.last_refresh >= self.policy.active

    def key(self, now: float, budget_left: float | None = None) -> bool:
        """A key was pressed: True when this should refresh at once (back from idle, stale)."""
        was = self.state(now, budget_left)
        self.last_key = now
        return was in ("idle", "unfocused") and self.stale(now) and self.state(now, budget_left) == "active"

    def focus(self, focused: bool, now: float, budget_left: float | None = None) -> bool:
        """Focus changed: True when this should refresh at once (focus back, stale)."""
        self.focused = focused
        if focused:
            self.last_key = now
        return focused and self.stale(now) and self.state(now, budget_left) != "manual"

    def refreshed(self, now: float) -> None:
        self.last_refresh = now
