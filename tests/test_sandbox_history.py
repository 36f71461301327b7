"""Deal history (changelog, flow), v1 recents and archived deals."""

import json
from urllib.parse import urlencode

import pytest

from tests.conftest import FROZEN_NOW
from tui.sandbox import Sandbox

TOKEN = "history-test-token"


@pytest.fixture
def sb():
    return Sandbox(seed=9, deals=120, token=TOKEN, now=FROZEN_NOW)


def call(sb, method, path, params=None, body=None):
    raw = json.dumps(body).encode() if body is not None else b""
    r = sb.handle(method, path, urlencode(params or {}), {"x-api-token": TOKEN}, raw)
    return r.status, json.loads(r.body), r.headers


def ok(sb, method, path, params=None, body=None):
    status, env, headers = call(sb, method, path, params, body)
    assert status in (200, 201), env
    return env


def _open_deal(sb):
    return next(d for d in sb.state.deals.values() if d["status"] == "open" and d["person_id"] and d["org_id"])


def test_every_write_lands_in_the_changelog_with_old_and_new(sb):
    deal = _open_deal(sb)
    did, old_stage, old_title = deal["id"], deal["stage_id"], deal["title"]
    target = next(s["id"] for s in sb.state.stages.values() if s["pipeline_id"] == deal["pipeline_id"] and s["id"] != old_stage)
    sb.advance(60)
    ok(sb, "PATCH", f"/api/v2/deals/{did}", body={"stage_id": target})
    sb.advance(60)
    ok(sb, "PATCH", f"/api/v2/deals/{did}", body={"title": "Renamed", "value": 1234})
    sb.advance(60)
    ok(sb, "PATCH", f"/api/v2/deals/{did}", body={"status": "lost", "lost_reason": "Timing"})
    env = ok(sb, "GET", f"/api/v1/deals/{did}/changelog")
    by_key = {}
    for e in env["data"]:
        by_key.setdefault(e["field_key"], e)
        assert set(e) == {
            "field_key",
            "old_value",
            "new_value",
            "actor_user_id",
            "time",
            "change_source",
            "change_source_user_agent",
            "is_bulk_update_flag",
        }
        assert e["old_value"] is None or isinstance(e["old_value"], str)
        assert len(e["time"]) == 19 and e["time"][10] == " " and e["is_bulk_update_flag"] is False
    assert (by_key["stage_id"]["old_value"], by_key["stage_id"]["new_value"]) == (str(old_stage), str(target))
    assert (by_key["title"]["old_value"], by_key["title"]["new_value"]) == (old_title, "Renamed")
    assert by_key["value"]["new_value"] == "1234" and by_key["status"]["new_value"] == "lost"
    assert by_key["lost_reason"]["new_value"] == "Timing" and by_key["status"]["actor_user_id"] == sb.state.me_id
    times = [e["time"] for e in env["data"]]
    assert times == sorted(times, reverse=True)  # newest first
    page = ok(sb, "GET", f"/api/v1/deals/{did}/changelog", {"limit": 2})
    rest = ok(sb, "GET", f"/api/v1/deals/{did}/changelog", {"limit": 100, "cursor": page["additional_data"]["next_cursor"]})
    assert page["data"] + rest["data"] == env["data"]


def test_flow_mixes_changes_notes_and_activities(sb):
    deal = _open_deal(sb)
    did = deal["id"]
    sb.advance(30)
    note = ok(sb, "POST", "/api/v1/notes", body={"content": "<p>Flow note</p>", "deal_id": did})["data"]
    act = ok(sb, "POST", "/api/v2/activities", body={"subject": "Flow call", "type": "call", "deal_id": did})["data"]
    sb.advance(30)
    ok(sb, "PATCH", f"/api/v2/activities/{act['id']}", body={"done": True})
    sb.advance(30)
    ok(sb, "PATCH", f"/api/v2/deals/{did}", body={"status": "won"})
    custom = "b2c3d4e5f60718293a4b5c6d7e8f9012345678a1"
    ok(sb, "PATCH", f"/api/v2/deals/{did}", body={"custom_fields": {custom: 24}})
    env = ok(sb, "GET", f"/api/v1/deals/{did}/flow")
    objects = [(f["object"], f["data"]["id"]) for f in env["data"]]
    assert ("note", note["id"]) in objects and ("activity", act["id"]) in objects
    assert all(set(f) == {"object", "timestamp", "data"} for f in env["data"])
    stamps = [f["timestamp"] for f in env["data"]]
    assert stamps == sorted(stamps, reverse=True)
    first = env["data"][0]
    assert first["object"] == "dealChange" and first["data"]["field_key"] in ("status", "won_time", "close_time")
    assert {
        "id",
        "item_id",
        "user_id",
        "field_key",
        "old_value",
        "new_value",
        "is_bulk_update_flag",
        "log_time",
        "change_source",
        "change_source_user_agent",
        "additional_data",
    } == set(first["data"])
    assert not any(f["object"] == "dealChange" and f["data"]["field_key"] == custom for f in env["data"])
    with_custom = ok(sb, "GET", f"/api/v1/deals/{did}/flow", {"all_changes": 1})
    assert any(f["data"].get("field_key") == custom for f in with_custom["data"])
    assert set(env["related_objects"]) >= {"user", "deal", "person", "organization"}
    assert env["related_objects"]["deal"][str(did)]["status"] == "won"
    assert env["additional_data"]["pagination"]["start"] == 0
    notes_only = ok(sb, "GET", f"/api/v1/deals/{did}/flow", {"items": "note"})["data"]
    assert notes_only and {f["object"] for f in notes_only} == {"note"}
    assert call(sb, "GET", f"/api/v1/deals/{did}/flow", {"items": "nonsense"})[0] == 400
    _, _, headers = call(sb, "GET", f"/api/v1/deals/{did}/flow")
    assert headers["x-token-cost"] == "40"


def test_generated_deals_have_a_past(sb):
    closed = next(d for d in sb.state.deals.values() if d["status"] == "won")
    log = ok(sb, "GET", f"/api/v1/deals/{closed['id']}/changelog")["data"]
    assert any(e["field_key"] == "status" and e["new_value"] == "won" for e in log)
    assert call(sb, "GET", "/api/v1/deals/999999/flow")[0] == 404


def test_recents_since_a_time_in_v1_shapes(sb):
    since = "2026-11-18 08:00:00"
    sb.advance(5)
    deal = ok(sb, "POST", "/api/v2/deals", body={"title": "Recent deal"})["data"]
    person = ok(sb, "POST", "/api/v2/persons", body={"name": "Recent Person", "emails": [{"value": "r@example.org"}]})["data"]
    org = ok(sb, "POST", "/api/v2/organizations", body={"name": "Recent Org"})["data"]
    act = ok(sb, "POST", "/api/v2/activities", body={"subject": "Recent call"})["data"]
    note = ok(sb, "POST", "/api/v1/notes", body={"content": "<p>Recent</p>", "deal_id": deal["id"]})["data"]
    env = ok(sb, "GET", "/api/v1/recents", {"since_timestamp": since, "limit": 500})
    got = {(i["item"], i["id"]): i for i in env["data"]}
    for key in (("deal", deal["id"]), ("person", person["id"]), ("organization", org["id"]), ("activity", act["id"]), ("note", note["id"])):
        assert key in got, key
    d = got[("deal", deal["id"])]["data"]
    assert d["title"] == "Recent deal" and d["user_id"] == sb.state.me_id and d["active"] is True and d["deleted"] is False
    assert len(d["add_time"]) == 19 and d["visible_to"] == "3"
    p = got[("person", person["id"])]["data"]
    assert p["email"][0]["value"] == "r@example.org" and p["active_flag"] is True
    assert got[("activity", act["id"])]["data"]["busy_flag"] is False
    assert all(i["data"]["update_time"] >= since for i in env["data"] if i["item"] in ("deal", "person", "organization"))
    assert set(env["additional_data"]) == {"since_timestamp", "last_timestamp_on_page", "pagination"}
    only = ok(sb, "GET", "/api/v1/recents", {"since_timestamp": since, "items": "deal"})["data"]
    assert only and {i["item"] for i in only} == {"deal"}
    assert call(sb, "GET", "/api/v1/recents", {"since_timestamp": "2026-11-18T08:00:00Z"})[0] == 400
    assert call(sb, "GET", "/api/v1/recents", {})[0] == 400
    assert call(sb, "GET", "/api/v1/recents", {"since_timestamp": since, "items": "lead"})[0] == 400


def test_archived_deals_are_separate_and_read_only(sb):
    deal = _open_deal(sb)
    did = deal["id"]
    archived = ok(sb, "PATCH", f"/api/v2/deals/{did}", body={"is_archived": True})["data"]
    assert archived["is_archived"] is True and archived["archive_time"]
    listed = ok(sb, "GET", "/api/v2/deals", {"limit": 500})["data"]
    assert did not in [d["id"] for d in listed]
    env = ok(sb, "GET", "/api/v2/deals/archived", {"limit": 500})
    assert [d["id"] for d in env["data"]] == [did]
    _, _, headers = call(sb, "GET", "/api/v2/deals/archived")
    assert headers["x-token-cost"] == "20"
    status, env, _ = call(sb, "PATCH", f"/api/v2/deals/{did}", body={"title": "Edited while archived"})
    assert status == 400 and "Archived" in env["error"]
    assert sb.state.deals[did]["title"] == deal["title"]
    back = ok(sb, "PATCH", f"/api/v2/deals/{did}", body={"is_archived": False})["data"]
    assert back["is_archived"] is False and back["archive_time"] is None
    assert did in [d["id"] for d in ok(sb, "GET", "/api/v2/deals", {"limit": 500})["data"]]
