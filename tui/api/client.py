"""Async Pipedrive client: v2 first, v1 only where Pipedrive has no v2 (notes, users,
activity types, currencies, recents).

Retry and idempotency policy
- GET, PATCH, PUT and DELETE are idempotent: retried on connect errors, timeouts, dropped
  connections, 5xx, malformed bodies and burst 429s, with capped exponential backoff and
  jitter (429 waits Retry-After / x-ratelimit-reset / ~2 s).
- POST creates something. It is retried only when the request certainly did not reach the
  server (connect error) or the server refused it before processing (429). After a timeout,
  a dropped connection, a 5xx or a malformed response the outcome is unknown: the client
  does NOT resend; it raises with `uncertain=True`. The store then looks on the server for
  the entity it tried to create before sending again (see tui/store/outbox.py), so a lost
  response never produces a duplicate.
- A 429 with `x-daily-ratelimit-token-remaining: 0` is DailyBudgetExhausted: never retried.
- A POST answered 2xx `{"success": true}` whose `data` has no id (`data: null`) created the
  item: CreatedWithoutId, never sent again (the store looks the item up until it shows).

The token only travels in headers (auth.py); every message and log line goes through
`Auth.redact`, and RequestLog carries the path without query string secrets (there are none).
"""

from __future__ import annotations

import asyncio
import json
import json as _json
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tui.api.auth import Auth
from tui.api.budget import Budget
from tui.api.errors import (
    ApiError,
    AuthError,
    Blocked,
    CreatedWithoutId,
    MalformedResponse,
    NetworkError,
    RateLimited,
    error_for_status,
)
from tui.api.costs import operation_cost
from tui.api.oauth import OAuthRefreshFailed, OAuthSession
from tui.api.ratelimit import BURST_WINDOW, SEARCH_BURST, Pacer, Window, budget_from_headers, retry_delay

if TYPE_CHECKING:
    import httpx  # imported on the first request: ~100 ms the launch's first frame never waits for

V2 = "/api/v2"
V1 = "/api/v1"
PAGE = 500
IDEMPOTENT = {"GET", "PUT", "PATCH", "DELETE", "HEAD"}
BLOCKED_PAUSE = 300.0  # seconds without requests after a firewall block (403 HTML)
MAX_BODY = 64 * 2**20  # bytes of one answer at most


class ResponseTooLarge(MalformedResponse):
    transient = False


def _decode(content: bytes, encoding: str) -> bytes:
    """Decompress with the same cap on the result (a small gzip can hold gigabytes)."""
    import zlib

    if encoding == "identity":
        return content
    if encoding in ("gzip", "deflate"):
        inflater = zlib.decompressobj(zlib.MAX_WBITS | (16 if encoding == "gzip" else 0))
        out = inflater.decompress(content, MAX_BODY + 1)
        if len(out) > MAX_BODY:
            raise ResponseTooLarge(f"Pipedrive's answer is larger than {MAX_BODY // 2**20} MiB unpacked; it was not read")
        return out
    raise MalformedResponse(f"Pipedrive sent an answer encoded as {encoding}, which this app does not read")


@dataclass(frozen=True)
class RequestLog:
    method: str
    path: str
    status: int | None
    token_cost: int
    duration_ms: float
    attempt: int = 1


def known_cost(method: str, path: str) -> int:
    """Token cost of a request from the spec's table (tui/api/costs.py); real Pipedrive sends
    no x-token-cost header."""
    return operation_cost(method, path)


class PipedriveClient:
    def __init__(
        self,
        base_url: str,
        auth: Auth,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        on_request: Callable[[RequestLog], None] | None = None,
        max_retries: int = 4,
        timeout: float = 30.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
        oauth: OAuthSession | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.oauth = oauth  # renews an OAuth access token before it expires and after a 401
        self._transport = transport
        self._timeout = timeout
        self.max_retries = max_retries
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._on_request = on_request
        self._http_client: httpx.AsyncClient | None = None  # made on first use (TLS setup costs ~50 ms)
        self._pacer = Pacer(sleep)
        self._search_window = Window(SEARCH_BURST, BURST_WINDOW, sleep)  # /itemSearch, /deals/search, ...
        self.budget = Budget()
        self.requests_made = 0
        self.tokens_spent = 0

    @property
    def _http(self) -> httpx.AsyncClient:
        if self._http_client is None:
            import httpx

            self._http_client = httpx.AsyncClient(
                base_url=self.base_url,
                transport=self._transport,
                timeout=httpx.Timeout(self._timeout),
                headers={
                    "Accept": "application/json",
                    "Accept-Encoding": "gzip, deflate",
                    "User-Agent": "pipedrive-tui",
                    **self.auth.headers(),
                },
                follow_redirects=False,
            )
        return self._http_client

    def set_auth(self, auth: Auth) -> None:
        """Send later requests with other credentials (a new token after a 401)."""
        if self._http_client is not None:
            for name in self.auth.headers():
                self._http_client.headers.pop(name, None)
            self._http_client.headers.update(auth.headers())
        self.auth = auth

    def with_auth(self, auth: Auth) -> "PipedriveClient":
        """A separate client to the same place with other credentials (to check them first)."""
        return PipedriveClient(self.base_url, auth, transport=self._transport, max_retries=1, timeout=self._timeout, sleep=self._sleep)

    # -- core ---------------------------------------------------------------------------

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json_body: Any = None,
        json: Any = None,  # noqa: A002 - alias matching httpx
        files: dict[str, tuple[str, bytes, str]] | None = None,
        data: dict[str, str] | None = None,
        timeout: float | None = None,
    ) -> dict[str, Any]:
        """Send one request (with retries per the policy above); return the JSON envelope.
        `files` and `data` send a multipart/form-data body instead of JSON (POST /v1/files:
        {"file": (name, bytes, content type)} and the links as text); `timeout` replaces the
        client's for this call (an upload of many megabytes)."""
        import httpx

        method = method.upper()
        body = json if json is not None else json_body
        params = {k: _param(v) for k, v in (params or {}).items() if v is not None}
        idempotent = method in IDEMPOTENT
        attempt = 0
        budget = timeout or self._timeout  # seconds of waiting for answers, over all attempts of this call
        form = (files, data) if files is not None or data is not None else None
        renewed = False
        if self.oauth is not None and self.oauth.expiring():
            await self._renew()
            renewed = True
        while True:
            attempt += 1
            if path.endswith(("/search", "/itemSearch")):
                await self._search_window.wait()
            await self._pacer.wait()
            started = time.monotonic()
            try:
                async with asyncio.timeout(max(0.05, budget)):
                    response, content = await self._send(method, path, params, body, form, timeout)
            except (httpx.TransportError, TimeoutError) as exc:
                budget -= time.monotonic() - started
                self._log(method, path, None, 0, started, attempt)
                reached = not isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout))
                err: ApiError = NetworkError(
                    self.auth.redact(_network_message(exc)),
                    method=method,
                    path=path,
                    uncertain=reached and not idempotent,
                )
                if (idempotent or not reached) and attempt <= self.max_retries and budget > 0.5:
                    await self._backoff(attempt)
                    continue
                raise err from None
            except ResponseTooLarge as exc:
                self._log(method, path, None, 0, started, attempt)
                exc.method, exc.path, exc.uncertain = method, path, not idempotent
                raise
            budget -= time.monotonic() - started
            cost = self._account(response, method, path)
            self._log(method, path, response.status_code, cost, started, attempt)
            if response.status_code < 400:
                try:
                    data = _json.loads(content)
                    if not isinstance(data, dict):
                        raise ValueError("not an object")
                except ValueError:
                    err = MalformedResponse(
                        f"Pipedrive sent an unreadable response to {method} {path}",
                        status=response.status_code,
                        method=method,
                        path=path,
                        uncertain=not idempotent,
                    )
                    if idempotent and attempt <= self.max_retries:
                        await self._backoff(attempt)
                        continue
                    raise err from None
                return data
            err = error_for_status(
                response.status_code,
                self.auth.redact_bytes(content),
                response.headers.get("content-type", ""),
                method=method,
                path=path,
                retry_after=retry_delay(response.headers, cap=None) if response.status_code == 429 else None,
                daily_remaining=self.budget.daily_remaining,
            )
            err.message = self.auth.redact(err.message)
            if isinstance(err, AuthError) and self.oauth is not None and not renewed:
                await self._renew()  # an expired access token: renew once, then send again
                renewed = True
                continue
            if isinstance(err, RateLimited):
                delay = min(err.retry_after or 2.0, 60.0)
                self._pacer.block_for(delay)
                if attempt <= self.max_retries:
                    await self._sleep(delay + self._rng.uniform(0, 0.5))
                    continue
                raise err
            if err.transient:  # 5xx, a proxy's page; a firewall block is not retried here
                err.uncertain = not idempotent
                if isinstance(err, Blocked):
                    self._pacer.block_for(BLOCKED_PAUSE)
                    raise err
                if idempotent and attempt <= self.max_retries:
                    await self._backoff(attempt)
                    continue
            raise err

    async def _renew(self) -> None:
        import httpx

        assert self.oauth is not None
        try:
            tokens = await self.oauth.refresh(self._http)
        except httpx.TransportError:
            raise NetworkError("Cannot reach Pipedrive to renew the OAuth session") from None
        except (OAuthRefreshFailed, ValueError):
            raise AuthError("The OAuth session could not be renewed: log in again (press L)", status=401) from None
        self.set_auth(Auth.oauth(tokens["access_token"]))

    async def _send(
        self,
        method: str,
        path: str,
        params: dict[str, Any],
        body: Any,
        form: tuple[Any, Any] | None = None,
        timeout: float | None = None,
    ) -> tuple[httpx.Response, bytes]:
        """One exchange, the body read in chunks and cut off at MAX_BODY (a page of 500 deals
        is about 1 MB): an endless or huge answer cannot fill the memory."""
        import httpx

        too_large = ResponseTooLarge(f"Pipedrive's answer to {method} {path} is larger than {MAX_BODY // 2**20} MiB; it was not read")
        extra: dict[str, Any] = {"files": form[0], "data": form[1]} if form is not None else {"json": body}
        if timeout is not None:
            extra["timeout"] = httpx.Timeout(timeout)
        async with self._http.stream(method, path, params=params or None, **extra) as response:
            if response.is_stream_consumed:  # an in-process transport (the sandbox) answered from memory
                if len(response.content) > MAX_BODY:
                    raise too_large
                return response, response.content
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_raw():
                size += len(chunk)
                if size > MAX_BODY:
                    raise too_large
                chunks.append(chunk)
        content = b"".join(chunks)
        encoding = response.headers.get("content-encoding", "")
        if encoding:
            content = _decode(content, encoding)
        return response, content

    async def download(
        self, path: str, write: Callable[[bytes], Awaitable[None]], progress: Callable[[int, int | None], None] | None = None
    ) -> int:
        """GET a file's bytes (v1 /files/{id}/download, 20 tokens), handed to `write` chunk by
        chunk as they arrive (never held whole). Retried like any GET until the first byte is
        written; an error answer raises as `request` would. Returns the bytes written."""
        import httpx

        attempt = 0
        while True:
            attempt += 1
            await self._pacer.wait()
            started = time.monotonic()
            written = 0
            try:
                async with self._http.stream("GET", path, headers={"Accept": "*/*"}) as response:
                    cost = self._account(response, "GET", path)
                    if response.status_code >= 400:
                        content = await response.aread()
                        self._log("GET", path, response.status_code, cost, started, attempt)
                        err = error_for_status(
                            response.status_code,
                            self.auth.redact_bytes(content[:65536]),
                            response.headers.get("content-type", ""),
                            method="GET",
                            path=path,
                            retry_after=retry_delay(response.headers, cap=None) if response.status_code == 429 else None,
                            daily_remaining=self.budget.daily_remaining,
                        )
                        err.message = self.auth.redact(err.message)
                        if err.transient and not isinstance(err, Blocked) and attempt <= self.max_retries:
                            await self._backoff(attempt)
                            continue
                        raise err
                    total = int(response.headers.get("content-length") or 0) or None
                    async for chunk in response.aiter_bytes():
                        await write(chunk)
                        written += len(chunk)
                        if progress is not None:
                            progress(written, total)
                    self._log("GET", path, response.status_code, cost, started, attempt)
                    return written
            except (httpx.TransportError, TimeoutError) as exc:
                self._log("GET", path, None, 0, started, attempt)
                if written == 0 and attempt <= self.max_retries:
                    await self._backoff(attempt)
                    continue
                raise NetworkError(self.auth.redact(_network_message(exc)), method="GET", path=path) from None

    def _account(self, response: httpx.Response, method: str, path: str) -> int:
        self.requests_made += 1
        self.budget = budget_from_headers(response.headers, self.budget)
        self._pacer.update(self.budget)
        header = response.headers.get("x-token-cost")
        try:
            cost = int(header) if header is not None else known_cost(method, path)
        except ValueError:
            cost = known_cost(method, path)
        self.tokens_spent += cost
        return cost

    def _log(self, method: str, path: str, status: int | None, cost: int, started: float, attempt: int) -> None:
        if self._on_request is not None:
            self._on_request(RequestLog(method, path, status, cost, (time.monotonic() - started) * 1000, attempt))

    async def _backoff(self, attempt: int) -> None:
        delay = min(8.0, 0.25 * (2 ** (attempt - 1)))
        await self._sleep(delay * (0.5 + self._rng.random()))

    async def aclose(self) -> None:
        if self._http_client is not None:
            await self._http_client.aclose()

    async def __aenter__(self) -> "PipedriveClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # -- pagination -----------------------------------------------------------------------

    async def page(self, path: str, params: dict[str, Any] | None = None, cursor: str | None = None) -> tuple[dict[str, Any], str | None]:
        """One page of a list: (its envelope, the cursor of the next page, None after the last).
        The one pager of the client and the sync (which keeps the cursor to resume a first sync):
        v2 lists follow additional_data.next_cursor (limit 500); v1 lists go by start offsets
        until more_items_in_collection is false (the cursor is the next start)."""
        query = dict(params or {})
        query.setdefault("limit", PAGE)
        if path.startswith(V1):
            start = int(cursor) if cursor else int(query.get("start") or 0)
            query["start"] = start
            env = await self.request("GET", path, params=query)
            pagination = (env.get("additional_data") or {}).get("pagination") or {}
            if not pagination.get("more_items_in_collection"):
                return env, None
            data = env.get("data")
            return env, str(pagination.get("next_start", start + (len(data) if isinstance(data, list) else 0)))
        if cursor:
            query["cursor"] = cursor
        env = await self.request("GET", path, params=query)
        return env, (env.get("additional_data") or {}).get("next_cursor") or None

    async def pages_v2(self, path: str, params: dict[str, Any] | None = None) -> AsyncIterator[list[dict[str, Any]]]:
        """Every page of a v2 list (cursor pagination, limit 500)."""
        async for items in self._pages(path, params):
            yield items

    async def pages_v1(self, path: str, params: dict[str, Any] | None = None) -> AsyncIterator[list[dict[str, Any]]]:
        """Every page of a v1 list (start/limit offsets)."""
        async for items in self._pages(path, params):
            yield items

    async def _pages(self, path: str, params: dict[str, Any] | None) -> AsyncIterator[list[dict[str, Any]]]:
        cursor: str | None = None
        while True:
            env, cursor = await self.page(path, params, cursor)
            yield _items(env, "GET", path)
            if cursor is None:
                return

    # -- any collection (the store's registry says which path and update method) ---------------

    async def get_item(self, path: str, item_id: int) -> dict[str, Any]:
        return _item(await self.request("GET", f"{path}/{item_id}"), "GET", f"{path}/{item_id}")

    async def create_item(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        return _item(await self.request("POST", path, json=body), "POST", path)

    async def update_item(self, path: str, item_id: int, body: dict[str, Any], method: str = "PATCH") -> dict[str, Any]:
        return _item(await self.request(method, f"{path}/{item_id}", json=body), method, f"{path}/{item_id}")

    async def delete_item(self, path: str, item_id: int) -> None:
        await self.request("DELETE", f"{path}/{item_id}")

    # -- v2 resources ---------------------------------------------------------------------

    async def list_v2(self, resource: str, **params: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        async for page in self.pages_v2(f"{V2}/{resource}", params):
            items.extend(page)
        return items

    async def get_v2(self, resource: str, item_id: int, **params: Any) -> dict[str, Any]:
        path = f"{V2}/{resource}/{item_id}"
        return _item(await self.request("GET", path, params=params), "GET", path)

    async def create_v2(self, resource: str, body: dict[str, Any]) -> dict[str, Any]:
        path = f"{V2}/{resource}"
        return _item(await self.request("POST", path, json=body), "POST", path)

    async def update_v2(self, resource: str, item_id: int, body: dict[str, Any]) -> dict[str, Any]:
        path = f"{V2}/{resource}/{item_id}"
        return _item(await self.request("PATCH", path, json=body), "PATCH", path)

    async def delete_v2(self, resource: str, item_id: int) -> None:
        await self.request("DELETE", f"{V2}/{resource}/{item_id}")

    async def search_v2(self, term: str, item_types: str = "deal,person,organization", limit: int = 20) -> list[dict[str, Any]]:
        env = await self.request("GET", f"{V2}/itemSearch", params={"term": term, "item_types": item_types, "limit": min(limit, 100)})
        return [i.get("item", i) for i in ((env.get("data") or {}).get("items") or [])]

    # -- v1 resources (no v2 equivalent) ---------------------------------------------------

    async def me(self) -> dict[str, Any]:
        return _item(await self.request("GET", f"{V1}/users/me"), "GET", f"{V1}/users/me")

    async def list_v1(self, resource: str, **params: Any) -> list[dict[str, Any]]:
        """users, activityTypes, currencies: no pagination parameters."""
        return _items(await self.request("GET", f"{V1}/{resource}", params=params), "GET", f"{V1}/{resource}")

    async def list_notes(self, **params: Any) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        async for page in self.pages_v1(f"{V1}/notes", params):
            items.extend(page)
        return items

    async def get_note(self, note_id: int) -> dict[str, Any]:
        return _item(await self.request("GET", f"{V1}/notes/{note_id}"), "GET", f"{V1}/notes/{note_id}")

    async def create_note(self, body: dict[str, Any]) -> dict[str, Any]:
        return _item(await self.request("POST", f"{V1}/notes", json=body), "POST", f"{V1}/notes")

    async def update_note(self, note_id: int, body: dict[str, Any]) -> dict[str, Any]:
        return _item(await self.request("PUT", f"{V1}/notes/{note_id}", json=body), "PUT", f"{V1}/notes/{note_id}")

    async def delete_note(self, note_id: int) -> None:
        await self.request("DELETE", f"{V1}/notes/{note_id}")


def _item(env: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    """The `data` object of an item response; anything else is a malformed answer."""
    data = env.get("data")
    if not isinstance(data, dict) or ("id" not in data and not path.endswith("/me")):
        if method == "POST" and env.get("success") is True:
            raise CreatedWithoutId(f"Pipedrive created the item ({method} {path}) but did not say its id", method=method, path=path)
        raise MalformedResponse(
            f"Pipedrive sent an item of an unexpected shape for {method} {path}",
            method=method,
            path=path,
            uncertain=method not in IDEMPOTENT,
        )
    return data


def _items(env: dict[str, Any], method: str, path: str) -> list[dict[str, Any]]:
    """The `data` list of a list response (null = empty); items must be objects."""
    data = env.get("data")
    if data is None:
        return []
    if isinstance(data, dict) and "id" in data:
        data = [data]  # v1 answers a single item for some filters
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise MalformedResponse(f"Pipedrive sent a list of an unexpected shape for {method} {path}", method=method, path=path)
    return data


def _param(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple, set)):
        return ",".join(str(v) for v in value)
    return value


def _network_message(exc: httpx.TransportError | TimeoutError) -> str:
    import httpx

    if isinstance(exc, httpx.TimeoutException):
        return "Pipedrive did not answer in time (timeout)"
    if isinstance(exc, httpx.ConnectError):
        return "Cannot reach Pipedrive (offline or DNS/connection failure)"
    return "The connection to Pipedrive broke off"


__all__ = ["PipedriveClient", "RequestLog", "known_cost", "ApiError", "json"]
