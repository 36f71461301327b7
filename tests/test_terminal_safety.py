"""Server text never reaches the terminal as control: escapes stripped, bidi and other
invisible format characters shown as a visible placeholder; forms show it sanitized and
save the server's value unchanged unless the user edits it."""

from tests.support.env import app_env
from tests.support.screen import screen_text
from tests.support.wait import settle
from tui.formatting import clean
from tui.notes_html import PLACEHOLDER, html_to_text
from tui.sandbox import Sandbox
from tui.screens.forms.entity_forms import DealForm

OSC52 = "x\u001b]52;c;cm0gLXJmIH4K\u0007"
CLEAR = "Acme\u001b[2J deal"
RLO = "Invoice \u202eFDP.exe\u202c paid"


def test_bidi_and_zero_width_become_placeholders():
    assert clean(RLO) == f"Invoice {PLACEHOLDER}FDP.exe{PLACEHOLDER} paid"
    for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u200b\ufeff":
        assert clean(f"a{ch}b") == f"a{PLACEHOLDER}b", hex(ord(ch))
    assert "\u202e" not in html_to_text(f"<p>{RLO}</p>")
    assert clean("👨\u200d👩\u200d👧") == "👨\u200d👩\u200d👧"  # ZWJ sequences stay
    assert clean(OSC52) == "x]52;c;cm0gLXJmIH4K"


def _sandbox_with_titles():
    sb = Sandbox(seed=7, deals=20, token="t0k3n-for-tests")
    open_deals = sorted((d for d in sb.live("deal") if d["status"] == "open" and d["pipeline_id"] == 1), key=lambda d: d["id"])[:3]
    for deal, title in zip(open_deals, (RLO, OSC52, CLEAR)):
        sb.state.deals[deal["id"]]["title"] = deal["title"] = title
    return sb, open_deals


async def test_board_shows_placeholders_not_bidi_controls(tmp_path):
    sb, _deals = _sandbox_with_titles()
    async with app_env(tmp_path, sandbox=sb) as env:
        await settle(env)
        text = screen_text(env.app)
        assert f"Invoice {PLACEHOLDER}FDP.exe{PLACEHOLDER} paid" in text
        assert "\u202e" not in text and "\u001b" not in text


async def test_edit_form_shows_sanitized_title_and_saves_nothing_unchanged(tmp_path):
    sb, deals = _sandbox_with_titles()
    async with app_env(tmp_path, sandbox=sb) as env:
        await settle(env)
        for deal in deals[:3]:
            env.app.push_screen(await DealForm.load(env.store, deal["id"]))
            await settle(env)
            form = env.app.screen
            shown = form.field("title").input.value
            assert "\u001b" not in shown and "\u0007" not in shown and "\u202e" not in shown
            form.field("probability").input.value = "40"
            await env.pilot.press("ctrl+s")
            await settle(env)
        await env.store.drain()
        patches = [body for method, path, _q, body in sb.writes() if method == "PATCH"]
        assert patches and all("title" not in body for body in patches)
        assert sb.state.deals[deals[1]["id"]]["title"] == OSC52  # the server's value, untouched


async def test_a_huge_title_takes_one_header_line_and_zero_width_titles_keep_columns_aligned(tmp_path):
    from tui.screens.deal import DealScreen
    from tui.widgets.deal_card import card_lines

    sb = Sandbox(seed=7, deals=20, token="t0k3n-for-tests")
    deal = next(d for d in sb.live("deal") if d["status"] == "open")
    sb.state.deals[deal["id"]]["title"] = "Enormous " * 1200
    async with app_env(tmp_path, sandbox=sb, size=(120, 40)) as env:
        await settle(env)
        env.app.open_deal(deal["id"])
        await settle(env)
        assert isinstance(env.app.screen, DealScreen)
        header = env.app.screen.query_one("#detail-header")
        assert header.size.height <= 2
        assert "Activities" in screen_text(env.app)  # the sections below the header still show
    from tui.store.derived import ActivityStatus
    from tui.store.queries.board import DealCard

    card = DealCard(
        1,
        "\u200b" * 12 + "\u2060x",
        10,
        "EUR",
        1,
        1,
        "open",
        None,
        None,
        None,
        None,
        None,
        "Org\u200b",
        None,
        None,
        None,
        None,
        None,
        ActivityStatus.NONE,
        False,
        0,
        10.0,
        False,
    )
    for line in card_lines(card, 30, selected=False, currencies={}):
        assert line.cell_len == 30 and "\u200b" not in line.plain and "\u2060" not in line.plain
