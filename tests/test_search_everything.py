"""`g` also finds leads (by title) and the text inside notes: enter opens the lead, or the deal,
person or organization the note is on with that note selected; the index follows edits."""

from tests.support.env import app_env
from tests.support.screen import screen_text
from tests.support.wait import settle
from tests.test_search_screen import _open_search
from tui.screens.deal import DealScreen
from tui.screens.lead import LeadScreen
from tui.store.queries.search import search


async def test_a_lead_is_found_by_part_of_its_title_and_opens(tmp_path):
    async with app_env(tmp_path) as env:
        lead = await env.store.read(lambda c: dict(c.execute("SELECT id, title FROM leads ORDER BY title LIMIT 1").fetchone()))
        word = max(lead["title"].split(), key=len)
        results = await env.store.read(search, word)
        assert any(h.kind == "lead" and h.uuid == lead["id"] for h in results.hits)
        _board, screen = await _open_search(env, lead["title"])
        assert "Leads" in screen_text(env.app)
        assert screen.listing.selected is not None
        while screen.listing.selected.key[0] != "lead":
            screen.action_move(1)
        await env.pilot.press("enter")
        await settle(env)
        assert isinstance(env.app.screen, LeadScreen) and env.app.screen.entity_id == lead["id"]


async def test_text_inside_a_note_is_found_and_opens_the_deal_with_the_note_selected(tmp_path):
    async with app_env(tmp_path) as env:
        deal = next(d for d in env.sandbox.live("deal") if d["status"] == "open")
        note_id = await env.store.create_note("<p>Budget signed off by <b>Kowalczyk</b>, [red]hostile[/] wording</p>", deal_id=deal["id"])
        results = await env.store.read(search, "kowalczyk")
        (hit,) = [h for h in results.hits if h.kind == "note"]
        assert hit.id == note_id and hit.parent == ("deal", deal["id"]) and "Kowalczyk" in hit.title
        _board, screen = await _open_search(env, "kowalczyk")
        text = screen_text(env.app)
        assert "Notes" in text and "[red]hostile[/]" in text  # shown literally
        while screen.listing.selected.key[0] != "note":
            screen.action_move(1)
        await env.pilot.press("enter")
        await settle(env)
        detail = env.app.screen
        assert isinstance(detail, DealScreen) and detail.entity_id == deal["id"]
        notes = detail.query_one("#section-notes")
        assert notes.has_focus and notes.target == ("note", note_id)
        await env.store.update_entity("note", note_id, {"content": "<p>Nothing to see</p>"})
        assert [h for h in (await env.store.read(search, "kowalczyk")).hits if h.kind == "note"] == []
