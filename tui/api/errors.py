"""Typed API errors with messages meant for people (never containing the token)."""

from __future__ import annotations

import json
import re
from typing import Any


class ApiError(Exception):
    """Base class. `transient`: worth retrying later. `uncertain`: the request may have
    reached the server and been applied (only meaningful for non-idempotent requests)."""

    transient = False
    kind = "error"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        error: str | None = None,
        error_info: str | None = None,
        retry_after: float | None = None,
        uncertain: bool = False,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.error = error
        self.error_info = error_info
        self.retry_after = retry_after
        self.uncertain = uncertain
        self.method = method
        self.path = path

    def __str__(self) -> str:
        return self.message


class AuthError(ApiError):
    kind = "auth"


class PermissionDenied(ApiError):
    kind = "permission"


class NotFound(ApiError):
    kind = "not_found"


class ValidationError(ApiError):
    kind = "validation"

    @property
    def field(self) -> str | None:
        """The field a 400 names, when its text names one (best effort)."""
        text = f"{self.error or ''} {self.error_info or ''}"
        m = re.search(
            r"\b([a-z_]+(?:_id|_date|_time|title|name|value|currency|probability|status|emails|phones|subject"
            r"|type|due_date|due_time|duration|content))\b",
            text,
        )
        return m.group(1) if m else None


class RateLimited(ApiError):
    kind = "rate_limited"
    transient = True


class DailyBudgetExhausted(ApiError):
    """The company's daily token budget is spent: nothing helps until it resets.
    `retry_after` (seconds) is the server's reset when it says so."""

    kind = "budget"


class Blocked(ApiError):
    """Pipedrive's firewall answered with an HTML page (403, typically Cloudflare after too
    many requests): not a refusal of the edit; wait several minutes before trying again."""

    kind = "blocked"
    transient = True


class NotPipedrive(ApiError):
    """An answer that is not Pipedrive's (an HTML 4xx from a proxy or captive portal, 407,
    408): the request may be fine; retried later, never taken as a refusal."""

    kind = "not_pipedrive"
    transient = True


class ServerError(ApiError):
    kind = "server"
    transient = True


class NetworkError(ApiError):
    kind = "network"
    transient = True


class MalformedResponse(ApiError):
    kind = "malformed"
    transient = True


class CreatedWithoutId(ApiError):
    """Pipedrive answered a create as successful (2xx, `success: true`) without the new
    item's id (`data: null`): the item exists, so sending the create again would make a
    second one. Not transient, not a refusal: the store looks the item up instead."""

    kind = "created_without_id"


def _strip_html(text: str) -> str:
    text = re.sub(r"(?is)<(script|style).*?</\1>", " ", text)
    title = re.search(r"(?is)<title>(.*?)</title>", text)
    if title:
        return " ".join(title.group(1).split())
    return " ".join(re.sub(r"<[^>]+>", " ", text).split())


def _json_object(body: bytes, content_type: str) -> dict[str, Any] | None:
    text = body.decode("utf-8", "replace")
    if "json" in content_type or text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            return None
        return data if isinstance(data, dict) else None
    return None


def is_pipedrive_answer(body: bytes, content_type: str) -> bool:
    """Pipedrive answers errors with its JSON envelope (`success: false`); proxies, captive
    portals and firewalls answer with HTML or other shapes."""
    data = _json_object(body, content_type)
    return data is not None and ("success" in data or "error" in data or "errorCode" in data)


def parse_error_body(body: bytes, content_type: str) -> tuple[str | None, str | None]:
    """(error, error_info) from a Pipedrive error body; defensive about its shape."""
    text = body.decode("utf-8", "replace")
    data = _json_object(body, content_type)
    if isinstance(data, dict):
        error = data.get("error") or data.get("message")
        if isinstance(error, dict):
            error = error.get("message") or json.dumps(error)
        info = data.get("error_info")
        return (str(error) if error else None, str(info) if info else None)
    if "<" in text and ">" in text:
        stripped = _strip_html(text)
        return (stripped[:200] or None, None)
    text = " ".join(text.split())
    return (text[:200] or None, None)


def error_for_status(
    status: int,
    body: bytes,
    content_type: str,
    *,
    method: str,
    path: str,
    retry_after: float | None = None,
    daily_remaining: int | None = None,
) -> ApiError:
    error, info = parse_error_body(body, content_type)
    where = f"{method} {path}"
    detail = f": {error}" if error else ""
    kw: dict[str, Any] = dict(status=status, error=error, error_info=info, method=method, path=path, retry_after=retry_after)
    pipedrive = is_pipedrive_answer(body, content_type)
    if status == 403 and not pipedrive:
        return Blocked(
            "Pipedrive's firewall blocked this computer for now (403 page"
            + (f" “{error[:60]}”" if error else "")
            + "), usually after too many requests; "
            "the app waits a few minutes before trying again",
            **kw,
        )
    if 400 <= status < 500 and status != 429 and (not pipedrive or status in (407, 408)):
        return NotPipedrive(
            f"HTTP {status} from something between you and Pipedrive (a proxy, a captive portal "
            f"or a gateway), not Pipedrive's answer; will try again{detail}",
            **kw,
        )
    if status == 401:
        return AuthError(
            "Pipedrive did not accept the credentials (401): check the API token or log in again"
            + (f" ({error})" if error and error != "unauthorized access" else ""),
            **kw,
        )
    if status == 402:
        return PermissionDenied(f"The Pipedrive company account is not open (402){detail}", **kw)
    if status == 403:
        return PermissionDenied(f"Pipedrive refused {where}: no permission (403){detail}", **kw)
    if status == 404:
        return NotFound(f"Not found on Pipedrive: {where}{detail}", **kw)
    if status == 429:
        if daily_remaining == 0:
            return DailyBudgetExhausted(
                "The company's daily Pipedrive API token budget is spent; it resets at the server's midnight",
                **kw,
            )
        return RateLimited(f"Pipedrive rate limit reached (429){detail}", **kw)
    if status in (400, 405, 410, 415, 422):
        text = error or "invalid request"
        if info and info not in text and "developers.pipedrive.com" not in info:
            text = f"{text} ({info})"
        return ValidationError(text, **kw)
    if status >= 500:
        return ServerError(f"Pipedrive server error {status} on {where}{detail}", **kw)
    return ApiError(f"Unexpected HTTP {status} from Pipedrive on {where}{detail}", **kw)
