"""Saved filters: the v1 endpoints, the demo filters and filter_id on the v2 lists."""

import json
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest

from tests.conftest import FROZEN_NOW
from tui.sandbox import Sandbox
from tui.sandbox.filters import date_range

TOKEN = "filters-test-token"
FILTER_KEYS = {
    "id",
    "name",
    "filter_code",
    "is_editable",
    "active_flag",
    "type",
    "temporary_flag",
    "user_id",
    "add_time",
    "update_time",
    "visible_to",
    "last_used_time",
    "custom_view_id",
}


@pytest.fixture(scope="module")
def sb():
    return Sandbox(seed=8, deals=600, token=TOKEN, now=FROZEN_NOW)


def call(sb, method, path, params=None, body=None):
    raw = json.dumps(body).encode() if body is not None else b""
    r = sb.handle(method, path, urlencode(params or {}), {"x-api-token": TOKEN}, raw)
    return r.status, json.loads(r.body)


def ok(sb, method, path, params=None, body=None):
    status, env = call(sb, method, path, params, body)
    assert status == 200, env
    return env


def _all(sb, params):
    out, cursor = [], None
    while True:
        env = ok(sb, "GET", "/api/v2/deals", {**params, "limit": 500, **({"cursor": cursor} if cursor else {})})
        out += env["data"]
        cursor = env["additional_data"]["next_cursor"]
        if not cursor:
            return out


def _filter(sb, name):
    return next(f for f in ok(sb, "GET", "/api/v1/filters", {"type": "deals"})["data"] if f["name"] == name)


def _live_deals(sb):
    return [d for d in sb.state.deals.values() if not d["is_deleted"] and not d["is_archived"]]


def test_filter_list_and_conditions(sb):
    listed = ok(sb, "GET", "/api/v1/filters", {"type": "deals"})["data"]
    names = {f["name"] for f in listed}
    assert {"My open deals", "Value over 50k", "Closing this month", "Referrals in Sales"} <= names
    assert all(set(f) == FILTER_KEYS and f["type"] == "deals" for f in listed)
    assert {f["type"] for f in ok(sb, "GET", "/api/v1/filters")["data"]} >= {"deals", "people", "activity", "leads"}
    one = ok(sb, "GET", f"/api/v1/filters/{_filter(sb, 'Value over 50k')['id']}")["data"]
    cond = one["conditions"]
    assert cond["glue"] == "and" and cond["conditions"][0]["glue"] == "and" and cond["conditions"][1]["glue"] == "or"
    c = cond["conditions"][0]["conditions"][0]
    assert set(c) == {"object", "field_id", "operator", "value", "extra_value", "json_value_flag"}
    assert (c["object"], c["operator"], c["value"]) == ("deal", ">", "50000") and c["field_id"].isdigit()
    coded = ok(sb, "GET", f"/api/v1/filters/{one['id']}", {"include_field_code": "true"})["data"]
    assert coded["conditions"]["conditions"][0]["conditions"][0]["field_code"] == "value"
    assert call(sb, "GET", "/api/v1/filters", {"type": "everything"})[0] == 400
    assert call(sb, "GET", "/api/v1/filters/9999")[0] == 404


def test_filter_id_applies_the_conditions(sb):
    me = sb.state.me_id
    got = {d["id"] for d in _all(sb, {"filter_id": _filter(sb, "My open deals")["id"]})}
    assert got == {d["id"] for d in _live_deals(sb) if d["status"] == "open" and d["owner_id"] == me} and got
    got = {d["id"] for d in _all(sb, {"filter_id": _filter(sb, "Value over 50k")["id"]})}
    assert got == {d["id"] for d in _live_deals(sb) if d["value"] > 50000} and got
    month = FROZEN_NOW.date().isoformat()[:7]
    got = {d["id"] for d in _all(sb, {"filter_id": _filter(sb, "Closing this month")["id"]})}
    want = {d["id"] for d in _live_deals(sb) if d["status"] == "open" and (d["expected_close_date"] or "").startswith(month)}
    assert got == want and got
    code = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"
    got = {d["id"] for d in _all(sb, {"filter_id": _filter(sb, "Referrals in Sales")["id"]})}
    assert got == {d["id"] for d in _live_deals(sb) if d["custom_fields"].get(code) == 12 and d["pipeline_id"] == 1} and got


def test_or_group_on_a_related_object(sb):
    code = "d4e5f60718293a4b5c6d7e8f9012345678a1b2c3"
    got = {d["id"] for d in _all(sb, {"filter_id": _filter(sb, "Enterprise or mid-market accounts")["id"]})}
    want = {d["id"] for d in _live_deals(sb) if d["org_id"] and sb.state.organizations[d["org_id"]]["custom_fields"].get(code) in (22, 23)}
    assert got == want and got


def test_filter_id_overrides_other_filters_and_is_checked(sb):
    flt = _filter(sb, "Value over 50k")["id"]
    with_owner = {d["id"] for d in _all(sb, {"filter_id": flt, "owner_id": 2, "ids": "1,2"})}
    assert with_owner == {d["id"] for d in _all(sb, {"filter_id": flt})}
    people = next(f for f in ok(sb, "GET", "/api/v1/filters", {"type": "people"})["data"])
    assert call(sb, "GET", "/api/v2/deals", {"filter_id": people["id"]})[0] == 400
    assert call(sb, "GET", "/api/v2/deals", {"filter_id": 424242})[0] == 400
    assert call(sb, "GET", "/api/v2/persons", {"filter_id": people["id"]})[0] == 200
    acts = next(f for f in ok(sb, "GET", "/api/v1/filters", {"type": "activity"})["data"])
    mine = ok(sb, "GET", "/api/v2/activities", {"filter_id": acts["id"], "limit": 500})["data"]
    assert all(a["owner_id"] == sb.state.me_id for a in mine)


def test_created_filter_is_usable(sb):
    body = {
        "name": "Big GBP deals",
        "type": "deals",
        "conditions": {
            "glue": "and",
            "conditions": [
                {
                    "glue": "and",
                    "conditions": [
                        {"object": "deal", "field_id": "12451", "operator": ">=", "value": "20000"},
                        {"object": "deal", "field_id": "12451", "operator": "<", "value": 100000},
                    ],
                },
                {"glue": "or", "conditions": [{"object": "deal", "field_id": "12465", "operator": "IS NULL", "value": None}]},
            ],
        },
    }
    made = ok(sb, "POST", "/api/v1/filters", body=body)["data"]
    got = {d["id"] for d in _all(sb, {"filter_id": made["id"]})}
    assert got == {d["id"] for d in _live_deals(sb) if 20000 <= d["value"] < 100000 and d["lost_reason"] is None}
    bad = dict(body, conditions={"glue": "or", "conditions": []})
    assert call(sb, "POST", "/api/v1/filters", body=bad)[0] == 400
    bad = dict(
        body,
        conditions={
            "glue": "and",
            "conditions": [{"glue": "and", "conditions": [{"object": "deal", "field_id": "1", "operator": "=", "value": "x"}]}],
        },
    )
    assert call(sb, "POST", "/api/v1/filters", body=bad)[0] == 400
    bad = dict(
        body,
        conditions={
            "glue": "and",
            "conditions": [{"glue": "and", "conditions": [{"object": "deal", "field_id": "12451", "operator": "~", "value": "x"}]}],
        },
    )
    assert call(sb, "POST", "/api/v1/filters", body=bad)[0] == 400


def test_relative_dates():
    today = date(2026, 11, 18)  # a Wednesday
    assert date_range("this_month", today) == (date(2026, 11, 1), date(2026, 11, 30))
    assert date_range("last_quarter", today) == (date(2026, 7, 1), date(2026, 9, 30))
    assert date_range("this_week", today) == (date(2026, 11, 16), date(2026, 11, 22))
    assert date_range("in_2_weeks", today) == (today + timedelta(14),) * 2
    assert date_range("3_months_ago", today) == (date(2026, 8, 18),) * 2
    assert date_range("later_or_today", today) == (today, None)
    assert date_range("2026-01-05", today) == (date(2026, 1, 5),) * 2
