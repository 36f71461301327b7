"""Followers and participants: listed from Pipedrive once per item and session, added from the
cache's users and persons, removed; through the outbox, exactly once; shown on the screens."""

from __future__ import annotations


from tests.conftest import FROZEN_NOW
from tests.support.env import app_env
from tests.support.store_env import open_store
from tests.support.transports import Answering, matching
from tests.support.wait import settle
from tui.sandbox import Sandbox
from tui.screens.deal import DealScreen
from tui.screens.forms.party_form import PartyForm
from tui.store.queries.followers import followers_of, participants_of


_open = open_store


def _section(screen, name: str) -> str:
    section = screen.query_one(f"#section-{name}")
    return "\n".join(str(section.get_option_at_index(i).prompt) for i in range(section.option_count))


def _server_followers(sb: Sandbox, deal_id: int) -> list[int]:
    return sorted(f["user_id"] for f in sb.state.followers.get(("deals", deal_id), []))


def _server_participants(sb: Sandbox, deal_id: int) -> list[int]:
    return sorted(p["person_id"] for p in sb.state.participants.values() if p["deal_id"] == deal_id)


async def test_follow_unfollow_and_participants_reach_pipedrive_and_the_cache_follows(tmp_path):
    sb = Sandbox(seed=7, deals=30, token="t0k3n-followers", now=FROZEN_NOW)
    store, client = await _open(tmp_path / "c.sqlite3", sb)
    try:
        await store.sync_now()
        deal = next(d for d in sb.live("deal") if d.get("person_id"))
        await store.load_followers("deal", deal["id"])
        cached = await store.read(followers_of, "deal", deal["id"])
        assert sorted(f.ref_id for f in cached) == _server_followers(sb, deal["id"])
        assert sorted(p.ref_id for p in await store.read(participants_of, deal["id"])) == _server_participants(sb, deal["id"])
        newcomer = next(u for u in sb.state.users if u not in _server_followers(sb, deal["id"]))
        assert await store.follow("deal", deal["id"], newcomer, deal["title"]) is True
        assert await store.follow("deal", deal["id"], newcomer) is False  # already
        person = next(p for p in sb.live("person") if p["id"] not in _server_participants(sb, deal["id"]))
        local = await store.add_participant(deal["id"], person["id"], deal["title"])
        assert local is not None and local < 0
        shown = await store.read(participants_of, deal["id"])
        assert (local, person["id"], "add") in [(p.id, p.ref_id, p.pending) for p in shown]
        assert await store.drain()
        assert newcomer in _server_followers(sb, deal["id"])
        assert person["id"] in _server_participants(sb, deal["id"])
        shown = await store.read(participants_of, deal["id"])
        row = next(p for p in shown if p.ref_id == person["id"])
        assert row.id > 0 and row.pending is None  # the server's id
        await store.unfollow("deal", deal["id"], newcomer)
        await store.remove_participant(deal["id"], row.id)
        assert await store.drain()
        assert newcomer not in _server_followers(sb, deal["id"]) and person["id"] not in _server_participants(sb, deal["id"])
        assert newcomer not in [f.ref_id for f in await store.read(followers_of, "deal", deal["id"])]
        assert person["id"] not in [p.ref_id for p in await store.read(participants_of, deal["id"])]
        assert await store.load_followers("deal", deal["id"]) is False  # once per session
    finally:
        await store.close()
        await client.aclose()


async def test_a_participant_whose_answer_was_lost_is_added_once(tmp_path):
    sb = Sandbox(seed=7, deals=30, token="t0k3n-followers", now=FROZEN_NOW)
    lossy = Answering(sb.transport())
    lossy.drop_after(matching("POST", "/participants"))
    store, client = await _open(tmp_path / "c.sqlite3", sb, lossy)
    try:
        await store.sync_now()
        deal = sb.live("deal")[0]
        person = next(p for p in sb.live("person") if p["id"] not in _server_participants(sb, deal["id"]))
        await store.add_participant(deal["id"], person["id"])
        assert await store.pusher.push_next() == "retry"
        assert await store.drain()
        assert _server_participants(sb, deal["id"]).count(person["id"]) == 1
        posts = [r for r in sb.writes() if r[0] == "POST" and r[1].endswith("/participants")]
        assert len(posts) == 1
    finally:
        await store.close()
        await client.aclose()


async def test_the_deal_screen_lists_followers_and_adds_a_participant_with_plus(tmp_path):
    async with app_env(tmp_path) as env:
        sb = env.sandbox
        deal = next(d for d in sb.live("deal") if d.get("person_id") and d["status"] == "open")
        env.app.open_deal(deal["id"])
        await settle(env)
        await settle(env)
        screen = env.app.screen
        assert isinstance(screen, DealScreen)
        owner = sb.state.users[deal["owner_id"]]["name"]
        assert owner in _section(screen, "followers") and str(screen.query_one("#title-followers").render()).startswith("Followers · ")
        assert sb.state.persons[deal["person_id"]]["name"] in _section(screen, "participants")
        screen.query_one("#section-participants").focus()
        await settle(env)
        await env.pilot.press("plus")
        await settle(env)
        assert isinstance(env.app.screen, PartyForm)
        person = next(p for p in sb.live("person") if p["id"] not in _server_participants(sb, deal["id"]))
        await env.pilot.press(*person["name"][:6])
        await settle(env)
        await env.pilot.press("down", "enter")
        await settle(env)
        await env.pilot.press("ctrl+s")
        await settle(env)
        assert env.app.screen is screen
        assert "⧗ adding" in _section(screen, "participants")
        assert await env.store.drain()
        added = [p for p in sb.state.participants.values() if p["deal_id"] == deal["id"] and p["person_id"] not in (deal["person_id"],)]
        assert added, "a participant was added"
        me = sb.state.me_id
        was_following = me in _server_followers(sb, deal["id"])
        await env.pilot.press("F")  # follow it myself, or stop
        await settle(env)
        assert await env.store.drain()
        assert (me in _server_followers(sb, deal["id"])) is not was_following


async def test_followers_are_fetched_again_only_when_the_items_counts_change(tmp_path):
    sb = Sandbox(seed=7, deals=30, token="t0k3n-followers", now=FROZEN_NOW)
    path = tmp_path / "c.sqlite3"
    store, client = await _open(path, sb)
    deal = next(d for d in sb.live("deal") if d.get("person_id"))
    try:
        await store.sync_now()
        assert await store.load_followers("deal", deal["id"]) is True
    finally:
        await store.close()
        await client.aclose()

    def asked() -> int:
        return sum(1 for r in sb.requests if r[1] == f"/api/v2/deals/{deal['id']}/followers")

    store, client = await _open(path, sb)  # the next session
    try:
        before = asked()
        assert await store.load_followers("deal", deal["id"]) is False  # the counts are as at the fetch: 0 tokens
        assert asked() == before
        other = next(u for u in sb.state.users if u not in _server_followers(sb, deal["id"]))
        sb.state.followers.setdefault(("deals", deal["id"]), []).append({"user_id": other, "add_time": "2026-11-18T09:00:00Z"})
        sb.state.deals[deal["id"]]["update_time"] = "2026-11-18T09:00:01Z"  # the change reaches the next sync
        sb.advance(60)
        await store.sync_now()
        store._followers_loaded = None  # a later session
        assert await store.load_followers("deal", deal["id"]) is True
        assert other in [f.ref_id for f in await store.read(followers_of, "deal", deal["id"])]
    finally:
        await store.close()
        await client.aclose()
