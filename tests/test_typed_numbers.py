"""What was typed is what is saved, in the user's locale: "1.234,56" is 1234.56 where the locale
writes it so, refused where it does not, never 1.23 or 123456; a refused edit gives back every
value that was typed; a deal with products shows its value read-only, with the reason."""

from __future__ import annotations

import pytest

from tests.support.deal_env import rich_sandbox
from tests.support.env import app_env
from tests.support.screen import screen_text
from tests.support.wait import settle
from tui import custom_values as cv
from tui import numbers
from tui.formatting import compact_money, money
from tui.sandbox import Sandbox
from tui.screens.deal import DealScreen
from tui.screens.forms.entity_forms import PRODUCTS_VALUE, DealForm

DE = numbers.resolve("de_DE")
FR = numbers.resolve("fr_FR")
CH = numbers.resolve("de_CH")
US = numbers.EN_US


@pytest.mark.parametrize(
    "loc, typed, value",
    [
        (US, "1,234.56", 1234.56),
        (US, "12500,50", 12500.5),  # a comma before two digits groups nothing: only a decimal fits
        (US, "12,5", 12.5),
        (US, "1,234", 1234),
        (US, "1.234.567", 1234567),
        (US, "-3.5", -3.5),
        (DE, "1.234,56", 1234.56),
        (DE, "12500,50", 12500.5),
        (DE, "1.234", 1234),
        (DE, "1,234", 1.234),
        (DE, "1 234,5", 1234.5),
        (FR, "1\u202f234,56", 1234.56),
        (FR, "1.234,56", 1234.56),
        (CH, "1'234.50", 1234.5),
        (US, "", None),
    ],
)
def test_a_typed_number_is_read_in_the_locale(loc, typed, value):
    assert numbers.parse(typed, "Value", loc=loc) == (value, None)


@pytest.mark.parametrize(
    "loc, typed, why",
    [
        (US, "1.234,56", "write 1,234.56"),  # en_US: never 1.23 nor 1.23456
        (DE, "1,234.56", "write 1.234,56"),
        (US, "1234,567", "ambiguous: write 1,234,567 or 1,234.567"),
        (FR, "1.234", "ambiguous"),
        (US, "12k", "must be a number, e.g. 1250 or 1,250.50"),
        (US, "1e5", "must be a number"),
    ],
)
def test_what_is_ambiguous_or_foreign_is_refused_with_the_reason(loc, typed, why):
    value, error = numbers.parse(typed, "Value", loc=loc)
    assert value is None and error is not None and why in error and error.startswith("Value")


def test_amounts_are_shown_in_the_locale():
    numbers.use(DE)
    assert money(1234.5, "EUR", symbol="€") == "€1.234,50"
    assert money(12500, "CHF") == "12.500 CHF"
    assert compact_money(1_250_000, "EUR", symbol="€") == "€1,2M"
    assert numbers.preview("1.234,5", "GBP", money=True) == "= 1.234,50 GBP"
    numbers.use(US)
    assert money(1234.5, "EUR", symbol="€") == "€1,234.50"
    assert numbers.preview("1.234,56", "GBP") == "'1.234,56' is not a number in English (United States): write 1,234.56"


def test_a_monetary_custom_field_keeps_its_decimal_comma():
    fd = cv.FieldDef("abc", "Budget", "monetary")
    kw = {"today": None, "zone": "UTC", "currencies": {"EUR"}}
    assert cv.parse(fd, {"text": "12500,50", "currency": "EUR"}, **kw) == ({"value": 12500.5, "currency": "EUR"}, None)
    numbers.use(DE)
    assert cv.parse(fd, {"text": "12.500,50", "currency": "EUR"}, **kw) == ({"value": 12500.5, "currency": "EUR"}, None)
    assert cv.inputs(fd, {"value": 12500.5, "currency": "EUR"})["text"] == "12500,5"  # typed back the same


def _open_deal_id(sb):
    return next(d["id"] for d in sb.live("deal") if d["status"] == "open" and d["person_id"])


async def _edit(env, deal_id):
    env.app.open_deal(deal_id)
    await settle(env)
    assert isinstance(env.app.screen, DealScreen)
    await env.pilot.press("e")
    await settle(env)
    form = env.app.screen
    assert isinstance(form, DealForm)
    return form


async def test_en_us_user_typing_a_decimal_comma_amount_is_refused_next_to_the_field(tmp_path):
    async with app_env(tmp_path) as env:
        deal_id = _open_deal_id(env.sandbox)
        before = env.sandbox.state.deals[deal_id]["value"]
        form = await _edit(env, deal_id)
        form.field("value").input.focus()
        form.field("value").input.value = ""
        await env.pilot.press(*"1.234,56")
        await settle(env)
        assert "write 1,234.56" in screen_text(env.app)  # said while typing, under the field
        await env.pilot.press("ctrl+s")
        await settle(env)
        assert env.app.screen is form and "write 1,234.56" in form.field("value").error
        await env.store.drain()
        assert env.sandbox.writes() == [] and env.sandbox.state.deals[deal_id]["value"] == before


async def test_a_german_user_saves_1_234_56_and_sees_it_in_german(tmp_path):
    sb = Sandbox(seed=7, deals=60, token="t0k3n-for-tests", locale="de_DE")
    async with app_env(tmp_path, sandbox=sb) as env:
        assert numbers.current().code == "de_DE"  # users/me says so
        deal_id = _open_deal_id(sb)
        form = await _edit(env, deal_id)
        form.field("value").input.focus()
        form.field("value").input.value = ""
        await env.pilot.press(*"1.234,56")
        form.field("currency").input.value = "EUR"
        await settle(env)
        assert "= 1.234,56 EUR" in screen_text(env.app)
        await env.pilot.press("ctrl+s")
        await settle(env)
        await env.store.drain()
        assert sb.state.deals[deal_id]["value"] == 1234.56
        await settle(env)
        assert "1.234,56 EUR" in screen_text(env.app)  # the deal screen in the same locale


async def test_a_refused_edit_keeps_every_typed_value_with_the_reason_at_the_field(tmp_path):
    sb = rich_sandbox()
    deal_id = 5  # has a product line (tests/support/deal_env.py)
    async with app_env(tmp_path, sandbox=sb, size=(140, 50)) as env:
        old_title = sb.state.deals[deal_id]["title"]
        form = await DealForm.load(env.store, deal_id)  # from the board: its products were never fetched
        await env.app.push_screen(form)
        await settle(env)
        assert not form.field("value").input.disabled
        form.field("title").input.value = "Bigger scope"
        form.field("value").input.value = "99000"
        await env.pilot.press("ctrl+s")
        await settle(env)
        await env.store.drain()
        await settle(env, 8)
        again = env.app.screen
        assert isinstance(again, DealForm) and again is not form
        assert again.field("title").input.value == "Bigger scope" and again.field("value").input.value == "99000"
        assert "sum of its products" in again.field("value").error
        assert sb.state.deals[deal_id]["title"] == old_title  # nothing half-saved


async def test_the_value_of_a_deal_with_products_is_read_only_with_the_reason(tmp_path):
    sb = rich_sandbox()
    deal_id = 5
    async with app_env(tmp_path, sandbox=sb, size=(140, 50)) as env:
        assert await env.store.load_deal_products(deal_id)
        form = await _edit(env, deal_id)
        assert form.field("value").input.disabled
        assert PRODUCTS_VALUE[:40] in screen_text(env.app)
        form.field("title").input.value = "Renamed with products"
        await env.pilot.press("ctrl+s")
        await settle(env)
        await env.store.drain()
        patch = [w for w in sb.writes() if w[0] == "PATCH"]
        assert [set(p[3]) for p in patch] == [{"title"}] and sb.state.deals[deal_id]["title"] == "Renamed with products"
