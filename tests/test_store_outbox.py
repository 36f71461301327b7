import random

from tests.support.random_edits import audit, random_edits
from tests.support.store_env import data_env
from tui.store.events import ConflictDetected, EditRejected


def _deal(conn, i):
    r = conn.execute("SELECT * FROM deals WHERE id = ?", (i,)).fetchone()
    return dict(r) if r else None


async def _first_open_deal(env):
    return await env.store.read(
        lambda c: c.execute("SELECT id, stage_id, pipeline_id FROM deals WHERE status='open' ORDER BY id LIMIT 1").fetchone()
    )


async def test_edit_is_visible_at_once_and_pushed_once(tmp_path):
    async with data_env(tmp_path) as env:
        did, stage, pipeline = await _first_open_deal(env)
        other = await env.store.read(
            lambda c: c.execute(
                "SELECT id FROM stages WHERE pipeline_id=? AND id<>? ORDER BY order_nr LIMIT 1", (pipeline, stage)
            ).fetchone()[0]
        )
        await env.store.move_deal(did, other)
        assert (await env.store.read(_deal, did))["stage_id"] == other
        assert env.store.status.pending == 1
        assert await env.store.drain()
        assert env.sandbox.state.deals[did]["stage_id"] == other
        patches = [r for r in env.sandbox.writes() if r[0] == "PATCH"]
        assert patches == [("PATCH", f"/api/v2/deals/{did}", {}, {"stage_id": other})]


async def test_won_lost_reopen_and_notes_and_activities_reach_the_sandbox(tmp_path):
    async with data_env(tmp_path) as env:
        st, sb = env.store, env.sandbox
        did, *_ = await _first_open_deal(env)
        await st.set_deal_status(did, "lost", "No budget")
        await st.set_deal_status(did, "open")
        await st.set_deal_status(did, "won")
        note_id = await st.create_note("<p>hello &amp; bye</p>", deal_id=did)
        assert note_id < 0
        person = await st.create_entity("person", {"name": "Zoë 山田", "emails": [{"value": "z@x.io", "primary": True, "label": "work"}]})
        new_deal = await st.create_entity("deal", {"title": "Fresh deal", "person_id": person, "value": 1200, "currency": "EUR"})
        act = await st.create_entity(
            "activity",
            {
                "subject": "Call Zoë",
                "type": "call",
                "deal_id": new_deal,
                "due_date": "2026-11-20",
                "participants": [{"person_id": person, "primary": True}],
            },
        )
        await st.set_activity_done(act, True)
        assert await st.drain()
        assert sb.state.deals[did]["status"] == "won"
        assert sb.state.deals[did]["lost_reason"] is None
        created_deal = [d for d in sb.state.deals.values() if d["title"] == "Fresh deal"]
        assert len(created_deal) == 1
        server_person = [p for p in sb.state.persons.values() if p["name"] == "Zoë 山田"]
        assert len(server_person) == 1 and created_deal[0]["person_id"] == server_person[0]["id"]
        acts = [a for a in sb.state.activities.values() if a["subject"] == "Call Zoë"]
        assert len(acts) == 1 and acts[0]["done"] is True and acts[0]["deal_id"] == created_deal[0]["id"]
        assert acts[0]["participants"] == [{"person_id": server_person[0]["id"], "primary": True}]
        notes = [n for n in sb.live("note") if n["content"] == "<p>hello &amp; bye</p>"]
        assert len(notes) == 1 and notes[0]["deal_id"] == did
        # the cache now uses the server ids
        ids = await st.read(lambda c: c.execute("SELECT COUNT(*) FROM deals WHERE id < 0").fetchone()[0])
        assert ids == 0


async def test_permanent_failure_rolls_back_and_reports(tmp_path):
    async with data_env(tmp_path) as env:
        events = []
        env.store.subscribe(events.append)
        did, stage, pipeline = await _first_open_deal(env)
        other = await env.store.read(
            lambda c: c.execute("SELECT id FROM stages WHERE pipeline_id=? AND id<>? LIMIT 1", (pipeline, stage)).fetchone()[0]
        )
        env.sandbox.inject("PATCH", f"/api/v2/deals/{did}", status=400, error="Stage is locked")
        await env.store.move_deal(did, other)
        await env.store.drain()
        assert (await env.store.read(_deal, did))["stage_id"] == stage
        assert env.sandbox.state.deals[did]["stage_id"] == stage
        rejected = [e for e in events if isinstance(e, EditRejected)]
        assert rejected and "Stage is locked" in rejected[0].reason and "moving" in rejected[0].reason
        assert (await env.store.rejections())[0]["entity_id"] == did


async def test_concurrent_remote_change_is_a_conflict_not_an_overwrite(tmp_path):
    async with data_env(tmp_path) as env:
        events = []
        env.store.subscribe(events.append)
        did, *_ = await _first_open_deal(env)
        await env.store.update_entity("deal", did, {"title": "Mine"})
        env.sandbox.remote_edit("deal", did, {"title": "Theirs"})
        await env.store.drain()
        assert env.sandbox.state.deals[did]["title"] == "Theirs"
        conflicts = [e for e in events if isinstance(e, ConflictDetected)]
        assert conflicts and conflicts[0].fields["title"] == ("Mine", "Theirs")
        assert env.store.status.conflicts == 1
        await env.store.resolve_conflict(conflicts[0].seq, keep="mine")
        await env.store.drain()
        assert env.sandbox.state.deals[did]["title"] == "Mine"


async def test_remote_change_to_other_fields_is_not_a_conflict(tmp_path):
    async with data_env(tmp_path) as env:
        did, *_ = await _first_open_deal(env)
        await env.store.update_entity("deal", did, {"title": "Mine"})
        env.sandbox.remote_edit("deal", did, {"value": 4242})
        await env.store.drain()
        assert env.sandbox.state.deals[did]["title"] == "Mine"
        assert env.sandbox.state.deals[did]["value"] == 4242


async def test_offline_queues_and_drains_when_back(tmp_path):
    async with data_env(tmp_path) as env:
        did, *_ = await _first_open_deal(env)
        env.sandbox.faults.configure(rate=1.0, kinds=("drop_before",))
        await env.store.update_entity("deal", did, {"title": "Written offline"})
        outcome = await env.store.pusher.push_next()
        assert outcome == "retry" and env.store.status.mode == "offline"
        assert (await env.store.read(_deal, did))["title"] == "Written offline"
        env.sandbox.faults.configure(rate=0)
        assert await env.store.drain()
        assert env.sandbox.state.deals[did]["title"] == "Written offline"
        assert env.store.status.mode == "online"


async def test_random_edits_under_faults_arrive_exactly_once(tmp_path):
    async with data_env(tmp_path, deals=80) as env:
        st, sb = env.store, env.sandbox
        sb.faults.configure(rate=0.35, seed=5)
        ledger = await random_edits(st, random.Random(3), 300)
        assert await st.drain()
        injected = sum(sb.faults.injected.values())
        assert injected >= 50
        sb.faults.configure(rate=0)
        await st.sync_now(full=True)
        result = await audit(st, sb, ledger)
        print(f"\n300 edits, {sb.counters.requests} requests, faults injected {injected}: {dict(sb.faults.injected)}; {result}")
        assert result == {"lost": 0, "duplicated": 0, "resurrected": 0, "stuck": 0, "cache_mismatch": 0, "missing_creates": 0}
