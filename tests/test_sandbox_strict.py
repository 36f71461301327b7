"""The sandbox is strict where Pipedrive is: keyset cursors, burst limits, documented query
parameters only, v2 time formats, token placement, custom field keys, read-only fields."""

import json
from urllib.parse import urlencode

import pytest

from tests.conftest import FROZEN_NOW
from tui.sandbox import Sandbox

TOKEN = "strict-test-token"


@pytest.fixture(scope="module")
def base():
    return Sandbox(seed=5, deals=200, token=TOKEN, now=FROZEN_NOW)


@pytest.fixture
def sb():
    return Sandbox(seed=5, deals=200, token=TOKEN, now=FROZEN_NOW)


def call(sb, method, path, params=None, body=None, headers=None):
    raw = json.dumps(body).encode() if body is not None else b""
    r = sb.handle(method, path, urlencode(params or {}), headers if headers is not None else {"x-api-token": TOKEN}, raw)
    return r.status, json.loads(r.body), r.headers


def ok(sb, method, path, params=None, body=None):
    status, env, _ = call(sb, method, path, params, body)
    assert status in (200, 201), env
    return env


def refused(sb, method, path, params=None, body=None, status=400):
    got, env, _ = call(sb, method, path, params, body)
    assert got == status, env
    assert env["success"] is False and env["error"] and "error_info" in env
    return env["error"]


# -- 1a keyset cursors -------------------------------------------------------------------


def test_cursor_survives_an_item_leaving_the_filter(sb):
    q = {"status": "open", "limit": 2}
    first = ok(sb, "GET", "/api/v2/deals", q)
    page1 = [d["id"] for d in first["data"]]
    # the first item of page 1 leaves the filtered set between the pages
    ok(sb, "PATCH", f"/api/v2/deals/{page1[0]}", body={"status": "won"})
    second = ok(sb, "GET", "/api/v2/deals", {**q, "cursor": first["additional_data"]["next_cursor"]})
    expected = sorted(d["id"] for d in sb.state.deals.values() if d["status"] == "open" and not d["is_archived"])
    assert [d["id"] for d in second["data"]] == [i for i in expected if i > page1[1]][:2]


def test_cursor_with_a_time_sort_walks_everything_once_while_items_change(sb):
    q = {"sort_by": "update_time", "sort_direction": "desc", "limit": 50}
    seen, cursor, pages = [], None, 0
    while True:
        env = ok(sb, "GET", "/api/v2/persons", {**q, **({"cursor": cursor} if cursor else {})})
        if pages == 0:  # an already seen person is edited: it moves to the front, nothing shifts
            sb.advance(60)
            ok(sb, "PATCH", f"/api/v2/persons/{env['data'][3]['id']}", body={"name": "Moved to the front"})
        seen += [p["id"] for p in env["data"]]
        pages += 1
        cursor = env["additional_data"]["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == len(sb.live("person"))
    times = [sb.state.persons[i]["update_time"] for i in seen[50:]]
    assert times == sorted(times, reverse=True)


def test_cursor_is_tied_to_the_sort(base):
    env = ok(base, "GET", "/api/v2/deals", {"limit": 5, "sort_by": "add_time"})
    cursor = env["additional_data"]["next_cursor"]
    assert "sort_by" in refused(base, "GET", "/api/v2/deals", {"limit": 5, "cursor": cursor})
    refused(base, "GET", "/api/v2/deals", {"limit": 5, "sort_by": "add_time", "sort_direction": "desc", "cursor": cursor})
    refused(base, "GET", "/api/v2/deals", {"cursor": "not-a-cursor"})


# -- 1b burst limits -----------------------------------------------------------------------


def test_growth_burst_limit_headers_and_429():
    sb = Sandbox(seed=1, deals=20, token=TOKEN, now=FROZEN_NOW, growth_burst_limits=True)
    codes = []
    for _ in range(42):
        status, _, headers = call(sb, "GET", "/api/v2/pipelines")
        codes.append(status)
    assert codes[:40] == [200] * 40 and codes[40:] == [429, 429]
    assert headers["x-ratelimit-limit"] == "40" and headers["x-ratelimit-remaining"] == "0"
    assert int(headers["retry-after"]) >= 1 and int(headers["x-ratelimit-reset"]) >= 1
    sb.advance(2.1)
    assert call(sb, "GET", "/api/v2/pipelines")[0] == 200


def test_search_has_its_own_tighter_window():
    sb = Sandbox(seed=1, deals=20, token=TOKEN, now=FROZEN_NOW, growth_burst_limits=True)
    codes = [call(sb, "GET", "/api/v2/itemSearch", {"term": "Acme"})[0] for _ in range(11)]
    assert codes == [200] * 10 + [429]
    status, _, headers = call(sb, "GET", "/api/v2/deals/search", {"term": "Acme"})
    assert status == 429 and headers["x-ratelimit-limit"] == "10" and "retry-after" in headers
    status, _, headers = call(sb, "GET", "/api/v2/deals", {"limit": 1})
    assert status == 200 and headers["x-ratelimit-limit"] == "40" and headers["x-ratelimit-remaining"] == "29"


def test_oauth_tokens_get_four_times_the_burst():
    sb = Sandbox(seed=1, deals=20, token=TOKEN, now=FROZEN_NOW, growth_burst_limits=True, oauth_tokens={"oauth-1"})
    bearer = {"authorization": "Bearer oauth-1"}
    statuses = [sb.handle("GET", "/api/v2/pipelines", "", bearer, b"").status for _ in range(161)]
    assert statuses.count(200) == 160 and statuses[-1] == 429


def test_burst_limit_can_be_switched_off_and_is_off_by_default(base):
    for sb in (
        base,
        Sandbox(seed=1, deals=5, token=TOKEN, now=FROZEN_NOW, growth_burst_limits=True, burst_limit=0, search_burst_limit=None),
    ):
        assert all(call(sb, "GET", "/api/v2/pipelines")[0] == 200 for _ in range(60))
        assert all(call(sb, "GET", "/api/v2/itemSearch", {"term": "Acme"})[0] == 200 for _ in range(15))


# -- 1c documented query parameters ----------------------------------------------------------


@pytest.mark.parametrize(
    "path,params",
    [
        ("/api/v2/deals", {"owned_by_you": "1"}),
        ("/api/v2/deals", {"start": "0"}),
        ("/api/v2/persons", {"sort": "id"}),
        ("/api/v2/activities", {"start_date": "2026-11-01"}),
        ("/api/v2/pipelines", {"ids": "1"}),
        ("/api/v2/itemSearch", {"term": "Acme", "search_by_email": "1"}),
        ("/api/v1/notes", {"cursor": "x"}),
        ("/api/v2/deals/archived", {"include_option_labels": "true"}),
        ("/api/v2/deals/1", {"limit": "5"}),
    ],
)
def test_undocumented_query_parameters_are_refused(base, path, params):
    assert "unrecognized query parameter" in refused(base, "GET", path, params)


def test_documented_parameters_are_honoured(base):
    env = ok(base, "GET", "/api/v2/deals", {"limit": 3, "include_fields": "activities_count,notes_count,next_activity_id"})
    for d in env["data"]:
        acts = [a for a in base.state.activities.values() if a["deal_id"] == d["id"] and not a["is_deleted"]]
        assert d["activities_count"] == len(acts) and isinstance(d["notes_count"], int)
        assert d["next_activity_id"] in {a["id"] for a in acts if not a["done"]} | {None}
    assert "include_fields" in refused(base, "GET", "/api/v2/deals", {"include_fields": "rotten_time"})
    # persons linked to a deal
    deal = next(d for d in base.state.deals.values() if d["person_id"])
    persons = ok(base, "GET", "/api/v2/persons", {"deal_id": deal["id"]})["data"]
    assert deal["person_id"] in [p["id"] for p in persons]
    # custom_fields= narrows, include_option_labels= labels enum values
    code = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"
    deal = next(d for d in base.state.deals.values() if d["custom_fields"].get(code) == 12)
    got = ok(base, "GET", f"/api/v2/deals/{deal['id']}", {"custom_fields": code, "include_option_labels": "true"})["data"]
    assert got["custom_fields"] == {code: {"id": 12, "label": "Referral"}}
    refused(base, "GET", f"/api/v2/deals/{deal['id']}", {"custom_fields": "nope"})
    refused(base, "GET", f"/api/v2/deals/{deal['id']}", {"include_option_labels": "yes"})
    refused(base, "GET", "/api/v2/deals", {"filter_id": 999})
    # include_labels is documented but not modelled: refused rather than ignored (false is a no-op)
    assert "include_labels" in refused(base, "GET", "/api/v2/persons", {"include_labels": "true"})
    assert ok(base, "GET", "/api/v2/persons", {"include_labels": "false", "limit": 1})["data"]


# -- 1d activity times ------------------------------------------------------------------------


def test_activity_times_follow_the_v2_spec_with_hms_times():
    sb = Sandbox(seed=3, deals=20, token=TOKEN, now=FROZEN_NOW, hms_times=True)
    made = ok(
        sb, "POST", "/api/v2/activities", body={"subject": "Call", "due_date": "2026-11-20", "due_time": "09:30", "duration": "01:15"}
    )["data"]
    assert (made["due_time"], made["duration"]) == ("09:30:00", "01:15:00")
    moved = ok(sb, "PATCH", f"/api/v2/activities/{made['id']}", body={"due_time": "10:45:30"})["data"]
    assert moved["due_time"] == "10:45:30"
    listed = ok(sb, "GET", "/api/v2/activities", {"limit": 500})["data"]
    assert all(a["due_time"] is None or len(a["due_time"]) == 8 for a in listed)
    refused(sb, "POST", "/api/v2/activities", body={"due_time": "9:30"})
    refused(sb, "POST", "/api/v2/activities", body={"due_time": "25:00"})


def test_activity_times_are_hh_mm_ss_by_default_as_the_v2_spec_answers(sb):
    made = ok(sb, "POST", "/api/v2/activities", body={"subject": "Call", "due_time": "09:30"})["data"]
    assert made["due_time"] == "09:30:00"


# -- 1e tokens ----------------------------------------------------------------------------------


def test_personal_token_only_in_x_api_token_oauth_only_as_bearer():
    sb = Sandbox(seed=1, deals=5, token=TOKEN, now=FROZEN_NOW, oauth_tokens={"oauth-access"})
    assert call(sb, "GET", "/api/v2/deals", headers={"x-api-token": TOKEN})[0] == 200
    status, env, headers = call(sb, "GET", "/api/v2/deals", headers={"authorization": f"Bearer {TOKEN}"})
    assert status == 401 and env["errorCode"] == 401 and headers["x-401-by-gw"] == "true"
    assert call(sb, "GET", "/api/v2/deals", headers={"authorization": "Bearer oauth-access"})[0] == 200
    assert call(sb, "GET", "/api/v2/deals", headers={"x-api-token": "oauth-access"})[0] == 401
    assert call(sb, "GET", "/api/v2/deals", headers={"authorization": "Bearer nope"})[0] == 401


# -- 1f custom field keys -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path,body,entity",
    [
        ("/api/v2/deals", {"title": "Keys"}, "deal"),
        ("/api/v2/persons", {"name": "Keys"}, "person"),
        ("/api/v2/organizations", {"name": "Keys"}, "organization"),
        ("/api/v2/products", {"name": "Keys"}, "product"),
    ],
)
def test_created_items_carry_every_custom_field_key(sb, path, body, entity):
    made = ok(sb, "POST", path, body=body)["data"]
    fields = getattr(
        sb.state,
        {"deal": "deal_fields", "person": "person_fields", "organization": "organization_fields", "product": "product_fields"}[entity],
    )
    codes = {f["field_code"] for f in fields if f["is_custom_field"]}
    assert set(made["custom_fields"]) == codes and all(v is None for v in made["custom_fields"].values())
    again = ok(sb, "GET", f"{path}/{made['id']}")["data"]
    assert again == made


# -- 1g read-only fields, won_time on open deals -----------------------------------------------------


@pytest.mark.parametrize(
    "body,words",
    [
        ({"origin": "API"}, "origin"),
        ({"add_time": "2026-01-01T00:00:00Z"}, "add_time"),
        ({"creator_user_id": 2}, "creator_user_id"),
        ({"won_time": "2026-11-01T10:00:00Z"}, "won_time"),
        ({"lost_time": "2026-11-01T10:00:00Z"}, "lost_time"),
        ({"close_time": "2026-11-01T10:00:00Z"}, "close_time"),
        ({"is_deleted": True}, "DELETE"),
        ({"status": "won", "won_time": "yesterday"}, "won_time"),
    ],
)
def test_read_only_and_status_bound_fields_are_refused(sb, body, words):
    deal = next(d for d in sb.state.deals.values() if d["status"] == "open" and not d["is_archived"])
    before = dict(deal)
    assert words in refused(sb, "PATCH", f"/api/v2/deals/{deal['id']}", body=body)
    assert sb.state.deals[deal["id"]] == before


def test_won_time_with_status_won_is_kept(sb):
    deal = next(d for d in sb.state.deals.values() if d["status"] == "open")
    won = ok(sb, "PATCH", f"/api/v2/deals/{deal['id']}", body={"status": "won", "won_time": "2026-11-10T08:00:00Z"})["data"]
    assert won["won_time"] == won["close_time"] == "2026-11-10T08:00:00Z" and won["local_won_date"] == "2026-11-10"


# -- 1h v1 note bodies -----------------------------------------------------------------------------


def test_note_bodies_take_the_spec_keys(sb):
    lead = next(iter(sb.state.leads))
    made = ok(
        sb,
        "POST",
        "/api/v1/notes",
        body={
            "content": "<p>on a lead</p>",
            "lead_id": lead,
            "add_time": "2026-11-01 08:00:00",
            "user_id": 2,
            "pinned_to_lead_flag": 1,
            "pinned_to_task_flag": 0,
            "pinned_to_project_flag": 0,
            "project_id": 7,
            "task_id": 3,
        },
    )["data"]
    assert made["lead_id"] == lead and made["add_time"] == "2026-11-01 08:00:00" and made["user_id"] == 2
    assert made["pinned_to_lead_flag"] is True and made["project_id"] == 7 and made["task_id"] == 3
    listed = ok(sb, "GET", "/api/v1/notes", {"lead_id": lead, "pinned_to_lead_flag": 1})["data"]
    assert [n["id"] for n in listed] == [made["id"]]
    assert ok(sb, "GET", "/api/v1/notes", {"start_date": "2026-11-01", "end_date": "2026-11-01", "lead_id": lead})["data"]
    refused(sb, "POST", "/api/v1/notes", body={"content": "x", "lead_id": "not-a-lead"})
    refused(sb, "POST", "/api/v1/notes", body={"content": "x", "deal_id": 1, "add_time": "yesterday"})
    refused(sb, "POST", "/api/v1/notes", body={"content": "x", "deal_id": 1, "colour": "red"})


def test_person_names_either_whole_or_split(sb):
    made = ok(sb, "POST", "/api/v2/persons", body={"first_name": "Ada", "last_name": "Lovelace"})["data"]
    assert (made["name"], made["first_name"], made["last_name"]) == ("Ada Lovelace", "Ada", "Lovelace")
    renamed = ok(sb, "PATCH", f"/api/v2/persons/{made['id']}", body={"name": "Ada King"})["data"]
    assert (renamed["first_name"], renamed["last_name"]) == ("Ada", "King")
    refused(sb, "POST", "/api/v2/persons", body={"first_name": "", "last_name": ""})
    refused(sb, "POST", "/api/v2/persons", body={"first_name": "Ada"})
    refused(sb, "POST", "/api/v2/persons", body={"name": "Ada", "first_name": "Ada", "last_name": "L"})
    assert "Contact Sync" in refused(sb, "POST", "/api/v2/persons", body={"name": "x", "job_title": "CTO"}, status=403)
