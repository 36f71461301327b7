"""Routing, authentication, rate limits and envelopes of the sandbox."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tui.sandbox import search as searching
from tui.sandbox import v1, v2
from tui.sandbox import validate as v
from tui.sandbox.state import Obj, ServerClock, State, rfc3339

# (method, template, v2?, cost)
Handler = Callable[["Ctx"], tuple[Any, Any]]


@dataclass
class Ctx:
    st: State
    now: str
    query: dict[str, str]
    body: Any
    params: tuple[str, ...]

    def id(self, i: int = 0) -> int:
        return int(self.params[i])

    def json(self) -> dict[str, Any]:
        if not isinstance(self.body, dict):
            raise v.bad("Request body must be a JSON object")
        return self.body


def _v2_routes() -> list[tuple[str, str, Handler, int]]:
    R: list[tuple[str, str, Handler, int]] = []

    def add(method: str, tpl: str, fn: Handler, cost: int) -> None:
        R.append((method, tpl, fn, cost))

    ent = {
        "deals": (v2.list_deals, v2.create_deal, v2.update_deal, "Deal", "deals"),
        "persons": (lambda st, q: v2.listing(v2.live(st.persons), q, filters=("owner_id", "org_id"), sorts=("id", "update_time", "add_time")),
                    v2.create_person, v2.update_person, "Person", "persons"),
        "organizations": (lambda st, q: v2.listing(v2.live(st.organizations), q, filters=("owner_id",), sorts=("id", "update_time", "add_time")),
                          v2.create_org, v2.update_org, "Organization", "organizations"),
        "activities": (v2.list_activities, v2.create_activity, v2.update_activity, "Activity", "activities"),
    }
    search_types = {"deals": "deal", "persons": "person", "organizations": "organization"}
    for name, (lister, creator, updater, what, coll) in ent.items():
        if name in search_types:
            t = search_types[name]

            def search(c: Ctx, t: str = t) -> tuple[Any, Any]:
                items = searching.search_items(c.st, c.query, [t])
                chunk, extra = v2.page(items, c.query)
                return {"items": chunk}, extra
            add("GET", f"/api/v2/{name}/search", search, 20)
        add("GET", f"/api/v2/{name}", lambda c, lister=lister: [*_listed(lister(c.st, c.query))], 10)
        add("POST", f"/api/v2/{name}", lambda c, creator=creator: (v2.out(creator(c.st, c.json(), c.now)), None), 5)
        add("GET", f"/api/v2/{name}/{{id}}", lambda c, coll=coll, what=what: (v2.out(v2.get_live(getattr(c.st, coll), c.id(), what)), None), 1)
        add("PATCH", f"/api/v2/{name}/{{id}}", lambda c, updater=updater: (v2.out(updater(c.st, c.id(), c.json(), c.now)), None), 5)
        add("DELETE", f"/api/v2/{name}/{{id}}", lambda c, coll=coll, what=what: (v2.soft_delete(getattr(c.st, coll), c.id(), what, c.now), None), 3)

    def pipelines(c: Ctx) -> tuple[Any, Any]:
        return _listed(v2.listing(v2.live(c.st.pipelines), c.query, filters=(), sorts=("id", "update_time", "add_time")))

    def stages(c: Ctx) -> tuple[Any, Any]:
        items = v2.live(c.st.stages)
        pid = v2.int_param(c.query, "pipeline_id")
        if pid is not None:
            items = [s for s in items if s["pipeline_id"] == pid]
        return _listed(v2.listing(items, c.query, filters=(), sorts=("id", "update_time", "add_time", "order_nr")))

    add("GET", "/api/v2/pipelines", pipelines, 5)
    add("GET", "/api/v2/pipelines/{id}", lambda c: (v2.out(v2.get_live(c.st.pipelines, c.id(), "Pipeline")), None), 1)
    add("GET", "/api/v2/stages", stages, 5)
    add("GET", "/api/v2/stages/{id}", lambda c: (v2.out(v2.get_live(c.st.stages, c.id(), "Stage")), None), 1)

    def item_search(c: Ctx) -> tuple[Any, Any]:
        types = [t for t in (c.query.get("item_types") or "deal,person,organization").split(",") if t]
        items = searching.search_items(c.st, c.query, types)
        chunk, extra = v2.page(items, c.query, maximum=100)
        return {"items": chunk}, extra

    add("GET", "/api/v2/itemSearch", item_search, 20)
    for name, attr in (("dealFields", "deal_fields"), ("personFields", "person_fields"), ("organizationFields", "organization_fields")):
        add("GET", f"/api/v2/{name}", lambda c, attr=attr: v2.page(list(getattr(c.st, attr)), c.query), 10)
    return R


def _listed(result: tuple[list[Obj], Any]) -> tuple[Any, Any]:
    items, extra = result
    return [v2.out(i) for i in items], extra


def _v1_routes() -> list[tuple[str, str, Handler, int]]:
    R: list[tuple[str, str, Handler, int]] = []

    def add(method: str, tpl: str, fn: Handler, cost: int) -> None:
        R.append((method, tpl, fn, cost))

    add("GET", "/api/v1/notes", lambda c: v1.list_notes(c.st, c.query), 20)
    add("POST", "/api/v1/notes", lambda c: (v1.note_out(c.st, v1.create_note(c.st, c.json(), c.now)), None), 10)
    add("GET", "/api/v1/notes/{id}", lambda c: (v1.note_out(c.st, v1.get_note(c.st, c.id())), None), 2)
    add("PUT", "/api/v1/notes/{id}", lambda c: (v1.note_out(c.st, v1.update_note(c.st, c.id(), c.json(), c.now)), None), 10)
    add("DELETE", "/api/v1/notes/{id}", lambda c: (v1.delete_note(c.st, c.id(), c.now), None), 6)
    add("GET", "/api/v1/users", lambda c: ([dict(u) for u in c.st.users.values()], None), 20)
    add("GET", "/api/v1/users/me", lambda c: (v1.me(c.st), None), 2)
    add("GET", "/api/v1/users/{id}", lambda c: (dict(c.st.users[c.id()]) if c.id() in c.st.users else _raise(v.not_found("User")), None), 2)
    add("GET", "/api/v1/activityTypes", lambda c: ([dict(t) for t in c.st.activity_types.values()], None), 20)
    add("GET", "/api/v1/currencies", lambda c: (_currencies(c), None), 20)
    return R


def _raise(exc: Exception) -> Any:
    raise exc


def _currencies(c: Ctx) -> list[Obj]:
    term = (c.query.get("term") or "").lower()
    return [dict(x) for x in c.st.currencies.values() if term in x["code"].lower() or term in x["name"].lower()]


def _compile(routes: list[tuple[str, str, Handler, int]]) -> list[tuple[str, re.Pattern[str], str, Handler, int]]:
    out = []
    for method, tpl, fn, cost in routes:
        pattern = "^" + re.sub(r"\{id\}", r"(\\d+)", tpl) + "$"
        out.append((method, re.compile(pattern), tpl, fn, cost))
    return out


ROUTES = _compile(_v2_routes() + _v1_routes())


@dataclass
class Counters:
    requests: int = 0
    tokens: int = 0
    by_path: dict[str, int] = field(default_factory=dict)  # "GET /api/v2/deals" -> count
    statuses: dict[int, int] = field(default_factory=dict)


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    template: str | None = None


def error_body(status: int, error: str, info: str = "Please check developers.pipedrive.com") -> bytes:
    body: dict[str, Any] = {"success": False, "error": error, "error_info": info, "data": None, "additional_data": None}
    if status == 401:
        body = {"success": False, "error": "unauthorized access", "errorCode": 401, "error_info": info}
    return json.dumps(body).encode()


class RateWindow:
    """Burst limit per rolling 2 s window and a daily token budget."""

    def __init__(self, burst_limit: int | None, daily_budget: int | None) -> None:
        self.burst_limit = burst_limit
        self.daily_budget = daily_budget
        self.spent = 0
        self._hits: list[float] = []

    def check(self, cost: int) -> tuple[int | None, dict[str, str]]:
        now = time.monotonic()
        self._hits = [t for t in self._hits if now - t < 2.0]
        headers: dict[str, str] = {}
        limit = self.burst_limit or 10_000
        status = None
        if self.burst_limit is not None and len(self._hits) >= self.burst_limit:
            status = 429
        elif self.daily_budget is not None and self.spent + cost > self.daily_budget:
            status = 429
        else:
            self._hits.append(now)
            self.spent += cost
        reset = 2 if not self._hits else max(1, int(round(2.0 - (now - self._hits[0]) + 0.49)))
        headers["x-ratelimit-limit"] = str(limit)
        headers["x-ratelimit-remaining"] = str(max(0, limit - len(self._hits)))
        headers["x-ratelimit-reset"] = str(reset)
        if self.daily_budget is not None:
            headers["x-daily-ratelimit-token-limit"] = str(self.daily_budget)
            headers["x-daily-ratelimit-token-remaining"] = str(max(0, self.daily_budget - self.spent))
        if status == 429:
            headers["retry-after"] = str(reset)
        return status, headers


def dispatch(st: State, clock: ServerClock, method: str, path: str, query: dict[str, str], body: Any) -> tuple[int, Any, Any, str | None, int]:
    """(status, data, additional_data, route template, token cost) — raises ApiFailure."""
    if path.startswith("/v1/"):
        path = "/api" + path
    path = path.rstrip("/") or "/"
    allowed = []
    for m, pattern, tpl, fn, cost in ROUTES:
        match = pattern.match(path)
        if not match:
            continue
        if m != method:
            allowed.append(m)
            continue
        ctx = Ctx(st=st, now=rfc3339(clock.now()), query=query, body=body, params=match.groups())
        data, extra = fn(ctx)
        return 200, data, extra, f"{method} {tpl}", cost
    if allowed:
        raise v.ApiFailure(405, f"Method {method} not allowed for {path}")
    raise v.ApiFailure(404, f"Unknown route {path}")


def cost_of(method: str, path: str) -> int:
    if path.startswith("/v1/"):
        path = "/api" + path
    for m, pattern, _tpl, _fn, cost in ROUTES:
        if m == method and pattern.match(path.rstrip("/")):
            return cost
    return 0
