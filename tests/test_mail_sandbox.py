"""The sandbox's mail routes: the v1 envelope and paging, the spec's token costs, and the
items' mail figures following the generated (and newly delivered) messages."""

import json
from urllib.parse import urlencode

import pytest

from tests.conftest import FROZEN_NOW
from tui.api.costs_table import COSTS
from tui.sandbox import Sandbox, mailbox

TOKEN = "mail-test-token"


@pytest.fixture(scope="module")
def sb():
    return Sandbox(seed=7, deals=300, token=TOKEN, now=FROZEN_NOW)


def call(sb, path, params=None):
    r = sb.handle("GET", path, urlencode(params or {}), {"x-api-token": TOKEN}, b"")
    return r.status, json.loads(r.body), r.headers


def ok(sb, path, params=None):
    status, env, headers = call(sb, path, params)
    assert status == 200, env
    return env, headers


def marta(sb):
    return next(p for p in sb.state.persons.values() if p["name"] == "Marta O'Brien")


def test_marta_and_her_deals_have_mail_newest_first_with_paging(sb):
    person = marta(sb)
    env, headers = ok(sb, f"/api/v1/persons/{person['id']}/mailMessages", {"limit": 5})
    assert headers["x-token-cost"] == str(COSTS["GET /api/v1/persons/{id}/mailMessages"]) == "20"
    times = [row["data"]["message_time"] for row in env["data"]]
    assert len(times) == 5 and times == sorted(times, reverse=True)
    assert all(row["object"] == "mailMessage" and "body" not in row["data"] for row in env["data"])
    page = env["additional_data"]["pagination"]
    assert page["more_items_in_collection"] is True and page["next_start"] == 5
    rest, _ = ok(sb, f"/api/v1/persons/{person['id']}/mailMessages", {"start": 5, "limit": 100})
    ids = [r["data"]["id"] for r in env["data"] + rest["data"]]
    assert len(ids) == len(set(ids)) == mailbox.figures(mailbox.index(sb.state), "person", person["id"])["email_messages_count"]
    deals = [d["id"] for d in sb.state.deals.values() if d.get("person_id") == person["id"]]
    with_mail = [d for d in deals if ok(sb, f"/api/v1/deals/{d}/mailMessages")[0]["data"]]
    assert with_mail


def test_figures_match_the_messages(sb):
    person = marta(sb)
    env, _ = ok(
        sb, f"/api/v2/persons/{person['id']}", {"include_fields": "email_messages_count,last_incoming_mail_time,last_outgoing_mail_time"}
    )
    listed, _ = ok(sb, f"/api/v1/persons/{person['id']}/mailMessages")
    messages = [r["data"] for r in listed["data"]]
    assert env["data"]["email_messages_count"] == len(messages) > 0
    incoming = max(m["message_time"] for m in messages if not m["sent_flag"])
    assert env["data"]["last_incoming_mail_time"] == incoming[:19] + "Z"
    deal_id = next(d["id"] for d in sb.state.deals.values() if d.get("person_id") == person["id"])
    deal, _ = ok(sb, "/api/v2/deals", {"ids": str(deal_id), "include_fields": "email_messages_count"})
    assert deal["data"][0]["email_messages_count"] == len(ok(sb, f"/api/v1/deals/{deal_id}/mailMessages")[0]["data"])


def test_thread_message_and_body(sb):
    hostile = next(m for m in sb.state.mail_messages.values() if "[bold red]" in m["_body"])
    env, headers = ok(sb, f"/api/v1/mailbox/mailThreads/{hostile['mail_thread_id']}/mailMessages")
    assert headers["x-token-cost"] == "20"
    times = [m["message_time"] for m in env["data"]]
    assert times == sorted(times) and hostile["id"] in [m["id"] for m in env["data"]]
    one, headers = ok(sb, f"/api/v1/mailbox/mailMessages/{hostile['id']}", {"include_body": 1})
    assert headers["x-token-cost"] == "2"
    assert "\x1b[31m" in one["data"]["body"] and "<script>" in one["data"]["body"] and "\u202e" in one["data"]["body"]
    assert "body" not in ok(sb, f"/api/v1/mailbox/mailMessages/{hostile['id']}")[0]["data"]
    thread, headers = ok(sb, f"/api/v1/mailbox/mailThreads/{hostile['mail_thread_id']}")
    assert headers["x-token-cost"] == "20" and thread["data"]["last_message_timestamp"] == times[-1]
    assert call(sb, "/api/v1/mailbox/mailMessages/999999")[0] == 404
    assert call(sb, f"/api/v1/mailbox/mailMessages/{hostile['id']}", {"include_body": 2})[0] == 400
    big = max(sb.state.mail_messages.values(), key=lambda m: len(m["_body"]))
    assert len(big["_body"]) >= 1_000_000


def test_delivered_mail_changes_the_figures_and_update_time(sb):
    deal_id, thread = next((t["deal_id"], t) for t in sb.state.mail_threads.values() if t["deal_id"])
    before = mailbox.figures(mailbox.index(sb.state), "deal", deal_id)
    template = mailbox.thread_messages(sb.state, thread["id"])[0]
    mailbox.deliver(
        sb.state, thread["id"], {**template, "sent_flag": 0, "message_time": "2026-12-01T10:00:00.000Z"}, "2026-12-01T10:00:00Z"
    )
    after = mailbox.figures(mailbox.index(sb.state), "deal", deal_id)
    assert after["email_messages_count"] == before["email_messages_count"] + 1
    assert after["last_incoming_mail_time"] == "2026-12-01T10:00:00Z"
    assert sb.state.deals[deal_id]["update_time"] == "2026-12-01T10:00:00Z"
