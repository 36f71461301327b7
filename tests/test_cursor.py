"""The cursor never lies: the selection is visible and every key acts on what is selected."""

import pytest
from rich.style import Style

from tests.support.env import app_env
from tests.support.screen import screen_text
from tests.support.wait import settle
from tests.test_agenda import open_agenda
from tui.widgets.virtual_table import VirtualTable


def _row_style(table: VirtualTable, index: int) -> Style:
    """The style of the first visible cell of a data row, as rendered."""
    y = index + 1 - int(table.scroll_offset.y)
    strip = table.render_line(y)
    seg = next(s for s in strip if s.text.strip())
    return seg.style or Style()


async def test_people_and_org_lists_show_the_selected_row_and_header(tmp_path):
    async with app_env(tmp_path) as env:
        await env.pilot.press("3")
        await settle(env)
        table = env.app.screen.query_one(VirtualTable)
        await env.pilot.press("j", "j")
        await settle(env)
        assert table.cursor == 2
        assert _row_style(table, 2).bold and _row_style(table, 2).bgcolor != _row_style(table, 1).bgcolor
        assert not _row_style(table, 1).bold and _row_style(table, 1).bgcolor == _row_style(table, 3).bgcolor
        header = next(s for s in table.render_line(0) if s.text.strip())
        assert header.style.bold
        assert "▌ " in screen_text(env.app)


def _backgrounds(table: VirtualTable, y: int) -> set:
    strip = table.render_line(y)
    assert strip.cell_length == table.inner_width
    return {seg.style.bgcolor for seg in strip}


@pytest.mark.parametrize("no_color", [False, True])
@pytest.mark.parametrize("key", ["3", "4"])
async def test_the_selected_list_row_is_highlighted_across_its_width_in_light_and_dark(tmp_path, monkeypatch, key, no_color):
    """As the board's selected card: one tinted background over the whole row, bold text that
    reads on it (4.5:1 at least), in both themes, focused or not; under NO_COLOR the tint
    survives as a grey. Before: bare reverse video, no colour of the theme's own (the
    terminal's defaults), so some terminals showed only the ▌."""
    from textual.color import Color

    from tui.widgets.tones import contrast

    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    async with app_env(tmp_path) as env:
        await env.pilot.press(key)
        await settle(env)
        table = env.app.screen.query_one(VirtualTable)
        await env.pilot.press("j")
        await settle(env)
        for theme in ("textual-dark", "textual-light"):
            env.app.theme = theme
            for focused in (True, False):
                if focused:
                    table.focus()
                else:
                    env.app.set_focus(None)
                await settle(env)
                selected, other = _backgrounds(table, 2), _backgrounds(table, 3)
                assert len(selected) == 1 and len(other) == 1 and None not in selected | other, (theme, selected, other)
                assert selected != other
                row = [seg for seg in table.render_line(2) if seg.text.strip()]
                assert row[0].text.startswith("▌")
                ground = Color.from_rich_color(next(iter(selected)))
                for seg in row[1:]:
                    ink = Color.from_rich_color(seg.style.color)
                    assert contrast(ink, ground) >= 4.5, (theme, focused, seg.text, ink, ground)
                if no_color:  # what the terminal gets: the monochrome filter's greys
                    filtered = [env.app._filters[-1].apply(list(table.render_line(y)), Color(0, 0, 0)) for y in (2, 3)]
                    assert {s.style.bgcolor for s in filtered[0]} != {s.style.bgcolor for s in filtered[1]}
                    assert all(s.style.bold for s in filtered[0] if s.text.strip())


async def test_org_list_selection_stays_in_view_after_clearing_a_filter(tmp_path):
    async with app_env(tmp_path, size=(120, 30)) as env:
        await env.pilot.press("4")
        await settle(env)
        screen = env.app.screen
        table = screen.query_one(VirtualTable)
        await env.pilot.press("slash", *"gmbh", "enter")
        await settle(env)
        await env.pilot.press("j", "j", "j", "j", "j")
        await settle(env)
        chosen = screen.ids[table.cursor]
        screen.query_one("#list-filter").value = ""
        await settle(env)
        assert screen.ids[table.cursor] == chosen
        top = int(table.scroll_offset.y)
        assert top <= table.cursor < top + table.size.height - 1  # on screen
        opened = []
        screen.open = opened.append
        await env.pilot.press("enter")
        assert opened == [chosen]


async def test_agenda_arrows_home_end_move_the_selection_and_d_marks_it(tmp_path):
    async with app_env(tmp_path, size=(160, 45)) as env:
        agenda = await open_agenda(env)
        first = agenda.current
        await env.pilot.press("down", "down")
        await settle(env)
        second = agenda.current
        assert second is not None and second.id != first.id
        await env.pilot.press("end")
        last = agenda.current
        await env.pilot.press("home")
        assert agenda.current.id == first.id and last.id != first.id
        await env.pilot.press("down")
        target = agenda.current
        ids = [line.row.id for line in agenda.listing.lines if line.row]
        assert target.id == ids[ids.index(first.id) + 1] and agenda.listing.lines[agenda.listing.cursor].row.id == target.id
        await env.pilot.press("d")
        await settle(env)
        await env.store.drain()
        patched = [r for r in env.sandbox.writes() if r[0] == "PATCH"]
        assert [r[1] for r in patched] == [f"/api/v2/activities/{target.id}"]
        assert env.sandbox.state.activities[target.id]["done"] is True


async def test_week_view_marks_and_acts_on_the_visible_selection(tmp_path):
    async with app_env(tmp_path, size=(80, 24)) as env:
        await env.pilot.press("2", "v")
        await settle(env)
        agenda = env.app.screen
        week = agenda.week
        assert agenda.week_mode and week.selected is not None
        await env.pilot.press("j")
        await settle(env)
        target = week.selected
        shown = {r.id for _day, rows in week.days for r in rows}
        assert target.id in shown
        assert "▌" in screen_text(env.app)
        await env.pilot.press("d")
        await settle(env)
        await env.store.drain()
        patched = [r for r in env.sandbox.writes() if r[0] == "PATCH"]
        assert [r[1] for r in patched] == [f"/api/v2/activities/{target.id}"]


async def test_escape_after_won_and_reopen_returns_to_the_same_card(tmp_path):
    from tui.screens.deal import DealScreen

    async with app_env(tmp_path) as env:
        await settle(env)
        board = env.app.screen
        board.column.cards.move_cursor(2)
        opened = board.selected.id
        await env.pilot.press("enter")
        await settle(env)
        assert isinstance(env.app.screen, DealScreen)
        await env.pilot.press("w")
        await settle(env)
        await env.pilot.press("R")
        await settle(env)
        await env.pilot.press("escape")
        await settle(env)
        assert env.app.screen is board and board.selected.id == opened


async def test_confirmations_default_to_the_safe_answer(tmp_path):
    from tui.screens.dialogs import ConfirmScreen
    from tui.screens.forms.entity_forms import DealForm

    async with app_env(tmp_path) as env:
        await settle(env)
        deal_id = env.app.screen.selected.id
        env.app.open_deal(deal_id)
        await settle(env)
        await env.pilot.press("delete")
        await settle(env)
        assert isinstance(env.app.screen, ConfirmScreen)
        await env.pilot.press("enter")
        await settle(env)
        assert deal_id in env.sandbox.state.deals and not env.sandbox.state.deals[deal_id].get("is_deleted")
        assert await env.store.read(lambda c: c.execute("SELECT 1 FROM deals WHERE id=?", (deal_id,)).fetchone())
        env.app.push_screen(await DealForm.load(env.store, deal_id))
        await settle(env)
        env.app.screen.field("title").input.value = "changed"
        await env.pilot.press("escape")
        await settle(env)
        assert isinstance(env.app.screen, ConfirmScreen)
        await env.pilot.press("enter")  # keep editing
        await settle(env)
        assert isinstance(env.app.screen, DealForm)
        assert env.app.screen.field("title").input.value == "changed"


async def test_date_fields_say_what_a_word_means_and_old_errors_go_while_typing(tmp_path):
    from tui.screens.forms.activity_form import ActivityForm

    async with app_env(tmp_path) as env:
        await settle(env)
        env.app.push_screen(await ActivityForm.load(env.store, None, {"type": "call"}))
        await settle(env)
        form = env.app.screen
        due = form.field("due_date")
        due.input.value = "next fri"
        await settle(env)
        assert "→ Fri 27 Nov 2026 (in 9 days)" in screen_text(env.app)  # frozen today: Wed 18 Nov
        due.input.value = "24.12."
        await settle(env)
        assert "→ Thu 24 Dec 2026" in screen_text(env.app)
        due.input.value = "someday"
        form.field("subject").input.value = "Call"
        await env.pilot.press("ctrl+s")
        await settle(env)
        assert "'someday' is not a date" in due.error
        due.input.value = "fri"
        await settle(env)
        assert due.error == "" and "→ Fri 20 Nov 2026" in screen_text(env.app)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
@pytest.mark.parametrize("key,name", [("3", "people"), ("4", "organizations")])
async def test_list_column_widths(tmp_path, size, key, name):
    from tests.support.snapshots import snapshot, steady

    async with app_env(tmp_path, size=size) as env:
        await env.pilot.press(key)
        await settle(env)
        await steady(env)
        table = env.app.screen.query_one(VirtualTable)
        widths = dict(zip((c.title for c in table.columns), table.widths()))
        assert widths["Name"] >= 18 and widths.get("E-mail", 22) >= 22 and widths.get("Address", 20) >= 20
        if size[0] == 160:
            assert all(widths.values())  # nothing dropped on a wide terminal
            assert widths["Name"] <= 2 * max(w for t, w in widths.items() if t != "Name")
        await snapshot(env, f"{name}_list_{size[0]}x{size[1]}")


def test_rotting_days_stay_readable_at_the_minimum_card_width():
    from tui.store.derived import ActivityStatus
    from tui.store.queries.board import DealCard
    from tui.widgets.deal_card import status_line

    card = DealCard(
        1,
        "Deal",
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
        None,
        None,
        None,
        None,
        None,
        "2026-10-30 10:00",
        ActivityStatus.OVERDUE,
        True,
        16,
        10.0,
        False,
    )
    assert status_line(card, 40).plain == "! overdue 30.10.  rotting 16d"
    assert status_line(card, 24).plain == "! overdue  rotting 16d"
    assert status_line(card, 17).plain == "! overdue rot 16d"
