"""Pipedrive's search behind the store: one request per query, hits stored in the cache,
the search burst window kept locally."""

import asyncio

from tests.support.store_env import data_env
from tui.api.ratelimit import Window
from tui.store.queries.search import search


def _searches(sandbox):
    return [r for r in sandbox.requests if r[1].endswith(("/itemSearch", "/search"))]


async def _create_elsewhere(env):
    """Someone else creates an organization, a person and a deal; this cache has not synced them."""
    org = await env.client.create_v2("organizations", {"name": "Quetzal Andino S.A.C."})
    person = await env.client.create_v2(
        "persons", {"name": "Ximena Quispe", "org_id": org["id"], "emails": [{"value": "ximena@quetzal.example", "primary": True}]}
    )
    deal = await env.client.create_v2(
        "deals", {"title": "Quetzal cacao import", "person_id": person["id"], "org_id": org["id"], "value": 4200, "currency": "EUR"}
    )
    return org, person, deal


async def test_remote_hits_are_fetched_whole_and_stored_in_the_cache(tmp_path):
    async with data_env(tmp_path) as env:
        org, person, deal = await _create_elsewhere(env)
        assert (await env.store.read(search, "quetzal")).empty
        before = len(env.sandbox.requests)
        result = await env.store.search_pipedrive("quetzal")
        assert result.error is None and not result.cached
        assert result.found == {"deal": [deal["id"]], "person": [person["id"]], "organization": [org["id"]]}
        sent = [(m, p) for m, p, *_ in env.sandbox.requests[before:]]
        assert sent[0] == ("GET", "/api/v2/itemSearch")
        assert {p for _m, p in sent[1:]} <= {"/api/v2/deals", "/api/v2/persons", "/api/v2/organizations"}
        assert len(sent) == 4  # the search, then the three items by id
        local = await env.store.read(search, "quetzal")
        assert [h.id for h in local.of("deal")] == [deal["id"]]
        assert [h.id for h in local.of("person")] == [person["id"]]
        assert [h.id for h in local.of("organization")] == [org["id"]]
        hit = local.of("deal")[0]
        assert hit.org == "Quetzal Andino S.A.C." and hit.person == "Ximena Quispe" and hit.stage  # whole items
        assert [h.id for h in (await env.store.read(search, "ximena@quetz")).of("person")] == [person["id"]]


async def test_one_request_per_query(tmp_path):
    async with data_env(tmp_path) as env:
        await _create_elsewhere(env)
        first = await env.store.search_pipedrive("Quetzal")
        again = await env.store.search_pipedrive("  quetzal ")  # the same query, folded
        both = await asyncio.gather(env.store.search_pipedrive("cacao"), env.store.search_pipedrive("CACAO"))
        assert again.cached and again.found == first.found
        assert [query["term"] for _m, _p, query, _b in _searches(env.sandbox)] == ["Quetzal", "cacao"]
        assert both[0].found == both[1].found and len(_searches(env.sandbox)) == 2


async def test_a_failed_search_is_not_remembered(tmp_path):
    async with data_env(tmp_path) as env:
        env.sandbox.inject("GET", "/api/v2/itemSearch", status=400, error="Try later", times=1)
        failed = await env.store.search_pipedrive("quetzal")
        assert failed.error and "Try later" in failed.error
        await _create_elsewhere(env)
        assert (await env.store.search_pipedrive("quetzal")).count == 3


async def test_the_search_window_waits_after_ten_requests_in_two_seconds():
    now = [0.0]
    slept: list[float] = []

    async def sleep(seconds):
        slept.append(round(seconds, 3))
        now[0] += seconds

    window = Window(10, 2.0, sleep, clock=lambda: now[0])
    for _ in range(10):
        await window.wait()
        now[0] += 0.1
    assert slept == []
    await window.wait()  # the 11th within 2 s waits until the first is 2 s old
    assert slept == [1.0]
