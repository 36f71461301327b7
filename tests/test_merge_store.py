"""Merging duplicates: found in the cache (same e-mail, phone digits, folded name; an
organization's name without punctuation or its address), previewed field by field, merged
through the outbox with one PUT (exactly once after a lost answer, after being offline),
rolled back on a refusal."""

from __future__ import annotations


from tests.conftest import FROZEN_NOW
from tests.support.store_env import close_store, open_store
from tests.support.transports import Answering, matching
from tui.sandbox import Sandbox
from tui.store.events import EditRejected
from tui.store.queries.duplicates import duplicates, merge_preview
from tui.store.store import Store


def dupes_sandbox() -> Sandbox:
    return Sandbox(seed=7, deals=60, token="t0k3n-for-tests", now=FROZEN_NOW, duplicates=True)


def twins(sb: Sandbox) -> tuple[int, int]:
    """(the original, the later copy with the same e-mail cased differently)."""
    by_mail: dict[str, int] = {}
    for p in sorted(sb.state.persons.values(), key=lambda p: p["id"]):
        for e in p["emails"]:
            key = e["value"].casefold()
            if key in by_mail and e["value"] != e["value"].casefold():
                return by_mail[key], p["id"]
            by_mail.setdefault(key, p["id"])
    raise AssertionError("no twins generated")


def phone_alias(sb: Sandbox) -> tuple[int, int]:
    alias = next(p for p in sb.state.persons.values() if p["phones"] and p["phones"][0]["value"].startswith("0049 ("))
    digits = "".join(ch for ch in alias["phones"][0]["value"] if ch.isdigit())[-9:]
    original = next(
        p["id"]
        for p in sb.state.persons.values()
        if p["id"] != alias["id"] and "".join(c for c in p["phones"][0]["value"] if c.isdigit()).endswith(digits)
    )
    return original, alias["id"]


def acme(sb: Sandbox) -> tuple[int, int]:
    ids = sorted(o["id"] for o in sb.state.organizations.values() if o["name"].strip().casefold() == "acme gmbh")
    assert len(ids) == 2
    return ids[0], ids[1]


_open = open_store


_close = close_store


def _puts(sb: Sandbox, entity: str = "persons") -> list:
    return [r for r in sb.requests if r[0] == "PUT" and r[1].startswith(f"/api/v1/{entity}/") and r[1].endswith("/merge")]


async def _ids(store: Store, table: str, column: str, value: int) -> set[int]:
    return set(await store.read(lambda c: [r[0] for r in c.execute(f"SELECT id FROM {table} WHERE {column} = ?", (value,))]))


async def _exists(store: Store, table: str, item_id: int) -> bool:
    return bool(await store.read(lambda c: c.execute(f"SELECT COUNT(*) FROM {table} WHERE id = ?", (item_id,)).fetchone()[0]))


async def test_duplicates_are_found_for_the_generated_pairs_and_not_for_others(tmp_path):
    sb = dupes_sandbox()
    store, client = await _open(tmp_path / "m.sqlite3", sb)
    try:
        await store.sync_now()
        original, twin = twins(sb)
        found = await store.read(duplicates, "person", twin)
        assert found[0].id == original and found[0].reasons == ("same e-mail", "same name")
        caller, alias = phone_alias(sb)
        assert [(c.id, c.reasons) for c in await store.read(duplicates, "person", alias)] == [(caller, ("same phone",))]
        first, second = acme(sb)
        assert [(c.id, c.reasons) for c in await store.read(duplicates, "organization", second)] == [(first, ("same name", "same address"))]
        # unrelated: the Acme contacts share a domain but neither e-mail, phone nor name
        jonas = next(p["id"] for p in sb.state.persons.values() if p["name"] == "Jonas Weber")
        assert await store.read(duplicates, "person", jonas) == []
        assert all(c.id not in (twin, original) for c in await store.read(duplicates, "person", caller))
    finally:
        await _close(store, client)


async def test_the_preview_says_what_the_survivor_keeps_and_what_moves(tmp_path):
    sb = dupes_sandbox()
    store, client = await _open(tmp_path / "m.sqlite3", sb)
    try:
        await store.sync_now()
        original, twin = twins(sb)
        preview = await store.read(merge_preview, "person", original, twin)
        rows = {r.label: r for r in preview.rows}
        keep_mail = sb.state.persons[original]["emails"][0]["value"]
        assert rows["E-mail"].source == "same" or keep_mail in rows["E-mail"].result
        assert rows["Name"].source == "same"
        twin_phone = sb.state.persons[twin]["phones"][0]["value"]
        assert rows["Phone"].source == "combined" and twin_phone in rows["Phone"].result
        assert rows["Phone"].result.startswith(sb.state.persons[original]["phones"][0]["value"])
        org = sb.state.persons[original]["org_id"]
        if org:  # the twin has none: the original's is kept
            assert rows["Organization"].source == "taken" or rows["Organization"].result == rows["Organization"].keep
        assert preview.moving == {"deals": 1, "activities": 1, "notes": 1}
    finally:
        await _close(store, client)


async def test_a_merge_sends_one_put_and_the_survivor_gets_the_others_items(tmp_path):
    sb = dupes_sandbox()
    store, client = await _open(tmp_path / "m.sqlite3", sb)
    try:
        await store.sync_now()
        original, twin = twins(sb)
        deals = await _ids(store, "deals", "person_id", original) | await _ids(store, "deals", "person_id", twin)
        notes = await _ids(store, "notes", "person_id", original) | await _ids(store, "notes", "person_id", twin)
        acts = await _ids(store, "activities", "person_id", original) | await _ids(store, "activities", "person_id", twin)
        await store.merge("person", original, twin)
        # at once, before Pipedrive answers
        assert not await _exists(store, "persons", twin)
        assert await _ids(store, "deals", "person_id", original) == deals
        assert await store.drain()
        puts = _puts(sb)
        assert [(r[1], r[3]) for r in puts] == [(f"/api/v1/persons/{twin}/merge", {"merge_with_id": original})]
        assert sb.state.persons[twin]["is_deleted"] and not sb.state.persons[original]["is_deleted"]
        assert not await _exists(store, "persons", twin)
        assert await _ids(store, "deals", "person_id", original) == deals
        assert await _ids(store, "notes", "person_id", original) == notes
        assert await _ids(store, "activities", "person_id", original) == acts
        emails = await store.read(
            lambda c: c.execute("SELECT json_extract(data, '$.phones') FROM persons WHERE id = ?", (original,)).fetchone()[0]
        )
        assert sb.state.persons[twin]["phones"][0]["value"] in emails  # the server's combined phones
        assert await store.read(lambda c: c.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]) == 0
        # a later sync agrees (the merge is in /recents)
        await store.sync_now()
        assert not await _exists(store, "persons", twin)
        assert await _ids(store, "deals", "person_id", original) == deals
    finally:
        await _close(store, client)


async def test_organizations_merge_with_their_people(tmp_path):
    sb = dupes_sandbox()
    store, client = await _open(tmp_path / "m.sqlite3", sb)
    try:
        await store.sync_now()
        first, second = acme(sb)
        people = await _ids(store, "persons", "org_id", first) | await _ids(store, "persons", "org_id", second)
        await store.merge("organization", first, second)
        assert await store.drain()
        assert [r[3] for r in _puts(sb, "organizations")] == [{"merge_with_id": first}]
        assert await _ids(store, "persons", "org_id", first) == people and len(people) == 2
        assert not await _exists(store, "organizations", second)
        website = await store.read(
            lambda c: c.execute("SELECT json_extract(data, '$.website') FROM organizations WHERE id = ?", (first,)).fetchone()[0]
        )
        assert website == "https://acme.example"  # empty on the survivor: taken from the other
    finally:
        await _close(store, client)


async def test_a_lost_answer_is_not_a_second_merge_nor_a_refusal(tmp_path):
    sb = dupes_sandbox()
    lossy = Answering(sb.transport())
    lossy.drop_after(matching("PUT", "/merge"))
    store, client = await _open(tmp_path / "m.sqlite3", sb, lossy)
    try:
        await store.sync_now()
        original, twin = twins(sb)
        events: list = []
        store.subscribe(events.append)
        await store.merge("person", original, twin)
        # the client sends a PUT again after a dropped connection: that one finds the other gone (404)
        assert await store.pusher.push_next() in ("retry", "pushed")
        assert sb.state.persons[twin]["is_deleted"] and lossy.answered == 1
        assert await store.drain()
        assert len(_puts(sb)) == 2
        assert not [e for e in events if isinstance(e, EditRejected)]
        assert not await _exists(store, "persons", twin) and await _exists(store, "persons", original)
        assert len(await _ids(store, "deals", "person_id", original)) == len(
            [d for d in sb.state.deals.values() if d["person_id"] == original]
        )
    finally:
        await _close(store, client)


async def test_offline_the_merge_waits_and_is_sent_once(tmp_path):
    from tests.test_leads_convert import Offline

    sb = dupes_sandbox()
    path = tmp_path / "m.sqlite3"
    store, client = await _open(path, sb)
    await store.sync_now()
    await _close(store, client)
    net = Offline(sb.transport())
    store, client = await _open(path, sb, net)
    try:
        original, twin = twins(sb)
        await store.merge("person", original, twin)
        for _ in range(3):
            assert await store.pusher.push_next() == "retry"
        assert _puts(sb) == [] and not await _exists(store, "persons", twin)
        net.down = False
        assert await store.drain()
        assert len(_puts(sb)) == 1 and sb.state.persons[twin]["is_deleted"]
    finally:
        await _close(store, client)


async def test_a_refused_merge_restores_both_and_their_items(tmp_path):
    sb = dupes_sandbox()
    store, client = await _open(tmp_path / "m.sqlite3", sb)
    try:
        await store.sync_now()
        original, twin = twins(sb)
        twin_deals = await _ids(store, "deals", "person_id", twin)
        twin_notes = await _ids(store, "notes", "person_id", twin)
        kept_phones = await store.read(
            lambda c: c.execute("SELECT json_extract(data, '$.phones') FROM persons WHERE id = ?", (original,)).fetchone()[0]
        )
        events: list = []
        store.subscribe(events.append)
        sb.inject("PUT", f"/api/v1/persons/{twin}/merge", 403, "You are not allowed to merge these persons")
        await store.merge("person", original, twin)
        assert await store.drain()
        rejected = [e for e in events if isinstance(e, EditRejected)]
        assert len(rejected) == 1 and "not allowed to merge" in rejected[0].reason
        assert await _exists(store, "persons", twin) and await _exists(store, "persons", original)
        assert await _ids(store, "deals", "person_id", twin) == twin_deals and twin_deals
        assert await _ids(store, "notes", "person_id", twin) == twin_notes
        phones = await store.read(
            lambda c: c.execute("SELECT json_extract(data, '$.phones') FROM persons WHERE id = ?", (original,)).fetchone()[0]
        )
        assert phones == kept_phones
        assert not sb.state.persons[twin]["is_deleted"]
    finally:
        await _close(store, client)


async def test_queued_edits_naming_the_merged_person_follow_the_survivor(tmp_path):
    sb = dupes_sandbox()
    store, client = await _open(tmp_path / "m.sqlite3", sb)
    try:
        await store.sync_now()
        original, twin = twins(sb)
        note = await store.create_note("<p>Called her back</p>", person_id=twin)
        await store.merge("person", original, twin)
        assert await _ids(store, "notes", "person_id", original) >= {note}
        payload = await store.read(lambda c: c.execute("SELECT payload FROM outbox WHERE op = 'create'").fetchone()[0])
        assert f'"person_id": {original}' in payload
    finally:
        await _close(store, client)


async def test_a_merged_persons_deal_participations_move_to_the_survivor_once(tmp_path):
    from tui.store.queries.followers import participants_of

    sb = dupes_sandbox()
    keep, other = twins(sb)
    store, client = await _open(tmp_path / "c.sqlite3", sb)
    try:
        await store.sync_now()
        both = next(
            d
            for d in sb.live("deal")
            if d["id"] not in {p["deal_id"] for p in sb.state.participants.values() if p["person_id"] in (keep, other)}
        )
        only_other = next(
            d
            for d in sb.live("deal")
            if d["id"] != both["id"]
            and not any(p["deal_id"] == d["id"] for p in sb.state.participants.values() if p["person_id"] in (keep, other))
        )
        for deal, people in ((both, (keep, other)), (only_other, (other,))):
            for person in people:
                await store.add_participant(deal["id"], person)
        assert await store.drain()
        await store.merge("person", keep, other)
        for deal in (both, only_other):
            assert [p.ref_id for p in await store.read(participants_of, deal["id"])].count(keep) == 1
        assert await store.drain()
        for deal in (both, only_other):
            on_server = [p["person_id"] for p in sb.state.participants.values() if p["deal_id"] == deal["id"]]
            assert on_server.count(keep) == 1 and other not in on_server
    finally:
        await _close(store, client)
