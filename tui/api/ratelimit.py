"""Reading Pipedrive's rate-limit headers and pacing requests within the burst window."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping

from tui.api.budget import Budget

BURST_WINDOW = 2.0  # seconds (Pipedrive's rolling window)
SEARCH_BURST = 10  # requests per window on the search endpoints, on every plan


def _int(headers: Mapping[str, str], name: str) -> int | None:
    value = headers.get(name)
    try:
        return int(float(value)) if value is not None else None
    except ValueError:
        return None


def _float(headers: Mapping[str, str], name: str) -> float | None:
    value = headers.get(name)
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def budget_from_headers(headers: Mapping[str, str], previous: Budget) -> Budget:
    """Every header is optional (Pipedrive omits them at times): keep what we knew."""
    return Budget(
        burst_limit=_int(headers, "x-ratelimit-limit") or previous.burst_limit,
        burst_remaining=_int(headers, "x-ratelimit-remaining"),
        burst_reset=_float(headers, "x-ratelimit-reset"),
        daily_limit=_int(headers, "x-daily-ratelimit-token-limit") or previous.daily_limit,
        daily_remaining=(
            _int(headers, "x-daily-ratelimit-token-remaining")
            if "x-daily-ratelimit-token-remaining" in headers
            else previous.daily_remaining
        ),
    )


def retry_delay(headers: Mapping[str, str], fallback: float = 2.0, cap: float | None = 60.0) -> float:
    """Retry-After if present, else x-ratelimit-reset, else about 2 s (capped unless cap=None)."""
    for name in ("retry-after", "x-ratelimit-reset"):
        value = _float(headers, name)
        if value is not None and value >= 0:
            return value if cap is None else min(value, cap)
    return fallback


class Pacer:
    """Keeps requests under the burst limit: when the server says the window is spent,
    wait for its reset before sending more; also never exceed a known limit locally."""

    def __init__(self, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self._sleep = sleep
        self._sent: list[float] = []
        self._blocked_until = 0.0
        self.limit: int | None = None

    async def wait(self) -> None:
        now = time.monotonic()
        if self._blocked_until > now:
            await self._sleep(self._blocked_until - now)
            now = time.monotonic()
        if self.limit:
            self._sent = [t for t in self._sent if now - t < BURST_WINDOW]
            if len(self._sent) >= self.limit:
                await self._sleep(max(0.0, BURST_WINDOW - (now - self._sent[0])))
        self._sent.append(time.monotonic())

    def update(self, budget: Budget) -> None:
        if budget.burst_limit:
            self.limit = budget.burst_limit
        if budget.burst_remaining == 0:
            reset = budget.burst_reset if budget.burst_reset is not None else BURST_WINDOW
            self._blocked_until = max(self._blocked_until, time.monotonic() + reset)

    def block_for(self, seconds: float) -> None:
        self._blocked_until = max(self._blocked_until, time.monotonic() + seconds)


class Window:
    """At most `limit` calls per `seconds`, kept locally: the search endpoints' own burst
    limit (10 per 2 s), which a fast typist or a script could otherwise reach."""

    def __init__(
        self,
        limit: int,
        seconds: float = BURST_WINDOW,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit, self.seconds = limit, seconds
        self._sleep, self._clock = sleep, clock
        self._sent: list[float] = []

    async def wait(self) -> None:
        now = self._clock()
        self._sent = [t for t in self._sent if now - t < self.seconds]
        if len(self._sent) >= self.limit:
            await self._sleep(self.seconds - (now - self._sent[-self.limit]))
        self._sent.append(self._clock())
