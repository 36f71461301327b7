"""Accounts with Contact Sync and calendar sync: persons carry im, postal_address, birthday,
job_title and notes, activities their attendees (v2 spec shapes). They sync, pass the
boundary check (no problems recorded) and stay in the cache, also across an edit."""

import json

from tests.support.store_env import data_env
from tui import models
from tui.sandbox import Sandbox


def _sandbox():
    from tests.conftest import FROZEN_NOW

    return Sandbox(seed=7, deals=60, token="t0k3n-for-tests", now=FROZEN_NOW, contact_sync=True)


def _data(conn, table, item_id):
    return json.loads(conn.execute(f"SELECT data FROM {table} WHERE id = ?", (item_id,)).fetchone()[0])


def _problems(conn):
    return conn.execute("SELECT COUNT(*) FROM sync_problems").fetchone()[0]


async def test_contact_sync_persons_and_activity_attendees_sync_without_problems(tmp_path):
    sb = _sandbox()
    async with data_env(tmp_path, sandbox=sb) as env:
        store = env.store
        assert await store.read(_problems) == 0
        filled = next(p for p in sb.state.persons.values() if p.get("job_title"))
        person = await store.read(_data, "persons", filled["id"])
        for key in ("im", "postal_address", "birthday", "job_title", "notes"):
            assert person[key] == filled[key]
        parsed = models.Person.model_validate(person)
        assert parsed.job_title == filled["job_title"] and parsed.postal_address and parsed.im[0].label
        empty = next(p for p in sb.state.persons.values() if "job_title" in p and not p["job_title"])
        assert (await store.read(_data, "persons", empty["id"]))["im"] == []

        met = next(a for a in sb.state.activities.values() if a.get("_attendees") and not a["done"])
        cached = await store.read(_data, "activities", met["id"])
        assert cached["attendees"] == met["_attendees"]
        assert models.Activity.model_validate(cached).attendees[1].person_id == met["person_id"]

        # the probe, an edit and the lists keep them
        sb.remote_edit("person", filled["id"], {"job_title": "Chief Revenue Officer"})
        sb.remote_edit("activity", met["id"], {"subject": "Quarterly review (moved)"})
        await store.sync_now()
        assert (await store.read(_data, "persons", filled["id"]))["job_title"] == "Chief Revenue Officer"
        assert (await store.read(_data, "activities", met["id"]))["attendees"] == met["_attendees"]
        await store.set_activity_done(met["id"], True)
        assert await store.drain() is True
        after = await store.read(_data, "activities", met["id"])
        assert after["done"] is True and after["attendees"] == met["_attendees"]
        await store.sync_now(lists=True)
        await store.sync_now(full=True)
        assert (await store.read(_data, "activities", met["id"]))["attendees"] == met["_attendees"]
        assert await store.read(_problems) == 0


async def test_contact_sync_fields_can_be_written(tmp_path):
    sb = _sandbox()
    async with data_env(tmp_path, sandbox=sb) as env:
        pid = next(iter(sb.state.persons))
        await env.store.update_entity("person", pid, {"job_title": "VP Sales", "birthday": "1980-02-29"})
        assert await env.store.drain() is True
        assert sb.state.persons[pid]["job_title"] == "VP Sales" and sb.state.persons[pid]["birthday"] == "1980-02-29"
        assert (await env.store.read(_data, "persons", pid))["job_title"] == "VP Sales"
        assert await env.store.read(_problems) == 0


def test_without_contact_sync_persons_have_no_such_fields_and_writes_are_refused():
    from tests.conftest import FROZEN_NOW

    plain = Sandbox(seed=7, deals=30, token="t", now=FROZEN_NOW)
    assert not any("job_title" in p for p in plain.state.persons.values())
    reply = plain.handle("PATCH", "/api/v2/persons/1", "", {"x-api-token": "t"}, b'{"job_title": "CTO"}')
    assert reply.status == 403
