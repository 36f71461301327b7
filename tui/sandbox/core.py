"""The Sandbox: a stateful, Pipedrive-compatible backend (in-process or on loopback)."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterable
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, quote

from tui.sandbox import flow, forms, leads, present, v2
from tui.sandbox.faults import Faults, Injection
from tui.sandbox.oauth import PATH as OAUTH_PATH
from tui.sandbox.oauth import OAuthServer
from tui.sandbox.generator import generate
from tui.sandbox.limits import GROWTH_BURST, SEARCH_BURST, RateWindow
from tui.sandbox.route_types import RawBody
from tui.sandbox.router import Counters, Options, Response, dispatch, error_body, match
from tui.sandbox.state import ServerClock, State, rfc3339
from tui.sandbox.v1 import v1time_now
from tui.sandbox.validate import ApiFailure

ENTITY_COLLECTION = {
    "deal": "deals",
    "person": "persons",
    "organization": "organizations",
    "activity": "activities",
    "note": "notes",
    "product": "products",
    "lead": "leads",
}
_DEFAULT: Any = object()


class Sandbox:
    """A Pipedrive account in memory.

    growth_burst_limits: Pipedrive's Growth-plan burst limits, 40 requests per 2 s (OAuth
    tokens 4x that) and 10 per 2 s on the search endpoints, with x-ratelimit-* headers and
    429 + Retry-After. Off by default: the app's snapshots show the rate-limit headers.
    burst_limit / search_burst_limit: explicit windows (override the above; 0 or None = off).
    daily_budget: tokens per day (None = unlimited).
    oauth_tokens: access tokens accepted as `Authorization: Bearer` (the personal token is only
    ever accepted in `x-api-token`).
    demo_extras: also generate products on every fourth deal, demo values for every custom
    field type and notes/activities on leads (off by default: the app's detail screens and
    agenda would show them, and its tests edit values of deals that would have products).
    conversion_polls / conversion_seconds: when a lead conversion finishes (see leads.py).
    hms_times: activities' due_time and duration as HH:MM:SS, as the v2 spec answers them
    (off by default: the app's tests read HH:MM from the sandbox's state).
    contact_sync: an account with Contact Sync: persons carry im, postal_address, birthday,
    job_title and notes, and take them in writes (default: on with demo_extras).
    history: 18 months of won and lost deals with their stage moves, and goals (the demo's Insights).
    duplicates: a few likely duplicate persons and organizations to merge (tui/sandbox/gen_dupes.py).
    """

    def __init__(
        self,
        seed: int = 7,
        deals: int = 300,
        token: str = "demo-token",
        now: datetime | None = None,
        burst_limit: int | None = _DEFAULT,
        daily_budget: int | None = None,
        latency_ms: float = 0.0,
        state: State | None = None,
        *,
        growth_burst_limits: bool = False,
        search_burst_limit: int | None = _DEFAULT,
        oauth_tokens: Iterable[str] = (),
        demo_extras: bool = False,
        conversion_polls: int = 2,
        conversion_seconds: float = 3.0,
        hms_times: bool = True,
        locale: str | None = None,
        contact_sync: bool | None = None,
        history: bool = False,
        duplicates: bool = False,
    ) -> None:
        self.token = token
        self.oauth_tokens = set(oauth_tokens)
        self.clock = ServerClock(now)
        self.oauth = OAuthServer(self.clock)
        sync = demo_extras if contact_sync is None else contact_sync
        self.state = (
            state
            if state is not None
            else generate(seed, deals, self.clock.now(), extras=demo_extras, contact_sync=sync, history=history, duplicates=duplicates)
        )
        if locale:  # the demo user's `locale` (users/me): the demo reads numbers as the system does
            for user in self.state.users.values():
                user["locale"] = locale
        self.faults = Faults()
        self.faults.configure(seed=seed, latency_ms=latency_ms)
        if burst_limit is _DEFAULT:
            burst_limit = GROWTH_BURST if growth_burst_limits else None
        if search_burst_limit is _DEFAULT:
            search_burst_limit = SEARCH_BURST if growth_burst_limits else None
        self.rate = RateWindow(burst_limit or None, daily_budget, search_burst_limit or None, clock=self.clock.monotonic)
        self.options = Options(conversion_polls=conversion_polls, conversion_seconds=conversion_seconds, hms_times=hms_times)
        if hms_times:
            from tui.sandbox.activities import hms

            for act in self.state.activities.values():
                act["due_time"], act["duration"] = hms(act.get("due_time")), hms(act.get("duration"))
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
            before = copy.deepcopy(obj)
            obj.update(changes)
            now = rfc3339(self.clock.now())
            obj["update_time"] = v1time_now(now) if entity == "note" else now
            if entity == "deal":
                other = next((u for u in self.state.users if u != self.state.me_id), self.state.me_id)
                flow.record(self.state, before, obj, now, other)
            return dict(obj)

    def writes(self) -> list[tuple[str, str, dict[str, str], Any]]:
        """Requests received that would change data (for 'nothing was sent' assertions)."""
        return [r for r in self.requests if r[0] in ("POST", "PATCH", "PUT", "DELETE")]

    def transport(self):  # -> httpx.AsyncBaseTransport
        from tui.sandbox.transport import SandboxTransport

        return SandboxTransport(self)

    # -- request handling -------------------------------------------------------------------

    def caller(self, headers: dict[str, str]) -> tuple[str, bool] | None:
        """(token, is_oauth) of an accepted caller, or None. A personal API token counts only in
        x-api-token; `Authorization: Bearer` takes OAuth access tokens only."""
        api = headers.get("x-api-token")
        if api:
            return (api, False) if api == self.token else None
        auth = headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            bearer = auth[7:].strip()
            ok = bool(bearer) and (bearer in self.oauth_tokens or self.oauth.valid(bearer))
            return (bearer, True) if ok else None
        return None

    def authorized(self, headers: dict[str, str]) -> bool:
        return self.caller({k.lower(): val for k, val in headers.items()}) is not None

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
                    form = forms.parse(headers.get("content-type", ""), body)
                    parsed = form if form is not None else json.loads(body)
                except ValueError:
                    parsed = None
            self.requests.append((method, path, query, parsed))
            if "api_token" in query:
                # The token belongs in a header; treat a query token as no token at all.
                query.pop("api_token")
            if path == OAUTH_PATH and method == "POST":
                status, payload = self.oauth.handle(headers, body)
                return self._finish(Response(status, {}, payload))
            caller = self.caller(headers)
            if caller is None:
                return self._finish(Response(401, {"x-401-by-gw": "true"}, error_body(401, "unauthorized access")))
            route, _, _ = match(method, path)
            cost = route.cost if route else 0
            limited, rl_headers = self.rate.check(cost, search=bool(route and route.search), who=caller[0], oauth=caller[1])
            if limited:
                return self._finish(Response(429, rl_headers, error_body(429, "Request over limit")))
            for inj in self._injections:
                if inj.times > 0 and inj.method == method and inj.path == path.rstrip("/"):
                    inj.times -= 1
                    return self._finish(Response(inj.status, rl_headers, error_body(inj.status, inj.error)))
            if body and parsed is None:
                return self._finish(Response(400, rl_headers, error_body(400, "Invalid JSON or form body")))
            now = rfc3339(self.clock.now())
            try:
                leads.tick(self.state, now, self.options.conversion_polls, self.options.conversion_seconds)
                status, data, extra, related, tpl, cost = dispatch(self.state, method, path, query, parsed, now, self.options)
            except ApiFailure as f:
                return self._finish(Response(f.status, rl_headers, error_body(f.status, f.error, f.error_info)))
            except (KeyError, ValueError, TypeError) as exc:
                return self._finish(Response(400, rl_headers, error_body(400, f"Bad request: {exc}")))
            self.counters.tokens += cost
            self.counters.by_path[tpl] = self.counters.by_path.get(tpl, 0) + 1  # type: ignore[index,arg-type]
            rl_headers["x-token-cost"] = str(cost)
            if isinstance(data, RawBody):  # a download: the bytes, not the envelope
                rl_headers["content-type"] = data.content_type
                if data.filename is not None:  # an ASCII name, and the real one per RFC 6266/5987
                    plain = data.filename.encode("ascii", "replace").decode().replace('"', "_")
                    rl_headers["content-disposition"] = f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(data.filename)}"
                return self._finish(Response(status, rl_headers, data.content, tpl))
            if self.faults.take_null(method, path):  # applied; answered as if with nothing to show
                data, related = None, None
                if isinstance(extra, dict) and isinstance(extra.get("pagination"), dict):
                    extra = {**extra, "pagination": {**extra["pagination"], "more_items_in_collection": False}}
                    extra["pagination"].pop("next_start", None)
            envelope: dict[str, Any] = {"success": True, "data": data, "additional_data": extra}
            if related is not None:
                envelope["related_objects"] = related
            return self._finish(Response(status, rl_headers, json.dumps(envelope, ensure_ascii=False).encode(), tpl))

    def _finish(self, response: Response) -> Response:
        response.headers.setdefault("content-type", "application/json")
        self.counters.statuses[response.status] = self.counters.statuses.get(response.status, 0) + 1
        return response

    def live(self, entity: str) -> list[dict[str, Any]]:
        """The entity's items that are not deleted, as the API shows them (copies; every custom
        field key present; notes as stored)."""
        coll = getattr(self.state, ENTITY_COLLECTION[entity])
        if entity == "note":
            return [n for n in coll.values() if n.get("active_flag")]
        if entity == "lead":
            return [leads.lead_out(self.state, x) for x in coll.values() if not x.get("_deleted")]
        return present.present(self.state, entity, v2.live(coll), {})
