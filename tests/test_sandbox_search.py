"""Search parameters are honoured or refused: fields, exact_match, the person / organization /
status filters, include_fields and itemSearch's related items."""

import json
from urllib.parse import urlencode

import pytest

from tests.conftest import FROZEN_NOW
from tui.sandbox import Sandbox

TOKEN = "search-test-token"


@pytest.fixture(scope="module")
def sb():
    return Sandbox(seed=12, deals=400, token=TOKEN, now=FROZEN_NOW)


def call(sb, path, params):
    r = sb.handle("GET", path, urlencode(params), {"x-api-token": TOKEN}, b"")
    return r.status, json.loads(r.body)


def items(sb, path, params):
    status, env = call(sb, path, params)
    assert status == 200, env
    return [i["item"] for i in env["data"]["items"]], env


def test_fields_narrow_what_is_searched(sb):
    person = next(p for p in sb.state.persons.values() if p["emails"])
    local = person["emails"][0]["value"].split("@")[0]
    by_email, _ = items(sb, "/api/v2/persons/search", {"term": local, "fields": "email"})
    assert person["id"] in [p["id"] for p in by_email]
    by_name, _ = items(sb, "/api/v2/persons/search", {"term": local, "fields": "name"})
    assert person["id"] not in [p["id"] for p in by_name]
    assert call(sb, "/api/v2/persons/search", {"term": local, "fields": "title"})[0] == 400
    assert call(sb, "/api/v2/itemSearch", {"term": local, "fields": "nonsense"})[0] == 400


def test_exact_match_is_whole_value_and_case_insensitive(sb):
    org = next(iter(sb.state.organizations.values()))
    hits, _ = items(sb, "/api/v2/organizations/search", {"term": org["name"].upper(), "exact_match": "true"})
    assert hits and all(o["name"].lower() == org["name"].lower() for o in hits)
    part, _ = items(sb, "/api/v2/organizations/search", {"term": org["name"][:-2], "exact_match": "true"})
    assert org["id"] not in [o["id"] for o in part]
    assert call(sb, "/api/v2/organizations/search", {"term": "A", "exact_match": "true"})[0] == 200
    assert call(sb, "/api/v2/organizations/search", {"term": "A"})[0] == 400
    assert call(sb, "/api/v2/organizations/search", {"term": "Acme", "exact_match": "1"})[0] == 400


def test_deal_search_filters(sb):
    deal = next(d for d in sb.state.deals.values() if d["person_id"] and d["org_id"] and d["status"] == "open")
    word = deal["title"].split(" – ")[1]
    found, _ = items(sb, "/api/v2/deals/search", {"term": word, "person_id": deal["person_id"], "limit": 500})
    assert deal["id"] in [d["id"] for d in found] and all(d["person"]["id"] == deal["person_id"] for d in found)
    found, _ = items(sb, "/api/v2/deals/search", {"term": word, "organization_id": deal["org_id"], "status": "open"})
    assert found and all(d["organization"]["id"] == deal["org_id"] and d["status"] == "open" for d in found)
    assert call(sb, "/api/v2/deals/search", {"term": word, "status": "deleted"})[0] == 400
    org_people, _ = items(sb, "/api/v2/persons/search", {"term": "example", "organization_id": deal["org_id"]})
    assert all(p["organization"]["id"] == deal["org_id"] for p in org_people)
    cc, _ = items(sb, "/api/v2/deals/search", {"term": word, "include_fields": "deal.cc_email", "limit": 1})
    assert "cc_email" in cc[0]
    assert call(sb, "/api/v2/deals/search", {"term": word, "include_fields": "person.picture"})[0] == 400


def test_notes_and_custom_fields_are_searchable(sb):
    note = next(n for n in sb.state.notes.values() if n["deal_id"] and "conference" in n["content"])
    found, _ = items(sb, "/api/v2/deals/search", {"term": "conference", "fields": "notes", "limit": 500})
    hit = next(d for d in found if d["id"] == note["deal_id"])
    assert any("conference" in text for text in hit["notes"])
    code = "c3d4e5f60718293a4b5c6d7e8f9012345678a1b2"
    person = next(p for p in sb.state.persons.values() if p["custom_fields"].get(code) == "Deutsch")
    found, _ = items(sb, "/api/v2/persons/search", {"term": "Deutsch", "fields": "custom_fields", "limit": 500})
    assert person["id"] in [p["id"] for p in found] and found[0]["custom_fields"] == ["Deutsch"]


def test_item_search_related_items_and_types(sb):
    org = next(o for o in sb.state.organizations.values() if any(d["org_id"] == o["id"] for d in sb.state.deals.values()))
    found, env = items(
        sb,
        "/api/v2/itemSearch",
        {"term": org["name"], "item_types": "organization", "search_for_related_items": "true", "exact_match": "true"},
    )
    assert {i["type"] for i in found} == {"organization"}
    related = env["data"]["related_items"]
    assert any(r["item"]["type"] == "deal" and sb.state.deals[r["item"]["id"]]["org_id"] == org["id"] for r in related)
    assert all(r["result_score"] == 0 for r in related)
    _, plain = items(sb, "/api/v2/itemSearch", {"term": org["name"], "item_types": "organization"})
    assert "related_items" not in plain["data"]
    products, _ = items(sb, "/api/v2/itemSearch", {"term": "support", "item_types": "product", "include_fields": "product.price"})
    assert products and products[0]["type"] == "product" and "price" in products[0]
    assert call(sb, "/api/v2/itemSearch", {"term": "support", "item_types": "invoice"})[0] == 400
    leads, _ = items(sb, "/api/v2/itemSearch", {"term": "Referral", "item_types": "lead", "limit": 100})
    assert leads and {i["type"] for i in leads} == {"lead"}
