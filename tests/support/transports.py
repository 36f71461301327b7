"""httpx transports that wrap the sandbox's to answer some requests like a proxy, a captive
portal or a firewall would (HTML pages instead of Pipedrive's JSON)."""

from __future__ import annotations

from collections.abc import Callable

import httpx

CLOUDFLARE_403 = (
    b"<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head>"
    b"<body><h1>Sorry, you have been blocked [red]x[/]</h1></body></html>"
)
PORTAL_404 = b"<html><head><title>404 Not Found</title></head><body>nginx</body></html>"


class Answering(httpx.AsyncBaseTransport):
    """Answer the next `times` requests matching `when(request)` with a canned response."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.rules: list[list] = []
        self.answered = 0

    def drop_after(self, when: Callable[[httpx.Request], bool], times: int = 1) -> None:
        """The server applies the request, then the connection drops before the answer."""
        self.rules.append([when, None, b"", "", times])

    def answer(
        self,
        when: Callable[[httpx.Request], bool],
        status: int,
        body: bytes,
        content_type: str = "text/html; charset=UTF-8",
        times: int = 1,
    ) -> None:
        self.rules.append([when, status, body, content_type, times])

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        for rule in self.rules:
            when, status, body, content_type, times = rule
            if times > 0 and when(request):
                rule[4] -= 1
                self.answered += 1
                if status is None:
                    await self.inner.handle_async_request(request)
                    raise httpx.RemoteProtocolError("connection dropped after the request (test)", request=request)
                return httpx.Response(status, content=body, headers={"content-type": content_type}, request=request)
        return await self.inner.handle_async_request(request)


def matching(method: str, path_part: str) -> Callable[[httpx.Request], bool]:
    return lambda r: r.method == method and path_part in r.url.path
