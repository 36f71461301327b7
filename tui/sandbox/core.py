"""The Sandbox: a stateful, Pipedrive-compatible backend (in-process or on loopback)."""

from __future__ import annotations

import json
import threading
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl

from tui.sandbox import v2
from tui.sandbox.faults import Faults, Injection
from tui.sandbox.generator import generate
from tui.sandbox.router import Counters, RateWindow, Response, cost_of, dispatch, error_body
from tui.sandbox.state import ServerClock, State, rfc3339
from tui.sandbox.v1 import v1time_now
from tui.sandbox.validate import ApiFailure

ENTITY_COLLECTION = {"deal": "deals", "person": "persons", "organization": "organizations",
                     "activity": "activities", "note": "notes"}


class Sandbox:
    def __init__(
        self,
        seed: int = 7,
        deals: int = 300,
        token: str = "demo-token",
        now: datetime | None = None,
        burst_limit: int | None = None,
        daily_budget: int | None = None,
        latency_ms: float = 0.0,
        state: State | None = None,
    ) -> None:
        self.token = token
        self.clock = ServerClock(now)
        self.state = state if state is not None else generate(seed, deals, self.clock.now())
        self.faults = Faults()
        self.faults.configure(seed=seed, latency_ms=latency_ms)
        self.rate = RateWindow(burst_limit, daily_budget)
        self.counters = Counters()
        self.requests: list[tuple[str, str, dict[str, str], Any]] = []
        self.lock = threading.RLock()
        self._injections: list[Injection] = []

    # -- test helpers ---------------------------------------------------------------------

    def now(self) -> datetime:
        return self.clock.now()

    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)

    def inject(self, method: str, path: str, status: int = 400, error: str = "Refused by the sandbox", times: int = 1) -> None:
        """Answer the next `times` matching requests with this error (state unchanged)."""
        self._injections.append(Injection(method.upper(), path.rstrip("/"), status, error, times))

    def remote_edit(self, entity: str, entity_id: int, changes: dict[str, Any]) -> dict[str, Any]:
        """Another user's edit: applied directly, update_time bumped (no request counted)."""
        with self.lock:
            coll = getattr(self.state, ENTITY_COLLECTION[entity])
            obj = coll[entity_id]
            self.clock.advance(1)
            obj.update(changes)
            now = rfc3339(self.clock.now())
            obj["update_time"] = v1time_now(now) if entity == "note" else now
            return dict(obj)

    def writes(self) -> list[tuple[str, str, dict[str, str], Any]]:
        """Requests received that would change data (for 'nothing was sent' assertions)."""
        return [r for r in self.requests if r[0] in ("POST", "PATCH", "PUT", "DELETE")]

    def transport(self):  # -> httpx.AsyncBaseTransport
        from tui.sandbox.transport import SandboxTransport

        return SandboxTransport(self)

    # -- request handling -------------------------------------------------------------------

    def authorized(self, headers: dict[str, str]) -> bool:
        token = headers.get("x-api-token")
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            token = token or auth[7:].strip()
        return bool(token) and token == self.token

    def handle(self, method: str, path: str, query_string: str, headers: dict[str, str], body: bytes) -> Response:
        """Serve one request. Thread-safe; pure state machine (faults are the transport's job)."""
        method = method.upper()
        headers = {k.lower(): val for k, val in headers.items()}
        query = dict(parse_qsl(query_string, keep_blank_values=True))
        parsed: Any = None
        with self.lock:
            self.counters.requests += 1
            if body:
                try:
                    parsed = json.loads(body)
                except ValueError:
                    parsed = None
            self.requests.append((method, path, query, parsed))
            if "api_token" in query:
                # The token belongs in a header; treat a query token as no token at all.
                query.pop("api_token")
            if not self.authorized(headers):
                return self._finish(Response(401, {"x-401-by-gw": "true"}, error_body(401, "unauthorized access")))
            cost = cost_of(method, path)
            limited, rl_headers = self.rate.check(cost)
            if limited:
                return self._finish(Response(429, rl_headers, error_body(429, "Request over limit")))
            for inj in self._injections:
                if inj.times > 0 and inj.method == method and inj.path == path.rstrip("/"):
                    inj.times -= 1
                    return self._finish(Response(inj.status, rl_headers, error_body(inj.status, inj.error)))
            if body and parsed is None:
                return self._finish(Response(400, rl_headers, error_body(400, "Invalid JSON body")))
            try:
                status, data, extra, tpl, cost = dispatch(self.state, self.clock, method, path, query, parsed)
            except ApiFailure as f:
                return self._finish(Response(f.status, rl_headers, error_body(f.status, f.error, f.error_info)))
            except (KeyError, ValueError, TypeError) as exc:
                return self._finish(Response(400, rl_headers, error_body(400, f"Bad request: {exc}")))
            self.counters.tokens += cost
            self.counters.by_path[tpl] = self.counters.by_path.get(tpl, 0) + 1
            envelope = {"success": True, "data": data, "additional_data": extra}
            rl_headers["x-token-cost"] = str(cost)
            return self._finish(Response(status, rl_headers, json.dumps(envelope, ensure_ascii=False).encode(), tpl))

    def _finish(self, response: Response) -> Response:
        response.headers.setdefault("content-type", "application/json")
        self.counters.statuses[response.status] = self.counters.statuses.get(response.status, 0) + 1
        return response

    def live(self, entity: str) -> list[dict[str, Any]]:
        coll = getattr(self.state, ENTITY_COLLECTION[entity])
        if entity == "note":
            return [n for n in coll.values() if n.get("active_flag")]
        return v2.live(coll)
