"""Pilot tests of the board: keys change what the sandbox holds."""

import pytest

from tests.support.env import app_env
from tests.support.wait import settle as wait_settle
from tui.screens.board import BoardScreen


def board(env) -> BoardScreen:
    screen = env.app.screen
    assert isinstance(screen, BoardScreen)
    return screen


async def settle(env, t: float = 0.0):
    """Kept for the tests that import it: waits on workers and messages, not on time
    (tests/support/wait.py); `t` is ignored."""
    await wait_settle(env)


async def test_navigation_keys_move_the_cursor(tmp_path):
    async with app_env(tmp_path) as env:
        b = board(env)
        await settle(env)
        assert b.col == 0 and b.column.cards.cursor == 0
        await env.pilot.press("l", "right")
        assert b.col == 2
        await env.pilot.press("h")
        assert b.col == 1
        first = b.selected.id
        await env.pilot.press("j", "down")
        assert b.column.cards.cursor == 2
        await env.pilot.press("k")
        assert b.column.cards.cursor == 1
        await env.pilot.press("end")
        assert b.column.cards.cursor == len(b.column.cards.cards) - 1
        await env.pilot.press("home")
        assert b.selected.id == first


async def test_advance_back_won_lost_and_undo_reach_the_sandbox(tmp_path):
    async with app_env(tmp_path) as env:
        b, sb = board(env), env.sandbox
        await settle(env)
        card = b.selected
        stages = [s.id for s in b.stages]
        await env.pilot.press("greater_than_sign")
        await settle(env)
        assert b.selected.id == card.id and b.col == 1  # the cursor follows the deal
        await env.store.drain()
        assert sb.state.deals[card.id]["stage_id"] == stages[1]
        await env.pilot.press("shift+right", "less_than_sign")
        await settle(env)
        await env.store.drain()
        assert sb.state.deals[card.id]["stage_id"] == stages[1]
        await env.pilot.press("u")  # undo the last move (back to stage 2 -> it was stage 3 before '<')
        await settle(env)
        await env.store.drain()
        assert sb.state.deals[card.id]["stage_id"] == stages[2]
        await env.pilot.press("w")
        await settle(env)
        await env.store.drain()
        assert sb.state.deals[card.id]["status"] == "won"
        assert card.id not in [c.id for col in b.columns for c in col.cards.cards]
        await env.pilot.press("u")
        await settle(env)
        await env.store.drain()
        assert sb.state.deals[card.id]["status"] == "open"
        target = b.selected
        await env.pilot.press("x")
        await settle(env)
        await env.pilot.press(*"Too expensive")
        await env.pilot.press("enter")
        await settle(env)
        await env.store.drain()
        assert sb.state.deals[target.id]["status"] == "lost"
        assert sb.state.deals[target.id]["lost_reason"] == "Too expensive"


async def test_lost_without_reason_is_refused_next_to_the_field(tmp_path):
    async with app_env(tmp_path) as env:
        b = board(env)
        await settle(env)
        card = b.selected
        await env.pilot.press("x")
        await settle(env)
        await env.pilot.press("enter")
        await settle(env)
        error = env.app.screen.query_one("#reason-error")
        assert "required" in str(error.render())
        await env.pilot.press("escape")
        await settle(env)
        assert env.sandbox.writes() == []
        assert env.sandbox.state.deals[card.id]["status"] == "open"


async def test_refused_move_puts_the_card_back_and_notifies(tmp_path):
    async with app_env(tmp_path) as env:
        b = board(env)
        await settle(env)
        card = b.selected
        env.sandbox.inject("PATCH", f"/api/v2/deals/{card.id}", status=400, error="Deal is locked by an automation")
        await env.pilot.press("greater_than_sign")
        await settle(env)
        await env.store.drain()
        await settle(env, 0.3)
        assert card.id in [c.id for c in b.columns[0].cards.cards]
        messages = [n.message for n in env.app._notifications]
        assert any("Deal is locked by an automation" in m and "refused" in m for m in messages)


async def test_pipeline_switch_status_and_text_filters(tmp_path):
    async with app_env(tmp_path) as env:
        b = board(env)
        await settle(env)
        first_pipeline = b.pipeline_id
        await env.pilot.press("p")
        await settle(env)
        await env.pilot.press("down", "enter")
        await settle(env)
        assert b.pipeline_id != first_pipeline
        assert {c.pipeline_id for col in b.columns for c in col.cards.cards} == {b.pipeline_id}
        await env.pilot.press("s")
        await settle(env)
        await env.pilot.press("down", "enter")  # Won
        await settle(env)
        assert b.status_filter == "won"
        assert {c.status for col in b.columns for c in col.cards.cards} <= {"won"}
        await env.pilot.press("s", "enter")  # back to open (first option)
        await settle(env)
        some = next(c for col in b.columns for c in col.cards.cards)
        word = (some.org_name or some.title).split()[0]
        regions = [col.region for col in b.columns]
        await env.pilot.press("slash")
        await env.pilot.press(*word)
        await settle(env)
        shown = [c for col in b.columns for c in col.cards.cards]
        assert shown and all(word.casefold() in " ".join(filter(None, (c.title, c.org_name, c.person_name))).casefold() for c in shown)
        # the box is on the title's line: the columns keep their size (nothing to re-lay out)
        assert [col.region for col in b.columns] == regions
        assert b.query_one("#board-filter").region.y == b.query_one("#board-title").region.y
        assert f"filter: {word}" in str(b.query_one("#board-title").render())
        await env.pilot.press("escape")
        await settle(env)
        assert b.text_filter == ""
        assert [col.region for col in b.columns] == regions


async def test_owner_filter_me(tmp_path):
    async with app_env(tmp_path) as env:
        b = board(env)
        await settle(env)
        await env.pilot.press("o")
        await settle(env)
        await env.pilot.press("down", "enter")  # "Me"
        await settle(env)
        me = await env.store.me_id()
        owners = {c.owner_id for col in b.columns for c in col.cards.cards}
        assert owners == {me}


async def test_keys_typed_right_after_a_move_act_on_the_moved_deal(tmp_path, monkeypatch):
    """`>` `>` `<` typed before the board has reloaded (held here): each key acts on the moved
    deal, not on the card under the cursor of the column it is moving to."""
    async with app_env(tmp_path) as env:
        b, sb = board(env), env.sandbox
        await settle(env)
        card = b.selected
        stages = [s.id for s in b.stages]
        before = {d: sb.state.deals[d]["stage_id"] for d in sb.state.deals}
        monkeypatch.setattr(BoardScreen, "reload_deals", lambda self, ids: None)  # the reload is on its way
        monkeypatch.setattr(BoardScreen, "reload", lambda self, back=False: None)
        await env.pilot.press("greater_than_sign", "greater_than_sign", "less_than_sign")
        monkeypatch.undo()
        b.reload()
        await settle(env)
        await env.store.drain()
        assert sb.state.deals[card.id]["stage_id"] == stages[1]
        assert b.selected.id == card.id and b.col == 1
        moved = {d for d in sb.state.deals if sb.state.deals[d]["stage_id"] != before[d]}
        assert moved == {card.id}  # nobody else moved


async def test_a_reload_read_across_a_move_does_not_take_the_cursor_off_the_moved_deal(tmp_path):
    """`>` then `<` while the push of `>` is answered: that answer's reload read the deal's
    stage before the `<` landed and its cards after, so its window follows the deal into a
    column it does not repaint. The cursor intent must survive it (it was dropped, and the
    `<`'s own reload then kept whatever card column 0's old cursor was on: 1 move in ~100)."""
    from tui.store import schema
    from tui.store.queries import board as q

    async with app_env(tmp_path) as env:
        b = board(env)
        await settle(env)
        await env.pilot.press(">")
        await settle(env)
        deal = b.selected
        assert deal is not None and b.col == 1
        first, second = b.columns[0].stage.id, b.columns[1].stage.id
        await b._move_to(deal, 0)  # `<`: written; its reload has not run yet
        conn = schema.connect(str(env.path))
        try:  # the late reload of the `>` answer: it repaints only the stage it saw the deal in
            wants = {second: set(b.columns[1].cards.visible_blocks())}
            stale = q.board_window(conn, b.query_spec(), now=env.store.clock.now(), wants=wants, follow=deal.id, block=64, only=[second])
        finally:
            conn.close()
        assert stale.follow is not None and stale.follow[0] == first
        b._apply(stale, deal.id, only={second})
        await settle(env)
        assert b.col == 0 and b.selected is not None and b.selected.id == deal.id


async def test_at_80x24_the_lost_dialog_shows_its_hint_and_every_recent_reason(tmp_path):
    from tests.support.screen import screen_text
    from tui.screens.dialogs import LostReasonScreen

    async with app_env(tmp_path, size=(80, 24)) as env:
        await settle(env)
        await env.pilot.press("x")
        await settle(env)
        await env.pilot.press("enter")  # the error line too: the tallest the dialog gets
        await settle(env)
        dialog = env.app.screen
        assert isinstance(dialog, LostReasonScreen) and len(dialog.recent) >= 5
        text = screen_text(env.app)
        assert "A lost reason is required." in text
        assert "enter: mark lost · escape: cancel" in text
        assert all(reason in text for reason in dialog.recent)


@pytest.mark.heavy
async def test_typing_in_the_filter_box_lays_nothing_out_and_a_long_text_scrolls_in_it(tmp_path, monkeypatch):
    """Each key used to run a layout pass of the screen (Input's virtual size, set and reset),
    which repainted every column's scrollbar; the box is one line of a fixed width."""
    from textual.screen import Screen

    async with app_env(tmp_path) as env:
        b = board(env)
        await settle(env)
        await env.pilot.press("slash", "z", "z")  # nothing matches: the columns empty, their scrollbars go
        await settle(env)
        layouts: list[int] = []
        real = Screen._refresh_layout

        def counted(self: Screen, *args: object, **kwargs: object) -> None:
            layouts.append(1)
            real(self, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Screen, "_refresh_layout", counted)
        text = "zz" + "x" * 90 + "END"
        for ch in text[2:]:
            await env.pilot.press(ch)
        await settle(env)
        monkeypatch.setattr(Screen, "_refresh_layout", real)
        box = b.query_one("#board-filter")
        assert b.text_filter == text
        assert layouts == [], f"{len(layouts)} layout passes while typing"
        shown = "".join(seg.text for seg in box.render_line(0))
        assert "END" in shown and "zzx" not in shown  # scrolled to the cursor at the end
        assert not [c for col in b.columns for c in col.cards.cards]  # nothing matches


async def test_opening_and_clearing_the_filter_lays_the_board_out_once_each(tmp_path, monkeypatch):
    """The title gives the filter box room on its line: its new width set its virtual size,
    which laid the whole board out a second time (at 10k deals, half the layouts of clearing
    a filter)."""
    from tests.support.paint import count_layouts
    from tests.support.snapshots import steady

    async with app_env(tmp_path) as env:
        b = board(env)
        await steady(env)
        layouts = count_layouts(monkeypatch)
        await env.pilot.press("slash")
        await steady(env)
        opened = len(layouts)
        await env.pilot.press("a")
        await steady(env)
        bars = [c.cards.show_vertical_scrollbar for c in b.columns]
        layouts.clear()
        await env.pilot.press("escape")
        await steady(env)
        assert b.text_filter == "" and f"{b._counts and sum(b._counts.values())} open deals" in str(b.query_one("#board-title").render())
        # a column's scrollbar that comes or goes lays the board out once more (that is all)
        toggled = bars != [c.cards.show_vertical_scrollbar for c in b.columns]
        assert (opened, len(layouts)) == (1, 1 + toggled)


@pytest.mark.paints  # counts what a paint renders
async def test_a_move_paints_the_two_columns_it_changes_once(tmp_path, monkeypatch):
    """`>` changes two columns: each is painted once, with the moved card selected in its new
    column; the other columns are not painted. (A status repaint of the whole screen and a
    second paint of the new column for a cursor already in place made it three passes.)"""
    from collections import Counter

    from tui.widgets.kanban_column import KanbanColumn

    from tests.support.snapshots import steady

    async with app_env(tmp_path) as env:
        b = board(env)
        await steady(env)  # the first paints are over (on a loaded machine one can trail settle)
        card = b.selected
        painted: Counter[int] = Counter()
        real = KanbanColumn.render_lines

        def counted(self, crop):  # type: ignore[no-untyped-def]
            painted[self.stage_id] += 1
            return real(self, crop)

        monkeypatch.setattr(KanbanColumn, "render_lines", counted)
        await env.pilot.press("greater_than_sign")
        await settle(env)
        assert b.selected.id == card.id and b.col == 1
        assert painted == {b.stages[0].id: 1, b.stages[1].id: 1}, painted


async def test_opening_and_leaving_an_empty_filter_box_repaints_no_card(tmp_path, monkeypatch):
    """The focus goes to the filter box and back: the title line and the key bar change, no
    card does. (Textual's screen repainted all of itself on each change of focus: every card
    was sent to the terminal again, twice.)"""
    from tests.support.paint import record_dirty
    from tui.widgets.kanban_column import KanbanColumn

    async with app_env(tmp_path) as env:
        board(env)
        await settle(env)
        dirty = record_dirty(monkeypatch)
        await env.pilot.press("slash")
        await settle(env)
        assert env.app.focused is not None and env.app.focused.id == "board-filter"
        await env.pilot.press("escape")
        await settle(env)
        assert env.app.focused is None or env.app.focused.id != "board-filter"  # the board has the keys again
        columns = [c.region for c in env.app.screen.query(KanbanColumn)]
        assert dirty and not [r for r in dirty for c in columns if r.overlaps(c)], dirty


async def test_tab_between_a_forms_fields_repaints_the_fields_not_the_screen(tmp_path, monkeypatch):
    """A form over the board: moving between its fields repaints those fields, not the whole
    terminal (Textual's screen repainted all of itself on each change of focus)."""
    from tests.support.paint import record_dirty

    async with app_env(tmp_path) as env:
        board(env)
        await settle(env)
        await env.pilot.press("c")  # the new deal form
        await settle(env)
        form = env.app.screen
        dirty = record_dirty(monkeypatch)
        first = env.app.focused
        await env.pilot.press("tab", "tab")
        await settle(env)
        assert env.app.screen is form and env.app.focused is not first
        whole = env.app.screen.region
        assert dirty and whole not in dirty, dirty


async def test_a_move_repaints_the_cards_it_shifts_and_its_confirmation_only_the_moved_card(tmp_path, monkeypatch):
    """`>` repaints, in each of the two columns, the card places from the moved card's down
    (the cards above it stay as they were), and Pipedrive's answer to the move repaints only
    the moved card (a column reload repainted every card of both columns each time)."""
    from textual.geometry import Region

    from tests.support.paint import record_dirty
    from tests.support.snapshots import steady
    from tui.widgets.kanban_column import CARD_HEIGHT, KanbanColumn

    async with app_env(tmp_path) as env:
        b = board(env)
        await steady(env)
        column = b.columns[0].cards
        column.move_cursor(2)  # the third card: the two above it do not move
        await steady(env)
        card = b.selected
        dirty = record_dirty(monkeypatch)
        await env.pilot.press("greater_than_sign")
        await steady(env)
        assert b.selected.id == card.id and b.col == 1
        source = column.region
        painted = [r.intersection(source) for r in dirty if r.overlaps(source)]
        assert painted and min(r.y for r in painted) >= source.y + 2 * CARD_HEIGHT, painted
        dirty.clear()
        assert await env.store.drain()  # the move reaches the sandbox; its answer is stored
        await steady(env)
        assert env.sandbox.state.deals[card.id]["stage_id"] == b.stages[1].id
        columns = [c.region for c in env.app.screen.query(KanbanColumn)]
        # the moved card loses its "not sent yet" mark (and its rotting: Pipedrive's update
        # time is new); no other card changed
        target = b.columns[1].cards
        top = target.region.y + target.cursor * CARD_HEIGHT - int(target.scroll_offset.y)
        place = Region(target.region.x, top, target.region.width, CARD_HEIGHT)
        assert b.selected.id == card.id and not b.selected.pending
        cards = [r.intersection(c) for r in dirty for c in columns if r.overlaps(c)]
        assert cards and all(place.contains_region(r) for r in cards), (cards, place)


async def test_a_rotting_deal_moved_to_the_next_stage_stops_rotting_before_it_is_sent(tmp_path):
    """Pipedrive counts a stage change as an update: a deal moved on is not rotting any more.
    The card said "rotting" in its new column until the move was sent and answered."""
    async with app_env(tmp_path) as env:
        b = board(env)
        await wait_settle(env)
        col, index = next(
            (i, n) for i, c in enumerate(b.columns[:-1]) for n, card in enumerate(c.cards.cards) if card.rotten and card.status == "open"
        )
        b._focus_column(col)
        b.columns[col].cards.move_cursor(index)
        await wait_settle(env)
        card = b.selected
        assert card.rotten
        await env.pilot.press("greater_than_sign")
        await wait_settle(env)
        moved = b.selected
        assert moved.id == card.id and moved.pending and b.col == col + 1
        assert not moved.rotten and moved.rotten_days == 0


async def test_a_rotting_deal_edited_offline_stops_rotting_as_triage_counts_it(tmp_path):
    """Any edit still in the outbox touches the deal (Pipedrive's update time moves when it
    lands), as triage's ROTTING already counted it: the card agrees at once."""
    async with app_env(tmp_path) as env:
        b = board(env)
        await wait_settle(env)
        card = next(c for col in b.columns for c in col.cards.cards if c.rotten and c.status == "open")
        await env.store.update_entity("deal", card.id, {"title": card.title + " (renewal)"})
        await wait_settle(env)
        shown = next(c for col in b.columns for c in col.cards.cards if c.id == card.id)
        assert shown.pending and shown.title.endswith("(renewal)") and not shown.rotten
