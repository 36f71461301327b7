"""Mail in the cache: an item's messages fetched once and again only when its mail figures
change (counted in the sandbox's requests), threads and bodies cached, what a fetch costs."""

from __future__ import annotations

from tests.conftest import FROZEN_NOW
from tests.support.store_env import data_env
from tui.sandbox import Sandbox, mailbox
from tui.sandbox.state import rfc3339
from tui.store.queries.mail import body, item_messages, thread_messages

LIST = "GET /api/v1/deals/{id}/mailMessages"
THREAD = "GET /api/v1/mailbox/mailThreads/{id}/mailMessages"
ONE = "GET /api/v1/mailbox/mailMessages/{id}"


def sandbox() -> Sandbox:
    return Sandbox(seed=7, deals=300, token="t0k3n-for-tests", now=FROZEN_NOW)


def marta_deal(sb: Sandbox) -> int:
    marta = next(p["id"] for p in sb.state.persons.values() if p["name"] == "Marta O'Brien")
    return next(t["deal_id"] for t in sb.state.mail_threads.values() if t["deal_id"] and sb.state.deals[t["deal_id"]]["person_id"] == marta)


def calls(sb: Sandbox, key: str) -> int:
    return sb.counters.by_path.get(key, 0)


async def test_fetched_once_then_only_when_the_deal_mail_figures_change(tmp_path):
    sb = sandbox()
    deal_id = marta_deal(sb)
    async with data_env(tmp_path, sandbox=sb) as env:
        store = env.store
        assert await store.load_mail("deal", deal_id)
        rows = await store.read(item_messages, "deal", deal_id)
        expected = mailbox.of_item(sb.state, "deal", deal_id)
        assert [r.id for r in rows] == [m["id"] for m in expected]  # newest first
        assert rows[0].subject == expected[0]["subject"] and rows[0].sender == expected[0]["from"][0]["email_address"]
        assert calls(sb, LIST) == 1
        # nothing changed: no request, however often the section is shown or the cache synced
        assert not await store.load_mail("deal", deal_id)
        await store.sync_now()
        assert not await store.load_mail("deal", deal_id)
        assert calls(sb, LIST) == 1
        # a message arrives: the sync brings the deal's new figures, the next show fetches
        thread = next(t for t in sb.state.mail_threads.values() if t["deal_id"] == deal_id)
        template = mailbox.thread_messages(sb.state, thread["id"])[-1]
        sb.advance(120)
        now = rfc3339(sb.now())
        new = mailbox.deliver(sb.state, thread["id"], {**template, "subject": "Re: a new one", "message_time": now[:19] + ".000Z"}, now)
        await store.sync_now()
        assert await store.load_mail("deal", deal_id)
        assert calls(sb, LIST) == 2
        rows = await store.read(item_messages, "deal", deal_id)
        assert rows[0].id == new["id"] and rows[0].subject == "Re: a new one"
        assert not await store.load_mail("deal", deal_id)


async def test_thread_and_body_cached_and_the_cost_of_opening_a_deal_mail(tmp_path):
    sb = sandbox()
    deal_id = marta_deal(sb)
    async with data_env(tmp_path, sandbox=sb) as env:
        store = env.store
        before = sb.counters.tokens
        await store.load_mail("deal", deal_id)
        newest = (await store.read(item_messages, "deal", deal_id))[0]
        assert await store.load_thread(newest.thread_id)
        html = await store.mail_body(newest.id)
        cost = sb.counters.tokens - before
        assert cost == 20 + 20 + 2  # list, thread, body: the spec's costs
        assert html == sb.state.mail_messages[newest.id]["_body"]
        in_thread = await store.read(thread_messages, newest.thread_id)
        assert [m.id for m in in_thread] == [m["id"] for m in mailbox.thread_messages(sb.state, newest.thread_id)]
        # again: all from the cache
        assert not await store.load_thread(newest.thread_id)
        assert await store.mail_body(newest.id) == html
        assert (calls(sb, THREAD), calls(sb, ONE)) == (1, 1)
        assert await store.read(body, newest.id) == html
        assert (await store.read(item_messages, "deal", deal_id))[0].has_body
