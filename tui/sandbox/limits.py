"""Rate limits: a burst limit per token in a rolling 2 s window and a daily token budget.

Pipedrive's burst limits (Growth plan): 40 requests per 2 s for an API token, 160 for an
OAuth access token, and 10 per 2 s for the search endpoints on every plan. Search requests
count against both windows. Windows run on the sandbox clock, so tests can `advance()` past
them. A limit of 0 or None switches that window off.
"""

from __future__ import annotations

from collections.abc import Callable

WINDOW = 2.0
GROWTH_BURST = 40
SEARCH_BURST = 10
OAUTH_FACTOR = 4


class RateWindow:
    def __init__(
        self,
        burst_limit: int | None,
        daily_budget: int | None,
        search_limit: int | None = SEARCH_BURST,
        clock: Callable[[], float] | None = None,
    ) -> None:
        import time

        self.burst_limit = burst_limit
        self.search_limit = search_limit
        self.daily_budget = daily_budget
        self.spent = 0
        self._clock = clock or time.monotonic
        self._hits: dict[tuple[str, str], list[float]] = {}

    def _window(self, key: tuple[str, str], now: float) -> list[float]:
        hits = [t for t in self._hits.get(key, ()) if now - t < WINDOW]
        self._hits[key] = hits
        return hits

    def check(self, cost: int, *, search: bool = False, who: str = "", oauth: bool = False) -> tuple[int | None, dict[str, str]]:
        """(429 or None, rate-limit headers). Counts the request when it is let through."""
        now = self._clock()
        general = self.burst_limit * (OAUTH_FACTOR if oauth else 1) if self.burst_limit else None
        windows: list[tuple[list[float], int | None]] = [(self._window((who, "all"), now), general)]
        if search:
            windows.append((self._window((who, "search"), now), self.search_limit or None))
        # the headers describe the tightest window that applies
        hits, limit = windows[-1] if search and self.search_limit else windows[0]
        status = None
        if any(lim is not None and len(h) >= lim for h, lim in windows):
            status = 429
        elif self.daily_budget is not None and self.spent + cost > self.daily_budget:
            status = 429
        else:
            for h, _ in windows:
                h.append(now)
            self.spent += cost
        shown = limit if limit is not None else 10_000
        reset = 2 if not hits else max(1, int(round(WINDOW - (now - hits[0]) + 0.49)))
        headers = {
            "x-ratelimit-limit": str(shown),
            "x-ratelimit-remaining": str(max(0, shown - len(hits))),
            "x-ratelimit-reset": str(reset),
        }
        if self.daily_budget is not None:
            headers["x-daily-ratelimit-token-limit"] = str(self.daily_budget)
            headers["x-daily-ratelimit-token-remaining"] = str(max(0, self.daily_budget - self.spent))
        if status == 429:
            blocked = [h for h, lim in windows if lim is not None and len(h) >= lim]
            wait = max((max(1, int(round(WINDOW - (now - h[0]) + 0.49))) for h in blocked), default=reset)
            headers["retry-after"] = str(wait)
        return status, headers
