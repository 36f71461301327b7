"""`pipedrive-tui mcp` driven by the MCP SDK's own stdio client against the sandbox on a
loopback port: tools listed, search, a proposed note that sends nothing, its approval in the
app (sent exactly once), a rejection (never sent), and kill -9 between proposal and approval.

One server process serves the module (a client session on its own thread and loop)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FROZEN_NOW
from tui.api import Auth, PipedriveClient
from tui.clock import Clock
from tui.sandbox import Sandbox
from tui.sandbox.server import start
from tui.store import proposals
from tui.store.store import Store

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "t0k3n-for-mcp-tests"


async def _instant(_s: float) -> None:
    return None


class McpSession:
    """An MCP client session (the SDK's stdio_client) on a thread of its own."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.loop = asyncio.new_event_loop()
        self.ready: Future[Any] = Future()
        self.stop = asyncio.Event()
        self.thread = threading.Thread(target=self.loop.run_until_complete, args=(self._run(args, env),), daemon=True)
        self.thread.start()
        self.session = self.ready.result(timeout=60)

    async def _run(self, args: list[str], env: dict[str, str]) -> None:
        from mcp import ClientSession, types
        from mcp.client.stdio import StdioServerParameters, stdio_client

        self.stop = asyncio.Event()
        params = StdioServerParameters(command=sys.executable, args=["-m", "tui", "mcp", *args], env=env, cwd=str(ROOT))
        try:
            async with stdio_client(params, errlog=open(os.devnull, "w")) as (r, w):
                async with ClientSession(r, w, client_info=types.Implementation(name="test-agent", version="1")) as s:
                    await s.initialize()
                    self.ready.set_result(s)
                    await self.stop.wait()
        except BaseException as exc:  # noqa: B036 - handed to the test
            if not self.ready.done():
                self.ready.set_exception(exc)

    def call(self, name: str, args: dict[str, Any] | None = None) -> Any:
        return asyncio.run_coroutine_threadsafe(self.session.call_tool(name, args or {}), self.loop).result(timeout=60)

    def run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=60)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(timeout=15)


def _plain(renderable: Any) -> str:
    import io

    from rich.console import Console

    from tui.widgets import tones

    console = Console(width=150, file=io.StringIO(), color_system=None, theme=tones.DEFAULT)
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[attr-defined, no-any-return]


def _text(result: Any) -> str:
    return "".join(getattr(c, "text", "") for c in result.content)


def _json(result: Any) -> Any:
    assert not result.is_error, _text(result)
    return json.loads(_text(result))


class World:
    def __init__(self, tmp: Path) -> None:
        self.sandbox = Sandbox(seed=7, deals=40, token=TOKEN, now=FROZEN_NOW)
        self.http, self.url = start(self.sandbox)
        self.data = tmp / "data"
        self.env = {
            "PIPEDRIVE_API_TOKEN": TOKEN,
            "PIPEDRIVE_TUI_CONFIG_DIR": str(tmp / "config"),
            "PIPEDRIVE_TUI_DATA_DIR": str(self.data),
            "TEXTUAL_ANIMATIONS": "none",
        }
        self.args = ["--base-url", self.url, "--data-dir", str(self.data)]
        self.db = self.data / "default.sqlite3"

    def client(self) -> PipedriveClient:
        return PipedriveClient("http://sandbox.local", Auth.personal(TOKEN), transport=self.sandbox.transport(), sleep=_instant)

    def writes(self) -> list[Any]:
        return list(self.sandbox.writes())


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):
    w = World(tmp_path_factory.mktemp("mcp"))
    w.session = McpSession(w.args, w.env)  # type: ignore[attr-defined]
    yield w
    w.session.close()  # type: ignore[attr-defined]
    w.http.shutdown()


def _first_deal(w: World) -> dict[str, Any]:
    found = _json(w.session.call("list_deals", {"limit": 3}))  # type: ignore[attr-defined]
    assert found["result"]["deals"], found
    return found["result"]["deals"][0]


def test_tools_listed_and_search_answers_from_the_cache(world: World) -> None:
    tools = world.session.run(world.session.session.list_tools())  # type: ignore[attr-defined]
    names = {t.name for t in tools.tools}
    assert {"search", "get_deal", "list_deals", "agenda", "triage_queue", "pipeline_totals", "refresh"} <= names
    assert {"add_note", "move_stage", "mark_lost", "update_fields", "create_deal", "log_call", "proposal_status"} <= names
    deal = _first_deal(world)
    before = len(world.sandbox.requests)
    word = deal["title"].split()[0]
    found = _json(world.session.call("search", {"text": word}))  # type: ignore[attr-defined]
    assert any(h["id"] == deal["id"] for h in found["result"]["hits"] if h["kind"] == "deal")
    assert found["cache"]["cost_tokens"] == 0 and found["cache"]["last_sync_utc"]
    assert len(world.sandbox.requests) == before  # read from the cache: nothing asked of Pipedrive


def test_bad_arguments_name_the_field(world: World) -> None:
    deal = _first_deal(world)
    bad = world.session.call("schedule_activity", {"subject": "Call", "due_date": "someday", "deal_id": deal["id"]})  # type: ignore[attr-defined]
    assert bad.is_error and "due_date" in _text(bad)
    bad = world.session.call("add_note", {"text": "x", "deal_id": 999999})  # type: ignore[attr-defined]
    assert bad.is_error and "deal_id: no deal 999999" in _text(bad)
    bad = world.session.call("update_fields", {"entity": "deal", "entity_id": deal["id"], "fields": {"value": "lots"}})  # type: ignore[attr-defined]
    assert bad.is_error and "value" in _text(bad)


async def test_proposed_note_is_approved_in_the_app_and_sent_once(world: World) -> None:
    from tests.support.env import app_env  # noqa: F401  (the Pilot fixtures' module)
    from tui.app import PipedriveApp

    deal = _first_deal(world)
    writes_before = len(world.writes())
    answer = world.session.call("add_note", {"text": "Agent says [bold]hi[/bold] \x1b[31mred", "deal_id": deal["id"]})  # type: ignore[attr-defined]
    assert not answer.is_error and "waiting for approval" in _text(answer)
    pid = int(_text(answer).split("#")[1].split(",")[0])
    await asyncio.sleep(0.3)
    assert len(world.writes()) == writes_before  # proposed: nothing sent

    client = world.client()
    store = await Store.open(world.db, client, clock=Clock.frozen(FROZEN_NOW), profile="test", sleep=_instant)
    try:
        app = PipedriveApp(store, profile_label="test", start_store=False)
        async with app.run_test(size=(160, 45)) as pilot:
            await store.check_proposals()
            await pilot.pause()
            from tui.widgets.status_bar import status_text

            assert "1 proposal: press 8" in status_text(store.status).plain
            await pilot.press("8")
            for _ in range(50):
                await pilot.pause(0.05)
                if app.screen.query("#agent-list") and pid in [p.id for p in getattr(app.screen, "shown", [])]:
                    break
            screen = app.screen
            diff = _plain(screen.query_one("#agent-diff").content)
            assert "Agent says [bold]hi[/bold]" in diff and "\x1b" not in diff  # literal text, no markup, no escape
            assert "test-agent" in diff
            await pilot.press("a")
            await pilot.pause(0.2)
            await pilot.press("a")  # a second approval finds nothing waiting
            await pilot.pause(0.2)
            assert await store.drain(timeout=30)
        notes = [w for w in world.writes()[writes_before:] if w[1].endswith("/notes")]
        assert len(notes) == 1, world.writes()[writes_before:]
        decided = await store.read(proposals.get, pid)
        assert decided is not None and decided.state == "approved"
        status = _json(world.session.call("proposal_status", {"ids": [pid]}))  # type: ignore[attr-defined]
        assert status["proposals"][0]["state"] == "approved"
    finally:
        await store.close()
        await client.aclose()


async def test_rejected_proposal_is_never_sent(world: World) -> None:
    deal = _first_deal(world)
    stages = _json(world.session.call("get_deal", {"deal_id": deal["id"]}))["result"]["stages"]  # type: ignore[attr-defined]
    other = next(s for s in stages if s["id"] != deal["stage_id"])
    answer = world.session.call("move_stage", {"deal_id": deal["id"], "stage": other["name"]})  # type: ignore[attr-defined]
    pid = int(_text(answer).split("#")[1].split(",")[0])
    writes_before = len(world.writes())
    client = world.client()
    store = await Store.open(world.db, client, clock=Clock.frozen(FROZEN_NOW), profile="test", sleep=_instant)
    try:
        decided = await store.reject_proposal(pid, "not yet")
        assert decided.state == "rejected"
        await store.drain(timeout=10)
    finally:
        await store.close()
        await client.aclose()
    assert world.writes()[writes_before:] == []
    status = _json(world.session.call("proposal_status", {"ids": [pid]}))  # type: ignore[attr-defined]
    assert status["proposals"][0]["state"] == "rejected" and status["proposals"][0]["reason"] == "not yet"


def _children_running(marker: str) -> list[int]:
    me = os.getpid()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == me and marker in cmd:
            found.append(int(entry.name))
    return found


async def test_kill_9_between_proposal_and_approval_loses_nothing(world: World, tmp_path: Path) -> None:
    deal = _first_deal(world)
    second = McpSession(world.args, world.env)
    try:
        answer = second.call("add_note", {"text": "survives a crash", "deal_id": deal["id"]})
        pid = int(_text(answer).split("#")[1].split(",")[0])
        pids = _children_running("mcp")
        assert pids
        newest = max(pids)
        os.kill(newest, signal.SIGKILL)
    finally:
        second.loop.call_soon_threadsafe(second.stop.set)
        second.thread.join(timeout=15)
    after = McpSession(world.args, world.env)  # a new server over the same cache
    try:
        status = _json(after.call("proposal_status", {"ids": [pid]}))
        assert status["proposals"][0]["state"] == "waiting"
    finally:
        after.close()
    writes_before = len(world.writes())
    client = world.client()
    store = await Store.open(world.db, client, clock=Clock.frozen(FROZEN_NOW), profile="test", sleep=_instant)
    try:
        assert (await store.approve_proposal(pid)).state == "approved"
        assert await store.drain(timeout=30)
    finally:
        await store.close()
        await client.aclose()
    sent = [w for w in world.writes()[writes_before:] if w[1].endswith("/notes")]
    assert len(sent) == 1
