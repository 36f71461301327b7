"""Authentication modes and the headers each sends.

- token (personal API token): `x-api-token: <token>` (never a query parameter: URLs end up in logs)
- oauth: `Authorization: Bearer <access token>`; requests go to the token's api_domain
- maton: `Authorization: Bearer <MATON_API_KEY>` to https://gateway.maton.ai/pipedrive,
  optional `Maton-Connection: <id>`; the gateway injects the Pipedrive OAuth token.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MATON_BASE_URL = "https://gateway.maton.ai/pipedrive"
DEFAULT_BASE_URL = "https://api.pipedrive.com"


@dataclass(frozen=True)
class Auth:
    mode: str  # "token" | "oauth" | "maton"
    secret: str = field(repr=False)
    connection: str | None = None

    @classmethod
    def personal(cls, token: str) -> "Auth":
        return cls("token", token.strip())

    @classmethod
    def oauth(cls, access_token: str) -> "Auth":
        return cls("oauth", access_token.strip())

    @classmethod
    def maton(cls, key: str, connection: str | None = None) -> "Auth":
        return cls("maton", key.strip(), connection or None)

    def headers(self) -> dict[str, str]:
        if self.mode == "token":
            return {"x-api-token": self.secret}
        headers = {"Authorization": f"Bearer {self.secret}"}
        if self.mode == "maton" and self.connection:
            headers["Maton-Connection"] = self.connection
        return headers

    def redact(self, text: str) -> str:
        """Remove the secret from any text that might be shown or logged."""
        if self.secret and self.secret in text:
            text = text.replace(self.secret, "***")
        return text

    def redact_bytes(self, data: bytes) -> bytes:
        """The same for a response body, before anything is parsed out of it."""
        secret = self.secret.encode()
        return data.replace(secret, b"***") if secret and secret in data else data

    def __repr__(self) -> str:  # never print the secret
        return f"Auth(mode={self.mode!r})"


def base_url_for(company_domain: str | None = None, base_url: str | None = None) -> str:
    """`https://<company>.pipedrive.com` (faster routing), an explicit URL, or the generic host."""
    if base_url:
        return base_url.rstrip("/")
    if company_domain:
        domain = company_domain.strip().lower()
        if domain.startswith("http"):
            return domain.rstrip("/")
        domain = domain.removesuffix(".pipedrive.com")
        return f"https://{domain}.pipedrive.com"
    return DEFAULT_BASE_URL
