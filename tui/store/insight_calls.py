"""The Store's calls for Insights (a mixin of Store): the day's exchange rates and goals.

    await store.refresh_rates(force=False)   # GET /v1/deals/summary, 40 tokens, once a day
    await store.goals(force=False)           # GET /v1/goals/find (20) + /v1/goals/{id}/results (20 each), once a day
    await store.stage_days(pipeline_id, start, end)  # GET /v1/pipelines/{id}/movement_statistics (40), once a day

Everything else Insights shows is computed from the cache (tui/store/queries/insights.py and
forecast.py, 0 tokens). Without a connection the cached answers are used, with their day.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from tui.store import rates as rates_store
from tui.store.events import DataChanged

if TYPE_CHECKING:
    from tui.store.db import Database

GOALS_FIND = "/api/v1/goals/find"
GOALS_TOKENS = 20  # find, and each goal's results
GOALS_KEY = "goals"


def goal_period(goal: dict[str, Any], today: date) -> tuple[date, date]:
    """The interval of the goal that holds today (its week, month, quarter or year), inside its
    duration: what Pipedrive's goal report shows as the current period."""
    duration = goal.get("duration") or {}
    start = _day(duration.get("start")) or today
    end = _day(duration.get("end")) or date(today.year, 12, 31)
    interval = goal.get("interval") or "yearly"
    if interval == "weekly":
        lo = today - timedelta(days=today.weekday())
        hi = lo + timedelta(days=6)
    elif interval == "monthly":
        lo = today.replace(day=1)
        hi = (lo + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    elif interval == "quarterly":
        lo = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        hi = (lo + timedelta(days=95)).replace(day=1) - timedelta(days=1)
    else:
        lo, hi = date(today.year, 1, 1), date(today.year, 12, 31)
    return max(lo, start), min(hi, end)


def _day(text: Any) -> date | None:
    try:
        return date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None


class InsightCalls:
    client: Any
    db: Database
    clock: Any
    _emit: Any
    _log_tokens: Any

    def _today(self) -> str:
        today: date = self.clock.now().date()
        return today.isoformat()

    async def refresh_rates(self, force: bool = False) -> bool:
        """Fetch the rates if none were fetched today (or `force`). True when fetched;
        ApiError propagates (the cached rates stay, labelled with their day)."""
        today = self._today()
        if self.client is None or not (force or await self.db.read(rates_store.due, today)):
            return False
        envelope = await self.client.request("GET", rates_store.SUMMARY_PATH)
        found = rates_store.rates_from_summary(envelope.get("data"))
        base = await self.db.read(rates_store.default_currency) or _base_of(envelope.get("data"), found)
        if base is None:
            return False
        await self.db.write(rates_store.save, found, base, today)
        await self._log_tokens()
        self._emit(DataChanged(frozenset({"rates"})))
        return True

    async def goals(self, force: bool = False) -> tuple[list[dict[str, Any]], str | None]:
        """(the user's active goals, each with `progress` and `period`, the day they were
        fetched). Fetched once a day; offline, the last ones kept."""
        today = self._today()
        kept = await self.db.read(rates_store.day_cached, GOALS_KEY, today)
        if kept is not None and not force:
            return json.loads(kept), today
        if self.client is None:
            old = await self.db.read(rates_store.day_any, GOALS_KEY)
            return (json.loads(old[0]), old[1]) if old else ([], None)
        found = await self.client.request("GET", GOALS_FIND, params={"is_active": "true"})
        data = found.get("data") or {}
        goals = [g for g in (data.get("goals") or []) if isinstance(g, dict) and g.get("id")]
        day = date.fromisoformat(today)
        out = []
        for goal in goals:
            lo, hi = goal_period(goal, day)
            result = await self.client.request(
                "GET", f"/api/v1/goals/{goal['id']}/results", params={"period.start": lo.isoformat(), "period.end": hi.isoformat()}
            )
            progress = (result.get("data") or {}).get("progress")
            out.append(
                {**goal, "progress": progress if isinstance(progress, (int, float)) else None, "period": [lo.isoformat(), hi.isoformat()]}
            )
        await self.db.write(rates_store.day_save, GOALS_KEY, today, json.dumps(out))
        await self._log_tokens()
        self._emit(DataChanged(frozenset({"goals"})))
        return out, today


def _base_of(data: Any, found: dict[str, float]) -> str | None:
    """The default currency when users/me did not say: the one converted at 1."""
    return next((code for code, rate in found.items() if abs(rate - 1.0) < 1e-12), None)


STAGE_DAYS_TOKENS = 40


class StageDays:
    """Average days deals spend in each stage (Pipedrive's movement statistics: the cache keeps
    no stage history of every deal, so Pipedrive's own figure, 40 tokens a day per pipeline and
    period, is both cheaper and right)."""

    client: Any
    db: Database
    clock: Any
    _log_tokens: Any

    async def stage_days(self, pipeline_id: int, start: str, end: str, force: bool = False) -> tuple[dict[int, int], str | None]:
        """({stage id: average days}, the day it was fetched; None: never)."""
        today: date = self.clock.now().date()
        key = f"stage_days:{pipeline_id}:{start}:{end}"
        kept = await self.db.read(rates_store.day_cached, key, today.isoformat())
        if kept is not None and not force:
            return _stage_days(kept), today.isoformat()
        if self.client is None:
            old = await self.db.read(rates_store.day_any, key)
            return (_stage_days(old[0]), old[1]) if old else ({}, None)
        found = await self.client.request(
            "GET", f"/api/v1/pipelines/{pipeline_id}/movement_statistics", params={"start_date": start, "end_date": end}
        )
        ages = ((found.get("data") or {}).get("average_age_in_days") or {}).get("by_stages") or []
        data = json.dumps({str(a["stage_id"]): a["value"] for a in ages if isinstance(a, dict) and isinstance(a.get("stage_id"), int)})
        await self.db.write(rates_store.day_save, key, today.isoformat(), data)
        await self._log_tokens()
        return _stage_days(data), today.isoformat()


def _stage_days(data: str) -> dict[int, int]:
    return {int(k): int(v) for k, v in json.loads(data).items() if isinstance(v, (int, float))}
