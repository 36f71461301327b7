"""18 months of closed deals, their stage moves, and goals: the demo's Insights history.

From random streams of their own (so a seed's deals, persons, activities and the rest do not
change); only with `history=True` (the demo). Each month of the last 18 gets won and lost
deals in every pipeline, each added some weeks before its close and moved stage by stage
(recorded in the deal log, as the sandbox's flow serves it); lost ones stop at some stage.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

from tui.sandbox import flow
from tui.sandbox.state import State, deal_defaults


def rfc3339(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def add(st: State, seed: int, now: datetime, *, titles: list[str], reasons: list[str]) -> None:
    """`titles`, `reasons`: the generator's deal title endings and lost reasons."""
    rng = random.Random(seed * 52711 + 27)
    _closed_deals(st, rng, now, titles, reasons)
    _goals(st, now)


def _month_start(today: date, back: int) -> date:
    year, month = today.year, today.month - back
    while month < 1:
        month += 12
        year -= 1
    return date(year, month, 1)


def _closed_deals(st: State, rng: random.Random, now: datetime, titles: list[str], reasons: list[str]) -> None:
    today = now.date()
    orgs = [o for o in st.organizations.values() if o.get("name")]
    users = list(st.users)
    by_pipeline: dict[int, list[int]] = {}
    for s in sorted(st.stages.values(), key=lambda s: (s.get("order_nr", 0), s["id"])):
        by_pipeline.setdefault(s["pipeline_id"], []).append(s["id"])
    next_id = max(st.deals) + 1 if st.deals else 1
    for back in range(17, -1, -1):
        first = _month_start(today, back)
        last = min(_month_start(today, back - 1) - timedelta(days=1) if back else today, today)
        span = (last - first).days
        season = 1.0 + 0.35 * ((first.month % 12) in (3, 6, 9, 11, 12))  # quarter ends close more
        for pid, stage_ids in by_pipeline.items():
            weight = 1.0 if pid == 1 else 0.45
            for outcome in ("won", "lost"):
                n = max(0, round(rng.gauss(7 if outcome == "won" else 5, 2) * weight * season))
                for _ in range(n):
                    close_day = first + timedelta(days=rng.randint(0, max(0, span)))
                    closed = datetime(
                        close_day.year, close_day.month, close_day.day, rng.randint(8, 18), rng.randint(0, 59), tzinfo=timezone.utc
                    )
                    if closed > now:
                        closed = now - timedelta(minutes=rng.randint(5, 600))
                    days_open = max(3, int(rng.lognormvariate(3.4, 0.6)))
                    added = closed - timedelta(days=days_open, hours=rng.randint(0, 8))
                    reach = len(stage_ids) - 1 if outcome == "won" else rng.randint(0, len(stage_ids) - 1)
                    org = rng.choice(orgs) if orgs else None
                    currency = rng.choice(["EUR"] * 5 + ["USD"] * 3 + ["GBP", "JPY", "CHF"])
                    value = float(rng.randrange(1000, 90000, 50)) * (100 if currency == "JPY" else 1)
                    owner = rng.choice(users)
                    deal_id = next_id
                    next_id += 1
                    close_text = rfc3339(closed)
                    st.deals[deal_id] = {
                        "id": deal_id,
                        "title": f"{org['name'] if org else 'Demo'} – {rng.choice(titles)}",
                        "creator_user_id": owner,
                        "owner_id": owner,
                        "value": value,
                        "currency": currency,
                        "person_id": None,
                        "org_id": org["id"] if org else None,
                        "pipeline_id": pid,
                        "stage_id": stage_ids[reach],
                        "status": outcome,
                        "probability": None,
                        "add_time": rfc3339(added),
                        "update_time": close_text,
                        "stage_change_time": rfc3339(added + (closed - added) * 0.7),
                        "close_time": close_text,
                        "won_time": close_text if outcome == "won" else None,
                        "lost_time": close_text if outcome == "lost" else None,
                        "local_won_date": close_text[:10] if outcome == "won" else None,
                        "local_lost_date": close_text[:10] if outcome == "lost" else None,
                        "local_close_date": close_text[:10],
                        "expected_close_date": (close_day + timedelta(days=rng.randint(-20, 20))).isoformat(),
                        "lost_reason": rng.choice(reasons) if outcome == "lost" else None,
                        **deal_defaults(),
                        "custom_fields": {},
                    }
                    st.deal_log[deal_id] = []
                    flow._add(st, deal_id, "add_time", None, rfc3339(added), rfc3339(added), owner)
                    for step in range(reach):  # one stage at a time, spread over its open days
                        when = added + (closed - added) * ((step + 1) / (reach + 1))
                        flow._add(st, deal_id, "stage_id", stage_ids[step], stage_ids[step + 1], rfc3339(when), owner, source="app")
                    flow._add(st, deal_id, "status", "open", outcome, close_text, owner, source="app")


def _goals(st: State, now: datetime) -> None:
    today = now.date()
    quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    year_start, year_end = date(today.year, 1, 1).isoformat(), date(today.year, 12, 31).isoformat()
    specs = [
        ("Won deals this quarter", "deals_won", "quarterly", 20, "quantity", {"pipeline_id": [1]}),
        ("Revenue this quarter", "deals_won", "quarterly", 400_000, "sum", {"pipeline_id": [1, 2, 3]}),
        ("Activities done this month", "activities_completed", "monthly", 40, "quantity", {"activity_type_id": []}),
        ("New deals this month", "deals_started", "monthly", 15, "quantity", {"pipeline_id": [1]}),
    ]
    for n, (title, kind, interval, target, metric, params) in enumerate(specs, start=1):
        goal_id = f"{n:032x}"
        st.goals[goal_id] = {
            "id": goal_id,
            "owner_id": st.me_id,
            "title": title,
            "type": {"name": kind, "params": params},
            "assignee": {"id": st.me_id, "type": "person"},
            "interval": interval,
            "duration": {"start": year_start if interval != "quarterly" else quarter.replace(month=1).isoformat(), "end": year_end},
            "expected_outcome": {"target": target, "tracking_metric": metric, **({"currency_id": 1} if metric == "sum" else {})},
            "is_active": True,
            "report_ids": [],
        }
