"""The sandbox's OAuth token endpoint (Pipedrive's is https://oauth.pipedrive.com/oauth/token):
POST grant_type=refresh_token with the app's client id and secret (HTTP Basic), answering
a new access token, a new refresh token (the old one stops working), expires_in and the
api_domain. Access tokens expire on the sandbox's clock."""

from __future__ import annotations

import base64
import json
import secrets
from typing import Any
from urllib.parse import parse_qsl

PATH = "/oauth/token"


class OAuthServer:
    def __init__(self, clock: Any, api_domain: str = "http://sandbox.local") -> None:
        self.clock = clock
        self.api_domain = api_domain
        self.clients: dict[str, str] = {}  # client id -> secret
        self.refresh_tokens: dict[str, str] = {}  # refresh token -> client id
        self.access: dict[str, float] = {}  # access token -> expiry (clock.monotonic())
        self.refreshes = 0

    def add_client(self, client_id: str, secret: str) -> None:
        self.clients[client_id] = secret

    def grant(self, client_id: str, lifetime: float = 3600.0) -> dict[str, Any]:
        """Tokens as after an authorization (tests start a session with this)."""
        access, refresh = "oa-" + secrets.token_hex(12), "or-" + secrets.token_hex(12)
        self.access[access] = self.clock.monotonic() + lifetime
        self.refresh_tokens[refresh] = client_id
        return {
            "access_token": access,
            "refresh_token": refresh,
            "token_type": "Bearer",
            "expires_in": int(lifetime),
            "scope": "base,deals:full,contacts:full,activities:full",
            "api_domain": self.api_domain,
        }

    def valid(self, token: str) -> bool:
        expiry = self.access.get(token)
        return expiry is not None and self.clock.monotonic() < expiry

    def handle(self, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        form = dict(parse_qsl(body.decode("utf-8", "replace")))
        client_id, secret = form.get("client_id"), form.get("client_secret")
        auth = headers.get("authorization", "")
        if auth.lower().startswith("basic "):
            try:
                client_id, _, secret = base64.b64decode(auth[6:]).decode().partition(":")
            except ValueError:
                return 401, _err("invalid_client", "Bad Basic credentials")
        if not client_id or self.clients.get(client_id) != secret:
            return 401, _err("invalid_client", "Unknown client or wrong secret")
        if form.get("grant_type") != "refresh_token":
            return 400, _err("unsupported_grant_type", "Only refresh_token is served by the sandbox")
        owner = self.refresh_tokens.pop(form.get("refresh_token", ""), None)
        if owner != client_id:
            return 400, _err("invalid_grant", "Invalid refresh token")
        self.refreshes += 1
        return 200, json.dumps(self.grant(client_id)).encode()


def _err(code: str, text: str) -> bytes:
    return json.dumps({"success": False, "error": code, "error_description": text, "message": text}).encode()
