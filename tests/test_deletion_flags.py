"""Only an explicit deletion deletes a cached row: a note whose `active_flag` arrives null
stays, and an item that does not validate leaves the cached row as it was."""

import json

import httpx

from tests.support.store_env import instant
from tui.api import Auth, PipedriveClient
from tui.clock import Clock
from tui.sandbox import Sandbox
from tui.store import ingest
from tui.store.store import Store


class Rewriting(httpx.AsyncBaseTransport):
    """The sandbox's answers, with `rewrite(path, item_kind, item)` applied to every item of a
    GET list (recents entries: to their `data`) while `on` is set."""

    def __init__(self, inner, rewrite):
        self.inner, self.rewrite, self.on = inner, rewrite, False

    async def handle_async_request(self, request):
        response = await self.inner.handle_async_request(request)
        if not self.on or request.method != "GET" or response.status_code != 200:
            return response
        env = json.loads(await response.aread())
        path = request.url.path
        items = env.get("data") if isinstance(env.get("data"), list) else []
        for item in items:
            if path.endswith("/recents"):
                if isinstance(item.get("data"), dict):
                    self.rewrite(path, item["item"], item["data"])
            else:
                self.rewrite(path, None, item)
        return httpx.Response(200, json=env, headers={"content-type": "application/json"}, request=request)


def _null_active(path, kind, item):
    if (kind == "note" or path.endswith("/notes")) and item.get("active_flag") is True:
        item["active_flag"] = None  # what some accounts' answers carry


async def _open(tmp_path, rewrite):
    from tests.conftest import FROZEN_NOW

    sb = Sandbox(seed=7, deals=30, token="t0k3n", now=FROZEN_NOW)
    transport = Rewriting(sb.transport(), rewrite)
    client = PipedriveClient("http://sandbox.local", Auth.personal(sb.token), transport=transport, sleep=instant)
    store = await Store.open(tmp_path / "c.sqlite3", client, clock=Clock.frozen(FROZEN_NOW), sleep=instant)
    await store.sync_now()
    return sb, transport, client, store


def _ids(conn, table):
    return {r[0] for r in conn.execute(f"SELECT id FROM {table} WHERE id > 0")}


async def test_notes_whose_active_flag_is_null_stay_in_the_cache(tmp_path):
    sb, transport, client, store = await _open(tmp_path, _null_active)
    try:
        before = await store.read(_ids, "notes")
        assert len(before) >= 5
        transport.on = True
        edited = sorted(before)[:3]
        for nid in edited:
            sb.remote_edit("note", nid, {"content": f"<p>edited {nid}</p>"})
        await store.sync_now()  # the probe: recents carries the notes with active_flag null
        assert await store.read(_ids, "notes") == before
        content = await store.read(lambda c: c.execute("SELECT content FROM notes WHERE id = ?", (edited[0],)).fetchone()[0])
        assert content == f"<p>edited {edited[0]}</p>"
        await store.sync_now(lists=True)  # the notes list with updated_since
        await store.sync_now(full=True)  # every note listed again, all with active_flag null
        assert await store.read(_ids, "notes") == before
        sb.remote_edit("note", edited[1], {"active_flag": False})  # an explicit deletion still deletes
        await store.sync_now()
        assert await store.read(_ids, "notes") == before - {edited[1]}
        assert await store.read(lambda c: c.execute("SELECT COUNT(*) FROM sync_problems").fetchone()[0]) == 0
    finally:
        await store.close()
        await client.aclose()


def test_only_explicit_flags_say_deleted():
    assert not ingest.is_deleted("note", {"id": 1, "active_flag": None})
    assert not ingest.is_deleted("note", {"id": 1})
    assert ingest.is_deleted("note", {"id": 1, "active_flag": False})
    assert ingest.is_deleted("note", {"id": 1, "active_flag": 0})
    assert ingest.is_deleted("note", {"id": 1, "active_flag": "0"})
    assert not ingest.is_deleted("person", {"id": 1, "is_deleted": None})
    assert ingest.is_deleted("person", {"id": 1, "is_deleted": True})
    assert not ingest.is_deleted("deal", {"id": 1, "status": None, "is_deleted": None})
    assert ingest.is_deleted("deal", {"id": 1, "status": "deleted"})


async def test_an_item_that_does_not_validate_leaves_the_cached_row_as_it_was(tmp_path):
    target: dict[str, int] = {}

    def poison(path, kind, item):
        if item.get("id") == target.get("person") and (kind == "person" or path.endswith("/persons")):
            item.update(name=None, is_deleted=True)  # not a valid person: neither stored nor deleted
        if item.get("id") == target.get("note") and (kind == "note" or path.endswith("/notes")):
            item.update(deal_id="not a number", active_flag=False)

    sb, transport, client, store = await _open(tmp_path, poison)
    try:
        person = sb.live("person")[0]
        note = next(n for n in sb.live("note") if n.get("deal_id"))
        target.update(person=person["id"], note=note["id"])
        row = "SELECT data FROM {} WHERE id = ?"
        cached_person = await store.read(lambda c: c.execute(row.format("persons"), (person["id"],)).fetchone()[0])
        cached_note = await store.read(lambda c: c.execute(row.format("notes"), (note["id"],)).fetchone()[0])
        transport.on = True
        sb.remote_edit("person", person["id"], {"name": "Renamed Elsewhere"})
        sb.remote_edit("note", note["id"], {"content": "<p>changed elsewhere</p>"})
        await store.sync_now()
        await store.sync_now(full=True)
        assert await store.read(lambda c: c.execute(row.format("persons"), (person["id"],)).fetchone()[0]) == cached_person
        assert await store.read(lambda c: c.execute(row.format("notes"), (note["id"],)).fetchone()[0]) == cached_note
        problems = await store.read(lambda c: sorted((r[0], r[1]) for r in c.execute("SELECT entity, entity_id FROM sync_problems")))
        assert problems == [("note", str(note["id"])), ("person", str(person["id"]))]
    finally:
        await store.close()
        await client.aclose()
