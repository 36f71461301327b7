"""Routing and envelopes of the sandbox: route tables live in routes_v2.py / routes_v1.py.

Every route declares the query parameters Pipedrive documents for it (from the official
OpenAPI files). A GET with any other parameter is refused with 400, as is a documented
value the sandbox cannot honour.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from tui.sandbox import routes_calls, routes_files, routes_followers, routes_mail, routes_merge, routes_v1, routes_v2
from tui.sandbox import validate as v
from tui.sandbox.route_types import Ctx, Options, Route, Table
from tui.sandbox.state import State

__all__ = ["Ctx", "Options", "Route", "Table"]


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


def normalise(path: str) -> str:
    if path.startswith("/v1/"):
        path = "/api" + path
    return path.rstrip("/") or "/"


_ROUTES: list[Route] | None = None
# each module's table(): a new group of endpoints is a module of its own and one entry here
ROUTE_MODULES = (routes_v2, routes_v1, routes_calls, routes_followers, routes_merge, routes_mail, routes_files)


def routes() -> list[Route]:
    global _ROUTES
    if _ROUTES is None:
        _ROUTES = [route for module in ROUTE_MODULES for route in module.table().routes]
    return _ROUTES


def match(method: str, path: str) -> tuple[Route | None, tuple[str, ...], list[str]]:
    """(route, path parameters, methods allowed on that path)."""
    path = normalise(path)
    allowed: list[str] = []
    for route in routes():
        m = route.pattern.match(path)
        if not m:
            continue
        if route.method != method:
            allowed.append(route.method)
            continue
        return route, m.groups(), allowed
    return None, (), allowed


def check_params(route: Route, query: dict[str, str]) -> None:
    if route.method != "GET":
        return
    unknown = sorted(set(query) - route.params)
    if unknown:
        raise v.bad(f"Validation failed: unrecognized query parameter{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}")


def dispatch(
    st: State, method: str, path: str, query: dict[str, str], body: Any, now: str, opts: Options | None = None
) -> tuple[int, Any, Any, Any, str | None, int]:
    """(status, data, additional_data, related_objects, route template, token cost) — raises ApiFailure."""
    route, params, allowed = match(method, path)
    if route is None:
        if allowed:
            raise v.ApiFailure(405, f"Method {method} not allowed for {normalise(path)}")
        raise v.ApiFailure(404, f"Unknown route {normalise(path)}")
    check_params(route, query)
    ctx = Ctx(st=st, now=now, query=query, body=body, params=params, opts=opts or Options())
    result = route.fn(ctx)
    data, extra = result[0], result[1]
    related = result[2] if len(result) > 2 else None
    return route.status, data, extra, related, f"{method} {route.template}", route.cost


def cost_of(method: str, path: str) -> int:
    route, _, _ = match(method, path)
    return route.cost if route else 0
