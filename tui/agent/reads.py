"""The MCP server's read tools: answers from the local cache through the store's reader and the
screens' own queries (tui/store/queries/), 0 tokens, offline too. Each answer is plain JSON
data with the cache's age (`cache`)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from typing import Any

from tui.notes_html import html_to_text
from tui.store.queries import agenda as agenda_q
from tui.store.queries import board, entities, history, leads, search, triage
from tui.store.queries import agent as agent_q
from tui.store.queries.board_base import BoardQuery
from tui.store.store import Store


class ReadError(ValueError):
    """An argument names nothing in the cache; the message says which."""


def plain(value: Any) -> Any:
    """Dataclasses, dates, tuples and sets as JSON data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


async def cache_info(store: Store) -> dict[str, Any]:
    synced = await store.read(agent_q.last_sync)
    age: str
    if synced is None:
        age = "never synced (empty cache): call refresh"
    else:
        when = datetime.fromisoformat(synced.replace("Z", "+00:00"))
        minutes = int((store.clock.now() - when).total_seconds() // 60)
        age = f"{minutes} min" if minutes < 120 else f"{minutes // 60} h"
    return {"last_sync_utc": synced, "age": age, "cost_tokens": 0}


async def answer(store: Store, data: Any) -> dict[str, Any]:
    return {"cache": await cache_info(store), "result": plain(data)}


def _notes(rows: list[entities.NoteRow]) -> list[dict[str, Any]]:
    return [{**plain(n), "content": html_to_text(n.content)} for n in rows]


async def do_search(store: Store, text: str, limit: int = 8) -> dict[str, Any]:
    results = await store.read(search.search, text, limit)
    return await answer(store, {"query": text, "hits": results.hits, "totals": results.totals})


async def get_deal(store: Store, deal_id: int) -> dict[str, Any]:
    detail = await store.read(entities.deal_detail, deal_id, store.clock.now())
    if detail is None:
        raise ReadError(f"deal_id: no deal {deal_id} in the cache")
    d = detail.deal
    data = {
        "deal": {
            k: d.get(k)
            for k in (
                "id",
                "title",
                "value",
                "currency",
                "status",
                "stage_id",
                "pipeline_id",
                "expected_close_date",
                "probability",
                "lost_reason",
                "add_time",
                "update_time",
                "won_time",
                "lost_time",
            )
        },
        "pipeline": detail.pipeline_name,
        "stage": next((name for sid, name in detail.stages if sid == d.get("stage_id")), None),
        "stages": [{"id": sid, "name": name} for sid, name in detail.stages],
        "person": detail.person,
        "organization": detail.org,
        "owner": detail.owner,
        "days_in_stage": detail.days_in_stage,
        "custom_fields": [{"name": c.fd.name, "value": c.shown} for c in detail.custom],
        "activities": detail.activities,
        "notes": _notes(detail.notes),
        "products": detail.lines,
        "calls": await store.read(agent_q.calls_of, "deal_id", deal_id),
        "mail": "mail is not kept in the cache",
    }
    return await answer(store, data)


async def get_person(store: Store, person_id: int) -> dict[str, Any]:
    detail = await store.read(entities.person_detail, person_id)
    if detail is None:
        raise ReadError(f"person_id: no person {person_id} in the cache")
    p = detail.person
    data = {
        "person": {k: p.get(k) for k in ("id", "name", "emails", "phones", "org_id", "add_time", "update_time")},
        "organization": detail.org,
        "owner": detail.owner,
        "deals": detail.deals,
        "custom_fields": [{"name": c.fd.name, "value": c.shown} for c in detail.custom],
        "activities": detail.activities,
        "notes": _notes(detail.notes),
        "calls": await store.read(agent_q.calls_of, "person_id", person_id),
    }
    return await answer(store, data)


async def get_organization(store: Store, org_id: int) -> dict[str, Any]:
    detail = await store.read(entities.organization_detail, org_id)
    if detail is None:
        raise ReadError(f"org_id: no organization {org_id} in the cache")
    o = detail.org
    data = {
        "organization": {k: o.get(k) for k in ("id", "name", "address", "add_time", "update_time")},
        "owner": detail.owner,
        "people": detail.people,
        "deals": detail.deals,
        "custom_fields": [{"name": c.fd.name, "value": c.shown} for c in detail.custom],
        "activities": detail.activities,
        "notes": _notes(detail.notes),
    }
    return await answer(store, data)


async def get_lead(store: Store, lead_id: str) -> dict[str, Any]:
    detail = await store.read(leads.lead_detail, lead_id)
    if detail is None:
        raise ReadError(f"lead_id: no lead {lead_id} in the cache")
    lead = detail.lead
    data = {
        "lead": {k: lead.get(k) for k in ("id", "title", "value", "expected_close_date", "source_name", "is_archived", "add_time")},
        "person": detail.person,
        "organization": detail.org,
        "owner": detail.owner,
        "labels": [name for _id, name, _colour in detail.labels],
        "activities": detail.activities,
        "notes": _notes(detail.notes),
    }
    return await answer(store, data)


async def list_deals(
    store: Store,
    *,
    pipeline_id: int | None = None,
    stage_id: int | None = None,
    owner_id: int | None = None,
    status: str = "open",
    text: str | None = None,
    close_from: str | None = None,
    close_to: str | None = None,
    rotting: bool = False,
    overdue: bool = False,
    limit: int = 50,
) -> dict[str, Any]:
    if status not in ("open", "won", "lost", "all"):
        raise ReadError("status: one of open, won, lost, all")
    for name, value in (("close_from", close_from), ("close_to", close_to)):
        if value:
            try:
                date.fromisoformat(value)
            except ValueError:
                raise ReadError(f"{name}: a date as YYYY-MM-DD, not {value!r}") from None
    pipes = await store.read(board.pipelines)
    ids = [p.id for p in pipes if pipeline_id in (None, p.id)]
    if pipeline_id is not None and not ids:
        raise ReadError(f"pipeline_id: no pipeline {pipeline_id} (list_pipelines shows them)")
    now = store.clock.now()
    cards: list[board.DealCard] = []
    for pid in ids:
        cards += await store.read(board.deal_cards, pid, now=now, status=None if status == "all" else status, owner_id=owner_id, text=text)
    out = []
    for c in cards:
        if stage_id is not None and c.stage_id != stage_id:
            continue
        close = c.expected_close_date or ""
        if close_from and (not close or close < close_from) or close_to and (not close or close > close_to):
            continue
        if rotting and not c.rotten or overdue and c.activity.value != "overdue":
            continue
        out.append(c)
    shown = [
        {
            "id": c.id,
            "title": c.title,
            "value": c.value,
            "currency": c.currency,
            "status": c.status,
            "stage_id": c.stage_id,
            "pipeline_id": c.pipeline_id,
            "owner": c.owner_name,
            "person": c.person_name,
            "organization": c.org_name,
            "expected_close_date": c.expected_close_date,
            "next_activity_due": c.next_due,
            "activity": c.activity.value,
            "rotting_days": c.rotten_days if c.rotten else 0,
        }
        for c in out[: max(1, min(limit, 500))]
    ]
    return await answer(store, {"count": len(out), "deals": shown})


async def agenda(store: Store, day: str | None = None) -> dict[str, Any]:
    now = store.clock.now()
    try:
        wanted = date.fromisoformat(day) if day else now.date()
    except ValueError:
        raise ReadError(f"day: a date as YYYY-MM-DD, not {day!r}") from None
    groups = await store.read(agenda_q.agenda, now=now, tz=store.clock.zone, show="all")
    rows = [r for g in groups for r in g.rows if r.day == wanted]
    overdue = [r for g in groups if g.name == "Overdue" for r in g.rows] if wanted == now.date() else []
    return await answer(store, {"day": wanted.isoformat(), "activities": rows, "overdue_before": overdue})


async def triage_queue(store: Store, limit: int = 50) -> dict[str, Any]:
    found = await store.read(triage.queue, now=store.clock.now(), owner_id=await store.me_id())
    rows = [{**plain(r), "reasons": [x.text for x in r.reasons]} for r in found.rows[:limit]]
    return await answer(store, {"count": len(found.rows), "deals": rows, "snoozed": len(found.snoozed)})


async def pipeline_totals(store: Store, pipeline_id: int | None = None) -> dict[str, Any]:
    from tui.store.queries.rates import rates as cached_rates

    today = store.clock.today().isoformat()
    rates = await store.read(cached_rates, today)
    out = []
    for p in await store.read(board.pipelines):
        if pipeline_id is not None and p.id != pipeline_id:
            continue
        summaries = await store.read(board.stage_summaries, BoardQuery(p.id, "open"))
        names = {s.id: s.name for s in await store.read(board.stages, p.id)}
        stages: list[dict[str, Any]] = [
            {"stage_id": sid, "stage": names.get(sid), "count": s.count, "totals": s.totals, "weighted": s.weighted}
            for sid, s in summaries.items()
        ]
        totals: dict[str, float] = {}
        for s in summaries.values():
            for cur, v in s.totals.items():
                totals[cur] = totals.get(cur, 0) + v
        entry: dict[str, Any] = {"pipeline_id": p.id, "pipeline": p.name, "open_totals": totals, "stages": stages}
        if rates.base:
            converted, missing = rates.total(totals)
            entry["open_total_converted"] = {"currency": rates.base, "value": round(converted, 2), "not_converted": missing}
            for stage in stages:
                value, left = rates.total(stage["totals"])
                stage["total_converted"] = round(value, 2)
                if left:
                    stage["not_converted"] = left
        out.append(entry)
    if rates.base:
        days = sorted(set(rates.days.values()))
        note = f"converted into {rates.base} at the rates of {days[0] if days else today} (GET /v1/deals/summary)"
        if rates.label(sorted({c for p in out for c in p["open_totals"]})):
            note += "; " + rates.label(sorted({c for p in out for c in p["open_totals"]}))
    else:
        note = "totals per currency: no exchange rates in the cache yet (the app fetches them once a day)"
    return await answer(store, {"pipelines": out, "note": note})


async def deal_history(store: Store, deal_id: int) -> dict[str, Any]:
    cached = await store.read(history.cached_timeline, "deal", deal_id)
    if cached is None:
        return await answer(store, {"deal_id": deal_id, "events": [], "note": "history not cached: open the deal's history in the app"})
    events, fetched = cached
    return await answer(store, {"deal_id": deal_id, "events": events, "fetched_at": fetched})


async def list_pipelines(store: Store) -> dict[str, Any]:
    return await answer(store, {"pipelines": await store.read(agent_q.pipelines_with_stages)})


async def week_moves(store: Store) -> list[dict[str, Any]]:
    """Open deals whose stage changed in the last 7 days (for the pipeline review prompt)."""
    since = store.clock.now() - timedelta(days=7)
    out = []
    for p in await store.read(board.pipelines):
        for c in await store.read(board.deal_cards, p.id, now=store.clock.now(), status="open"):
            if c.update_time and c.update_time >= since.strftime("%Y-%m-%dT%H:%M:%SZ"):
                out.append({"id": c.id, "title": c.title, "stage_id": c.stage_id, "updated": c.update_time})
    return out
