"""The sandbox's files endpoints as the v1 spec has them, in-process and over real HTTP."""

from __future__ import annotations

import os

import httpx
import pytest

from tests.conftest import FROZEN_NOW
from tui.sandbox import Sandbox
from tui.sandbox.server import start

TOKEN = "t0k3n-for-tests"


def _sandbox() -> Sandbox:
    return Sandbox(seed=7, deals=40, token=TOKEN, now=FROZEN_NOW)


@pytest.mark.parametrize("over_http", [False, True])
def test_upload_list_download_delete_with_the_specs_costs(over_http):
    sb = _sandbox()
    deal_id = next(iter(sb.state.deals))
    person_id = next(iter(sb.state.persons))
    server = None
    if over_http:
        server, url = start(sb)
        client = httpx.Client(base_url=url, headers={"x-api-token": TOKEN})
    else:
        client = httpx.Client(base_url="http://sandbox.local", headers={"x-api-token": TOKEN}, transport=_SyncTransport(sb))
    try:
        content = os.urandom(70_000) + b"\r\n--\r\n"
        before = client.get(f"/api/v2/deals/{deal_id}", params={"include_fields": "files_count"}).json()["data"]["files_count"]
        made = client.post(
            "/api/v1/files", files={"file": ("Ångström offer.pdf", content, "application/pdf")}, data={"deal_id": str(deal_id)}
        )
        assert made.status_code == 200 and made.headers["x-token-cost"] == "10"
        data = made.json()["data"]
        assert data["name"] == "Ångström offer.pdf" and data["file_size"] == len(content) and data["deal_id"] == deal_id
        assert data["url"].endswith(f"/v1/files/{data['id']}/download")
        listed = client.get(f"/api/v1/deals/{deal_id}/files", params={"sort": "id DESC", "limit": 100})
        assert listed.headers["x-token-cost"] == "20" and listed.json()["data"][0]["id"] == data["id"]
        after = client.get(f"/api/v2/deals/{deal_id}", params={"include_fields": "files_count"}).json()["data"]["files_count"]
        assert after == before + 1
        got = client.get(f"/api/v1/files/{data['id']}/download")
        assert got.status_code == 200 and got.content == content and got.headers["content-type"].startswith("application/pdf")
        assert got.headers["x-token-cost"] == "20"
        assert client.get(f"/api/v1/files/{data['id']}").headers["x-token-cost"] == "2"
        renamed = client.put(f"/api/v1/files/{data['id']}", data={"name": "offer.pdf"})
        assert renamed.json()["data"]["name"] == "offer.pdf" and renamed.headers["x-token-cost"] == "10"
        gone = client.delete(f"/api/v1/files/{data['id']}")
        assert gone.json()["data"] == {"id": data["id"]} and gone.headers["x-token-cost"] == "6"
        assert client.get(f"/api/v1/files/{data['id']}/download").status_code == 404
        assert client.get(f"/api/v1/persons/{person_id}/files").status_code == 200
        assert client.get(f"/api/v1/deals/{deal_id}/files", params={"limit": 500}).status_code == 400
        assert client.post("/api/v1/files", data={"deal_id": str(deal_id)}).status_code == 400  # no file part
        orphan = client.post("/api/v1/files", files={"file": ("a.txt", b"a", "text/plain")})
        assert orphan.status_code == 400 and "attached to" in orphan.json()["error"]
    finally:
        client.close()
        if server is not None:
            server.shutdown()


def test_demo_data_has_files_on_marta_obriens_deals():
    sb = Sandbox(seed=7, deals=300, token=TOKEN, now=FROZEN_NOW, demo_extras=True)
    marta = [p["id"] for p in sb.state.persons.values() if p["name"] == "Marta O'Brien"]
    deals = [d["id"] for d in sb.state.deals.values() if d.get("person_id") in marta]
    assert marta and deals
    assert all(any(f["deal_id"] == d and f["name"].endswith(".pdf") for f in sb.state.files.values()) for d in deals)
    shares = {k: sum(1 for f in sb.state.files.values() if f.get(k)) for k in ("deal_id", "person_id")}
    assert shares["deal_id"] > 50 and shares["person_id"] > 20


class _SyncTransport(httpx.BaseTransport):
    """The in-process sandbox for a sync client (the app's transport is async)."""

    def __init__(self, sb: Sandbox) -> None:
        self.sb = sb

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        r = self.sb.handle(request.method, request.url.path, request.url.query.decode(), dict(request.headers), body)
        return httpx.Response(r.status, content=r.body, headers=r.headers, request=request)


def test_a_merged_persons_files_move_to_the_survivor():
    sb = _sandbox()
    client = httpx.Client(base_url="http://sandbox.local", headers={"x-api-token": TOKEN}, transport=_SyncTransport(sb))
    try:
        with_files = sorted({f["person_id"] for f in sb.state.files.values() if f.get("person_id")})
        other, keep = with_files[0], next(p for p in sb.state.persons if p not in with_files)
        moved = [f["id"] for f in sb.state.files.values() if f.get("person_id") == other]
        assert client.put(f"/api/v1/persons/{other}/merge", json={"merge_with_id": keep}).status_code == 200
        listed = client.get(f"/api/v1/persons/{keep}/files").json()["data"]
        assert sorted(f["id"] for f in listed) == sorted(moved)
        count = client.get(f"/api/v2/persons/{keep}", params={"include_fields": "files_count"}).json()["data"]["files_count"]
        assert count == len(moved)
    finally:
        client.close()
