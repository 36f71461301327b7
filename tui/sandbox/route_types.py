"""What a route table is made of: a route (method, path template, handler, token cost,
documented query parameters), the table that collects them, and what a handler is given
(Ctx: the state, the request, the sandbox's options). router.py matches and dispatches;
routes_v1.py and routes_v2.py build their tables from these, so neither imports the router.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tui.sandbox import validate as v
from tui.sandbox.state import State

Handler = Callable[["Ctx"], tuple[Any, ...]]  # (data, additional data[, related objects])

PARTS = {"{id}": r"(\d+)", "{uuid}": r"([^/]+)", "{code}": r"([^/]+)", "{id2}": r"(\d+)"}


@dataclass(frozen=True)
class RawBody:
    """A route's answer that is not the JSON envelope (a file download: its bytes as they are)."""

    content: bytes
    content_type: str = "application/octet-stream"
    filename: str | None = None


@dataclass
class Options:
    """Behaviour switches of one sandbox (see core.Sandbox)."""

    conversion_polls: int = 2  # a lead conversion answers "running" until polled this many times...
    conversion_seconds: float = 3.0  # ...or until this much server time has passed
    hms_times: bool = False  # activities' due_time/duration as HH:MM:SS (the v2 spec) instead of HH:MM


@dataclass
class Ctx:
    st: State
    now: str
    query: dict[str, str]
    body: Any
    params: tuple[str, ...]
    opts: Options = field(default_factory=Options)

    def id(self, i: int = 0) -> int:
        return int(self.params[i])

    def json(self) -> dict[str, Any]:
        if not isinstance(self.body, dict):
            raise v.bad("Request body must be a JSON object")
        return self.body


@dataclass
class Route:
    method: str
    template: str
    fn: Handler
    cost: int
    params: frozenset[str] = frozenset()
    search: bool = False
    status: int = 200
    pattern: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        pattern = re.escape(self.template)
        for part, rx in PARTS.items():
            pattern = pattern.replace(re.escape(part), rx)
        self.pattern = re.compile("^" + pattern + "$")


class Table:
    """Collects routes: add(method, template, handler, cost, params=..., search=..., status=...)."""

    def __init__(self) -> None:
        self.routes: list[Route] = []

    def add(
        self,
        method: str,
        template: str,
        fn: Handler,
        cost: int,
        params: str | tuple[str, ...] = (),
        *,
        search: bool = False,
        status: int = 200,
    ) -> None:
        names = params.split() if isinstance(params, str) else params
        self.routes.append(Route(method, template, fn, cost, frozenset(names), search, status))
