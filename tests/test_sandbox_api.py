"""The sandbox speaks Pipedrive: shapes, filters, paging, sorting, errors, limits, faults."""

import json
import urllib.request

import httpx
import pytest

from tests.conftest import FROZEN_NOW
from tui.sandbox import Sandbox, generate
from tui.sandbox.server import start

TOKEN = "sandbox-test-token"

DEAL_KEYS = {
    "id",
    "title",
    "creator_user_id",
    "owner_id",
    "value",
    "currency",
    "person_id",
    "org_id",
    "pipeline_id",
    "stage_id",
    "status",
    "probability",
    "add_time",
    "update_time",
    "stage_change_time",
    "close_time",
    "won_time",
    "lost_time",
    "local_won_date",
    "local_lost_date",
    "local_close_date",
    "expected_close_date",
    "lost_reason",
    "is_archived",
    "archive_time",
    "is_deleted",
    "visible_to",
    "label_ids",
    "origin",
    "origin_id",
    "channel",
    "channel_id",
    "acv",
    "arr",
    "mrr",
    "source_lead_id",
    "custom_fields",
}
PERSON_KEYS = {
    "id",
    "name",
    "first_name",
    "last_name",
    "owner_id",
    "org_id",
    "add_time",
    "update_time",
    "emails",
    "phones",
    "is_deleted",
    "visible_to",
    "label_ids",
    "picture_id",
    "custom_fields",
}
ORG_KEYS = {
    "id",
    "name",
    "owner_id",
    "add_time",
    "update_time",
    "address",
    "is_deleted",
    "visible_to",
    "label_ids",
    "website",
    "linkedin",
    "industry",
    "annual_revenue",
    "employee_count",
    "custom_fields",
}
ACTIVITY_KEYS = {
    "id",
    "subject",
    "type",
    "owner_id",
    "creator_user_id",
    "is_deleted",
    "add_time",
    "update_time",
    "deal_id",
    "lead_id",
    "person_id",
    "org_id",
    "project_id",
    "due_date",
    "due_time",
    "duration",
    "busy",
    "done",
    "marked_as_done_time",
    "location",
    "participants",
    "public_description",
    "priority",
    "note",
    "conference_meeting_client",
    "conference_meeting_url",
    "conference_meeting_id",
}
PIPELINE_KEYS = {"id", "name", "order_nr", "is_deleted", "is_deal_probability_enabled", "add_time", "update_time"}
STAGE_KEYS = {
    "id",
    "order_nr",
    "name",
    "is_deleted",
    "deal_probability",
    "pipeline_id",
    "is_deal_rot_enabled",
    "days_to_rotten",
    "add_time",
    "update_time",
}
NOTE_KEYS = {
    "id",
    "content",
    "deal_id",
    "person_id",
    "org_id",
    "lead_id",
    "project_id",
    "user_id",
    "last_update_user_id",
    "active_flag",
    "add_time",
    "update_time",
    "pinned_to_deal_flag",
    "pinned_to_person_flag",
    "pinned_to_organization_flag",
    "pinned_to_lead_flag",
    "pinned_to_project_flag",
    "deal",
    "person",
    "organization",
    "user",
    "project",
    "task",
    "task_id",
    "pinned_to_task_flag",
}


@pytest.fixture
def sb():
    return Sandbox(seed=11, deals=1200, token=TOKEN, now=FROZEN_NOW)


@pytest.fixture
async def http(sb):
    async with httpx.AsyncClient(base_url="http://sandbox.local", transport=sb.transport(), headers={"x-api-token": TOKEN}) as client:
        yield client


def _is_rfc3339(value):
    return value is None or (isinstance(value, str) and len(value) == 20 and value[10] == "T" and value.endswith("Z"))


@pytest.mark.parametrize(
    "path,keys",
    [
        ("/api/v2/deals", DEAL_KEYS),
        ("/api/v2/persons", PERSON_KEYS),
        ("/api/v2/organizations", ORG_KEYS),
        ("/api/v2/activities", ACTIVITY_KEYS),
        ("/api/v2/pipelines", PIPELINE_KEYS),
        ("/api/v2/stages", STAGE_KEYS),
    ],
)
async def test_v2_list_and_get_shapes(http, path, keys):
    env = (await http.get(path, params={"limit": 5})).json()
    assert env["success"] is True and set(env["additional_data"]) == {"next_cursor"}
    item = env["data"][0]
    assert set(item) == keys
    assert isinstance(item["id"], int) and _is_rfc3339(item["add_time"]) and _is_rfc3339(item["update_time"])
    one = (await http.get(f"{path}/{item['id']}")).json()
    assert one["data"] == item


async def test_v2_value_types(http):
    deal = (await http.get("/api/v2/deals", params={"limit": 1})).json()["data"][0]
    assert isinstance(deal["value"], (int, float)) and isinstance(deal["label_ids"], list)
    assert isinstance(deal["custom_fields"], dict) and isinstance(deal["is_deleted"], bool)
    person = (await http.get("/api/v2/persons", params={"limit": 1})).json()["data"][0]
    assert set(person["emails"][0]) == {"value", "primary", "label"} and person["emails"][0]["primary"] is True
    org = (await http.get("/api/v2/organizations", params={"limit": 1})).json()["data"][0]
    assert "value" in org["address"] and "postal_code" in org["address"]


async def test_cursor_paging_with_limit_500(http, sb):
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 500, **({"cursor": cursor} if cursor else {})}
        env = (await http.get("/api/v2/deals", params=params)).json()
        pages += 1
        seen += [d["id"] for d in env["data"]]
        cursor = env["additional_data"]["next_cursor"]
        if cursor is None:
            break
    assert pages == 3 and len(seen) == len(set(seen)) == len(sb.live("deal"))
    assert (await http.get("/api/v2/deals", params={"limit": 501})).status_code == 400


async def test_filters_and_sorting(http, sb):
    env = (await http.get("/api/v2/deals", params={"pipeline_id": 2, "status": "open,won", "limit": 500})).json()
    assert env["data"] and all(d["pipeline_id"] == 2 and d["status"] in ("open", "won") for d in env["data"])
    env = (await http.get("/api/v2/deals", params={"sort_by": "update_time", "sort_direction": "desc", "limit": 50})).json()
    times = [d["update_time"] for d in env["data"]]
    assert times == sorted(times, reverse=True)
    env = (await http.get("/api/v2/deals", params={"ids": "3,5,7"})).json()
    assert [d["id"] for d in env["data"]] == [3, 5, 7]
    since = "2026-11-01T00:00:00Z"
    env = (await http.get("/api/v2/persons", params={"updated_since": since, "limit": 500})).json()
    assert all(p["update_time"] >= since for p in env["data"])
    env = (await http.get("/api/v2/activities", params={"done": "false", "sort_by": "due_date", "limit": 100})).json()
    dues = [a["due_date"] for a in env["data"]]
    assert dues == sorted(dues) and not any(a["done"] for a in env["data"])
    env = (await http.get("/api/v2/stages", params={"pipeline_id": 1, "sort_by": "order_nr"})).json()
    assert [s["order_nr"] for s in env["data"]] == sorted(s["order_nr"] for s in env["data"])


async def test_writes_follow_pipedrive_semantics(http, sb):
    stage = next(s for s in sb.state.stages.values() if s["pipeline_id"] == 2)
    created = (await http.post("/api/v2/deals", json={"title": "Sandbox deal", "value": 99, "currency": "USD"})).json()["data"]
    assert created["status"] == "open" and created["pipeline_id"] == 1 and created["add_time"] == created["update_time"]
    sb.advance(5)
    moved = (await http.patch(f"/api/v2/deals/{created['id']}", json={"stage_id": stage["id"]})).json()["data"]
    assert moved["pipeline_id"] == 2 and moved["stage_change_time"] and moved["update_time"] > created["update_time"]
    lost = (await http.patch(f"/api/v2/deals/{created['id']}", json={"status": "lost", "lost_reason": "Budget"})).json()["data"]
    assert lost["lost_time"] and lost["close_time"] and lost["lost_reason"] == "Budget"
    reopened = (await http.patch(f"/api/v2/deals/{created['id']}", json={"status": "open"})).json()["data"]
    assert reopened["lost_time"] is None and reopened["lost_reason"] is None
    assert (await http.delete(f"/api/v2/deals/{created['id']}")).json() == {
        "success": True,
        "data": {"id": created["id"]},
        "additional_data": None,
    }
    assert (await http.get(f"/api/v2/deals/{created['id']}")).status_code == 404
    deleted = (await http.get("/api/v2/deals", params={"status": "deleted"})).json()["data"]
    assert [d["id"] for d in deleted] == [created["id"]]
    act = (
        await http.post(
            "/api/v2/activities",
            json={
                "subject": "Call",
                "type": "call",
                "due_date": "2026-11-20",
                "due_time": "09:30",
                "participants": [{"person_id": 2, "primary": True}],
            },
        )
    ).json()["data"]
    assert act["person_id"] == 2 and act["due_time"] == "09:30:00"
    done = (await http.patch(f"/api/v2/activities/{act['id']}", json={"done": True})).json()["data"]
    assert done["done"] is True and done["marked_as_done_time"]


@pytest.mark.parametrize(
    "method,path,body,words",
    [
        ("POST", "/api/v2/deals", {"value": 5}, "title"),
        ("POST", "/api/v2/deals", {"title": "x", "value": "5"}, "value"),
        ("POST", "/api/v2/deals", {"title": "x", "stage_id": 99999}, "Stage"),
        ("POST", "/api/v2/deals", {"title": "x", "pipeline_id": 1, "stage_id": 12}, "does not belong"),
        ("POST", "/api/v2/deals", {"title": "x", "person_id": 10**6}, "Person"),
        ("POST", "/api/v2/deals", {"title": "x", "expected_close_date": "18/11/2026"}, "expected_close_date"),
        ("PATCH", "/api/v2/deals/1", {"owner_id": "1"}, "owner_id"),
        ("POST", "/api/v2/persons", {"emails": [{"value": "a@b.c"}]}, "name"),
        ("POST", "/api/v2/activities", {"subject": "x", "type": "teleport"}, "type"),
        ("POST", "/api/v1/notes", {"content": "x"}, "attached"),
    ],
)
async def test_validation_errors_use_the_pipedrive_envelope(http, method, path, body, words):
    response = await http.request(method, path, json=body)
    assert response.status_code == 400
    env = response.json()
    assert env["success"] is False and words in env["error"] and "error_info" in env


async def test_401_404_405(sb):
    async with httpx.AsyncClient(base_url="http://sandbox.local", transport=sb.transport()) as anon:
        r = await anon.get("/api/v2/deals")
        assert r.status_code == 401 and r.json()["error"] == "unauthorized access" and r.headers["x-401-by-gw"] == "true"
        r = await anon.get("/api/v2/deals", params={"api_token": TOKEN})
        assert r.status_code == 401  # the token only counts in a header
        r = await anon.get("/api/v2/deals", headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 401  # a personal token is not an OAuth token
    async with httpx.AsyncClient(base_url="http://sandbox.local", transport=sb.transport(), headers={"x-api-token": TOKEN}) as c:
        assert (await c.get("/api/v2/deals/999999")).status_code == 404
        assert (await c.get("/api/v2/nothing")).status_code == 404
        assert (await c.get("/v2/deals")).status_code == 404
        assert (await c.put("/api/v2/deals/1", json={})).status_code == 405
        assert (await c.get("/v1/users/me")).json()["data"]["company_name"]


async def test_v1_notes_paging_and_related_objects(http, sb):
    env = (await http.get("/api/v1/notes", params={"start": 0, "limit": 100})).json()
    assert env["additional_data"]["pagination"]["more_items_in_collection"] is True
    note = env["data"][0]
    assert set(note) == NOTE_KEYS and len(note["add_time"]) == 19 and note["add_time"][10] == " "
    assert isinstance(note["pinned_to_deal_flag"], bool)
    made = (await http.post("/api/v1/notes", json={"content": "<p>Hi</p>", "deal_id": 1, "pinned_to_deal_flag": 1})).json()["data"]
    assert made["pinned_to_deal_flag"] is True and made["deal"]["title"] == sb.state.deals[1]["title"]
    put = (await http.put(f"/api/v1/notes/{made['id']}", json={"content": "<p>Bye</p>"})).json()["data"]
    assert put["content"] == "<p>Bye</p>"
    assert (await http.delete(f"/api/v1/notes/{made['id']}")).json()["data"] is True
    assert (await http.get(f"/api/v1/notes/{made['id']}")).status_code == 404


async def test_users_types_currencies_fields_and_search(http):
    users = (await http.get("/api/v1/users")).json()["data"]
    assert sum(u["is_you"] for u in users) == 1
    types = {t["key_string"] for t in (await http.get("/api/v1/activityTypes")).json()["data"]}
    assert {"call", "meeting", "task", "deadline", "email", "lunch"} <= types
    currencies = (await http.get("/api/v1/currencies")).json()["data"]
    assert {"code", "name", "decimal_points", "symbol"} <= set(currencies[0])
    fields = (await http.get("/api/v2/dealFields")).json()["data"]
    assert any(f["is_custom_field"] for f in fields) and {"field_code", "field_name", "field_type"} <= set(fields[0])
    hits = (await http.get("/api/v2/itemSearch", params={"term": "Acme", "item_types": "organization,deal"})).json()
    assert hits["data"]["items"] and all(i["item"]["type"] in ("organization", "deal") for i in hits["data"]["items"])
    assert (await http.get("/api/v2/itemSearch", params={"term": "A"})).status_code == 400
    assert (await http.get("/api/v2/itemSearch", params={"term": "Acme", "limit": 101})).status_code == 400
    persons = (await http.get("/api/v2/persons/search", params={"term": "example.com", "limit": 5})).json()["data"]["items"]
    assert persons and persons[0]["item"]["type"] == "person"


async def test_burst_and_daily_budget_429(sb):
    sb.rate.burst_limit = 5
    async with httpx.AsyncClient(base_url="http://sandbox.local", transport=sb.transport(), headers={"x-api-token": TOKEN}) as c:
        codes = [(await c.get("/api/v2/pipelines")).status_code for _ in range(7)]
        assert codes[:5] == [200] * 5 and codes[5:] == [429, 429]
        r = await c.get("/api/v2/pipelines")
        assert r.headers["x-ratelimit-remaining"] == "0" and "retry-after" in r.headers
    budget = Sandbox(seed=1, deals=10, token=TOKEN, now=FROZEN_NOW, daily_budget=25)
    async with httpx.AsyncClient(base_url="http://sandbox.local", transport=budget.transport(), headers={"x-api-token": TOKEN}) as c:
        r1 = await c.get("/api/v2/deals")
        r2 = await c.get("/api/v2/deals")
        r3 = await c.get("/api/v2/deals")
        assert (r1.status_code, r2.status_code, r3.status_code) == (200, 200, 429)
        assert r3.headers["x-daily-ratelimit-token-remaining"] == "5"
        assert r1.headers["x-token-cost"] == "10"


async def test_fault_switches_are_observable_and_seeded(sb):
    sb.faults.configure(rate=0.5, seed=42)
    outcomes = []
    async with httpx.AsyncClient(base_url="http://sandbox.local", transport=sb.transport(), headers={"x-api-token": TOKEN}) as c:
        for _ in range(60):
            try:
                r = await c.get("/api/v2/pipelines")
                try:
                    r.json()
                    outcomes.append(r.status_code)
                except ValueError:
                    outcomes.append("malformed")
            except httpx.TransportError as exc:
                outcomes.append(type(exc).__name__)
    assert sum(sb.faults.injected.values()) == sum(1 for o in outcomes if o != 200)
    assert {"ConnectError", "RemoteProtocolError", "ReadTimeout", "malformed", 500, 429} & set(outcomes)
    sb.faults.configure(rate=0)
    assert sb.counters.requests > 0 and sb.counters.tokens > 0


def test_generator_is_deterministic_and_relative_to_today():
    a, b = generate(5, 200, FROZEN_NOW), generate(5, 200, FROZEN_NOW)
    assert a.deals == b.deals and a.activities == b.activities and a.notes == b.notes
    today = FROZEN_NOW.date().isoformat()
    dues = [x["due_date"] for x in a.activities.values() if not x["done"]]
    assert any(d < today for d in dues) and any(d == today for d in dues) and any(d > today for d in dues)
    names = " ".join(p["name"] for p in a.persons.values())
    assert (
        any(ord(ch) > 0x3000 for ch in names)
        and any(ch in names for ch in "éöüøÅ")
        and any(ord(ch) > 0x1F000 for ch in " ".join(d["title"] for d in a.deals.values()))
    )
    assert any("<ul>" in n["content"] for n in a.notes.values())
    assert generate(6, 200, FROZEN_NOW).deals != a.deals


def test_generator_keeps_its_proportions():
    """Half as many people as deals, two activities a deal (the 100k run, 50k people and 200k
    activities, is timed by benchmarks/generator_bench.py, not here)."""
    state = generate(7, 4_000, FROZEN_NOW)
    assert len(state.deals) == 4_000 and len(state.persons) == 2_000 and len(state.activities) == 8_000
    assert len(state.organizations) == 800


def test_http_server_answers_curl_like_requests():
    sb = Sandbox(seed=2, deals=30, token=TOKEN, now=FROZEN_NOW)
    server, url = start(sb)
    try:
        req = urllib.request.Request(f"{url}/api/v2/deals?limit=500", headers={"x-api-token": TOKEN})
        with urllib.request.urlopen(req) as response:
            env = json.loads(response.read())
            assert response.headers["x-ratelimit-limit"]
        assert env["success"] and len(env["data"]) == 30 and env["additional_data"]["next_cursor"] is None
        req = urllib.request.Request(f"{url}/api/v2/deals", headers={"x-api-token": "wrong"})
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(req)
        assert err.value.code == 401
    finally:
        server.shutdown()


async def test_client_round_trips_every_entity(sb):
    from tui.api import Auth, PipedriveClient
    from tui.models import Activity, Deal, Note, Organization, Person

    client = PipedriveClient("http://sandbox.local", Auth.personal(TOKEN), transport=sb.transport())
    try:
        for resource, model, body, change in (
            ("deals", Deal, {"title": "RT deal"}, {"title": "RT deal 2"}),
            ("persons", Person, {"name": "RT person", "phones": [{"value": "+1 2"}]}, {"name": "RT person 2"}),
            ("organizations", Organization, {"name": "RT org", "address": {"value": "Main St 1"}}, {"name": "RT org 2"}),
            ("activities", Activity, {"subject": "RT act", "type": "call"}, {"subject": "RT act 2"}),
        ):
            made = model.model_validate(await client.create_v2(resource, body))
            got = model.model_validate(await client.get_v2(resource, made.id))
            assert got == made
            updated = model.model_validate(await client.update_v2(resource, made.id, change))
            assert updated.to_api()[next(iter(change))] == next(iter(change.values()))
            await client.delete_v2(resource, made.id)
        note = Note.model_validate(await client.create_note({"content": "<p>rt</p>", "deal_id": 1}))
        assert Note.model_validate(await client.get_note(note.id)).content == "<p>rt</p>"
    finally:
        await client.aclose()
