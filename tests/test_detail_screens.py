"""Detail screens, lists, forms and notes: outcomes on the sandbox."""

import pytest
from tests.conftest import FROZEN_NOW
from tests.support.env import app_env
from tests.support.screen import screen_text
from tests.support.snapshots import snapshot
from tests.test_board_keys import board, settle
from tui.sandbox import Sandbox
from tui.screens.deal import DealScreen
from tui.screens.forms.entity_forms import DealForm, PersonForm
from tui.screens.organization import OrganizationScreen
from tui.screens.people import PeopleScreen
from tui.screens.person import PersonScreen


def _deal_with_links(sb):
    return next(
        d
        for d in sb.live("deal")
        if d["status"] == "open" and d["person_id"] and d["org_id"] and sb.state.persons[d["person_id"]]["org_id"] == d["org_id"]
    )


async def _open_deal(env, deal_id):
    env.app.open_deal(deal_id)
    await settle(env, 0.3)
    assert isinstance(env.app.screen, DealScreen)
    return env.app.screen


async def test_board_enter_opens_deal_and_links_lead_to_person_org_and_back(tmp_path):
    async with app_env(tmp_path) as env:
        b = board(env)
        await settle(env)
        b.columns[0].cards.move_cursor(1)
        selected = b.selected.id
        await env.pilot.press("enter")
        await settle(env)
        assert isinstance(env.app.screen, DealScreen) and env.app.screen.entity_id == selected
        deal = await _open_deal(env, _deal_with_links(env.sandbox)["id"])
        await env.pilot.press("P")
        await settle(env)
        assert isinstance(env.app.screen, PersonScreen)
        await env.pilot.press("O")
        await settle(env)
        org_screen = env.app.screen
        assert isinstance(org_screen, OrganizationScreen)
        people = org_screen.query_one("#section-people")
        people.focus()
        await env.pilot.press("enter")
        await settle(env)
        assert isinstance(env.app.screen, PersonScreen)
        for expected in (OrganizationScreen, PersonScreen, DealScreen, DealScreen):
            await env.pilot.press("escape")
            await settle(env)
            assert isinstance(env.app.screen, expected)
        await env.pilot.press("escape")
        await settle(env)
        assert env.app.screen is b and b.selected.id == selected  # same cursor as before
        assert deal is not None


@pytest.mark.paints  # the click lands on spans its paint noted
async def test_stage_progress_moves_the_deal_by_key_and_click(tmp_path):
    async with app_env(tmp_path) as env:
        d = _deal_with_links(env.sandbox)
        screen = await _open_deal(env, d["id"])
        stages = [sid for sid, _ in screen.detail.stages]
        start = stages.index(d["stage_id"])
        await env.pilot.press("greater_than_sign")
        await settle(env)
        await env.pilot.press("greater_than_sign")
        await settle(env)
        await env.store.drain()
        expected = stages[min(start + 2, len(stages) - 1)] if start + 2 < len(stages) else stages[-1]
        assert env.sandbox.state.deals[d["id"]]["stage_id"] == expected
        progress = screen.query_one("#stage-progress")
        x = progress._spans[0][0] + 1
        await env.pilot.click(progress, offset=(x, 0))
        await settle(env)
        await env.store.drain()
        assert env.sandbox.state.deals[d["id"]]["stage_id"] == stages[0]


async def test_edit_deal_invalid_input_sends_nothing_then_valid_saves(tmp_path):
    async with app_env(tmp_path) as env:
        d = _deal_with_links(env.sandbox)
        await _open_deal(env, d["id"])
        await env.pilot.press("e")
        await settle(env)
        form = env.app.screen
        assert isinstance(form, DealForm)
        form.field("title").input.value = ""
        form.field("value").input.value = "12k"
        form.field("probability").input.value = "150"
        form.field("expected_close_date").input.value = "someday"
        form.field("currency").input.value = "XYZ"
        await env.pilot.press("ctrl+s")
        await settle(env)
        assert env.app.screen is form
        assert "required" in form.field("title").error
        assert "number" in form.field("value").error
        assert "between 0 and 100" in form.field("probability").error
        assert "YYYY-MM-DD" in form.field("expected_close_date").error
        assert "Unknown currency" in form.field("currency").error
        await env.store.drain()
        assert env.sandbox.writes() == []
        form.field("title").input.value = "Renamed [b]deal[/b]"
        form.field("value").input.value = "4200.50"
        form.field("probability").input.value = "60"
        form.field("expected_close_date").input.value = "+3d"
        form.field("currency").input.value = "usd"
        await env.pilot.press("ctrl+s")
        await settle(env)
        assert isinstance(env.app.screen, DealScreen)
        await env.store.drain()
        server = env.sandbox.state.deals[d["id"]]
        assert server["title"] == "Renamed [b]deal[/b]" and server["value"] == 4200.5 and server["probability"] == 60
        assert server["currency"] == "USD" and server["expected_close_date"] == "2026-11-21"
        patch = [w for w in env.sandbox.writes() if w[0] == "PATCH"][0]
        assert set(patch[3]) == {"title", "value", "probability", "currency", "expected_close_date"}


async def test_fix_a_phone_number_of_a_person(tmp_path):
    async with app_env(tmp_path) as env:
        person = env.sandbox.state.persons[4]
        env.app.open_person(4)
        await settle(env)
        await env.pilot.press("e")
        await settle(env)
        form = env.app.screen
        assert isinstance(form, PersonForm)
        form.field("phones").input.value = "not a phone"
        await env.pilot.press("ctrl+s")
        await settle(env)
        assert "phone" in form.field("phones").error and env.sandbox.writes() == []
        form.field("phones").input.value = "+49 30 9876543 (mobile), +1 555 0100 (work)"
        await env.pilot.press("ctrl+s")
        await settle(env)
        await env.store.drain()
        phones = env.sandbox.state.persons[4]["phones"]
        assert phones == [
            {"value": "+49 30 9876543", "primary": True, "label": "mobile"},
            {"value": "+1 555 0100", "primary": False, "label": "work"},
        ]
        assert env.sandbox.state.persons[4]["name"] == person["name"]
        text = screen_text(env.app)
        assert "+49 30 9876543" in text and "primary" in text


async def test_create_deal_person_and_organization(tmp_path):
    async with app_env(tmp_path) as env:
        await settle(env)
        await env.pilot.press("c")
        await settle(env)
        form = env.app.screen
        assert isinstance(form, DealForm)
        form.field("title").input.value = "Brand new deal"
        form.field("value").input.value = "999"
        picker = form.picker("person_id")
        picker.input.focus()
        name = env.sandbox.state.persons[2]["name"]
        picker.input.value = name[:4]
        await settle(env)
        await env.pilot.press("enter")  # choose the first match
        await settle(env)
        assert picker.value is not None
        await env.pilot.press("ctrl+s")
        await settle(env)
        await env.store.drain()
        made = [x for x in env.sandbox.live("deal") if x["title"] == "Brand new deal"]
        assert len(made) == 1 and made[0]["stage_id"] == board(env).stages[0].id and made[0]["person_id"] == picker.value
        await env.pilot.press("3")
        await settle(env)
        assert isinstance(env.app.screen, PeopleScreen)
        await env.pilot.press("c")
        await settle(env)
        env.app.screen.field("name").input.value = "Ёлка 山田 🎄"
        env.app.screen.field("emails").input.value = "yolka@example.org"
        await env.pilot.press("ctrl+s")
        await settle(env)
        await env.pilot.press("4", "c")
        await settle(env)
        env.app.screen.field("name").input.value = "New Org GmbH"
        env.app.screen.field("address").input.value = "Hauptstraße 1, Berlin"
        await env.pilot.press("ctrl+s")
        await settle(env)
        await env.store.drain()
        assert [p["emails"][0]["value"] for p in env.sandbox.live("person") if p["name"] == "Ёлка 山田 🎄"] == ["yolka@example.org"]
        assert [o["address"]["value"] for o in env.sandbox.live("organization") if o["name"] == "New Org GmbH"] == ["Hauptstraße 1, Berlin"]


async def test_escape_in_a_changed_form_asks_before_discarding(tmp_path):
    async with app_env(tmp_path) as env:
        env.app.open_person(3)
        await settle(env)
        await env.pilot.press("e")
        await settle(env)
        form = env.app.screen
        form.field("name").input.value = "Changed"
        await env.pilot.press("escape")
        await settle(env)
        assert "Discard" in screen_text(env.app)
        await env.pilot.press("y")
        await settle(env)
        assert isinstance(env.app.screen, PersonScreen)
        assert env.sandbox.writes() == []


async def test_notes_add_edit_pin_delete_and_html_shown_as_text(tmp_path):
    sb = Sandbox(seed=7, deals=60, token="t0k3n-for-tests", now=FROZEN_NOW)
    d = _deal_with_links(sb)
    nid = max(sb.state.notes) + 1
    sb.state.notes[nid] = {
        **sb.state.notes[1],
        "id": nid,
        "deal_id": d["id"],
        "person_id": None,
        "org_id": None,
        "content": "<p>Agenda:</p><ul><li>price &amp; terms</li></ul><script>alert(1)</script><p>[red]x[/]</p>",
        "add_time": "2026-11-17 10:00:00",
        "pinned_to_deal_flag": False,
    }
    async with app_env(tmp_path, sandbox=sb) as env:
        screen = await _open_deal(env, d["id"])
        notes = screen.query_one("#section-notes")
        notes.focus()
        await settle(env)
        text = screen_text(env.app)
        assert "• price & terms" in text and "Agenda:" in text
        assert "alert(1)" not in text and "<ul>" not in text and "[red]x[/]" in text
        await env.pilot.press("n")
        await settle(env)
        await env.pilot.press(*"Call <Anna> & send offer")
        await env.pilot.press("ctrl+s")
        await settle(env)
        await env.store.drain()
        made = [n for n in env.sandbox.live("note") if "send offer" in n["content"]]
        assert len(made) == 1 and made[0]["content"] == "<p>Call &lt;Anna&gt; &amp; send offer</p>" and made[0]["deal_id"] == d["id"]
        await settle(env)
        notes = screen.query_one("#section-notes")
        notes.focus()
        target = next(i for i, t in enumerate(notes.targets) if t == ("note", nid))
        notes.highlighted = target
        await env.pilot.press("p")
        await settle(env)
        await env.store.drain()
        assert env.sandbox.state.notes[nid]["pinned_to_deal_flag"] is True
        notes = screen.query_one("#section-notes")
        notes.focus()
        notes.highlighted = next(i for i, t in enumerate(notes.targets) if t == ("note", nid))
        await env.pilot.press("e")
        await settle(env)
        area = env.app.screen.query_one("#note-text")
        area.load_text("Rewritten note")
        await env.pilot.press("ctrl+s")
        await settle(env)
        # the note had a list: saving the plain text would drop it, so the editor asks first
        assert "formatting" in str(env.app.screen.query_one(".dialog-message").render())
        assert env.sandbox.state.notes[nid]["content"].startswith("<p>Agenda:</p><ul>")
        await env.pilot.press("y")
        await settle(env)
        await env.store.drain()
        assert env.sandbox.state.notes[nid]["content"] == "<p>Rewritten note</p>"
        notes = screen.query_one("#section-notes")
        notes.focus()
        notes.highlighted = next(i for i, t in enumerate(notes.targets) if t == ("note", nid))
        await env.pilot.press("delete")
        await settle(env)
        await env.pilot.press("y")
        await settle(env)
        await env.store.drain()
        assert env.sandbox.state.notes[nid]["active_flag"] is False


async def test_delete_a_person_behind_confirmation(tmp_path):
    async with app_env(tmp_path) as env:
        env.app.open_person(5)
        await settle(env)
        await env.pilot.press("delete")
        await settle(env)
        await env.pilot.press("n")  # no
        await settle(env)
        assert env.sandbox.writes() == []
        await env.pilot.press("delete")
        await settle(env)
        await env.pilot.press("y")
        await settle(env)
        await env.store.drain()
        assert env.sandbox.state.persons[5]["is_deleted"] is True


async def test_odd_names_are_literal_on_person_screen(tmp_path):
    sb = Sandbox(seed=7, deals=30, token="t0k3n-for-tests", now=FROZEN_NOW)
    sb.state.persons[2]["name"] = "[bold]Mallory[/bold] \x1b[31m红\x1b[0m"
    async with app_env(tmp_path, sandbox=sb) as env:
        env.app.open_person(2)
        await settle(env)
        header = str(env.app.screen.query_one("#detail-header").render())
        assert "[bold]Mallory[/bold]" in header and "\x1b" not in header and "红" in header


async def test_lists_filter_sort_and_open(tmp_path):
    async with app_env(tmp_path) as env:
        await env.pilot.press("3")
        await settle(env)
        people = env.app.screen
        total = len(people.ids)
        name = env.sandbox.state.persons[7]["name"].split()[0]
        await env.pilot.press("slash", *name)
        await settle(env)
        assert 0 < len(people.ids) < total
        await env.pilot.press("enter")  # back to the table
        await env.pilot.press("enter")  # open
        await settle(env)
        assert isinstance(env.app.screen, PersonScreen)
        await env.pilot.press("escape")
        await env.pilot.press("4")
        await settle(env)
        orgs = env.app.screen
        await env.pilot.press("s")
        await settle(env)
        assert orgs.sort == "deals"


async def test_detail_snapshots(tmp_path):
    async with app_env(tmp_path, size=(120, 40)) as env:
        d = _deal_with_links(env.sandbox)
        await _open_deal(env, d["id"])
        await snapshot(env, "deal_screen_120x40")
        env.app.open_person(d["person_id"])
        await settle(env)
        await snapshot(env, "person_screen_120x40")
        env.app.open_organization(d["org_id"])
        await settle(env)
        await snapshot(env, "organization_screen_120x40")
        await env.pilot.press("3")
        await settle(env)
        await snapshot(env, "people_list_120x40")


async def test_a_refused_field_edit_reopens_the_form_with_the_reason_at_the_field(tmp_path):
    async with app_env(tmp_path) as env:
        d = _deal_with_links(env.sandbox)
        await _open_deal(env, d["id"])
        env.sandbox.inject(
            "PATCH", f"/api/v2/deals/{d['id']}", status=400, error="Validation failed: expected_close_date: must not be in the past"
        )
        await env.pilot.press("e")
        await settle(env)
        env.app.screen.field("expected_close_date").input.value = "2020-01-01"
        await env.pilot.press("ctrl+s")
        await settle(env)
        await env.store.drain()
        await settle(env, 0.4)
        form = env.app.screen
        assert isinstance(form, DealForm)
        assert "must not be in the past" in form.field("expected_close_date").error
        assert env.sandbox.state.deals[d["id"]]["expected_close_date"] == d["expected_close_date"]


async def test_the_organizations_deals_show_their_stage_and_value(tmp_path):
    async with app_env(tmp_path, size=(120, 40)) as env:
        sb = env.sandbox
        d = _deal_with_links(sb)
        env.app.open_organization(d["org_id"])
        await settle(env)
        section = env.app.screen.query_one("#section-deals")
        lines = [str(section.get_option_at_index(i).prompt) for i in range(section.option_count)]
        deals = [x for x in sb.state.deals.values() if x["org_id"] == d["org_id"] and not x.get("_deleted")]
        assert len(lines) == len(deals) >= 1
        for deal in deals:
            stage = sb.state.stages[deal["stage_id"]]["name"]
            amount = f"{deal['value']:,.0f}"
            assert any(deal["title"] in line and stage in line and amount in line for line in lines), (deal, lines)
        assert lines[0] in screen_text(env.app)  # as shown, stage and value included
