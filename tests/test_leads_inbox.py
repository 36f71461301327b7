"""The leads inbox: filters and orders on crafted data, the section's keys on the sandbox,
label colours that read without colour (NO_COLOR), the 160x45 snapshot."""

from __future__ import annotations

import json

from rich.segment import Segment

from tests.conftest import FROZEN_NOW
from tests.support.env import app_env
from tests.support.screen import screen_text
from tests.support.snapshots import snapshot
from tests.support.wait import settle
from tui.clock import Clock
from tui.sandbox import Sandbox
from tui.screens.leads import LeadsScreen
from tui.store import ingest
from tui.store.queries import leads as q
from tui.store.store import Store

HOT, COLD = "0e1d0000-0000-4000-8000-000000000001", "0e1d0000-0000-4000-8000-000000000002"
A, B, C, D = (f"1ead0000-0000-4000-8000-00000000000{i}" for i in range(1, 5))


def _lead(lid: str, title: str, add: str, **kw) -> dict:
    base = {
        "id": lid,
        "title": title,
        "owner_id": 1,
        "label_ids": [],
        "person_id": None,
        "organization_id": None,
        "source_name": "Import",
        "is_archived": False,
        "was_seen": True,
        "value": None,
        "expected_close_date": None,
        "add_time": add + "T10:00:00.000Z",
        "update_time": add + "T10:00:00.000Z",
    }
    return {**base, **kw}


def _craft(conn) -> None:
    ingest.upsert(conn, "user", [{"id": 1, "name": "Me Myself", "is_you": True}, {"id": 2, "name": "Bea Other"}])
    ingest.upsert(conn, "lead_label", [{"id": HOT, "name": "Hot", "color": "red"}, {"id": COLD, "name": "Cold", "color": "blue"}])
    ingest.upsert(conn, "person", [{"id": 7, "name": "Pia Person"}])
    ingest.upsert(conn, "organization", [{"id": 8, "name": "Acme"}, {"id": 9, "name": "Zeta Corp"}])
    ingest.upsert(
        conn,
        "lead",
        [
            _lead(
                A,
                "Alpha order",
                "2026-11-10",
                organization_id=8,
                label_ids=[HOT],
                source_name="Web forms",
                value={"amount": 5000, "currency": "EUR"},
                expected_close_date="2026-12-01",
            ),
            _lead(B, "Beta pilot", "2026-11-12", person_id=7, owner_id=2),
            _lead(
                C,
                "Gamma renewal",
                "2026-11-01",
                organization_id=9,
                label_ids=[COLD, HOT],
                source_name="Web forms",
                value={"amount": 12000, "currency": "EUR"},
                expected_close_date="2026-11-25",
            ),
            _lead(D, "Delta archived", "2026-11-15", organization_id=8, label_ids=[HOT], is_archived=True),
        ],
    )

    def act(aid: int, lead: str, due: str, done: bool = False) -> dict:
        return {"id": aid, "subject": f"Call {aid}", "type": "call", "lead_id": lead, "due_date": due, "due_time": "09:00", "done": done}

    ingest.upsert(
        conn, "activity", [act(1, C, "2026-11-19"), act(2, A, "2026-11-30"), act(3, A, "2026-11-02", True), act(4, B, "2026-11-01", True)]
    )


async def _store(tmp_path) -> Store:
    store = await Store.open(tmp_path / "crafted.sqlite3", None, clock=Clock.frozen(FROZEN_NOW))
    await store.db.write(_craft)
    return store


def _titles(rows) -> list[str]:
    return [r.title for r in rows]


async def test_orders_of_the_inbox(tmp_path):
    store = await _store(tmp_path)
    try:

        async def order(sort: str) -> list[str]:
            return _titles(await store.read(q.lead_rows, q.LeadFilter(), sort))

        assert await order("newest") == ["Beta pilot", "Alpha order", "Gamma renewal"]  # archived D not in the inbox
        assert await order("next_activity") == ["Gamma renewal", "Alpha order", "Beta pilot"]  # done ones don't count
        assert await order("value") == ["Gamma renewal", "Alpha order", "Beta pilot"]
        assert await order("close_date") == ["Gamma renewal", "Alpha order", "Beta pilot"]
        assert await order("title") == ["Alpha order", "Beta pilot", "Gamma renewal"]
        rows = {r.id: r for r in await store.read(q.lead_rows)}
        assert rows[C].labels == [("Cold", "blue"), ("Hot", "red")]  # the lead's order
        assert rows[C].next_due == "2026-11-19 09:00" and rows[C].next_subject == "Call 1"
        assert rows[B].next_due is None and rows[A].org == "Acme" and rows[B].person == "Pia Person"
    finally:
        await store.close()


async def test_filters_of_the_inbox(tmp_path):
    store = await _store(tmp_path)
    try:

        async def rows(**kw) -> list[str]:
            return sorted(_titles(await store.read(q.lead_rows, q.LeadFilter(**kw), "title")))

        assert await rows(label_id=HOT) == ["Alpha order", "Gamma renewal"]
        assert await rows(label_id=COLD) == ["Gamma renewal"]
        assert await rows(label_id=q.NO_LABEL) == ["Beta pilot"]
        assert await rows(owner_id=2) == ["Beta pilot"]
        assert await rows(source="Web forms") == ["Alpha order", "Gamma renewal"]
        assert await rows(text="pia") == ["Beta pilot"]  # the person's name
        assert await rows(text="ZETA") == ["Gamma renewal"]  # the organization's name
        assert await rows(text="50%") == []  # LIKE wildcards are literal
        assert await rows(label_id=HOT, owner_id=1, text="gam") == ["Gamma renewal"]
        assert await rows(archived=True) == ["Delta archived"]
        assert await rows(archived=True, label_id=COLD) == []
        assert await store.read(q.source_choices) == ["Import", "Web forms"]
        assert await store.read(q.owner_choices) == [(1, "Me Myself"), (2, "Bea Other")]
    finally:
        await store.close()


async def _open_inbox(env) -> LeadsScreen:
    await env.pilot.press("5")
    await settle(env)
    screen = env.app.screen
    assert isinstance(screen, LeadsScreen)
    return screen


async def test_the_label_key_filters_the_inbox_to_what_the_sandbox_has(tmp_path):
    async with app_env(tmp_path, deals=240) as env:
        screen = await _open_inbox(env)
        live = [lead for lead in env.sandbox.state.leads.values() if not lead.get("is_archived")]
        assert len(screen.rows) == len(live)
        adds = [r.add_time for r in screen.rows]
        assert adds == sorted(adds, reverse=True)  # newest first
        hot = next(lab for lab in env.sandbox.state.lead_labels.values() if lab["name"] == "Hot")
        await env.pilot.press("l")
        await settle(env)
        names = [str(env.app.screen.options[i][0]) for i in range(len(env.app.screen.options))]
        await env.pilot.press(*["down"] * names.index("● Hot"), "enter")
        await settle(env)
        expected = sorted(lead["title"] for lead in live if hot["id"] in lead["label_ids"])
        assert expected and sorted(r.title for r in screen.rows) == expected
        assert "label: Hot" in screen_text(env.app)
        await env.pilot.press("x")  # clear filters
        await settle(env)
        assert len(screen.rows) == len(live)


async def test_label_colours_read_without_colour(tmp_path, monkeypatch):
    """NO_COLOR: the label's name is written next to its bullet, so Hot and Cold differ
    without colour; with colour the bullet and name carry the label's colour."""
    for no_color in (False, True):
        if no_color:
            monkeypatch.setenv("NO_COLOR", "1")
        async with app_env(tmp_path / str(no_color), deals=240) as env:
            assert env.app.no_color is no_color
            screen = await _open_inbox(env)
            table = screen.table
            index = next(i for i, r in enumerate(screen.rows) if ("Hot", "red") in r.labels)
            table.move_to(index + 1)  # not the cursor row (its own reverse style)
            strip = table.render_line(index + 1 - int(table.scroll_offset.y))
            for line_filter in env.app._filters:
                strip = strip.apply_filter(line_filter, env.app.screen.styles.background)
            segments = [s for s in strip if "Hot" in s.text or "●" in s.text]
            text = "".join(s.text for s in strip)
            assert "● Hot" in text
            colours = {s.style.color.get_truecolor() for s in segments if s.style and s.style.color}
            reds = [c for c in colours if c.red > c.green + 60]
            assert bool(reds) is not no_color


async def test_leads_inbox_snapshot(tmp_path):
    async with app_env(tmp_path, deals=240, size=(160, 45)) as env:
        await _open_inbox(env)
        await env.pilot.press("down", "down")
        await settle(env)
        await snapshot(env, "leads_inbox_160x45")


def test_lead_columns_keep_the_uuid_and_the_value():
    row = ingest.columns(
        "lead", {"id": A, "title": "T", "value": {"amount": 5, "currency": "USD"}, "organization_id": 3, "label_ids": [HOT]}
    )
    assert row["id"] == A and row["value"] == 5 and row["currency"] == "USD" and row["org_id"] == 3
    assert json.loads(row["label_ids"]) == [HOT]


__all__ = ["Sandbox", "Segment"]
