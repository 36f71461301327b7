"""`L` on a deal, person or organization: the call form (outcome preselected, the person's
number), ctrl+s logs it through the outbox, the next step is offered; `u` takes it back while
unsent; `y` copies a number; bad input is refused next to its field with nothing queued."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Input

from tests.conftest import FROZEN_NOW
from tests.support.env import app_env
from tests.support.screen import screen_text
from tests.support.wait import settle
from tui.screens.deal import DealScreen
from tui.screens.forms.call_form import CallForm
from tui.screens.person import PersonScreen
from tui.screens.triage_prompts import ScheduleScreen


def _deal_with_phone(sb):
    return next(d for d in sb.live("deal") if d["status"] == "open" and d["person_id"] and sb.state.persons[d["person_id"]].get("phones"))


async def _open(env, deal_id):
    env.app.open_deal(deal_id)
    await settle(env)
    assert isinstance(env.app.screen, DealScreen)
    return env.app.screen


def _queued_calls(env):
    return env.store.read(lambda c: c.execute("SELECT COUNT(*) FROM outbox WHERE op='call'").fetchone()[0])


async def test_L_no_answer_ctrl_s_logs_the_call_and_plans_the_next_call(tmp_path):
    async with app_env(tmp_path) as env:
        env.sandbox.state.call_logs.clear()  # only the calls a test logs
        deal = _deal_with_phone(env.sandbox)
        person = env.sandbox.state.persons[deal["person_id"]]
        number = next(p["value"] for p in sorted(person["phones"], key=lambda p: not p.get("primary")))
        await _open(env, deal["id"])
        await env.pilot.press("L")
        await settle(env)
        form = env.app.screen
        assert isinstance(form, CallForm)
        shown = screen_text(env.app)
        assert f"Log a call with {person['name']}" in shown and number in shown and f"Call with {person['name']}" in shown
        await env.pilot.press("enter", "down", "enter")  # the outcome list: connected -> no answer
        await settle(env)
        await env.pilot.press("ctrl+s")
        await settle(env)
        prompt = env.app.screen
        assert isinstance(prompt, ScheduleScreen)
        assert prompt.query_one("#subject", Input).value == f"Call {person['name']} again"
        assert prompt.query_one("#when", Input).value == "tomorrow"
        await env.pilot.press("enter")
        await settle(env)
        screen = env.app.screen
        assert isinstance(screen, DealScreen)
        text = screen_text(env.app)
        assert "Calls · 1 (1 sending)" in text and "No answer" in text and "⧗ sending" in text
        planned = await env.store.read(
            lambda c: c.execute(
                "SELECT type, due_date, done FROM activities WHERE deal_id=? AND subject=?", (deal["id"], f"Call {person['name']} again")
            ).fetchall()
        )
        assert [tuple(r) for r in planned] == [("call", (FROZEN_NOW + timedelta(days=1)).date().isoformat(), 0)]
        assert await env.store.drain()
        (log,) = [c for c in env.sandbox.state.call_logs.values() if c["deal_id"] == deal["id"]]
        assert (log["outcome"], log["to_phone_number"], log["person_id"], log["subject"]) == (
            "no_answer",
            number,
            person["id"],
            f"Call with {person['name']}",
        )
        assert any(a["subject"] == f"Call {person['name']} again" for a in env.sandbox.live("activity"))
        await settle(env)
        assert "⧗ sending" not in screen_text(env.app)


async def test_L_then_ctrl_s_logs_a_connected_call_and_escape_skips_the_next_step(tmp_path):
    async with app_env(tmp_path) as env:
        env.sandbox.state.call_logs.clear()  # only the calls a test logs
        deal = _deal_with_phone(env.sandbox)
        await _open(env, deal["id"])
        before = len(env.sandbox.live("activity"))
        await env.pilot.press("L", "ctrl+s")
        await settle(env)
        assert isinstance(env.app.screen, ScheduleScreen)
        await env.pilot.press("escape")
        await settle(env)
        assert isinstance(env.app.screen, DealScreen)
        assert await env.store.drain()
        (log,) = env.sandbox.state.call_logs.values()
        assert log["outcome"] == "connected"
        assert len(env.sandbox.live("activity")) == before + 1  # only the done call Pipedrive records


async def test_u_takes_back_an_unsent_call_and_nothing_reaches_pipedrive(tmp_path):
    async with app_env(tmp_path) as env:
        env.sandbox.state.call_logs.clear()  # only the calls a test logs
        deal = _deal_with_phone(env.sandbox)
        await _open(env, deal["id"])
        await env.pilot.press("L", "ctrl+s")
        await settle(env)
        await env.pilot.press("escape")
        await settle(env)
        assert await _queued_calls(env) == 1
        await env.pilot.press("u")
        await settle(env)
        assert await _queued_calls(env) == 0
        assert "No calls logged" in screen_text(env.app)
        assert await env.store.drain()
        assert env.sandbox.state.call_logs == {}


async def test_a_missing_number_or_a_future_start_is_refused_at_its_field_and_nothing_is_queued(tmp_path):
    async with app_env(tmp_path) as env:
        env.sandbox.state.call_logs.clear()  # only the calls a test logs
        deal = next(d for d in env.sandbox.live("deal") if not d.get("person_id"))
        await _open(env, deal["id"])
        await env.pilot.press("L")
        await settle(env)
        form = env.app.screen
        assert isinstance(form, CallForm)
        form.field("started").input.value = "23:59" if FROZEN_NOW.hour < 23 else "tomorrow 10:00"
        await env.pilot.press("ctrl+s")
        await settle(env)
        assert isinstance(env.app.screen, CallForm)
        text = screen_text(env.app)
        assert "The number you called: Pipedrive needs it" in text
        assert "is still to come: a call is logged once" in text
        assert await _queued_calls(env) == 0


async def test_y_copies_the_persons_number_and_L_works_on_the_person_screen(tmp_path, monkeypatch):
    async with app_env(tmp_path) as env:
        env.sandbox.state.call_logs.clear()  # only the calls a test logs
        deal = _deal_with_phone(env.sandbox)
        person = env.sandbox.state.persons[deal["person_id"]]
        copied: list[str] = []
        monkeypatch.setattr(env.app, "copy_to_clipboard", copied.append)
        env.app.open_person(person["id"])
        await settle(env)
        assert isinstance(env.app.screen, PersonScreen)
        await env.pilot.press("y")
        await settle(env)
        values = [p["value"] for p in person["phones"]] + [e["value"] for e in person.get("emails") or []]
        if len(values) > 1:
            await env.pilot.press("enter")  # the first: the primary phone
            await settle(env)
        assert copied and copied[0] in values and copied[0] in [p["value"] for p in person["phones"]]
        await env.pilot.press("L", "ctrl+s")
        await settle(env)
        await env.pilot.press("escape")
        await settle(env)
        assert await env.store.drain()
        (log,) = env.sandbox.state.call_logs.values()
        assert log["person_id"] == person["id"] and log["deal_id"] is None


async def test_L_in_triage_logs_a_call_about_the_deal_and_u_takes_it_back(tmp_path):
    from tui.screens.triage import TriageScreen

    async with app_env(tmp_path) as env:
        env.sandbox.state.call_logs.clear()  # only the calls a test logs
        await env.pilot.press("6")
        await settle(env)
        screen = env.app.screen
        assert isinstance(screen, TriageScreen) and screen.queue.rows
        deal_id = screen.listing.selected.id
        await env.pilot.press("L", "ctrl+s")
        await settle(env)
        assert isinstance(env.app.screen, ScheduleScreen)
        await env.pilot.press("enter")  # plan the next step too
        await settle(env)
        assert env.app.screen is screen
        calls = await env.store.read(lambda c: c.execute("SELECT deal_id FROM call_logs").fetchall())
        assert [tuple(r) for r in calls] == [(deal_id,)]
        await env.pilot.press("u")
        await settle(env)
        assert await _queued_calls(env) == 0
        assert await env.store.read(lambda c: c.execute("SELECT COUNT(*) FROM call_logs").fetchone()[0]) == 0
        assert await env.store.drain()
        assert env.sandbox.state.call_logs == {}


async def test_L_in_the_agenda_logs_a_call_with_the_activitys_deal(tmp_path):
    from tui.screens.agenda import AgendaScreen

    async with app_env(tmp_path) as env:
        env.sandbox.state.call_logs.clear()  # only the calls a test logs
        await env.pilot.press("2")
        await settle(env)
        screen = env.app.screen
        assert isinstance(screen, AgendaScreen)
        row = screen.current
        assert row is not None
        await env.pilot.press("L", "ctrl+s")
        await settle(env)
        await env.pilot.press("escape")
        await settle(env)
        assert env.app.screen is screen
        assert await env.store.drain()
        (log,) = env.sandbox.state.call_logs.values()
        assert (log["deal_id"], log["org_id"] if row.deal_id is None else log["deal_id"]) == (
            row.deal_id,
            row.org_id if row.deal_id is None else row.deal_id,
        )


async def test_the_calls_section_shows_the_users_call_logs_fetched_once_for_20_tokens(tmp_path):
    async with app_env(tmp_path) as env:
        logs = list(env.sandbox.state.call_logs.values())
        assert logs, "the generator logs some calls"
        log = logs[0]
        env.app.open_deal(log["deal_id"])
        await settle(env)
        await settle(env)
        text = screen_text(env.app)
        assert f"{log['to_phone_number']}" in text and "Calls · " in text
        fetches = [r for r in env.sandbox.requests if r[0] == "GET" and r[1] == "/api/v1/callLogs"]
        assert len(fetches) == 1
        await env.pilot.press("escape")
        await settle(env)
        env.app.open_deal(log["deal_id"])
        await settle(env)
        assert len([r for r in env.sandbox.requests if r[0] == "GET" and r[1] == "/api/v1/callLogs"]) == 1  # not again within 10 minutes


async def test_L_on_a_lead_logs_a_call_about_the_lead(tmp_path):
    async with app_env(tmp_path) as env:
        env.sandbox.state.call_logs.clear()
        lead = next(
            le
            for le in env.sandbox.state.leads.values()
            if le.get("person_id") and env.sandbox.state.persons[le["person_id"]].get("phones")
        )
        env.app.open_lead(lead["id"])
        await settle(env)
        await env.pilot.press("L")
        await settle(env)
        assert isinstance(env.app.screen, CallForm)
        assert env.app.screen.context.lead_id == lead["id"] and env.app.screen.context.deal_id is None
        await env.pilot.press("ctrl+s")
        await settle(env)
        await env.pilot.press("escape")
        await settle(env)
        assert "Calls · 1 (1 sending)" in screen_text(env.app)
        assert await env.store.drain()
        (log,) = env.sandbox.state.call_logs.values()
        assert (log["lead_id"], log["deal_id"], log["person_id"]) == (lead["id"], None, lead["person_id"])
