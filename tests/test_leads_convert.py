"""Converting a lead into a deal: the deal arrives with the lead's notes and activities,
exactly once, also when the conversion's answer is lost and the app restarts; offline it
waits in the outbox; a failed conversion is rolled back; the lead screen gives way to the deal."""

from __future__ import annotations


from tests.conftest import FROZEN_NOW
from tests.support.env import app_env
from tests.support.store_env import close_store, open_store
from tests.support.transports import Answering, matching
from tests.support.wait import settle
from tui.sandbox import Sandbox
from tui.store import conversion
from tui.store.edits import EditError
from tui.store.events import Converted, EditRejected
from tui.store.store import Store

CONVERT = "/convert/deal"


def _sandbox() -> Sandbox:
    return Sandbox(seed=7, deals=60, token="t0k3n-for-tests", now=FROZEN_NOW, conversion_polls=2, conversion_seconds=3.0)


_open = open_store


_close = close_store


def _lead(sb: Sandbox) -> dict:
    return next(lead for lead in sb.state.leads.values() if not lead["is_archived"] and lead.get("person_id"))


async def _note_and_activity(store: Store, lead_id: str) -> None:
    """Made in the app on the lead, pushed before the conversion (v1 note lead_id, v2 activity lead_id)."""
    await store.create_note("<p>Wants a demo</p>", lead_id=lead_id)
    await store.create_entity("activity", {"subject": "Demo call", "type": "call", "due_date": "2026-11-25", "lead_id": lead_id})
    assert await store.drain()


def _posts(sb: Sandbox) -> int:
    return sum(1 for r in sb.requests if r[0] == "POST" and r[1].endswith(CONVERT))


def _second_stage(sb: Sandbox) -> dict:
    pipeline = min(sb.state.pipelines)
    stages = sorted((s for s in sb.state.stages.values() if s["pipeline_id"] == pipeline), key=lambda s: s["order_nr"])
    return stages[1]


async def _check_deal(store: Store, sb: Sandbox, lead: dict, stage: dict) -> int:
    deals = [d for d in sb.state.deals.values() if d.get("source_lead_id") == lead["id"]]
    assert len(deals) == 1, "converted exactly once"
    deal = deals[0]
    assert deal["stage_id"] == stage["id"] and deal["title"] == lead["title"]
    cached = await store.read(lambda c: c.execute("SELECT title, stage_id FROM deals WHERE id = ?", (deal["id"],)).fetchone())
    assert tuple(cached) == (lead["title"], stage["id"])
    notes = await store.read(lambda c: [r[0] for r in c.execute("SELECT content FROM notes WHERE deal_id = ?", (deal["id"],))])
    acts = await store.read(lambda c: [r[0] for r in c.execute("SELECT subject FROM activities WHERE deal_id = ?", (deal["id"],))])
    assert "<p>Wants a demo</p>" in notes and "Demo call" in acts
    assert await store.read(lambda c: c.execute("SELECT COUNT(*) FROM leads WHERE id = ?", (lead["id"],)).fetchone()[0]) == 0
    assert await store.read(lambda c: c.execute("SELECT COUNT(*) FROM notes WHERE lead_id = ?", (lead["id"],)).fetchone()[0]) == 0
    assert await store.read(conversion.converted_to, lead["id"]) == deal["id"]
    assert await store.read(lambda c: c.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]) == 0
    return deal["id"]


async def test_a_converted_lead_becomes_a_deal_with_its_notes_and_activities(tmp_path):
    sb = _sandbox()
    store, client = await _open(tmp_path / "c.sqlite3", sb)
    try:
        await store.sync_now()
        lead, stage = _lead(sb), _second_stage(sb)
        await _note_and_activity(store, lead["id"])
        events: list = []
        store.subscribe(events.append)
        await store.convert_lead(lead["id"], stage["id"])
        assert await store.read(conversion.converting, lead["id"])
        try:
            await store.convert_lead(lead["id"], stage["id"])
            raise AssertionError("a second conversion of the same lead was queued")
        except EditError:
            pass
        assert await store.drain()
        deal_id = await _check_deal(store, sb, lead, stage)
        assert [e for e in events if isinstance(e, Converted)] == [Converted(lead["id"], deal_id, 0)]
        assert _posts(sb) == 1
    finally:
        await _close(store, client)


async def test_a_lost_answer_and_a_restart_convert_exactly_once(tmp_path):
    """The POST reaches Pipedrive but its answer is lost; the app restarts; the next attempts
    look at the lead (still converting, then gone) and find the deal by its source lead."""
    sb = _sandbox()
    path = tmp_path / "c.sqlite3"
    lossy = Answering(sb.transport())
    lossy.drop_after(matching("POST", CONVERT))
    store, client = await _open(path, sb, lossy)
    try:
        await store.sync_now()
        lead, stage = _lead(sb), _second_stage(sb)
        await _note_and_activity(store, lead["id"])
        await store.convert_lead(lead["id"], stage["id"])
        assert await store.pusher.push_next() == "retry"  # the answer was lost
        assert lossy.answered == 1 and _posts(sb) == 1
        row = await store.read(lambda c: dict(c.execute("SELECT * FROM outbox WHERE op = 'convert'").fetchone()))
        assert row["sent_at"] and row["idempotency_key"] is None  # sent, outcome unknown
    finally:
        await _close(store, client)
    store, client = await _open(path, sb)  # the restart
    try:
        assert await store.pusher.push_next() == "waiting"  # the lead still exists: its conversion may run
        assert _posts(sb) == 1
        sb.advance(5)  # Pipedrive finishes the conversion it started
        assert await store.pusher.push_next() == "pushed"
        assert _posts(sb) == 1
        await _check_deal(store, sb, lead, stage)
    finally:
        await _close(store, client)


async def test_a_restart_after_the_conversion_id_polls_instead_of_posting(tmp_path):
    sb = _sandbox()
    path = tmp_path / "c.sqlite3"
    store, client = await _open(path, sb)
    try:
        await store.sync_now()
        lead, stage = _lead(sb), _second_stage(sb)
        await _note_and_activity(store, lead["id"])
        await store.convert_lead(lead["id"], stage["id"])
        assert await store.pusher.push_next() == "waiting"
        cid = await store.read(lambda c: c.execute("SELECT idempotency_key FROM outbox WHERE op='convert'").fetchone()[0])
        assert cid in sb.state.conversions  # recorded before any poll
    finally:
        await _close(store, client)
    store, client = await _open(path, sb)
    try:
        assert await store.drain()
        assert _posts(sb) == 1
        polls = [r for r in sb.requests if r[0] == "GET" and r[1].endswith(f"/convert/status/{cid}")]
        assert len(polls) == 2
        await _check_deal(store, sb, lead, stage)
    finally:
        await _close(store, client)


class Offline(Answering):
    """No network at all while `down`."""

    def __init__(self, inner) -> None:
        super().__init__(inner)
        self.down = True

    async def handle_async_request(self, request):
        import httpx

        if self.down:
            raise httpx.ConnectError("offline (test)", request=request)
        return await super().handle_async_request(request)


async def test_offline_the_conversion_waits_in_the_outbox(tmp_path):
    sb = _sandbox()
    path = tmp_path / "c.sqlite3"
    store, client = await _open(path, sb)
    await store.sync_now()
    await _close(store, client)
    net = Offline(sb.transport())
    store, client = await _open(path, sb, net)
    try:
        lead, stage = _lead(sb), _second_stage(sb)
        await store.convert_lead(lead["id"], stage["id"])
        for _ in range(3):
            assert await store.pusher.push_next() == "retry"
        assert _posts(sb) == 0 and lead["id"] in sb.state.leads and not sb.state.leads[lead["id"]].get("_deleted")
        sent = await store.read(lambda c: c.execute("SELECT sent_at FROM outbox WHERE op='convert'").fetchone()[0])
        assert sent is None  # certainly never arrived: no reconciling (and no waiting) needed
        net.down = False
        assert await store.drain()
        assert _posts(sb) == 1
        assert len([d for d in sb.state.deals.values() if d.get("source_lead_id") == lead["id"]]) == 1
    finally:
        await _close(store, client)


async def test_a_failed_conversion_is_rolled_back_with_the_reason(tmp_path):
    sb = _sandbox()
    store, client = await _open(tmp_path / "c.sqlite3", sb)
    try:
        await store.sync_now()
        lead, stage = _lead(sb), _second_stage(sb)
        events: list = []
        store.subscribe(events.append)
        await store.convert_lead(lead["id"], stage["id"])
        assert await store.pusher.push_next() == "waiting"
        sb.state.leads[lead["id"]]["_deleted"] = True  # someone deletes the lead meanwhile: the job fails
        assert await store.drain()
        rejected = [e for e in events if isinstance(e, EditRejected)]
        assert rejected and "converting" in rejected[0].reason and "failed" in rejected[0].reason
        assert not await store.read(conversion.converting, lead["id"])
        assert await store.read(lambda c: c.execute("SELECT COUNT(*) FROM leads WHERE id=?", (lead["id"],)).fetchone()[0]) == 0
        assert not [d for d in sb.state.deals.values() if d.get("source_lead_id") == lead["id"]]
    finally:
        await _close(store, client)


async def test_convert_on_the_lead_screen_opens_the_new_deal(tmp_path):
    from tui.screens.deal import DealScreen
    from tui.screens.lead import LeadScreen

    async with app_env(tmp_path, deals=60, sandbox=_sandbox()) as env:
        sb = env.sandbox
        lead, stage = _lead(sb), _second_stage(sb)
        await env.pilot.press("5")
        await settle(env)
        screen = env.app.screen
        index = next(i for i, r in enumerate(screen.rows) if r.id == lead["id"])
        screen.table.move_to(index)
        await env.pilot.press("enter")
        await settle(env)
        assert isinstance(env.app.screen, LeadScreen)
        await env.pilot.press("C")
        await settle(env)
        await env.pilot.press("enter")  # the first pipeline
        await settle(env)
        await env.pilot.press("down", "enter")  # its second stage
        await settle(env)
        assert "converting" in str(env.app.screen.query_one("#detail-header").render())
        assert await env.store.drain()
        await settle(env)
        assert isinstance(env.app.screen, DealScreen)
        deal = next(d for d in sb.state.deals.values() if d.get("source_lead_id") == lead["id"])
        assert env.app.screen.entity_id == deal["id"] and deal["stage_id"] == stage["id"]
        await env.pilot.press("escape")
        await settle(env)
        assert lead["id"] not in [r.id for r in env.app.screen.rows]  # back in the inbox, without it


async def test_a_conversion_whose_stage_is_deleted_meanwhile_fails_and_keeps_the_lead(tmp_path):
    sb = _sandbox()
    store, client = await _open(tmp_path / "c.sqlite3", sb)
    try:
        await store.sync_now()
        lead, stage = _lead(sb), _second_stage(sb)
        events: list = []
        store.subscribe(events.append)
        await store.convert_lead(lead["id"], stage["id"])
        assert await store.pusher.push_next() == "waiting"
        sb.state.stages[stage["id"]]["is_deleted"] = True  # an admin deletes the stage meanwhile
        assert await store.drain()
        rejected = [e for e in events if isinstance(e, EditRejected)]
        assert len(rejected) == 1 and "converting" in rejected[0].reason and "failed" in rejected[0].reason
        assert not await store.read(conversion.converting, lead["id"])
        kept = await store.read(lambda c: c.execute("SELECT title FROM leads WHERE id=?", (lead["id"],)).fetchone())
        assert kept is not None and kept[0] == lead["title"]
        assert await store.read(conversion.converted_to, lead["id"]) is None
        assert not [d for d in sb.state.deals.values() if d.get("source_lead_id") == lead["id"]]
        # the sandbox (and so the app) goes on: a sync and an edit elsewhere succeed
        await store.sync_now(lists=True)
        deal = next(d for d in sb.live("deal") if d["status"] == "open")
        await store.update_entity("deal", deal["id"], {"title": "Edited after the failed conversion"})
        assert await store.drain()
        assert sb.state.deals[deal["id"]]["title"] == "Edited after the failed conversion"
        assert sb.counters.statuses.get(400, 0) == 0  # no request was answered 400
        assert store.status.last_error is None
    finally:
        await _close(store, client)


async def test_a_note_pinned_to_the_lead_is_pinned_to_the_deal_after_the_conversion(tmp_path):
    """Pipedrive moves the pin with the note; the sandbox does, and the cache holds it (the
    deal screen shows the note pinned). Before: the pin was lost on the way."""
    from tui.store.queries import entities

    sb = _sandbox()
    store, client = await _open(tmp_path / "c.sqlite3", sb)
    try:
        await store.sync_now()
        lead, stage = _lead(sb), _second_stage(sb)
        await store.create_note("<p>Decision maker: Ana</p>", lead_id=lead["id"])
        assert await store.drain()
        note_id = next(n["id"] for n in sb.state.notes.values() if n["content"] == "<p>Decision maker: Ana</p>")
        await store.update_entity("note", note_id, {"pinned_to_lead_flag": True})
        assert await store.drain()
        assert sb.state.notes[note_id]["pinned_to_lead_flag"] is True
        await store.convert_lead(lead["id"], stage["id"])
        assert await store.drain()
        deal_id = await store.read(conversion.converted_to, lead["id"])
        server = sb.state.notes[note_id]
        assert (server["deal_id"], server["pinned_to_deal_flag"]) == (deal_id, True)
        row = await store.read(
            lambda c: c.execute(
                "SELECT deal_id, pinned_deal, json_extract(data, '$.pinned_to_deal_flag') FROM notes WHERE id = ?", (note_id,)
            ).fetchone()
        )
        assert tuple(row) == (deal_id, 1, 1)
        notes = await store.read(entities.notes_for, "deal_id", deal_id)
        assert [n.pinned for n in notes if n.id == note_id] == [True]
    finally:
        await _close(store, client)
