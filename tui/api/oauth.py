"""OAuth access tokens last about an hour; the refresh token gets new ones.

`OAuthSession` holds the refresh token, the app's client id and secret, and when the access
token expires. The client asks it for a new access token shortly before expiry and once
after a 401; the new tokens (Pipedrive rotates the refresh token too) are handed to
`on_tokens`, which stores them like `pipedrive-tui login` does (0600 secrets file).
Secrets never appear in a URL, a message or a repr.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx


TOKEN_URL = "https://oauth.pipedrive.com/oauth/token"
EARLY = 120.0  # seconds before expiry a token is renewed


class OAuthRefreshFailed(Exception):
    pass


@dataclass
class OAuthSession:
    refresh_token: str = field(repr=False)
    client_id: str
    client_secret: str = field(repr=False)
    expires_at: float | None = None  # epoch seconds
    token_url: str = TOKEN_URL
    on_tokens: Callable[[dict[str, Any]], None] | None = field(default=None, repr=False)
    _lock: asyncio.Lock | None = field(default=None, repr=False)

    def expiring(self, now: float | None = None) -> bool:
        return self.expires_at is not None and (now or time.time()) >= self.expires_at - EARLY

    async def refresh(self, http: httpx.AsyncClient) -> dict[str, Any]:
        """Exchange the refresh token for new tokens (one at a time)."""
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            response = await http.post(
                self.token_url,
                data={"grant_type": "refresh_token", "refresh_token": self.refresh_token},
                auth=(self.client_id, self.client_secret),
            )
            if response.status_code != 200:
                raise OAuthRefreshFailed(f"Pipedrive refused to renew the OAuth access token ({response.status_code}): log in again")
            tokens: dict[str, Any] = response.json()
            self.refresh_token = tokens.get("refresh_token") or self.refresh_token
            if tokens.get("expires_in"):
                self.expires_at = time.time() + float(tokens["expires_in"])
            if self.on_tokens is not None:
                self.on_tokens({**tokens, "expires_at": self.expires_at, "refresh_token": self.refresh_token})
            return tokens
