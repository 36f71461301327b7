"""Global search over the cache: folding, CJK, e-mail and phone parts, organization names,
ranking and grouping, and the triggers that keep the index current (crafted data, no app)."""

import sqlite3

import pytest

from tui.store import ingest, schema
from tui.store.queries.search import EXACT, PREFIX, WORD, ELSEWHERE, search
from tui.store.search_index import fold


def _org(i, name, address=None, updated="2026-11-01T10:00:00Z"):
    return {"id": i, "name": name, "owner_id": 1, "update_time": updated, "address": {"value": address} if address else None}


def _person(i, name, org_id=None, emails=(), phones=(), updated="2026-11-01T10:00:00Z"):
    return {
        "id": i,
        "name": name,
        "org_id": org_id,
        "owner_id": 1,
        "update_time": updated,
        "emails": [{"value": e, "primary": n == 0, "label": "work"} for n, e in enumerate(emails)],
        "phones": [{"value": p, "primary": n == 0, "label": "work"} for n, p in enumerate(phones)],
    }


def _deal(i, title, status="open", updated="2026-11-01T10:00:00Z", **kw):
    return {
        "id": i,
        "title": title,
        "status": status,
        "value": 1000,
        "currency": "EUR",
        "pipeline_id": 1,
        "stage_id": 1,
        "update_time": updated,
        **kw,
    }


@pytest.fixture
def conn():
    c = sqlite3.connect(":memory:")
    c.row_factory = sqlite3.Row
    schema.migrate(c)
    with c:
        ingest.upsert(c, "pipeline", [{"id": 1, "name": "Sales"}])
        ingest.upsert(c, "stage", [{"id": 1, "pipeline_id": 1, "name": "Qualified", "order_nr": 1}])
        ingest.upsert(
            c,
            "organization",
            [
                _org(1, "Zakłady Łódź S.A.", "ul. Piotrkowska 1, Łódź"),
                _org(2, "株式会社サクラ", "東京都千代田区"),
                _org(3, "Crème Brûlée GmbH", "Hauptstraße 5, München"),
            ],
        )
        ingest.upsert(
            c,
            "person",
            [
                _person(1, "Renée Dubois", 3, ["renee.dubois@creme.example"], ["+49 (30) 123-4567"]),
                _person(2, "Jan Nowak", 1, ["jan.nowak@firma.pl", "private.jan@mail.example"], ["0048 601 222 333"]),
                _person(3, "陈静", 2, ["chen@sakura.example"]),
                _person(4, "İsmail Öztürk", None, ["ismail@firma.example"]),
                _person(5, "Łódź Tours Contact", None),
            ],
        )
        ingest.upsert(
            c,
            "deal",
            [
                _deal(1, "Renewal 2027", person_id=1, org_id=3),
                _deal(2, "Crème brûlée supplies", org_id=3),
                _deal(3, "Ren", status="won"),
                _deal(4, "Ren", updated="2026-11-10T10:00:00Z"),
                _deal(5, "Ren", updated="2026-10-01T10:00:00Z"),
                _deal(6, "Big renovation", updated="2026-11-15T10:00:00Z"),
                _deal(7, "Warren & sons"),
                _deal(8, "静岡 expansion"),
            ],
        )
    yield c
    c.close()


def _ids(results, kind):
    return [h.id for h in results.of(kind)]


def test_fold_drops_accents_and_case_but_keeps_kana_voicing():
    assert fold("Renée") == fold("RENEE") == "renee"
    assert fold("İsmail Öztürk") == "ismail ozturk"
    assert fold("Straße") == "strasse"
    assert fold("ＡＢＣ") == "abc"  # full width
    assert fold("Łódź Søren") == "lodz soren"
    assert fold("ガ") != fold("カ")  # a different kana, not an accent


@pytest.mark.parametrize("query", ["renee", "RENÉE", "Renee dub", "dubois", "renée   DUBOIS"])
def test_accents_and_case_do_not_matter(conn, query):
    assert _ids(search(conn, query), "person") == [1]


def test_accented_query_finds_plain_text_and_back(conn):
    assert 2 in _ids(search(conn, "creme brulee"), "deal")
    assert _ids(search(conn, "zaklady lodz"), "organization") == [1]
    assert _ids(search(conn, "ozturk"), "person") == [4]


def test_cjk_substrings_of_any_length(conn):
    assert _ids(search(conn, "陈静"), "person") == [3]
    assert _ids(search(conn, "静"), "person") == [3]  # one character: a scan of the names
    assert _ids(search(conn, "静"), "deal") == [8]
    assert _ids(search(conn, "サクラ"), "organization") == [2]
    assert _ids(search(conn, "千代田"), "organization") == [2]  # the address


@pytest.mark.parametrize("query", ["renee.dubois@", "dubois@creme", "creme.example", "private.jan", "nowak@fir"])
def test_parts_of_an_email_address(conn, query):
    hits = search(conn, query).of("person")
    assert hits and hits[0].id in (1, 2) and hits[0].match == ELSEWHERE


@pytest.mark.parametrize(
    "query,person",
    [("+49 30 1234567", 1), ("30-123-45", 1), ("(30) 123", 1), ("1234567", 1), ("601222333", 2), ("+48 601-222-333", 2), ("601 222", 2)],
)
def test_phone_digits_match_whatever_the_spaces_dashes_and_plus(conn, query, person):
    assert _ids(search(conn, query), "person") == [person]


def test_a_person_is_found_through_the_organization_name_below_a_name_match(conn):
    results = search(conn, "lodz")
    assert _ids(results, "organization") == [1]
    people = results.of("person")
    assert [h.id for h in people] == [5, 2]  # the own name first, then Jan Nowak of Zakłady Łódź
    assert people[1].org == "Zakłady Łódź S.A." and people[1].match == ELSEWHERE


def test_ranking_exact_then_prefix_then_word_then_inside_open_and_recent_first(conn):
    results = search(conn, "ren")
    deals = results.of("deal")
    # exact "Ren": open ones before the won one, the more recently updated open one first
    assert [(h.id, h.match) for h in deals[:3]] == [(4, EXACT), (5, EXACT), (3, EXACT)]
    assert (deals[3].id, deals[3].match) == (1, PREFIX)  # "Renewal 2027"
    assert (deals[4].id, deals[4].match) == (6, WORD)  # "Big renovation"
    assert (deals[5].id, deals[5].match) == (7, ELSEWHERE)  # "Warren & sons"
    assert results.totals["deal"] == 6


def test_grouped_by_type_with_context(conn):
    results = search(conn, "creme")
    assert [h.kind for h in results.hits] == sorted((h.kind for h in results.hits), key=("deal", "person", "organization").index)
    deal = results.of("deal")[0]
    assert (deal.id, deal.stage, deal.pipeline, deal.value, deal.currency, deal.org) == (
        2,
        "Qualified",
        "Sales",
        1000,
        "EUR",
        "Crème Brûlée GmbH",
    )
    person = results.of("person")[0]
    assert (person.id, person.org, person.email) == (1, "Crème Brûlée GmbH", "renee.dubois@creme.example")
    org = results.of("organization")[0]
    assert (org.id, org.address) == (3, "Hauptstraße 5, München")
    assert search(conn, "creme", limit=1).totals == results.totals  # the totals count past the limit


def test_the_index_follows_renames_deletes_and_new_ids(conn):
    with conn:
        ingest.upsert(conn, "organization", [_org(1, "Nowa Firma")])
        ingest.delete(conn, "person", [4])
        conn.execute("UPDATE deals SET id = 99 WHERE id = 2")  # the outbox: a local id became the server's
        ingest.upsert(conn, "deal", [_deal(7, "Warren & sons", status="deleted")])
    assert _ids(search(conn, "zaklady"), "person") == []
    assert _ids(search(conn, "nowa firma"), "person") == [2]
    assert _ids(search(conn, "ozturk"), "person") == []
    assert _ids(search(conn, "brulee"), "deal") == [99]
    assert _ids(search(conn, "warren"), "deal") == []
    assert conn.execute("SELECT count(*) FROM search_index").fetchone()[0] == 3 + 4 + 7


def test_the_migration_fills_the_index_from_an_existing_cache():
    c = sqlite3.connect(":memory:")
    for version in range(4):  # a cache written by the previous version
        c.executescript(schema.MIGRATIONS[version])
    c.execute("PRAGMA user_version = 4")
    with c:
        ingest.upsert(c, "organization", [_org(1, "Zakłady Łódź S.A.")])
        ingest.upsert(c, "person", [_person(2, "Jan Nowak", 1, ["jan@zaklady.pl"])])
    assert schema.migrate(c) == 4
    assert _ids(search(c, "lodz"), "person") == [2]


def test_queries_that_are_not_fts_syntax_are_just_text(conn):
    for query in ['"', 'a"b', "NOT", "ren*", "(", "name:ren", "^", "  "]:
        search(conn, query)  # no exception
    assert _ids(search(conn, "Warren &"), "deal") == [7]


def test_past_the_cap_old_exact_matches_are_kept_and_counts_say_more(conn, monkeypatch):
    from tui.store.queries import search as module

    with conn:
        ingest.upsert(conn, "deal", [_deal(100 + i, f"Warren renewal {i}") for i in range(6)])  # newer ids
    monkeypatch.setattr(module, "CAP", 2)
    results = search(conn, "ren")
    # the newest 2 matches are "Warren renewal …"; the exact "Ren" deals, older, still come first
    assert [(h.id, h.match) for h in results.of("deal")][:2] == [(4, EXACT), (5, EXACT)]
    assert results.totals["deal"] == 12 and "deal" not in results.more  # counted by the index
    short = search(conn, "re")  # a scan: it stops at the cap
    assert short.totals["deal"] == 2 and "deal" in short.more
