"""A create Pipedrive answered `{"success": true, "data": null}` is never sent again: its row
is "created, id unknown" (kept across a restart), looked up until the item shows, then the
local item takes the found id."""

from tests.support.store_env import instant
from tui.api import Auth, PipedriveClient
from tui.clock import Clock
from tui.sandbox import Sandbox
from tui.store.store import Store
from tui.widgets.status_bar import status_text

NOTES = "/api/v1/notes"


async def _open(sb, path):
    from tests.conftest import FROZEN_NOW

    client = PipedriveClient("http://sandbox.local", Auth.personal(sb.token), transport=sb.transport(), sleep=instant)
    store = await Store.open(path, client, clock=Clock.frozen(FROZEN_NOW), sleep=instant)
    assert store.pusher is not None
    store.pusher.look_again = 0.0  # every push round may look it up (the app waits 30 s and more)
    return client, store


def _posts(sb):
    return [r for r in sb.writes() if r[0] == "POST" and r[1] == NOTES]


def _note_ids(store, content):
    return store.read(lambda c: [r[0] for r in c.execute("SELECT id FROM notes WHERE content = ?", (content,))])


async def test_a_note_created_without_an_id_is_posted_once_and_takes_its_id_when_found(tmp_path):
    from tests.conftest import FROZEN_NOW

    sb = Sandbox(seed=7, deals=20, token="t0k3n", now=FROZEN_NOW)
    path = tmp_path / "c.sqlite3"
    client, store = await _open(sb, path)
    content = "<p>Call back on Monday</p>"
    try:
        await store.sync_now()
        deal = sb.live("deal")[0]
        sb.faults.answer_null("POST", NOTES, times=10)  # created, answered without the note
        sb.faults.answer_null("GET", NOTES, times=1000)  # the list shows nothing yet
        local = await store.create_note(content, deal_id=deal["id"])
        assert await store.pusher.push_next() == "created"
        for _ in range(5):
            assert await store.drain() is True  # nothing is left to send
        for _ in range(20):
            await store.pusher.push_next()
        assert len(_posts(sb)) == 1
        looks = [r for r in sb.requests if r[0] == "GET" and r[1] == NOTES]
        assert len(looks) >= 20  # it was looked up on every round
        assert store.status.pending == 0 and store.status.unconfirmed == 1
        shown = status_text(store.status).plain
        assert "1 created, id not known yet" in shown and "pending" not in shown
        assert await _note_ids(store, content) == [local]
    finally:
        await store.close()
        await client.aclose()

    client, store = await _open(sb, path)  # a restart keeps the state
    try:
        assert store.status.unconfirmed == 1
        await store.pusher.push_next()
        assert len(_posts(sb)) == 1
        sb.faults.answer_null("GET", NOTES, times=0)  # the list shows the note now
        assert await store.pusher.push_next() == "pushed"
        made = [n for n in sb.live("note") if n["content"] == content]
        assert len(made) == 1 and len(_posts(sb)) == 1
        assert await _note_ids(store, content) == [made[0]["id"]]
        assert await store.drain() is True
        assert store.status.unconfirmed == 0
        left = await store.read(lambda c: c.execute("SELECT COUNT(*) FROM outbox").fetchone()[0])
        assert left == 0
    finally:
        await store.close()
        await client.aclose()


async def test_edits_and_items_pointing_at_a_create_of_unknown_id_wait_for_its_id(tmp_path):
    from tests.conftest import FROZEN_NOW

    sb = Sandbox(seed=7, deals=20, token="t0k3n", now=FROZEN_NOW)
    client, store = await _open(sb, tmp_path / "c.sqlite3")
    try:
        await store.sync_now()
        sb.faults.answer_null("POST", "/api/v2/persons", times=1)
        sb.faults.answer_null("GET", "/api/v2/persons", times=1000)
        pid = await store.create_entity("person", {"name": "Nameless Id"})
        await store.update_entity("person", pid, {"name": "Nameless Id Renamed"})
        await store.create_note("<p>on the new person</p>", person_id=pid)
        other = sb.live("deal")[0]
        await store.update_entity("deal", other["id"], {"title": "Unrelated edit"})
        for _ in range(10):
            await store.pusher.push_next()
        assert sb.state.deals[other["id"]]["title"] == "Unrelated edit"  # other rows go on
        assert len([r for r in sb.writes() if r[1] == "/api/v2/persons"]) == 1
        assert [r for r in sb.writes() if r[1].startswith("/api/v2/persons/") or r[1] == NOTES] == []
        sb.faults.answer_null("GET", "/api/v2/persons", times=0)
        assert await store.drain() is True
        person = next(p for p in sb.live("person") if p["name"].startswith("Nameless Id"))
        assert person["name"] == "Nameless Id Renamed"
        assert [n["person_id"] for n in sb.live("note") if n["content"] == "<p>on the new person</p>"] == [person["id"]]
        assert len([r for r in sb.writes() if r[0] == "POST" and r[1] == "/api/v2/persons"]) == 1
    finally:
        await store.close()
        await client.aclose()
