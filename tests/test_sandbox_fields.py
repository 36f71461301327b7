"""Custom fields of every type: definitions in the v2 Fields API, the v2 write shapes and
the 400s for wrong ones, demo values."""

import json
from urllib.parse import urlencode

import pytest

from tests.conftest import FROZEN_NOW
from tui.sandbox import Sandbox
from tui.sandbox.fields import CUSTOM_TYPES

TOKEN = "fields-test-token"


@pytest.fixture(scope="module")
def sb():
    return Sandbox(seed=2, deals=60, token=TOKEN, now=FROZEN_NOW)


def call(sb, method, path, params=None, body=None):
    raw = json.dumps(body).encode() if body is not None else b""
    r = sb.handle(method, path, urlencode(params or {}), {"x-api-token": TOKEN}, raw)
    return r.status, json.loads(r.body)


def ok(sb, method, path, params=None, body=None):
    status, env = call(sb, method, path, params, body)
    assert status in (200, 201), env
    return env


def codes(sb, name):
    return {f["field_type"]: f for f in ok(sb, "GET", f"/api/v2/{name}")["data"] if f["is_custom_field"]}


def test_every_custom_type_is_defined_on_deals(sb):
    fields = ok(sb, "GET", "/api/v2/dealFields", {"limit": 500})["data"]
    custom = [f for f in fields if f["is_custom_field"]]
    assert {f["field_type"] for f in custom} == set(CUSTOM_TYPES)
    for f in fields:
        assert set(f) == {
            "field_code",
            "field_name",
            "description",
            "field_type",
            "options",
            "subfields",
            "is_custom_field",
            "is_optional_response_field",
        }
    by_type = {f["field_type"]: f for f in custom}
    assert len(by_type["set"]["field_code"]) == 40 and all(isinstance(o["id"], int) for o in by_type["set"]["options"])
    assert [s["field_code"] for s in by_type["monetary"]["subfields"]] == ["value", "currency"]
    assert "formatted_address" in [s["field_code"] for s in by_type["address"]["subfields"]]
    assert {"title", "value", "owner_id", "stage_id", "status"} <= {f["field_code"] for f in fields if not f["is_custom_field"]}
    for name in ("personFields", "organizationFields", "productFields"):
        assert ok(sb, "GET", f"/api/v2/{name}")["data"]
    wide = ok(sb, "GET", "/api/v2/dealFields", {"include_fields": "ui_visibility,required_fields"})["data"][0]
    assert "ui_visibility" in wide and "required_fields" in wide and "important_fields" not in wide
    one = ok(sb, "GET", f"/api/v2/dealFields/{by_type['enum']['field_code']}")["data"]
    assert one["field_name"] == "Lead source"
    assert call(sb, "GET", "/api/v2/dealFields", {"include_fields": "everything"})[0] == 400
    assert call(sb, "GET", "/api/v2/dealFields/nope")[0] == 404


VALID = {
    "varchar": ("PO-1", "PO-1"),
    "varchar_auto": ("DACH", "DACH"),
    "text": ("Long\ntext", "Long\ntext"),
    "phone": ("+49 30 1234", "+49 30 1234"),
    "double": (12.5, 12.5),
    "date": ("2026-12-24", "2026-12-24"),
    "monetary": ({"value": 500, "currency": "USD"}, {"value": 500, "currency": "USD"}),
    "daterange": ({"value": "2026-01-01", "until": "2026-02-01"}, {"value": "2026-01-01", "until": "2026-02-01"}),
    "time": (
        {"value": "09:00", "timezone_name": "Europe/London"},
        {"value": "09:00:00", "timezone_id": None, "timezone_name": "Europe/London"},
    ),
    "timerange": (
        {"value": "09:00:00", "until": "11:00:00"},
        {"value": "09:00:00", "until": "11:00:00", "timezone_id": None, "timezone_name": "Europe/Berlin"},
    ),
    "address": (
        {"value": "Main St 1, Springfield", "locality": "Springfield"},
        {
            "value": "Main St 1, Springfield",
            "country": None,
            "admin_area_level_1": None,
            "admin_area_level_2": None,
            "locality": "Springfield",
            "sublocality": None,
            "route": None,
            "street_number": None,
            "subpremise": None,
            "postal_code": None,
            "formatted_address": None,
        },
    ),
    "user": (2, 2),
    "people": (3, 3),
    "org": (4, 4),
}


def test_every_type_round_trips_in_its_v2_shape(sb):
    types = codes(sb, "dealFields")
    body = {types[t]["field_code"]: written for t, (written, _) in VALID.items()}
    set_field, enum_field = types["set"], types["enum"]
    body[set_field["field_code"]] = [set_field["options"][1]["id"], set_field["options"][0]["id"]]
    body[enum_field["field_code"]] = enum_field["options"][0]["id"]
    made = ok(sb, "POST", "/api/v2/deals", body={"title": "Every type", "custom_fields": body})["data"]
    for t, (_, answered) in VALID.items():
        assert made["custom_fields"][types[t]["field_code"]] == answered, t
    assert made["custom_fields"][set_field["field_code"]] == [set_field["options"][1]["id"], set_field["options"][0]["id"]]
    labelled = ok(sb, "GET", f"/api/v2/deals/{made['id']}", {"include_option_labels": "true"})["data"]["custom_fields"]
    assert labelled[enum_field["field_code"]] == {"id": enum_field["options"][0]["id"], "label": enum_field["options"][0]["label"]}
    assert labelled[set_field["field_code"]][0]["label"] == set_field["options"][1]["label"]
    cleared = ok(sb, "PATCH", f"/api/v2/deals/{made['id']}", body={"custom_fields": {set_field["field_code"]: None}})["data"]
    assert cleared["custom_fields"][set_field["field_code"]] is None
    assert cleared["custom_fields"][types["monetary"]["field_code"]] == {"value": 500, "currency": "USD"}  # untouched


@pytest.mark.parametrize(
    "ftype,value",
    [
        ("varchar", 5),
        ("varchar", "x" * 256),
        ("double", "12"),
        ("double", True),
        ("monetary", 500),
        ("monetary", {"value": "500", "currency": "EUR"}),
        ("monetary", {"value": 5, "currency": "XXX"}),
        ("monetary", {"currency": "EUR"}),
        ("enum", "11"),
        ("enum", 99),
        ("set", []),
        ("set", "31,32"),
        ("set", [31, 99]),
        ("date", "24.12.2026"),
        ("date", "2026-02-30"),
        ("daterange", "2026-01-01"),
        ("daterange", {"value": "2026-02-01", "until": "2026-01-01"}),
        ("daterange", {"value": "2026-01-01"}),
        ("time", "09:00:00"),
        ("time", {"value": "9am"}),
        ("time", {"value": "09:00", "timezone_name": "Mars/Olympus"}),
        ("timerange", {"value": "09:00:00"}),
        ("address", "Main St 1"),
        ("address", {"route": "Main St"}),
        ("address", {"value": "x", "planet": "Earth"}),
        ("user", 999),
        ("people", 10**6),
        ("org", "4"),
        ("phone", 123),
    ],
)
def test_wrong_shapes_are_400_naming_the_field(sb, ftype, value):
    f = codes(sb, "dealFields")[ftype]
    deal = next(d for d in sb.state.deals.values() if d["status"] == "open" and not d["is_archived"])
    before = dict(deal["custom_fields"])
    status, env = call(sb, "PATCH", f"/api/v2/deals/{deal['id']}", body={"custom_fields": {f["field_code"]: value}})
    assert status == 400 and f["field_code"] in env["error"], env
    assert sb.state.deals[deal["id"]]["custom_fields"] == before


def test_unknown_custom_field_key_is_refused(sb):
    status, env = call(sb, "POST", "/api/v2/persons", body={"name": "x", "custom_fields": {"0" * 40: "y"}})
    assert status == 400 and "0" * 40 in env["error"]
    status, _ = call(sb, "POST", "/api/v2/persons", body={"name": "x", "custom_fields": ["y"]})
    assert status == 400


def test_persons_and_organizations_take_their_types(sb):
    person = codes(sb, "personFields")
    made = ok(
        sb,
        "POST",
        "/api/v2/persons",
        body={"name": "Typed person", "custom_fields": {person["date"]["field_code"]: "1990-05-17", person["set"]["field_code"]: [51, 53]}},
    )["data"]
    assert made["custom_fields"][person["set"]["field_code"]] == [51, 53]
    org = codes(sb, "organizationFields")
    made = ok(
        sb,
        "POST",
        "/api/v2/organizations",
        body={
            "name": "Typed org",
            "custom_fields": {org["monetary"]["field_code"]: {"value": 1e6, "currency": "EUR"}, org["people"]["field_code"]: 1},
        },
    )["data"]
    assert made["custom_fields"][org["people"]["field_code"]] == 1


def test_demo_extras_fill_every_type_with_valid_values():
    sb = Sandbox(seed=2, deals=60, token=TOKEN, now=FROZEN_NOW, demo_extras=True)
    plain = Sandbox(seed=2, deals=60, token=TOKEN, now=FROZEN_NOW)
    from tui.sandbox.fields import check_value, custom_defs

    for entity, coll in (("deal", sb.state.deals), ("person", sb.state.persons), ("organization", sb.state.organizations)):
        defs = custom_defs(sb.state, entity)
        filled = {f["field_type"] for f in defs for o in coll.values() if o["custom_fields"].get(f["field_code"]) is not None}
        assert filled == {f["field_type"] for f in defs}, entity
        for o in list(coll.values())[:20]:
            for f in defs:
                value = o["custom_fields"].get(f["field_code"])
                assert check_value(sb.state, f, value) == value
    # the extras come from their own random stream: the rest of the data is unchanged
    assert [d["title"] for d in sb.state.deals.values()] == [d["title"] for d in plain.state.deals.values()]
    assert {n: a for n, a in sb.state.activities.items() if n in plain.state.activities} == plain.state.activities


def test_field_namespaces_per_entity(sb):
    assert "ui_visibility" in ok(sb, "GET", "/api/v2/productFields", {"include_fields": "ui_visibility"})["data"][0]
    assert call(sb, "GET", "/api/v2/productFields", {"include_fields": "required_fields"})[0] == 400
    person = ok(sb, "GET", "/api/v2/personFields", {"include_fields": "important_fields"})["data"][0]
    assert "important_fields" in person and "description" not in person
    options = next(f for f in ok(sb, "GET", "/api/v2/dealFields")["data"] if f["field_type"] == "set")["options"]
    assert set(options[0]) == {"id", "label", "color", "add_time", "update_time"}
