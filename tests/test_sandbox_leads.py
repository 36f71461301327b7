"""Leads, lead labels and sources, lead search, lead notes/activities and the asynchronous
lead -> deal conversion."""

import json
import re
from urllib.parse import urlencode

import pytest

from tests.conftest import FROZEN_NOW
from tui.sandbox import Sandbox

TOKEN = "leads-test-token"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
LEAD_KEYS = {
    "id",
    "title",
    "owner_id",
    "creator_id",
    "label_ids",
    "person_id",
    "organization_id",
    "source_name",
    "origin",
    "origin_id",
    "channel",
    "channel_id",
    "source_deal_id",
    "is_archived",
    "was_seen",
    "value",
    "expected_close_date",
    "next_activity_id",
    "add_time",
    "update_time",
    "visible_to",
    "cc_email",
}


@pytest.fixture
def sb():
    return Sandbox(seed=4, deals=150, token=TOKEN, now=FROZEN_NOW)


def call(sb, method, path, params=None, body=None):
    raw = json.dumps(body).encode() if body is not None else b""
    r = sb.handle(method, path, urlencode(params or {}), {"x-api-token": TOKEN}, raw)
    return r.status, json.loads(r.body), r.headers


def ok(sb, method, path, params=None, body=None, status=200):
    got, env, _ = call(sb, method, path, params, body)
    assert got == status, env
    return env


def test_lead_list_shape_and_paging(sb):
    env = ok(sb, "GET", "/api/v1/leads", {"limit": 5})
    assert set(env["additional_data"]) == {"start", "limit", "more_items_in_collection"}
    lead = env["data"][0]
    assert set(lead) == LEAD_KEYS and UUID.match(lead["id"])
    assert isinstance(lead["visible_to"], str) and lead["add_time"].endswith(".000Z")
    assert lead["value"] is None or set(lead["value"]) == {"amount", "currency"}
    assert all(UUID.match(x) for x in lead["label_ids"])
    everything = ok(sb, "GET", "/api/v1/leads", {"limit": 500})["data"]
    assert not any(x["is_archived"] for x in everything)
    archived = ok(sb, "GET", "/api/v1/leads/archived", {"limit": 500})["data"]
    assert archived and all(x["is_archived"] for x in archived)
    assert len(ok(sb, "GET", "/api/v1/leads", {"archived_status": "all", "limit": 500})["data"]) == len(everything) + len(archived)
    by_title = ok(sb, "GET", "/api/v1/leads", {"sort": "title DESC", "limit": 500})["data"]
    assert [x["title"] for x in by_title] == sorted((x["title"] for x in everything), reverse=True)
    person = next(x["person_id"] for x in everything if x["person_id"])
    assert all(x["person_id"] == person for x in ok(sb, "GET", "/api/v1/leads", {"person_id": person})["data"])
    assert call(sb, "GET", "/api/v1/leads", {"sort": "value ASC"})[0] == 400


def test_lead_create_update_archive_delete(sb):
    label = next(iter(sb.state.lead_labels))
    env = ok(
        sb,
        "POST",
        "/api/v1/leads",
        body={
            "title": "New lead",
            "person_id": 3,
            "label_ids": [label],
            "value": {"amount": 5000, "currency": "USD"},
            "expected_close_date": "2026-12-31",
            "visible_to": "1",
        },
        status=201,
    )
    lead = env["data"]
    assert set(lead) == LEAD_KEYS and lead["source_name"] == "API" and lead["origin"] == "API"
    assert lead["value"] == {"amount": 5000, "currency": "USD"} and lead["label_ids"] == [label]
    sb.advance(10)
    patched = ok(sb, "PATCH", f"/api/v1/leads/{lead['id']}", body={"title": "Renamed lead", "was_seen": True})["data"]
    assert patched["title"] == "Renamed lead" and patched["was_seen"] is True and patched["update_time"] > lead["update_time"]
    ok(sb, "PATCH", f"/api/v1/leads/{lead['id']}", body={"is_archived": True})
    assert lead["id"] not in [x["id"] for x in ok(sb, "GET", "/api/v1/leads", {"limit": 500})["data"]]
    assert lead["id"] in [x["id"] for x in ok(sb, "GET", "/api/v1/leads/archived", {"limit": 500})["data"]]
    assert ok(sb, "DELETE", f"/api/v1/leads/{lead['id']}")["data"] == {"id": lead["id"]}
    assert call(sb, "GET", f"/api/v1/leads/{lead['id']}")[0] == 404


@pytest.mark.parametrize(
    "body,words",
    [
        ({"person_id": 1}, "title"),
        ({"title": "No links"}, "person or an organization"),
        ({"title": "x", "person_id": 1, "value": 500}, "value"),
        ({"title": "x", "person_id": 1, "value": {"amount": 5}}, "value"),
        ({"title": "x", "person_id": 1, "label_ids": ["nope"]}, "label"),
        ({"title": "x", "person_id": 1, "visible_to": 3}, "visible_to"),
        ({"title": "x", "person_id": 10**6}, "Person"),
        ({"title": "x", "person_id": 1, "is_archived": True}, "is_archived"),
    ],
)
def test_lead_validation(sb, body, words):
    status, env, _ = call(sb, "POST", "/api/v1/leads", body=body)
    assert status == 400 and words in env["error"]


def test_lead_labels_and_sources(sb):
    labels = ok(sb, "GET", "/api/v1/leadLabels")["data"]
    assert {x["name"] for x in labels} >= {"Hot", "Warm", "Cold"} and set(labels[0]) == {"id", "name", "color", "add_time", "update_time"}
    made = ok(sb, "POST", "/api/v1/leadLabels", body={"name": "Partner", "color": "purple"})["data"]
    assert UUID.match(made["id"])
    assert ok(sb, "PATCH", f"/api/v1/leadLabels/{made['id']}", body={"color": "green"})["data"]["color"] == "green"
    assert call(sb, "POST", "/api/v1/leadLabels", body={"name": "Bad", "color": "teal"})[0] == 400
    assert ok(sb, "DELETE", f"/api/v1/leadLabels/{made['id']}")["data"] == {"id": made["id"]}
    sources = ok(sb, "GET", "/api/v1/leadSources")["data"]
    assert {"name": "API"} in sources and {"name": "Manually created"} in sources
    _, _, headers = call(sb, "GET", "/api/v1/leadSources")
    assert headers["x-token-cost"] == "2"


def test_lead_search(sb):
    lead = next(x for x in sb.state.leads.values() if not x["is_archived"] and x["person_id"])
    word = lead["title"].split(" – ")[1]
    items = ok(sb, "GET", "/api/v2/leads/search", {"term": word, "limit": 500})["data"]["items"]
    hit = next(i["item"] for i in items if i["item"]["id"] == lead["id"])
    assert hit["type"] == "lead" and hit["person"]["id"] == lead["person_id"] and isinstance(hit["visible_to"], int)
    assert set(hit) >= {
        "id",
        "type",
        "title",
        "owner",
        "person",
        "organization",
        "phones",
        "emails",
        "custom_fields",
        "notes",
        "value",
        "currency",
        "visible_to",
        "is_archived",
    }
    only = ok(sb, "GET", "/api/v2/leads/search", {"term": word, "person_id": lead["person_id"]})["data"]["items"]
    assert only and all(i["item"]["person"]["id"] == lead["person_id"] for i in only)
    seen = ok(sb, "GET", "/api/v2/leads/search", {"term": word, "include_fields": "lead.was_seen"})["data"]["items"]
    assert "was_seen" in seen[0]["item"]


def test_lead_notes_and_activities(sb):
    lead = next(iter(sb.state.leads))
    note = ok(sb, "POST", "/api/v1/notes", body={"content": "<p>lead note</p>", "lead_id": lead})["data"]
    act = ok(sb, "POST", "/api/v2/activities", body={"subject": "Qualify", "lead_id": lead, "due_date": "2026-11-25"})["data"]
    assert act["lead_id"] == lead
    assert [a["id"] for a in ok(sb, "GET", "/api/v2/activities", {"lead_id": lead})["data"]] == [act["id"]]
    assert [n["id"] for n in ok(sb, "GET", "/api/v1/notes", {"lead_id": lead})["data"]] == [note["id"]]
    assert ok(sb, "GET", f"/api/v1/leads/{lead}")["data"]["next_activity_id"] == act["id"]
    assert call(sb, "POST", "/api/v2/activities", body={"subject": "x", "lead_id": "not-a-lead"})[0] == 400


def test_conversion_runs_then_completes_and_moves_everything(sb):
    lead_id, lead = next((k, x) for k, x in sb.state.leads.items() if x["value"] and x["person_id"])
    note = ok(sb, "POST", "/api/v1/notes", body={"content": "<p>before conversion</p>", "lead_id": lead_id})["data"]
    act = ok(sb, "POST", "/api/v2/activities", body={"subject": "Before conversion", "lead_id": lead_id})["data"]
    stage = next(s for s in sb.state.stages.values() if s["pipeline_id"] == 2)
    env = ok(sb, "POST", f"/api/v2/leads/{lead_id}/convert/deal", body={"stage_id": stage["id"]})
    cid = env["data"]["conversion_id"]
    assert UUID.match(cid) and env["additional_data"] is None
    first = ok(sb, "GET", f"/api/v2/leads/{lead_id}/convert/status/{cid}")["data"]
    assert first == {"lead_id": lead_id, "conversion_id": cid, "status": "running"}
    assert call(sb, "GET", f"/api/v1/leads/{lead_id}")[0] == 200  # still there while running
    done = ok(sb, "GET", f"/api/v2/leads/{lead_id}/convert/status/{cid}")["data"]
    assert done["status"] == "completed" and isinstance(done["deal_id"], int)
    deal = ok(sb, "GET", f"/api/v2/deals/{done['deal_id']}", {"include_fields": "source_lead_id"})["data"]
    assert deal["title"] == lead["title"] and deal["value"] == lead["value"]["amount"]
    assert deal["currency"] == lead["value"]["currency"] and deal["stage_id"] == stage["id"] and deal["pipeline_id"] == 2
    assert deal["person_id"] == lead["person_id"] and deal["source_lead_id"] == lead_id
    assert sb.state.notes[note["id"]]["deal_id"] == deal["id"] and sb.state.notes[note["id"]]["lead_id"] is None
    moved = ok(sb, "GET", f"/api/v2/activities/{act['id']}")["data"]
    assert moved["deal_id"] == deal["id"] and moved["lead_id"] is None
    assert call(sb, "GET", f"/api/v1/leads/{lead_id}")[0] == 404
    assert lead_id not in [x["id"] for x in ok(sb, "GET", "/api/v1/leads", {"limit": 500})["data"]]
    assert call(sb, "POST", f"/api/v2/leads/{lead_id}/convert/deal", body={})[0] == 404
    assert call(sb, "GET", f"/api/v2/leads/{lead_id}/convert/status/not-a-job")[0] == 404


def test_conversion_also_completes_after_a_short_time():
    sb = Sandbox(seed=4, deals=40, token=TOKEN, now=FROZEN_NOW, conversion_polls=100, conversion_seconds=2)
    lead_id = next(iter(sb.state.leads))
    cid = ok(sb, "POST", f"/api/v2/leads/{lead_id}/convert/deal", body={})["data"]["conversion_id"]
    assert ok(sb, "GET", f"/api/v2/leads/{lead_id}/convert/status/{cid}")["data"]["status"] == "running"
    sb.advance(2.5)
    status = ok(sb, "GET", f"/api/v2/leads/{lead_id}/convert/status/{cid}")["data"]
    assert status["status"] == "completed" and status["deal_id"] in sb.state.deals
    _, _, headers = call(sb, "GET", f"/api/v2/leads/{lead_id}/convert/status/{cid}")
    assert headers["x-token-cost"] == "1"


def test_conversion_validates_its_target(sb):
    lead_id = next(iter(sb.state.leads))
    assert call(sb, "POST", f"/api/v2/leads/{lead_id}/convert/deal", body={"stage_id": 99999})[0] == 400
    assert call(sb, "POST", f"/api/v2/leads/{lead_id}/convert/deal", body={"stage_id": 1, "pipeline_id": 2})[0] == 400
    assert call(sb, "POST", f"/api/v2/leads/{lead_id}/convert/deal", body={"owner_id": 1})[0] == 400


@pytest.mark.parametrize("gone", ["stage", "person", "organization"])
def test_a_conversion_whose_target_goes_away_fails_and_poisons_nothing(sb, gone):
    lead_id, lead = next((k, x) for k, x in sb.state.leads.items() if x["person_id"] and x["organization_id"] and not x["is_archived"])
    stage = next(s for s in sb.state.stages.values() if s["pipeline_id"] == 2)
    cid = ok(sb, "POST", f"/api/v2/leads/{lead_id}/convert/deal", body={"stage_id": stage["id"]})["data"]["conversion_id"]
    deals_before = len(sb.state.deals)
    if gone == "stage":
        sb.state.stages[stage["id"]]["is_deleted"] = True  # an admin deletes the stage meanwhile
    elif gone == "person":
        ok(sb, "DELETE", f"/api/v2/persons/{lead['person_id']}")
    else:
        ok(sb, "DELETE", f"/api/v2/organizations/{lead['organization_id']}")
    first = ok(sb, "GET", f"/api/v2/leads/{lead_id}/convert/status/{cid}")["data"]
    assert first["status"] in ("running", "failed")
    done = ok(sb, "GET", f"/api/v2/leads/{lead_id}/convert/status/{cid}")["data"]
    assert done == {"lead_id": lead_id, "conversion_id": cid, "status": "failed"}
    assert len(sb.state.deals) == deals_before
    # every other path answers as before (the failed job does not answer every request with 400)
    assert ok(sb, "GET", "/api/v2/deals", {"limit": 5})["data"]
    assert ok(sb, "GET", f"/api/v1/leads/{lead_id}")["data"]["title"] == lead["title"]
    assert ok(sb, "GET", "/api/v1/notes", {"limit": 5})["success"] is True
    other = next(s for s in sb.state.stages.values() if s["pipeline_id"] == 2 and not s.get("is_deleted"))
    assert ok(sb, "POST", "/api/v2/deals", body={"title": "After the failed conversion", "stage_id": other["id"]})["data"]["id"]
