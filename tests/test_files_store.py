"""Files on the data path: listing (cached, refetched when files_count changes), attaching
through the outbox exactly once (offline, lost answers, kill -9), refused paths, download."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.store_env import data_env, instant
from tui.api import Auth, PipedriveClient
from tui.clock import Clock
from tui.store import files as store_files
from tui.store.queries.files import files_of
from tui.store.store import Store


def _deal_with_files(sb) -> int:
    return min(f["deal_id"] for f in sb.state.files.values() if f.get("deal_id") and f.get("active_flag"))


def _server_files(sb, deal_id: int) -> list[dict]:
    return [f for f in sb.state.files.values() if f.get("deal_id") == deal_id and f.get("active_flag")]


def _posts(sb) -> list:
    return [r for r in sb.requests if r[0] == "POST" and r[1] == "/api/v1/files"]


def _file(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / "src" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(content)
    return path


async def test_listing_is_cached_and_fetched_again_only_when_files_count_changes(tmp_path):
    async with data_env(tmp_path) as env:
        sb, store = env.sandbox, env.store
        deal_id = _deal_with_files(sb)
        assert await store.load_files("deal", deal_id) is True
        shown = await store.read(files_of, "deal", deal_id)
        assert sorted(f.name for f in shown) == sorted(f["name"] for f in _server_files(sb, deal_id))
        assert all(f.size > 0 and f.user for f in shown)
        assert await store.load_files("deal", deal_id) is False  # same files_count: no request
        # a colleague adds a file: the deal's files_count changes with the next sync of the deal
        from tui.sandbox.routes_files import add_file

        add_file(sb.state, "colleague.txt", b"hello", {"deal_id": deal_id}, 2, "2026-01-01 10:00:00")
        sb.remote_edit("deal", deal_id, {"title": "Renamed by a colleague"})
        await store.sync_now()
        assert await store.load_files("deal", deal_id) is True
        assert "colleague.txt" in [f.name for f in await store.read(files_of, "deal", deal_id)]


async def test_attach_sends_one_post_with_the_bytes_and_the_link(tmp_path):
    async with data_env(tmp_path) as env:
        sb, store = env.sandbox, env.store
        deal_id = _deal_with_files(sb)
        content = os.urandom(3000) + b"\r\n--boundary-like\r\n"
        local = await store.attach_file("deal", deal_id, str(_file(tmp_path, "offer v2.pdf", content)))
        shown = await store.read(files_of, "deal", deal_id)
        assert shown[0].id == local and shown[0].state == "uploading" and shown[0].name == "offer v2.pdf"
        copies = list(store.uploads.iterdir())
        assert len(copies) == 1 and copies[0].read_bytes() == content
        assert await store.drain()
        posts = _posts(sb)
        assert len(posts) == 1
        body = posts[0][3]
        assert body["file"].content == content and body["file"].filename == "offer v2.pdf" and body["deal_id"] == str(deal_id)
        made = [f for f in _server_files(sb, deal_id) if f["name"] == "offer v2.pdf"]
        assert len(made) == 1 and sb.state.file_blobs[made[0]["id"]] == content
        shown = await store.read(files_of, "deal", deal_id)
        assert [f.id for f in shown if f.name == "offer v2.pdf"] == [made[0]["id"]] and shown[0].state == ""
        assert list(store.uploads.iterdir()) == []  # the copy is removed on ack


async def test_offline_attach_then_reconnect_posts_once(tmp_path):
    async with data_env(tmp_path) as env:
        sb, store = env.sandbox, env.store
        deal_id = _deal_with_files(sb)
        await store.load_files("deal", deal_id)
        sb.faults.configure(rate=1.0, kinds=("drop_before",))
        await store.attach_file("deal", deal_id, str(_file(tmp_path, "notes.txt", b"offline notes")))
        assert await store.pusher.push_next() == "retry"
        assert _posts(sb) == []  # never reached the sandbox
        sb.faults.configure(rate=0.0)
        assert await store.drain()
        assert len(_posts(sb)) == 1
        assert [f["name"] for f in _server_files(sb, deal_id)].count("notes.txt") == 1


@pytest.mark.parametrize("fault", ["drop_after", "timeout", "500"])
async def test_an_uncertain_outcome_still_makes_one_file(tmp_path, fault):
    async with data_env(tmp_path) as env:
        sb, store = env.sandbox, env.store
        deal_id = _deal_with_files(sb)
        await store.load_files("deal", deal_id)
        await store.attach_file("deal", deal_id, str(_file(tmp_path, "contract.pdf", b"%PDF-1.4 contract")))
        if fault == "500":
            sb.faults.configure(rate=1.0, kinds=("500",))
        else:
            sb.faults.configure(rate=1.0, kinds=(fault,))
        assert await store.pusher.push_next() == "retry"
        sb.faults.configure(rate=0.0)
        assert await store.drain()
        assert [f["name"] for f in _server_files(sb, deal_id)].count("contract.pdf") == 1
        shown = await store.read(files_of, "deal", deal_id)
        assert [f.name for f in shown].count("contract.pdf") == 1 and all(f.id > 0 for f in shown)


async def test_answer_without_the_file_is_looked_up_not_posted_again(tmp_path):
    async with data_env(tmp_path) as env:
        sb, store = env.sandbox, env.store
        deal_id = _deal_with_files(sb)
        await store.attach_file("deal", deal_id, str(_file(tmp_path, "quote.csv", b"a,b\n1,2\n")))
        sb.faults.answer_null("POST", "/api/v1/files")
        assert await store.drain()
        assert len(_posts(sb)) == 1
        assert [f["name"] for f in _server_files(sb, deal_id)].count("quote.csv") == 1


async def test_kill_after_sent_at_makes_one_file(tmp_path):
    """kill -9 mid-request: the POST reached Pipedrive, its answer never came back; a new
    process (a fresh Store on the same cache) finds the file instead of posting again."""
    async with data_env(tmp_path) as env:
        sb, store = env.sandbox, env.store
        deal_id = _deal_with_files(sb)
        await store.load_files("deal", deal_id)
        await store.attach_file("deal", deal_id, str(_file(tmp_path, "signed.pdf", b"%PDF signed")))
        sb.faults.configure(rate=1.0, kinds=("drop_after",))
        await store.pusher.push_next()  # sent_at written, the file made, the answer lost
        sb.faults.configure(rate=0.0)
        path = env.path
    assert len(_posts(sb)) == 1
    client = PipedriveClient("http://sandbox.local", Auth.personal(sb.token), transport=sb.transport(), sleep=instant)
    again = await Store.open(path, client, clock=Clock.frozen(sb.now()), profile="test", sleep=instant)
    try:
        assert await again.drain()
        assert len(_posts(sb)) == 1
        assert [f["name"] for f in _server_files(sb, deal_id)].count("signed.pdf") == 1
        assert [f.name for f in await again.read(files_of, "deal", deal_id)].count("signed.pdf") == 1
        assert list(again.uploads.iterdir()) == []
    finally:
        await again.close()
        await client.aclose()


@pytest.mark.parametrize("case", ["missing", "directory", "too large", "unreadable", "empty path"])
async def test_unusable_paths_say_why_and_queue_nothing(tmp_path, case, monkeypatch):
    async with data_env(tmp_path) as env:
        store = env.store
        deal_id = _deal_with_files(env.sandbox)
        path = tmp_path / "x.bin"
        if case == "directory":
            path = tmp_path
        elif case == "too large":
            monkeypatch.setattr(store_files, "MAX_UPLOAD", 1000)
            path.write_bytes(b"x" * 1001)
        elif case == "unreadable":
            path.write_bytes(b"secret")
            path.chmod(0)
            if os.access(path, os.R_OK):  # root reads anything
                pytest.skip("running as root: every file is readable")
        text = "" if case == "empty path" else str(path)
        with pytest.raises(store_files.FileProblem) as problem:
            await store.attach_file("deal", deal_id, text)
        expected = {
            "missing": "No such file",
            "directory": "is a directory",
            "too large": "files up to",
            "unreadable": "cannot be read",
            "empty path": "Type the path",
        }[case]
        assert expected in str(problem.value)
        assert await store.read(lambda c: c.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]) == 0
        assert not store.uploads.exists() or list(store.uploads.iterdir()) == []


async def test_download_streams_the_exact_bytes_to_a_free_name(tmp_path):
    async with data_env(tmp_path) as env:
        sb, store = env.sandbox, env.store
        deal_id = _deal_with_files(sb)
        await store.load_files("deal", deal_id)
        server = _server_files(sb, deal_id)[0]
        target = tmp_path / "downloads"
        target.mkdir()
        (target / server["name"]).write_bytes(b"already here")
        seen: list[int] = []
        path = await store.download_file(server["id"], target, lambda done, total: seen.append(done))
        assert path.name != server["name"] and path.read_bytes() == sb.state.file_blobs[server["id"]]
        assert " (1)" in path.name and seen and seen[-1] == server["file_size"]
        assert sorted(p.name for p in target.iterdir()) == sorted([server["name"], path.name])  # no .part left


async def test_delete_goes_through_the_outbox(tmp_path):
    async with data_env(tmp_path) as env:
        sb, store = env.sandbox, env.store
        deal_id = _deal_with_files(sb)
        await store.load_files("deal", deal_id)
        victim = _server_files(sb, deal_id)[0]
        await store.delete_file(victim["id"])
        assert victim["id"] not in [f.id for f in await store.read(files_of, "deal", deal_id)]
        assert await store.drain()
        assert sb.state.files[victim["id"]]["active_flag"] is False
        assert await store.load_files("deal", deal_id) is False  # our own delete: not fetched again


KILL_CHILD = """
import asyncio, sys
from tui.api import Auth, PipedriveClient
from tui.store.store import Store

async def main(path, url, token, deal_id, folder):
    client = PipedriveClient(url, Auth.personal(token), max_retries=0)
    store = await Store.open(path, client)
    for i in range(8):
        await store.attach_file("deal", int(deal_id), f"{folder}/killed-{i}.txt")
    print("queued", flush=True)
    await store.drain()
    print("done", flush=True)

asyncio.run(main(*sys.argv[1:]))
"""


async def test_sigkill_mid_upload_then_restart_sends_every_file_exactly_once(tmp_path):
    """A real process attaches 8 files and is killed with SIGKILL while it uploads them; the
    next start finds what reached Pipedrive and sends only the rest: each file once, no copy left."""
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import FROZEN_NOW
    from tui.sandbox import Sandbox
    from tui.sandbox.server import start

    sb = Sandbox(seed=5, deals=30, token="kill-upload-token", now=FROZEN_NOW)
    sb.faults.configure(latency_ms=40)
    server, url = start(sb)
    path = tmp_path / "cache.sqlite3"
    folder = tmp_path / "src"
    folder.mkdir()
    for i in range(8):
        (folder / f"killed-{i}.txt").write_bytes(f"file {i} ".encode() * 2000)
    try:
        client = PipedriveClient(url, Auth.personal(sb.token), sleep=instant)
        store = await Store.open(path, client, clock=Clock.frozen(FROZEN_NOW), sleep=instant)
        await store.sync_now()
        await store.close()
        await client.aclose()
        deal_id = sb.live("deal")[0]["id"]
        proc = subprocess.Popen(
            [sys.executable, "-c", KILL_CHILD, str(path), url, sb.token, str(deal_id), str(folder)], stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None and proc.stdout.readline().strip() == "queued"
        time.sleep(0.25)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert len([f for f in _server_files(sb, deal_id) if f["name"].startswith("killed-")]) < 8, "killed mid-upload"
        client = PipedriveClient(url, Auth.personal(sb.token), sleep=instant)
        store = await Store.open(path, client, clock=Clock.frozen(FROZEN_NOW), sleep=instant)
        try:
            assert await store.drain()
            names = sorted(f["name"] for f in _server_files(sb, deal_id) if f["name"].startswith("killed-"))
            assert names == [f"killed-{i}.txt" for i in range(8)]  # each once
            assert list(store.uploads.iterdir()) == []
        finally:
            await store.close()
            await client.aclose()
    finally:
        server.shutdown()
