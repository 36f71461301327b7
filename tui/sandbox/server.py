"""The sandbox on a loopback port: `pipedrive-tui sandbox [--port N] ...`.

The stdlib ThreadingHTTPServer is enough here: the sandbox is a test/demo backend on
loopback, its handler is synchronous and guarded by one lock, and it adds no dependency.
Faults: 5xx/429 answer without applying; drop_before closes the connection unanswered;
drop_after/timeout apply the request then close (timeout after a pause); malformed sends
half a body.
"""

from __future__ import annotations

import argparse
import secrets
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tui.sandbox.core import Sandbox


def make_handler(sb: Sandbox) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "pipedrive-sandbox"

        def log_message(self, fmt: str, *args: Any) -> None:  # quiet; never log headers
            pass

        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            path, _, query = self.path.partition("?")
            delay = sb.faults.latency()
            if delay:
                time.sleep(delay)
            fault = sb.faults.draw()
            if fault == "drop_before":
                self.close_connection = True
                return
            if fault in ("500", "502", "503", "429"):
                self._send(int(fault), b'{"success":false,"error":"Injected failure"}', {"retry-after": "1"})
                return
            response = sb.handle(self.command, path, query, dict(self.headers.items()), body)
            if fault in ("drop_after", "timeout"):
                if fault == "timeout":
                    time.sleep(1.0)
                self.close_connection = True
                return
            payload = response.body if fault != "malformed" else response.body[: max(1, len(response.body) // 2)]
            try:
                self._send(response.status, payload, response.headers)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client went away (killed); the state stands

        def _send(self, status: int, payload: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for key, value in headers.items():
                if key.lower() not in ("content-length", "content-type"):
                    self.send_header(key, value)
            kind = next((v for k, v in headers.items() if k.lower() == "content-type"), "application/json")
            self.send_header("content-type", kind + ("; charset=utf-8" if kind == "application/json" else ""))
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

    return Handler


def start(sb: Sandbox, host: str = "127.0.0.1", port: int = 0) -> tuple[ThreadingHTTPServer, str]:
    """Start serving in a daemon thread; returns (server, base_url)."""
    server = ThreadingHTTPServer((host, port), make_handler(sb))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, f"http://{host}:{server.server_address[1]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="pipedrive-tui sandbox", description="Run the local Pipedrive-compatible sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--deals", type=int, default=300)
    parser.add_argument("--token", default=None, help="API token to accept (default: a random one, printed)")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--burst-limit", type=int, default=40, help="requests per 2 s (default 40, Growth plan; 0 = off)")
    parser.add_argument("--oauth-token", action="append", default=[], help="an OAuth access token to accept as Bearer")
    parser.add_argument("--daily-budget", type=int, default=300_000, help="daily token budget (default: a 5-seat Growth plan)")
    args = parser.parse_args(argv)
    token = args.token or secrets.token_hex(16)
    started = time.monotonic()
    sb = Sandbox(
        seed=args.seed,
        deals=args.deals,
        token=token,
        burst_limit=args.burst_limit or None,
        search_burst_limit=10 if args.burst_limit else None,
        daily_budget=args.daily_budget,
        latency_ms=args.latency_ms,
        oauth_tokens=args.oauth_token,
    )
    sb.faults.configure(rate=args.fault_rate)
    try:
        server = ThreadingHTTPServer((args.host, args.port), make_handler(sb))
    except OSError as exc:
        print(f"cannot listen on {args.host}:{args.port}: {exc.strerror}", file=sys.stderr)
        return 2
    url = f"http://{args.host}:{server.server_address[1]}"
    print(f"Pipedrive sandbox with {len(sb.state.deals)} deals (generated in {time.monotonic() - started:.1f}s)")
    print(f"base URL: {url}")
    print(f"token:    {token}")
    print(f"try:      curl -H 'x-api-token: {token}' '{url}/api/v2/deals?limit=500'")
    print(f"app:      PIPEDRIVE_API_TOKEN={token} pipedrive-tui --base-url {url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
