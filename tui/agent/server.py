"""`pipedrive-tui mcp`: an MCP server on stdio (the official SDK's MCPServer) over the cache.

Read tools answer from the local cache (0 tokens, offline too). Write tools propose: each
becomes a proposal row (tui/store/proposals.py) that a person approves or rejects in the app's
agent inbox (section 8); only an approval queues the change in the outbox, which the running
app (or `pipedrive-tui sync`) sends. This process never pushes the outbox itself, so an app
sharing the cache file never races it. Requests to Pipedrive from here (refresh, a remote
search, the first sync of an empty cache) are counted in `agent_spend` and capped per hour
(`mcp_tokens_per_hour`, `pipedrive-tui status` shows the hour's spending).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from datetime import timedelta
from typing import Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from tui.agent import reads, writes
from tui.api.errors import ApiError
from tui.config_values import AGENT_TOKENS_PER_HOUR
from tui.formatting import clean
from tui.store import proposals
from tui.store.store import Store

REFRESH_ESTIMATE = 20  # a /recents probe; more when much changed (counted as spent)
INSTRUCTIONS = """pipedrive-tui: a Pipedrive CRM through its local cache.
Reads (search, get_*, list_deals, agenda, triage_queue, pipeline_totals, deal_history, list_pipelines)
cost 0 API tokens and work offline; every answer says the cache's age. `refresh` syncs (counted, capped
per hour). Writes do NOT change the CRM: each returns "proposal #N, waiting for approval"; a person
approves or rejects it in the terminal. `proposal_status` tells what became of them."""


class Agent:
    """The server's state: the store over the cache, the hourly cap, auto-approved tools."""

    def __init__(self, store: Store, *, tokens_per_hour: int = AGENT_TOKENS_PER_HOUR, auto_approve: list[str] | None = None) -> None:
        self.store = store
        self.cap = tokens_per_hour
        self.auto_approve = set(auto_approve or [])
        self.first_sync: asyncio.Task[Any] | None = None

    # -- tokens ---------------------------------------------------------------------------------

    async def spent_last_hour(self) -> int:
        since = self.store.clock.now() - timedelta(hours=1)
        return int(await self.store.read(proposals.spent_since, since))

    async def counted(self, what: str, run: Any, *, capped: bool = True) -> tuple[Any, int]:
        """Run a coroutine function that talks to Pipedrive; record the tokens it cost."""
        client = self.store.client
        if client is None:
            raise ToolError("not connected to Pipedrive (no credentials): the cache answers reads only")
        if capped:
            spent = await self.spent_last_hour()
            if spent + REFRESH_ESTIMATE > self.cap:
                raise ToolError(
                    f"hourly token cap reached: {spent:,} of {self.cap:,} tokens spent in the last hour "
                    "(mcp_tokens_per_hour); reads from the cache still work"
                )
        before = client.tokens_spent
        try:
            result = await run()
        finally:
            cost = client.tokens_spent - before
            await self.store.db.write(proposals.spend, cost, what, self.store.clock.now())
        return result, cost

    async def start_first_sync(self) -> None:
        """An empty cache (a new data dir, the demo) is filled once at start, in the background."""
        if self.store.client is None or await self.store.read(reads.agent_q.last_sync) is not None:
            return

        async def run() -> None:
            try:
                await self.counted("first sync", self.store.sync_now, capped=False)
            except (ApiError, ToolError):
                pass  # offline: reads answer from what there is; refresh tries again

        self.first_sync = asyncio.create_task(run())

    async def settled(self) -> None:
        if self.first_sync is not None and not self.first_sync.done():
            await asyncio.wait({self.first_sync}, timeout=60)

    # -- proposals ------------------------------------------------------------------------------

    async def propose(self, draft: writes.Draft, client: str) -> str:
        now = self.store.clock.now()
        pid = await self.store.db.write(
            lambda conn: proposals.add(
                conn,
                tool=draft.tool,
                client=client,
                op=draft.op,
                entity=draft.entity,
                entity_id=draft.entity_id,
                fields=draft.fields,
                summary=draft.summary,
                diff=draft.diff,
                now=now,
            )
        )
        if draft.tool in self.auto_approve:
            decided = await self.store.approve_proposal(pid)
            if decided.state == "approved":
                return (
                    f"proposal #{pid}, approved automatically (mcp_auto_approve): {draft.summary}; queued for Pipedrive,"
                    " sent by the running app or `pipedrive-tui sync`"
                )
            return f"proposal #{pid} could not be applied: {decided.reason}"
        return f"proposal #{pid}, waiting for approval: {draft.summary}"


def client_name(ctx: Context | None) -> str:
    params = getattr(getattr(ctx, "session", None), "client_params", None) if ctx is not None else None
    info = getattr(params, "client_info", None)
    name = clean(getattr(info, "name", "") or "")[:60]
    return name or "unknown client"


def _fail(exc: Exception) -> ToolError:
    return ToolError(clean(str(exc)))


def build(agent: Agent) -> MCPServer[Any]:
    server: MCPServer[Any] = MCPServer("pipedrive-tui", instructions=INSTRUCTIONS, log_level="WARNING")
    store = agent.store

    async def read(fn: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        await agent.settled()
        try:
            result: dict[str, Any] = await fn(store, *args, **kwargs)
        except reads.ReadError as exc:
            raise _fail(exc) from None
        return result

    @server.tool()
    async def search(text: str, limit: int = 8, remote: bool = False) -> dict[str, Any]:
        """Search deals, people and organizations in the cache by name, title, e-mail or phone (0 tokens).
        remote=true asks Pipedrive when the cache finds nothing (counted against the hourly cap)."""
        found = await read(reads.do_search, text, limit)
        if remote and not found["result"]["hits"]:
            outcome, cost = await agent.counted("remote search", lambda: store.search_pipedrive(text))
            found = await read(reads.do_search, text, limit)
            found["cache"]["cost_tokens"] = cost
            if outcome.error:
                found["remote_error"] = outcome.error
        return found

    @server.tool()
    async def get_deal(deal_id: int) -> dict[str, Any]:
        """A deal with its stage, person, organization, custom fields, activities, notes, products and calls."""
        return await read(reads.get_deal, deal_id)

    @server.tool()
    async def get_person(person_id: int) -> dict[str, Any]:
        """A person with organization, deals, activities, notes and calls."""
        return await read(reads.get_person, person_id)

    @server.tool()
    async def get_organization(org_id: int) -> dict[str, Any]:
        """An organization with its people, deals, activities and notes."""
        return await read(reads.get_organization, org_id)

    @server.tool()
    async def get_lead(lead_id: str) -> dict[str, Any]:
        """A lead (by its UUID) with person, organization, labels, activities and notes."""
        return await read(reads.get_lead, lead_id)

    @server.tool()
    async def list_deals(
        pipeline_id: int | None = None,
        stage_id: int | None = None,
        owner_id: int | None = None,
        status: str = "open",
        text: str | None = None,
        close_from: str | None = None,
        close_to: str | None = None,
        rotting: bool = False,
        overdue: bool = False,
        limit: int = 50,
    ) -> dict[str, Any]:
        """Deals by pipeline, stage, owner, status (open/won/lost/all), text, expected close date range
        (YYYY-MM-DD), rotting or with an overdue next activity."""
        return await read(
            reads.list_deals,
            pipeline_id=pipeline_id,
            stage_id=stage_id,
            owner_id=owner_id,
            status=status,
            text=text,
            close_from=close_from,
            close_to=close_to,
            rotting=rotting,
            overdue=overdue,
            limit=limit,
        )

    @server.tool()
    async def agenda(day: str | None = None) -> dict[str, Any]:
        """The activities of a day (YYYY-MM-DD, default today; today also lists the overdue ones)."""
        return await read(reads.agenda, day)

    @server.tool()
    async def triage_queue(limit: int = 50) -> dict[str, Any]:
        """Your open deals that need attention: overdue, no next activity, rotting, close date passed, stuck."""
        return await read(reads.triage_queue, limit)

    @server.tool()
    async def pipeline_totals(pipeline_id: int | None = None) -> dict[str, Any]:
        """Open deals per stage with totals and weighted totals per currency."""
        return await read(reads.pipeline_totals, pipeline_id)

    @server.tool()
    async def deal_history(deal_id: int) -> dict[str, Any]:
        """A deal's history (stage moves, field changes) as cached."""
        return await read(reads.deal_history, deal_id)

    @server.tool()
    async def list_pipelines() -> dict[str, Any]:
        """Pipelines and their stages with ids (move_stage and create_deal take them)."""
        return await read(reads.list_pipelines)

    @server.tool()
    async def refresh() -> dict[str, Any]:
        """Sync the cache with Pipedrive now (about 20 tokens when little changed; counted against the hourly cap)."""
        await agent.settled()
        try:
            counts, cost = await agent.counted("refresh", store.sync_now)
        except ApiError as exc:
            raise ToolError(f"Pipedrive is not reachable now ({clean(exc.message)}); the cache still answers") from None
        info = await reads.cache_info(store)
        info["cost_tokens"] = cost
        spent = await agent.spent_last_hour()
        return {"cache": info, "changed": counts, "tokens_last_hour": spent, "cap_per_hour": agent.cap}

    def proposer(name: str) -> Any:
        make: Any = writes.TOOLS[name]

        async def run(ctx: Context | None, **kwargs: Any) -> str:
            await agent.settled()
            try:
                draft = await make(store, **kwargs)
            except writes.FieldError as exc:
                raise _fail(exc) from None
            return await agent.propose(draft, client_name(ctx))

        return run

    propose = {name: proposer(name) for name in writes.TOOLS}

    @server.tool()
    async def add_note(
        text: str,
        ctx: Context,
        deal_id: int | None = None,
        person_id: int | None = None,
        org_id: int | None = None,
        lead_id: str | None = None,
    ) -> str:
        """Propose a note (plain text) on a deal, person, organization or lead. Needs a person's approval."""
        return str(await propose["add_note"](ctx, text=text, deal_id=deal_id, person_id=person_id, org_id=org_id, lead_id=lead_id))

    @server.tool()
    async def schedule_activity(
        subject: str,
        due_date: str,
        ctx: Context,
        type: str = "call",
        due_time: str | None = None,
        duration: str | None = None,
        note: str | None = None,
        deal_id: int | None = None,
        person_id: int | None = None,
        org_id: int | None = None,
    ) -> str:
        """Propose an activity. due_date: YYYY-MM-DD, today, tomorrow, +3d, fri; due_time HH:MM local; duration 30, 1h or HH:MM."""
        return str(
            await propose["schedule_activity"](
                ctx,
                subject=subject,
                due_date=due_date,
                type=type,
                due_time=due_time,
                duration=duration,
                note=note,
                deal_id=deal_id,
                person_id=person_id,
                org_id=org_id,
            )
        )

    @server.tool()
    async def complete_activity(activity_id: int, ctx: Context, done: bool = True) -> str:
        """Propose marking an activity done (or not done)."""
        return str(await propose["complete_activity"](ctx, activity_id=activity_id, done=done))

    @server.tool()
    async def log_call(
        subject: str,
        ctx: Context,
        note: str | None = None,
        duration: str | None = None,
        deal_id: int | None = None,
        person_id: int | None = None,
        org_id: int | None = None,
    ) -> str:
        """Propose logging a call that happened now (a done activity of type call)."""
        return str(
            await propose["log_call"](
                ctx, subject=subject, note=note, duration=duration, deal_id=deal_id, person_id=person_id, org_id=org_id
            )
        )

    @server.tool()
    async def move_stage(deal_id: int, stage: int | str, ctx: Context) -> str:
        """Propose moving a deal to another stage of its pipeline (the stage's id or name)."""
        return str(await propose["move_stage"](ctx, deal_id=deal_id, stage=stage))

    @server.tool()
    async def mark_won(deal_id: int, ctx: Context) -> str:
        """Propose marking a deal won."""
        return str(await propose["mark_won"](ctx, deal_id=deal_id))

    @server.tool()
    async def mark_lost(deal_id: int, reason: str, ctx: Context) -> str:
        """Propose marking a deal lost, with the reason."""
        return str(await propose["mark_lost"](ctx, deal_id=deal_id, reason=reason))

    @server.tool()
    async def update_fields(entity: str, entity_id: int, fields: dict[str, Any], ctx: Context) -> str:
        """Propose changing fields of a deal, person or organization. fields: name -> value; standard fields
        (deal: title, value, currency, expected_close_date, probability; person: name, emails, phones;
        organization: name, address) or custom fields by name."""
        return str(await propose["update_fields"](ctx, entity=entity, entity_id=entity_id, fields=fields))

    @server.tool()
    async def create_person(
        name: str, ctx: Context, emails: list[str] | None = None, phones: list[str] | None = None, org_id: int | None = None
    ) -> str:
        """Propose a new person."""
        return str(await propose["create_person"](ctx, name=name, emails=emails, phones=phones, org_id=org_id))

    @server.tool()
    async def create_organization(name: str, ctx: Context, address: str | None = None) -> str:
        """Propose a new organization."""
        return str(await propose["create_organization"](ctx, name=name, address=address))

    @server.tool()
    async def create_deal(
        title: str,
        ctx: Context,
        value: float | None = None,
        currency: str | None = None,
        stage_id: int | None = None,
        person_id: int | None = None,
        org_id: int | None = None,
        expected_close_date: str | None = None,
    ) -> str:
        """Propose a new deal."""
        return str(
            await propose["create_deal"](
                ctx,
                title=title,
                value=value,
                currency=currency,
                stage_id=stage_id,
                person_id=person_id,
                org_id=org_id,
                expected_close_date=expected_close_date,
            )
        )

    @server.tool()
    async def proposal_status(ids: list[int] | None = None) -> dict[str, Any]:
        """What became of proposals (waiting, approved, rejected with the reason, failed); default: the 20 latest."""
        found = await store.read(proposals.by_ids, ids) if ids else await store.read(proposals.recent, 20)
        return {
            "proposals": [
                {
                    "id": p.id,
                    "tool": p.tool,
                    "summary": p.summary,
                    "state": p.state,
                    "reason": p.reason,
                    "proposed_at": p.created_at,
                    "decided_at": p.decided_at,
                    "result_id": p.result_id,
                }
                for p in found
            ]
        }

    @server.prompt(name="deal brief", description="Everything the cache knows about a deal, to brief on it.")
    async def deal_brief(deal_id: int) -> str:
        data = await read(reads.get_deal, int(deal_id))
        history = await read(reads.deal_history, int(deal_id))
        return (
            "Write a short brief of this Pipedrive deal for a salesperson: where it stands, who is involved, what happened "
            "lately, what is planned and what is missing. Data from pipedrive-tui's cache:\n"
            + json.dumps({"deal": data["result"], "history": history["result"]["events"], "cache": data["cache"]}, ensure_ascii=False)
        )

    @server.prompt(name="pipeline review", description="This week's moves, overdue and rotting deals.")
    async def pipeline_review() -> str:
        overdue = await read(reads.list_deals, overdue=True, limit=50)
        rotting = await read(reads.list_deals, rotting=True, limit=50)
        totals = await read(reads.pipeline_totals)
        moved = await reads.week_moves(store)
        return (
            "Review the pipeline with me: what moved this week, which deals are overdue or rotting and what to do about each. "
            "Propose concrete next steps (the write tools create proposals I approve). Data from pipedrive-tui's cache:\n"
            + json.dumps(
                {
                    "changed_this_week": moved,
                    "overdue": overdue["result"],
                    "rotting": rotting["result"],
                    "totals": totals["result"],
                    "cache": totals["cache"],
                },
                ensure_ascii=False,
            )
        )

    return server


def main(runtime: Any) -> int:
    """Serve on stdio until the client closes it."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    settings = runtime.agent
    tokens = settings.mcp_tokens_per_hour if settings is not None else AGENT_TOKENS_PER_HOUR
    auto = list(settings.mcp_auto_approve) if settings is not None else []

    async def run() -> None:
        store = await Store.open(runtime.db_path, runtime.client, clock=runtime.clock, profile=runtime.profile_label)
        agent = Agent(store, tokens_per_hour=tokens, auto_approve=auto)
        try:
            await agent.start_first_sync()
            await build(agent).run_stdio_async()
        finally:
            if agent.first_sync is not None:
                agent.first_sync.cancel()
            await store.close()
            if runtime.client is not None:
                await runtime.client.aclose()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        return 130
    return 0
