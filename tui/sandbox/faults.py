"""Seeded fault and latency switches, and scripted one-off failures."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

BEFORE = {"drop_before", "500", "502", "503", "429"}  # the request is not applied
AFTER = {"drop_after", "timeout", "malformed"}  # applied, then the response is lost/garbled
ALL_KINDS = ("drop_before", "drop_after", "timeout", "500", "502", "503", "429", "malformed")


@dataclass
class Faults:
    rate: float = 0.0
    kinds: tuple[str, ...] = ALL_KINDS
    latency_ms: float = 0.0
    latency_jitter_ms: float = 0.0
    seed: int = 1
    injected: dict[str, int] = field(default_factory=dict)  # kind -> count (observable by tests)
    null_data: dict[tuple[str, str], int] = field(default_factory=dict)  # (method, path) -> answers left
    _rng: random.Random = field(default_factory=lambda: random.Random(1), repr=False)

    def configure(
        self,
        rate: float | None = None,
        kinds: tuple[str, ...] | None = None,
        seed: int | None = None,
        latency_ms: float | None = None,
        latency_jitter_ms: float | None = None,
    ) -> None:
        if rate is not None:
            self.rate = rate
        if kinds is not None:
            unknown = set(kinds) - set(ALL_KINDS)
            if unknown:
                raise ValueError(f"unknown fault kinds: {sorted(unknown)}")
            self.kinds = tuple(kinds)
        if seed is not None:
            self.seed = seed
            self._rng = random.Random(seed)
        if latency_ms is not None:
            self.latency_ms = latency_ms
        if latency_jitter_ms is not None:
            self.latency_jitter_ms = latency_jitter_ms

    def draw(self) -> str | None:
        if self.rate <= 0 or not self.kinds:
            return None
        if self._rng.random() >= self.rate:
            return None
        kind = self._rng.choice(self.kinds)
        self.injected[kind] = self.injected.get(kind, 0) + 1
        return kind

    def answer_null(self, method: str, path: str, times: int = 1) -> None:
        """Apply the next `times` requests (method, exact path) and answer them
        `{"success": true, "data": null}`: a create the server made without saying its id, a
        list that shows nothing yet (v1 answers an empty list with data null). times=0 ends it."""
        self.null_data[(method.upper(), path.rstrip("/"))] = times

    def take_null(self, method: str, path: str) -> bool:
        key = (method.upper(), path.rstrip("/"))
        left = self.null_data.get(key, 0)
        if left <= 0:
            return False
        self.null_data[key] = left - 1
        self.injected["null_data"] = self.injected.get("null_data", 0) + 1
        return True

    def latency(self) -> float:
        """Seconds to wait before answering."""
        extra = self._rng.uniform(0, self.latency_jitter_ms) if self.latency_jitter_ms else 0.0
        return (self.latency_ms + extra) / 1000.0


@dataclass
class Injection:
    method: str
    path: str
    status: int
    error: str
    times: int
