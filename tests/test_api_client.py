"""Client against hand-written responses shaped like the official spec's examples."""

import json

import httpx
import pytest

from tui.api import Auth, PipedriveClient
from tui.api.errors import (
    AuthError,
    Blocked,
    DailyBudgetExhausted,
    NetworkError,
    NotFound,
    PermissionDenied,
    ServerError,
    ValidationError,
)

TOKEN = "secret-token-123456"


async def _noop(_):
    return None


def make(handler, auth=None, base="https://acme.pipedrive.com", **kw):
    seen = []

    def wrapped(request: httpx.Request):
        seen.append(request)
        return handler(request)

    client = PipedriveClient(base, auth or Auth.personal(TOKEN), transport=httpx.MockTransport(wrapped), sleep=_noop, **kw)
    return client, seen


def ok(data, additional=None, headers=None):
    return httpx.Response(200, json={"success": True, "data": data, "additional_data": additional}, headers=headers)


@pytest.mark.parametrize(
    "auth,base,expect",
    [
        (Auth.personal(TOKEN), "https://acme.pipedrive.com", {"x-api-token": TOKEN}),
        (Auth.oauth(TOKEN), "https://acme-123.pipedrive.com", {"authorization": f"Bearer {TOKEN}"}),
        (
            Auth.maton(TOKEN, connection="conn-1"),
            "https://gateway.maton.ai/pipedrive",
            {"authorization": f"Bearer {TOKEN}", "maton-connection": "conn-1"},
        ),
    ],
)
async def test_auth_modes_send_the_right_headers_and_no_token_in_urls(auth, base, expect):
    client, seen = make(lambda r: ok([]), auth=auth, base=base)
    await client.list_v2("deals", status="open")
    req = seen[0]
    for key, value in expect.items():
        assert req.headers[key] == value
    if auth.mode != "token":
        assert "x-api-token" not in req.headers
    assert TOKEN not in str(req.url)
    assert str(req.url).startswith(base + "/api/v2/deals")


async def test_cursor_pagination_over_three_pages():
    def handler(request):
        cursor = request.url.params.get("cursor")
        assert request.url.params["limit"] == "500"
        nxt = {None: "c1", "c1": "c2", "c2": None}[cursor]
        page = {None: [1, 2], "c1": [3], "c2": [4, 5]}[cursor]
        return ok([{"id": i} for i in page], {"next_cursor": nxt})

    client, seen = make(handler)
    items = await client.list_v2("deals")
    assert [i["id"] for i in items] == [1, 2, 3, 4, 5]
    assert len(seen) == 3


async def test_v1_offset_pagination():
    def handler(request):
        start = int(request.url.params["start"])
        more = start < 1000
        return ok(
            [{"id": start + 1}], {"pagination": {"start": start, "limit": 500, "more_items_in_collection": more, "next_start": start + 500}}
        )

    client, seen = make(handler)
    notes = await client.list_notes(deal_id=5)
    assert [n["id"] for n in notes] == [1, 501, 1001]
    assert all(r.url.path == "/api/v1/notes" for r in seen)


async def test_429_then_success_is_retried_and_budget_is_read():
    calls = []

    def handler(request):
        calls.append(1)
        if len(calls) == 1:
            return httpx.Response(
                429, json={"success": False, "error": "Too many requests"}, headers={"retry-after": "1", "x-ratelimit-remaining": "0"}
            )
        return ok(
            {"id": 1},
            headers={
                "x-ratelimit-limit": "40",
                "x-ratelimit-remaining": "39",
                "x-ratelimit-reset": "2",
                "x-daily-ratelimit-token-limit": "300000",
                "x-daily-ratelimit-token-remaining": "299000",
            },
        )

    client, _ = make(handler)
    assert (await client.get_v2("deals", 1))["id"] == 1
    assert len(calls) == 2
    assert client.budget.daily_remaining == 299000 and client.budget.burst_limit == 40


async def test_daily_budget_429_is_its_own_error_and_not_retried():
    calls = []

    def handler(request):
        calls.append(1)
        return httpx.Response(
            429,
            json={"success": False, "error": "Daily limit"},
            headers={"x-daily-ratelimit-token-remaining": "0", "x-daily-ratelimit-token-limit": "30000"},
        )

    client, _ = make(handler)
    with pytest.raises(DailyBudgetExhausted) as err:
        await client.get_v2("deals", 1)
    assert len(calls) == 1
    assert "midnight" in err.value.message


@pytest.mark.parametrize(
    "status,body,ctype,exc,words",
    [
        (
            401,
            {"success": False, "error": "unauthorized access", "errorCode": 401, "error_info": "Please check developers.pipedrive.com"},
            "application/json",
            AuthError,
            "credentials",
        ),
        (
            403,
            "<html><head><title>Access denied | Cloudflare</title></head><body>blocked</body></html>",
            "text/html",
            Blocked,
            "Access denied",
        ),
        (403, {"success": False, "error": "You do not have permission"}, "application/json", PermissionDenied, "permission"),
        (404, {"success": False, "error": "Deal not found", "data": None}, "application/json", NotFound, "Deal not found"),
        (
            400,
            {"success": False, "error": "Validation failed: title: required", "error_info": "title is missing"},
            "application/json",
            ValidationError,
            "title",
        ),
    ],
)
async def test_errors_are_typed_and_readable_without_the_token(status, body, ctype, exc, words):
    def handler(request):
        content = json.dumps(body) if isinstance(body, dict) else body
        return httpx.Response(status, content=content.replace("TOKEN", TOKEN), headers={"content-type": ctype})

    client, _ = make(handler)
    with pytest.raises(exc) as err:
        await client.get_v2("deals", 1)
    assert words in err.value.message
    assert TOKEN not in err.value.message and TOKEN not in repr(err.value)


async def test_get_is_retried_on_5xx_and_timeouts():
    calls = []

    def handler(request):
        calls.append(1)
        if len(calls) == 1:
            raise httpx.ReadTimeout("slow", request=request)
        if len(calls) == 2:
            return httpx.Response(503, json={"success": False, "error": "maintenance"})
        return ok([{"id": 1}], {"next_cursor": None})

    client, _ = make(handler)
    assert await client.list_v2("deals") == [{"id": 1}]
    assert len(calls) == 3


async def test_post_is_not_resent_after_a_timeout_and_is_marked_uncertain():
    calls = []

    def handler(request):
        calls.append(request.method)
        raise httpx.ReadTimeout("slow", request=request)

    client, _ = make(handler)
    with pytest.raises(NetworkError) as err:
        await client.create_v2("deals", {"title": "x"})
    assert calls == ["POST"]
    assert err.value.uncertain is True


async def test_post_is_retried_when_it_never_left():
    calls = []

    def handler(request):
        calls.append(request.method)
        if len(calls) == 1:
            raise httpx.ConnectError("refused", request=request)
        return ok({"id": 9, "title": "x"})

    client, _ = make(handler)
    assert (await client.create_v2("deals", {"title": "x"}))["id"] == 9
    assert calls == ["POST", "POST"]


async def test_post_5xx_is_not_resent():
    calls = []

    def handler(request):
        calls.append(1)
        return httpx.Response(502, text="bad gateway")

    client, _ = make(handler)
    with pytest.raises(ServerError) as err:
        await client.create_note({"content": "x", "deal_id": 1})
    assert len(calls) == 1 and err.value.uncertain


async def test_request_log_hook_has_cost_and_no_token():
    logs = []
    client, _ = make(lambda r: ok([], {"next_cursor": None}, headers={"x-token-cost": "10"}), on_request=logs.append)
    await client.list_v2("deals")
    assert logs[0].method == "GET" and logs[0].path == "/api/v2/deals" and logs[0].token_cost == 10
    assert client.tokens_spent == 10 and client.requests_made == 1
    assert TOKEN not in repr(logs[0]) and TOKEN not in repr(client.auth)


async def test_an_endless_answer_is_cut_off_not_read_into_memory():
    from tui.api.client import MAX_BODY, ResponseTooLarge

    sent = []

    class Endless(httpx.AsyncByteStream):
        async def __aiter__(self):
            chunk = b"x" * 2**20
            while True:
                sent.append(len(chunk))
                yield chunk

    def handler(request):
        return httpx.Response(200, stream=Endless(), headers={"content-type": "application/json"})

    client, _ = make(handler)
    with pytest.raises(ResponseTooLarge):
        await client.list_v2("deals")
    assert sum(sent) <= MAX_BODY + 2**20
    await client.aclose()


async def test_a_gzip_bomb_is_refused():
    import gzip

    from tui.api.client import ResponseTooLarge

    bomb = gzip.compress(b" " * (70 * 2**20))

    def handler(request):
        return httpx.Response(200, content=bomb, headers={"content-type": "application/json", "content-encoding": "gzip"})

    client, _ = make(handler)
    with pytest.raises(ResponseTooLarge):
        await client.get_v2("deals", 1)
    await client.aclose()


async def test_a_hung_server_is_reported_within_the_client_timeout():
    import asyncio

    from tui.api import Auth, PipedriveClient

    async def handler(request):
        await asyncio.sleep(3600)

    client = PipedriveClient("http://x", Auth.personal(TOKEN), transport=httpx.MockTransport(handler), timeout=0.3)
    with pytest.raises(NetworkError):
        await asyncio.wait_for(client.get_v2("deals", 1), timeout=5)  # the client gives up on its own, well before
    await client.aclose()


async def test_an_error_body_echoing_the_token_is_redacted_everywhere():
    def handler(request):
        return httpx.Response(400, json={"success": False, "error": f"bad token {TOKEN}", "error_info": f"got {TOKEN}"})

    client, _ = make(handler)
    with pytest.raises(ValidationError) as err:
        await client.get_v2("deals", 1)
    exc = err.value
    for text in (exc.message, exc.error, exc.error_info, repr(exc), str(exc.args), str(exc)):
        assert TOKEN not in (text or "")
    await client.aclose()


def test_token_costs_are_the_specs():
    import json
    from pathlib import Path

    from tui.api.client import known_cost
    from tui.api.costs_table import COSTS

    spec = json.loads((Path(__file__).parent / "data" / "openapi_token_costs.json").read_text())
    assert COSTS == spec  # every entry of the app's table is the spec's x-token-cost
    for method, path, cost in [
        ("GET", "/api/v1/users/me", 2),
        ("GET", "/api/v1/users", 20),
        ("GET", "/api/v2/deals", 10),
        ("GET", "/api/v2/deals/42", 1),
        ("PATCH", "/api/v2/deals/42", 5),
        ("POST", "/api/v2/deals", 5),
        ("DELETE", "/api/v2/deals/42", 3),
        ("GET", "/api/v1/recents", 20),
        ("GET", "/api/v1/notes", 20),
        ("PUT", "/api/v1/notes/7", 10),
        ("GET", "/api/v2/pipelines", 5),
        ("GET", "/api/v2/stages", 5),
        ("GET", "/api/v2/itemSearch", 20),
        ("GET", "/api/v1/deals/42/flow", 40),
        ("GET", "/api/v2/deals/archived", 20),
        ("GET", "/v1/currencies", 20),
    ]:
        assert known_cost(method, path) == cost, (method, path)
