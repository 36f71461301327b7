"""The sandbox as an httpx transport (what `--demo` and the tests use), with faults."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import httpx

from tui.sandbox.faults import AFTER

if TYPE_CHECKING:  # core imports this module when asked for a transport (httpx stays out of core)
    from tui.sandbox.core import Sandbox


class SandboxTransport(httpx.AsyncBaseTransport):
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        sb = self.sandbox
        body = await request.aread()
        delay = sb.faults.latency()
        if delay:
            await asyncio.sleep(delay)
        fault = sb.faults.draw()
        if fault == "drop_before":
            raise httpx.ConnectError("sandbox: connection refused (injected)", request=request)
        if fault in ("500", "502", "503"):
            return httpx.Response(
                int(fault),
                content=b'{"success":false,"error":"Service unavailable"}',
                headers={"content-type": "application/json"},
                request=request,
            )
        if fault == "429":
            return httpx.Response(
                429,
                content=b'{"success":false,"error":"Request over limit"}',
                headers={"content-type": "application/json", "retry-after": "1", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "1"},
                request=request,
            )
        response = sb.handle(request.method, request.url.path, request.url.query.decode(), dict(request.headers), body)
        if fault in AFTER:
            if fault == "drop_after":
                raise httpx.RemoteProtocolError("sandbox: connection dropped (injected)", request=request)
            if fault == "timeout":
                raise httpx.ReadTimeout("sandbox: timed out (injected)", request=request)
            return httpx.Response(
                200, content=response.body[: max(1, len(response.body) // 2)], headers={"content-type": "application/json"}, request=request
            )
        return httpx.Response(response.status, content=response.body, headers=response.headers, request=request)
