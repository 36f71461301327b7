"""Changes to leads go through the outbox like every edit (UUID ids, optimistic, pushed in
order, rolled back with Pipedrive's reason when refused); notes and activities on leads;
what looking at leads costs (only while the section is shown); the lead screen's keys."""

from __future__ import annotations

from tests.support.env import app_env
from tests.support.store_env import data_env
from tests.support.wait import settle
from tui.store.events import EditRejected
from tui.store.queries import leads as q


def _lead(sb) -> dict:
    return next(lead for lead in sb.state.leads.values() if not lead["is_archived"] and not lead["label_ids"])


def _cached(store, lead_id):
    return store.read(lambda c: c.execute("SELECT title, label_ids, is_archived FROM leads WHERE id = ?", (lead_id,)).fetchone())


async def test_lead_edits_are_optimistic_and_reach_pipedrive(tmp_path):
    async with data_env(tmp_path, deals=60) as env:
        store, sb = env.store, env.sandbox
        lead = _lead(sb)
        hot = next(lid for lid, lab in sb.state.lead_labels.items() if lab["name"] == "Hot")
        await store.update_entity("lead", lead["id"], {"title": "Renamed lead", "label_ids": [hot]})
        await store.update_entity("lead", lead["id"], {"is_archived": True})
        row = await _cached(store, lead["id"])
        assert row[0] == "Renamed lead" and hot in row[1] and row[2] == 1  # at once, before any push
        assert [r.id for r in await store.read(q.lead_rows, q.LeadFilter(archived=True))].count(lead["id"]) == 1
        assert await store.drain()
        server = sb.state.leads[lead["id"]]
        assert server["title"] == "Renamed lead" and server["label_ids"] == [hot] and server["is_archived"] is True
        patches = [r for r in sb.requests if r[0] == "PATCH" and r[1] == f"/api/v1/leads/{lead['id']}"]
        assert [p[3] for p in patches] == [{"title": "Renamed lead", "label_ids": [hot]}, {"is_archived": True}]
        await store.delete_entity("lead", lead["id"])
        assert await store.drain()
        assert sb.state.leads[lead["id"]].get("_deleted")
        assert await _cached(store, lead["id"]) is None


async def test_a_refused_lead_edit_rolls_back_with_the_reason(tmp_path):
    async with data_env(tmp_path, deals=60) as env:
        store, sb = env.store, env.sandbox
        lead = _lead(sb)
        events: list = []
        store.subscribe(events.append)
        await store.update_entity("lead", lead["id"], {"label_ids": ["00000000-0000-4000-8000-00000000dead"]})
        assert await store.drain()
        rejected = [e for e in events if isinstance(e, EditRejected)]
        assert len(rejected) == 1 and rejected[0].entity_id == lead["id"] and "not found" in rejected[0].reason
        assert (await _cached(store, lead["id"]))[1] == "[]"  # the server's labels again
        assert sb.state.leads[lead["id"]]["label_ids"] == []


async def test_notes_and_activities_on_a_lead(tmp_path):
    async with data_env(tmp_path, deals=60) as env:
        store, sb = env.store, env.sandbox
        lead = _lead(sb)
        note = await store.create_note("<p>First call</p>", lead_id=lead["id"])
        await store.create_entity(
            "activity", {"subject": "Follow up", "type": "call", "due_date": "2026-11-20", "due_time": "08:00", "lead_id": lead["id"]}
        )
        detail = await store.read(q.lead_detail, lead["id"])
        assert [n.id for n in detail.notes] == [note] and [a.subject for a in detail.activities] == ["Follow up"]
        assert await store.drain()
        assert any(n.get("lead_id") == lead["id"] and n["content"] == "<p>First call</p>" for n in sb.state.notes.values())
        assert any(a.get("lead_id") == lead["id"] and a["subject"] == "Follow up" for a in sb.state.activities.values())
        detail = await store.read(q.lead_detail, lead["id"])
        assert detail.notes[0].id > 0 and detail.activities[0].id > 0  # the server's ids
        row = next(r for r in await store.read(q.lead_rows) if r.id == lead["id"])
        assert row.next_due == "2026-11-20 08:00" and row.next_subject == "Follow up"


async def test_leads_are_looked_at_only_while_the_section_is_shown(tmp_path):
    async with data_env(tmp_path, deals=60) as env:
        store, sb = env.store, env.sandbox

        async def probe() -> dict[str, int]:
            before = dict(sb.counters.by_path)
            sb.advance(60)
            await store.sync_now()
            return {k: v - before.get(k, 0) for k, v in sb.counters.by_path.items() if v - before.get(k, 0)}

        assert await probe() == {"GET /api/v1/recents": 1}  # 20 tokens, leads not shown
        store.watch_leads(True)
        first = await probe()  # shown: the open leads in full once (20), the labels (10)
        assert first == {"GET /api/v1/recents": 1, "GET /api/v1/leads": 1, "GET /api/v1/leadLabels": 1}
        lead = _lead(sb)
        sb.advance(5)
        sb.remote_edit("lead", lead["id"], {"title": "Changed by a colleague"})
        tokens = sb.counters.tokens
        assert await probe() == {"GET /api/v1/recents": 1, "GET /api/v1/leads": 1}
        assert sb.counters.tokens - tokens == 20 + 20
        assert "updated_since" in sb.requests[-1][2] and (await _cached(store, lead["id"]))[0] == "Changed by a colleague"
        gone = next(x for x in sb.state.leads.values() if not x["is_archived"] and x["id"] != lead["id"])
        gone["_deleted"] = True  # deleted elsewhere: only a full listing can tell
        store.request_sync("lists")
        await store.sync_now(lists=True)
        assert await _cached(store, gone["id"]) is None
        store.watch_leads(False)
        assert await probe() == {"GET /api/v1/recents": 1}


async def test_lead_screen_keys_change_the_lead(tmp_path):
    from tui.screens.lead import LeadScreen

    async with app_env(tmp_path, deals=60) as env:
        store, sb = env.store, env.sandbox
        lead = _lead(sb)
        env.app.switch_mode("leads")
        await settle(env)
        env.app.open_lead(lead["id"])
        await settle(env)
        screen = env.app.screen
        assert isinstance(screen, LeadScreen)
        await env.pilot.press("l")
        await settle(env)
        await env.pilot.press("enter")  # the first label by name: Cold
        await settle(env)
        cold = next(lid for lid, lab in sb.state.lead_labels.items() if lab["name"] == "Cold")
        assert [x[0] for x in screen.detail.labels] == [cold]
        await env.pilot.press("A")
        await settle(env)
        assert screen.detail.lead["is_archived"] is True
        await env.pilot.press("n")
        await settle(env)
        await env.pilot.press(*"Met at the fair", "ctrl+s")
        await settle(env)
        assert [n.content for n in screen.detail.notes] == ["<p>Met at the fair</p>"]
        assert await store.drain()
        server = sb.state.leads[lead["id"]]
        assert server["label_ids"] == [cold] and server["is_archived"] is True
        assert any(n.get("lead_id") == lead["id"] for n in sb.state.notes.values())


async def test_a_lead_edit_that_meets_a_colleagues_is_held_and_resolved(tmp_path):
    from tui.screens.conflicts import ConflictScreen
    from tui.screens.forms.lead_form import LeadForm

    async with app_env(tmp_path, deals=60) as env:
        store, sb = env.store, env.sandbox
        lead = _lead(sb)
        await store.update_entity("lead", lead["id"], {"title": "Mine"})
        sb.advance(5)
        sb.remote_edit("lead", lead["id"], {"title": "Theirs"})
        await store.drain()
        assert store.status.conflicts == 1 and sb.state.leads[lead["id"]]["title"] == "Theirs"
        await settle(env)
        await env.pilot.press("exclamation_mark")
        await settle(env)
        assert isinstance(env.app.screen, ConflictScreen)
        await env.pilot.press("e")  # theirs, then the lead's form with my values
        await settle(env)
        form = env.app.screen
        assert isinstance(form, LeadForm)
        assert form.field("title").input.value == "Mine"
        await form.apply_values({"value": {"amount": 900, "currency": "EUR"}})  # a lead's value: two fields
        assert form.field("value").input.value == "900" and form.field("currency").input.value == "EUR"
        await env.pilot.press("ctrl+s")
        await settle(env)
        assert await store.drain()
        assert sb.state.leads[lead["id"]]["title"] == "Mine" and sb.state.leads[lead["id"]]["value"]["amount"] == 900
        assert store.status.conflicts == 0


async def test_leads_are_watched_while_the_inbox_or_a_lead_is_in_view(tmp_path):
    async with app_env(tmp_path, deals=60) as env:
        watch = env.store.leads_watch
        assert not watch.shown
        await env.pilot.press("5")
        await settle(env)
        assert watch.shown
        await env.pilot.press("enter")  # a lead over the inbox
        await settle(env)
        assert watch.shown
        await env.pilot.press("escape")
        await settle(env)
        assert watch.shown and len(watch.watchers) == 1
        await env.pilot.press("1")
        await settle(env)
        assert not watch.shown
