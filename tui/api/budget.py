"""The latest rate-limit budget seen in response headers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    """Any field may be unknown (None): Pipedrive omits headers at times."""

    burst_limit: int | None = None  # x-ratelimit-limit (requests per 2 s window)
    burst_remaining: int | None = None  # x-ratelimit-remaining
    burst_reset: float | None = None  # x-ratelimit-reset (seconds)
    daily_limit: int | None = None  # x-daily-ratelimit-token-limit
    daily_remaining: int | None = None  # x-daily-ratelimit-token-remaining
