"""Custom fields of every type, edited in place on the deal screen: each is shown by name with
its value by label or name (render), refuses bad input next to the field with nothing sent
(validate), sends exactly that field in the v2 shape (send), and shows the server's answer
afterwards (round trip)."""

from __future__ import annotations

import pytest

from tests.support.deal_env import code_of, fill, open_editor, open_screen, rich_sandbox, save, show_row
from tui.screens.custom_field_editor import CustomFieldEditor
from tests.support.env import app_env
from tests.support.screen import screen_text
from tests.support.wait import settle
from tui import custom_values as cv
from tui.store.queries.custom import names

# type -> (field name on deals, bad input, the message it gets, good input, the body's value, how it reads after)
CASES = {
    "varchar": ("PO number", {"text": "x" * 256}, "at most 255 characters", {"text": "PO-4242"}, "PO-4242", "PO-4242"),
    "text": (
        "Internal notes",
        {"text": "y" * 65536},
        "at most 65535 characters",
        {"text": "Two lines:\nsecond"},
        "Two lines:\nsecond",
        "Two lines: second",
    ),
    "double": ("Contract length (months)", {"text": "twelve"}, "must be a number", {"text": "18"}, 18, "18"),
    "monetary": (
        "Budget",
        {"text": "25000", "currency": "EURO"},
        "3-letter code",
        {"text": "25000", "currency": "usd"},
        {"value": 25000, "currency": "USD"},
        "25,000 USD",
    ),
    "enum": ("Lead source", None, None, {"option": "Trade show"}, 13, "Trade show"),
    "set": ("Competitors", None, None, {"options": ["Salesforce", "Zoho"]}, [31, 33], "Salesforce, Zoho"),
    "date": ("Decision date", {"text": "31.02."}, "is not a date", {"text": "2026-12-24"}, "2026-12-24", "2026-12-24"),
    "daterange": (
        "Pilot period",
        {"text": "2026-12-10", "until": "2026-12-01"},
        "before the start",
        {"text": "2026-12-01", "until": "2027-01-31"},
        {"value": "2026-12-01", "until": "2027-01-31"},
        "2026-12-01 → 2027-01-31",
    ),
    "time": (
        "Kick-off time",
        {"text": "25:00"},
        "not a time of day",
        {"text": "9:30"},
        {"value": "09:30:00", "timezone_name": "Europe/Berlin"},
        "09:30 (Europe/Berlin)",
    ),
    "timerange": (
        "Workshop slot",
        {"text": "14:00", "until": "13:00"},
        "is not after the start",
        {"text": "13:00", "until": "14:30"},
        {"value": "13:00:00", "until": "14:30:00", "timezone_name": "Europe/Berlin"},
        "13:00–14:30 (Europe/Berlin)",
    ),
    "phone": (
        "Support hotline",
        {"text": "call me"},
        "is not a phone number",
        {"text": "+49 30 1234567"},
        "+49 30 1234567",
        "+49 30 1234567",
    ),
    "address": (
        "Delivery address",
        {"text": "z" * 256},
        "at most 255 characters",
        {"text": "Rue de Rivoli 99, Paris"},
        {"value": "Rue de Rivoli 99, Paris"},
        "Rue de Rivoli 99, Paris",
    ),
    "varchar_auto": ("Region", {"text": "r" * 256}, "at most 255 characters", {"text": "Nordics"}, "Nordics", "Nordics"),
    "user": ("Solution engineer", {"pick": "zzzq"}, "No match for 'zzzq'", {"pick": "user:2"}, 2, "user:2"),
    "people": ("Champion", {"pick": "zzzq"}, "No match for 'zzzq'", {"pick": "person:5"}, 5, "person:5"),
    "org": ("Reseller", {"pick": "zzzq"}, "No match for 'zzzq'", {"pick": "organization:7"}, 7, "organization:7"),
}
DEAL_ID = 6  # open, no products, some custom values set by the demo data


def _ref(sb, spec: str) -> tuple[str, str]:
    """`person:5` -> (what to type, the name shown)."""
    kind, item_id = spec.split(":")
    coll = {"user": sb.state.users, "person": sb.state.persons, "organization": sb.state.organizations}[kind]
    name = coll[int(item_id)]["name"]
    return name, name


@pytest.mark.parametrize("kind", list(CASES))
async def test_custom_field_renders_validates_sends_and_round_trips(tmp_path, kind):
    sb = rich_sandbox()
    name, bad, message, good, body_value, shown = CASES[kind]
    code = code_of(sb, "deal", name)
    assert next(f for f in sb.state.deal_fields if f["field_code"] == code)["field_type"] == kind
    if "pick" in good:
        typed, shown = _ref(sb, good["pick"])
        good = {"pick": typed}
    async with app_env(tmp_path, sandbox=sb, size=(140, 60)) as env:
        screen = await open_screen(env, "deal", DEAL_ID)
        # render: by name, the value the way the sandbox holds it reads as the app's display says
        row = next(r for r in screen.custom_rows if r.fd.code == code)
        before = sb.state.deals[DEAL_ID].get("custom_fields", {}).get(code)
        expected = await env.store.read(lambda c: cv.display(row.fd, before, names(c)))
        assert row.fd.name == name and row.shown == expected
        await show_row(env, screen, code)
        assert name in screen_text(env.app)
        writes = len(sb.writes())
        editor = await open_editor(env, screen, code)
        # validate: the message next to the field, nothing sent
        if bad is not None:
            await fill(env, editor, bad)
            await save(env)
            assert env.app.screen is editor
            assert message in screen_text(env.app)
            assert len(sb.writes()) == writes
        # send: exactly this field, in the v2 shape
        await fill(env, editor, good)
        if kind != "enum":  # choosing an option saves at once
            await save(env)
        assert env.app.screen is screen
        await env.store.drain()
        method, path, _query, body = sb.writes()[-1]
        assert (method, path, body) == ("PATCH", f"/api/v2/deals/{DEAL_ID}", {"custom_fields": {code: body_value}})
        assert len(sb.writes()) == writes + 1
        # round trip: the server holds it, the screen shows the server's answer by name
        stored = sb.state.deals[DEAL_ID]["custom_fields"][code]
        await settle(env)
        row = next(r for r in screen.custom_rows if r.fd.code == code)
        assert row.value == stored and row.shown == shown
        await show_row(env, screen, code)
        assert shown in screen_text(env.app)


@pytest.mark.parametrize("kind,given", [("enum", {"choice": 99}), ("set", {"choices": [31, 99]}), ("set", {"choices": []})])
def test_options_outside_the_field_are_refused_and_an_empty_set_clears(kind, given):
    fd = cv.FieldDef("c", "Options", kind, [(31, "A"), (32, "B")])
    value, error = cv.parse(fd, given, today=__import__("datetime").date(2026, 11, 18), zone="UTC", currencies=set())
    if given.get("choices") == []:
        assert (value, error) == (None, None)  # null clears a set ([] is a 400 on Pipedrive)
    else:
        assert value is None and "options" in error.lower()


async def test_unchanged_value_sends_nothing_and_clearing_sends_null(tmp_path):
    sb = rich_sandbox()
    code = code_of(sb, "deal", "Decision date")
    assert sb.state.deals[DEAL_ID]["custom_fields"][code]
    async with app_env(tmp_path, sandbox=sb, size=(140, 60)) as env:
        screen = await open_screen(env, "deal", DEAL_ID)
        writes = len(sb.writes())
        editor = await open_editor(env, screen, code)
        await save(env)  # as it was
        assert env.app.screen is screen and len(sb.writes()) == writes
        editor = await open_editor(env, screen, code)
        await fill(env, editor, {"text": ""})
        await save(env)
        await env.store.drain()
        assert sb.writes()[-1][3] == {"custom_fields": {code: None}}
        assert sb.state.deals[DEAL_ID]["custom_fields"][code] is None


async def test_person_and_organization_fields_show_names_and_edit_in_place(tmp_path):
    sb = rich_sandbox()
    org_id = next(o["id"] for o in sb.live("organization") if o["custom_fields"].get(code_of(sb, "organization", "Parent company")))
    parent_code = code_of(sb, "organization", "Parent company")
    parent = sb.state.organizations[sb.state.organizations[org_id]["custom_fields"][parent_code]]["name"]
    async with app_env(tmp_path, sandbox=sb, size=(140, 60)) as env:
        screen = await open_screen(env, "organization", org_id)
        row = next(r for r in screen.custom_rows if r.fd.code == parent_code)
        await show_row(env, screen, parent_code)
        assert row.shown == parent and parent in screen_text(env.app)  # the name, not the id
        person_id = sb.state.persons[1]["id"]
        screen = await open_screen(env, "person", person_id)
        code = code_of(sb, "person", "Seniority")
        editor = await open_editor(env, screen, code)
        await fill(env, editor, {"option": "Executive"})
        await env.store.drain()
        assert sb.writes()[-1][1:] == (f"/api/v2/persons/{person_id}", {}, {"custom_fields": {code: 43}})
        await settle(env)
        assert next(r for r in screen.custom_rows if r.fd.code == code).shown == "Executive"


async def test_read_only_types_are_shown_and_never_sent(tmp_path):
    sb = rich_sandbox()
    sb.state.deal_fields.append(
        {
            "field_code": "f" * 40,
            "field_name": "Score",
            "field_type": "int",
            "options": None,
            "subfields": None,
            "is_custom_field": True,
            "is_optional_response_field": False,
            "_id": 99999,
        }
    )
    sb.state.deals[DEAL_ID].setdefault("custom_fields", {})["f" * 40] = 7
    async with app_env(tmp_path, sandbox=sb, size=(140, 60)) as env:
        screen = await open_screen(env, "deal", DEAL_ID)
        row = next(r for r in screen.custom_rows if r.fd.code == "f" * 40)
        assert row.shown == "7" and not row.fd.editable
        writes = len(sb.writes())
        await open_editor(env, screen, "f" * 40)
        assert "never changed" in screen_text(env.app)
        await save(env)
        assert env.app.screen is screen and len(sb.writes()) == writes


async def test_fields_important_or_required_in_the_stage_are_flagged(tmp_path):
    sb = rich_sandbox()
    deal = sb.state.deals[DEAL_ID]
    deal.update(stage_id=5, pipeline_id=1)  # Negotiations: Budget important, Decision date required
    deal["custom_fields"][code_of(sb, "deal", "Decision date")] = None
    async with app_env(tmp_path, sandbox=sb, size=(140, 60)) as env:
        screen = await open_screen(env, "deal", DEAL_ID)
        flags = {r.fd.name: r.flags for r in screen.custom_rows if r.flags}
        assert flags["Budget"] == ["important in this stage"]
        assert flags["Decision date"] == ["required in this stage"]
        assert flags["PO number"] == ["required to mark won"]
        text = screen_text(env.app)
        assert "Decision date (missing)" in text and "required in this stage" in text


async def test_conflicts_are_checked_per_custom_field(tmp_path):
    from tests.support.store_env import data_env

    sb = rich_sandbox()
    po, region = code_of(sb, "deal", "PO number"), code_of(sb, "deal", "Region")
    async with data_env(tmp_path, sandbox=sb) as env:
        # someone else changed another custom field meanwhile: not a conflict, both kept
        await env.store.set_custom_field("deal", DEAL_ID, po, "PO-1")
        sb.remote_edit("deal", DEAL_ID, {"custom_fields": {**sb.state.deals[DEAL_ID]["custom_fields"], region: "APAC"}})
        await env.store.drain()
        assert sb.state.deals[DEAL_ID]["custom_fields"][po] == "PO-1"
        assert sb.state.deals[DEAL_ID]["custom_fields"][region] == "APAC"
        # the same field: held as a conflict, nothing overwritten
        await env.store.set_custom_field("deal", DEAL_ID, po, "PO-2")
        sb.remote_edit("deal", DEAL_ID, {"custom_fields": {**sb.state.deals[DEAL_ID]["custom_fields"], po: "PO-THEIRS"}})
        await env.store.drain()
        conflicts = await env.store.conflicts()
        assert len(conflicts) == 1 and f"custom_fields.{po}" in conflicts[0]["last_error"]
        assert sb.state.deals[DEAL_ID]["custom_fields"][po] == "PO-THEIRS"


async def test_j_and_k_move_in_a_section_and_enter_opens_the_row_under_the_cursor(tmp_path):
    """Vim keys work in the deal screen's sections as in every other list: j j enter edits the
    third custom field, k goes back up."""
    sb = rich_sandbox()
    async with app_env(tmp_path, sandbox=sb, size=(140, 60)) as env:
        screen = await open_screen(env, "deal", 1)
        section = screen.query_one("#section-custom")
        section.focus()
        await env.pilot.pause()
        section.highlighted = 0
        await env.pilot.press("j", "j", "j", "k")
        await settle(env)
        assert section.highlighted == 2
        await env.pilot.press("enter")
        await settle(env)
        editor = env.app.screen
        assert isinstance(editor, CustomFieldEditor)
        assert editor.fd.code == screen.custom_rows[2].fd.code
