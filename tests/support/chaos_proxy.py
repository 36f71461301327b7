"""An HTTP-level chaos proxy on loopback, between the real client (httpx over TCP) and the
loopback sandbox server. Unlike the sandbox's own fault switches it misbehaves the way
networks and middleboxes do:

    drop_before  close the connection without forwarding the request
    drop_after   forward it, read the answer, close without sending it (applied, answer lost)
    html_502     answer an HTML 502 page (a proxy's), nothing forwarded
    html_403     answer Cloudflare's HTML 403 page, nothing forwarded
    429          answer 429 with Retry-After: 1, nothing forwarded
    slow         forward after a pause (SLOW seconds)
    truncated    forward, then send the head and half of the body and close

`counts` holds how many of each were injected and how many requests passed through.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter

KINDS = ("drop_before", "drop_after", "html_502", "html_403", "429", "slow", "truncated")
SLOW = 0.3
HTML_502 = b"<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>"
HTML_403 = b"<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head><body>blocked</body></html>"


async def _read_message(reader: asyncio.StreamReader) -> tuple[bytes, bytes] | None:
    """(head, body) of one HTTP/1.1 message with a content-length (or none)."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip() or 0)
    body = await reader.readexactly(length) if length else b""
    return head, body


def _answer(status: str, body: bytes, extra: str = "") -> bytes:
    return (
        f"HTTP/1.1 {status}\r\ncontent-type: text/html\r\ncontent-length: {len(body)}\r\n{extra}connection: close\r\n\r\n"
    ).encode() + body


class ChaosProxy:
    def __init__(self, upstream_port: int, rate: float = 0.3, kinds: tuple[str, ...] = KINDS, seed: int = 1) -> None:
        self.upstream_port = upstream_port
        self.rate = rate
        self.kinds = kinds
        self.rng = random.Random(seed)
        self.counts: Counter[str] = Counter()
        self.server: asyncio.AbstractServer | None = None
        self.port = 0

    async def start(self) -> str:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self.server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{self.port}"

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()

    def _draw(self) -> str | None:
        if self.rate <= 0 or self.rng.random() >= self.rate:
            return None
        return self.rng.choice(self.kinds)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader = up_writer = None
        try:
            while True:
                message = await _read_message(reader)
                if message is None:
                    return
                head, body = message
                self.counts["requests"] += 1
                fault = self._draw()
                if fault:
                    self.counts[fault] += 1
                if fault == "drop_before":
                    return
                if fault in ("html_502", "html_403", "429"):
                    status, page, extra = {
                        "html_502": ("502 Bad Gateway", HTML_502, ""),
                        "html_403": ("403 Forbidden", HTML_403, ""),
                        "429": ("429 Too Many Requests", b"<html>slow down</html>", "retry-after: 1\r\n"),
                    }[fault]
                    writer.write(_answer(status, page, extra))
                    await writer.drain()
                    return
                if fault == "slow":
                    await asyncio.sleep(SLOW)
                if up_writer is None:
                    up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.upstream_port)
                up_writer.write(head + body)
                await up_writer.drain()
                answer = await _read_message(up_reader)
                if answer is None:
                    return
                a_head, a_body = answer
                if fault == "drop_after":
                    return
                if fault == "truncated":
                    writer.write(a_head + a_body[: len(a_body) // 2])
                    await writer.drain()
                    return
                writer.write(a_head + a_body)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            return  # a cancelled handler (the proxy stopping) ends quietly
        finally:
            for w in (writer, up_writer):
                if w is not None:
                    w.close()
