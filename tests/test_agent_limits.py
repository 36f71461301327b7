"""The MCP side's limits, in-process (tui/agent/server.py's Agent over a store on the sandbox):
auto-approval of named tools only, the hourly token cap on what costs tokens (reads stay
free), a refresh while Pipedrive is unreachable answers an error and the server stays up, and
`pipedrive-tui status` shows the hour's MCP spending and the proposals waiting."""

from __future__ import annotations

import pytest
from mcp.server.mcpserver.exceptions import ToolError

from tests.support.store_env import data_env
from tui.agent import writes
from tui.agent.server import Agent
from tui.store import proposals


def _deal(sb):
    return next(d for d in sb.live("deal") if d["status"] == "open")


async def test_only_named_tools_are_approved_automatically(tmp_path):
    async with data_env(tmp_path) as env:
        agent = Agent(env.store, auto_approve=["add_note"])
        deal = _deal(env.sandbox)
        answer = await agent.propose(await writes.add_note(env.store, "auto", deal_id=deal["id"]), "t")
        assert "approved automatically" in answer
        other = await agent.propose(await writes.mark_won(env.store, deal["id"]), "t")
        assert "waiting for approval" in other
        assert env.sandbox.writes() == []  # nothing sent by the server itself
        assert await env.store.drain()
        posts = [w for w in env.sandbox.writes() if w[0] == "POST" and w[1] == "/api/v1/notes"]
        assert len(posts) == 1 and env.sandbox.state.deals[deal["id"]]["status"] == "open"  # won waits for a person


async def test_the_hourly_cap_stops_what_costs_tokens_and_reads_go_on(tmp_path):
    async with data_env(tmp_path) as env:
        agent = Agent(env.store, tokens_per_hour=30)
        result, cost = await agent.counted("refresh", env.store.sync_now)
        assert cost > 0
        await env.store.db.write(proposals.spend, 25, "refresh", env.store.clock.now())
        before = len(env.sandbox.requests)
        with pytest.raises(ToolError, match="hourly token cap"):
            await agent.counted("refresh", env.store.sync_now)
        assert len(env.sandbox.requests) == before  # refused before any request
        assert await agent.spent_last_hour() >= 25


async def test_refresh_while_pipedrive_is_unreachable_is_an_answer_not_a_crash(tmp_path):
    from tui.api.errors import ApiError

    async with data_env(tmp_path) as env:
        agent = Agent(env.store)
        env.sandbox.faults.configure(rate=1.0, kinds=("drop_before",))
        with pytest.raises(ApiError):
            await agent.counted("refresh", lambda: env.store.sync_now(lists=True))
        env.sandbox.faults.configure(rate=0.0)
        result, _cost = await agent.counted("refresh", env.store.sync_now)  # and it goes on
        assert isinstance(result, dict)


async def test_edit_then_approve_saves_the_edited_change_once_as_the_approval(tmp_path):
    """`e` in the agent inbox: the proposal's note opens in the editor, the person adds to it,
    ctrl+s: the edited note is queued and the proposal approved in one transaction; a later `a`
    finds nothing waiting; Pipedrive gets one note, the edited one."""
    from tests.support.env import app_env
    from tests.support.wait import settle
    from tui.screens.note_editor import NoteEditorScreen

    async with app_env(tmp_path) as env:
        agent = Agent(env.store)
        deal = _deal(env.sandbox)
        answer = await agent.propose(await writes.add_note(env.store, "Agent wrote this", deal_id=deal["id"]), "t")
        pid = int(answer.split("#")[1].split(",")[0])
        await env.store.check_proposals()
        await env.pilot.press("8")
        await settle(env, 8)
        await env.pilot.press("e")
        await settle(env, 8)
        assert isinstance(env.app.screen, NoteEditorScreen)
        await env.pilot.press("end", *" and a person added this")
        await env.pilot.press("ctrl+s")
        await settle(env, 8)
        decided = await env.store.read(proposals.get, pid)
        assert decided is not None and decided.state == "approved"
        await env.pilot.press("a")  # nothing waiting any more
        await settle(env)
        assert await env.store.drain()
        posts = [w for w in env.sandbox.writes() if w[0] == "POST" and w[1] == "/api/v1/notes"]
        assert len(posts) == 1 and "Agent wrote this and a person added this" in posts[0][3]["content"]


async def test_the_forms_save_is_the_approval_itself(tmp_path):
    """No second step after the save: the proposal is approved in the save's transaction (a
    crash before the form's callback cannot leave it waiting with its change already queued)."""
    async with data_env(tmp_path) as env:
        agent = Agent(env.store)
        deal = _deal(env.sandbox)
        answer = await agent.propose(await writes.add_note(env.store, "draft", deal_id=deal["id"]), "t")
        pid = int(answer.split("#")[1].split(",")[0])
        env.store.approve_by_save(pid)
        await env.store.create_note("<p>edited</p>", deal_id=deal["id"])
        decided = await env.store.read(proposals.get, pid)
        assert decided is not None and decided.state == "approved"
        queued = await env.store.read(lambda c: c.execute("SELECT COUNT(*) FROM outbox WHERE entity = 'note'").fetchone()[0])
        assert queued == 1
        await env.store.create_note("<p>another</p>", deal_id=deal["id"])  # later saves are ordinary
        assert (await env.store.read(proposals.get, pid)).state == "approved"


async def test_pipeline_totals_are_converted_where_rates_exist(tmp_path):
    from tui.agent import reads
    from tui.sandbox.insights import rate

    async with data_env(tmp_path) as env:
        before = await reads.pipeline_totals(env.store, 1)
        assert "no exchange rates" in before["result"]["note"] if "result" in before else "no exchange rates" in before["note"]
        assert await env.store.refresh_rates()
        found = await reads.pipeline_totals(env.store, 1)
        body = found.get("result", found)
        (pipeline,) = body["pipelines"]
        expected = sum(
            d["value"] * rate(env.sandbox.state, d["currency"])
            for d in env.sandbox.live("deal")
            if d["pipeline_id"] == 1 and d["status"] == "open"
        )
        assert pipeline["open_total_converted"]["currency"] == "EUR"
        assert abs(pipeline["open_total_converted"]["value"] - round(expected, 2)) < 0.02


async def test_a_proposed_organization_is_edited_then_created_once(tmp_path):
    from tests.support.env import app_env
    from tests.support.wait import settle
    from tui.screens.forms.entity_forms import OrganizationForm

    async with app_env(tmp_path) as env:
        agent = Agent(env.store)
        answer = await agent.propose(await writes.create_organization(env.store, "Agentic GmbH"), "t")
        pid = int(answer.split("#")[1].split(",")[0])
        await env.store.check_proposals()
        await env.pilot.press("8")
        await settle(env, 8)
        await env.pilot.press("e")
        await settle(env, 8)
        form = env.app.screen
        assert isinstance(form, OrganizationForm) and form.field("name").input.value == "Agentic GmbH"
        form.field("name").input.value = "Agentic GmbH & Co. KG"
        await env.pilot.press("ctrl+s")
        await settle(env, 8)
        assert (await env.store.read(proposals.get, pid)).state == "approved"
        assert await env.store.drain()
        posts = [w for w in env.sandbox.writes() if w[0] == "POST" and w[1] == "/api/v2/organizations"]
        assert len(posts) == 1 and posts[0][3]["name"] == "Agentic GmbH & Co. KG"
