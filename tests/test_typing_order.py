"""What was typed is what is saved: keys typed (or pasted) in a burst before ctrl+s all reach
the saved text, in order, and none runs as a command of the screen below."""

from tests.support.env import app_env
from tests.support.typing import burst, paste
from tests.support.wait import settle
from tui.screens.board import BoardScreen
from tui.screens.forms.activity_form import ActivityForm
from tui.screens.forms.entity_forms import DealForm
from tui.screens.note_editor import NoteEditorScreen


def _notes_of(sb, deal_id):
    return [n for n in sb.state.notes.values() if n.get("deal_id") == deal_id and n.get("active_flag")]


async def _open_note_editor(env):
    board = env.app.screen
    assert isinstance(board, BoardScreen)
    await settle(env)
    deal_id = board.selected.id
    await env.pilot.press("n")
    await settle(env)
    assert isinstance(env.app.screen, NoteEditorScreen)
    return board, deal_id


async def test_fast_typed_note_then_ctrl_s_saves_every_key_and_leaves_the_board_alone(tmp_path):
    async with app_env(tmp_path) as env:
        board, deal_id = await _open_note_editor(env)
        before = (board.status_filter, board.owner_filter, board.text_filter, env.app.current_mode)
        text = "chaos note 20 - so 2 owners need a new quote"
        burst(env.app, text, ("ctrl+s",))
        await settle(env)
        assert env.app.screen is board
        assert (board.status_filter, board.owner_filter, board.text_filter, env.app.current_mode) == before
        await env.store.drain()
        notes = _notes_of(env.sandbox, deal_id)
        assert [n["content"] for n in notes] == [f"<p>{text}</p>"]


async def test_pasted_long_note_then_ctrl_s_saves_all_of_it(tmp_path):
    async with app_env(tmp_path) as env:
        board, deal_id = await _open_note_editor(env)
        text = ("Call summary: " + "budget approved, next step is a demo; " * 60)[:2000]
        paste(env.app, text)
        burst(env.app, ("ctrl+s",))
        await settle(env)
        assert env.app.screen is board
        await env.store.drain()
        notes = _notes_of(env.sandbox, deal_id)
        assert len(notes) == 1 and notes[0]["content"] == f"<p>{text.strip()}</p>"


async def test_escape_after_a_burst_sees_the_typed_text_and_asks(tmp_path):
    async with app_env(tmp_path) as env:
        _board, deal_id = await _open_note_editor(env)
        burst(env.app, "half a thought", ("escape",))
        await settle(env)
        # the editor saw the text before escape: it asks instead of discarding silently
        assert "Discard" in str(env.app.screen.query_one(".dialog-message").render())
        assert _notes_of(env.sandbox, deal_id) == []


async def test_fast_typed_form_field_then_ctrl_s_saves_every_key(tmp_path):
    async with app_env(tmp_path) as env:
        await settle(env)
        deal_id = env.app.screen.selected.id
        old = env.sandbox.state.deals[deal_id]["title"]
        env.app.push_screen(await DealForm.load(env.store, deal_id))
        await settle(env)
        form = env.app.screen
        form.field("title").input.focus()
        await settle(env)
        burst(env.app, ("end",), " - renewal 2027", ("ctrl+s",))
        await settle(env)
        assert not isinstance(env.app.screen, DealForm)
        await env.store.drain()
        assert env.sandbox.state.deals[deal_id]["title"] == old + " - renewal 2027"


async def test_keys_typed_right_after_tab_land_in_the_next_field(tmp_path):
    async with app_env(tmp_path) as env:
        await settle(env)
        env.app.push_screen(await ActivityForm.load(env.store, None, {"type": "call"}))
        await settle(env)
        form = env.app.screen
        subject = form.field("subject").input
        assert form.focused is subject
        burst(env.app, "Fast", ("tab",), ("tab",), ("ctrl+a",), "XY")
        await settle(env)
        assert subject.value == "Fast"
        assert form.field("due_date").value.startswith("XY") or form.field("due_date").value.endswith("XY")
        assert form.focused is form.field("due_date").input


async def test_keys_typed_right_after_n_go_into_the_new_note(tmp_path):
    async with app_env(tmp_path) as env:
        board = env.app.screen
        await settle(env)
        deal_id = board.selected.id
        burst(env.app, "nquick 1", ("ctrl+s",))
        await settle(env)
        assert env.app.screen is board
        await env.store.drain()
        assert [n["content"] for n in _notes_of(env.sandbox, deal_id)] == ["<p>quick 1</p>"]


async def test_keys_typed_right_after_a_on_a_deal_land_in_the_new_activity(tmp_path):
    """`a` on a deal screen loads the activity form in a worker; "Fast" typed right after it
    used to reach the deal screen (and was lost) before the form was there."""
    from tui.screens.deal import DealScreen

    async with app_env(tmp_path) as env:
        board = env.app.screen
        await settle(env)
        env.app.open_deal(board.selected.id)
        await settle(env)
        assert isinstance(env.app.screen, DealScreen)
        burst(env.app, "a", "Fast", ("tab", "tab"), "XY")
        await settle(env)
        form = env.app.screen
        assert isinstance(form, ActivityForm)
        assert form.field("subject").value == "Fast"


async def test_slash_and_a_filter_typed_at_once_filter_by_every_key(tmp_path):
    """`/acme` sent in one burst: the key after `/` reaches the filter box (it went to the
    board while the box's focus was still on its way), and enter then `2` opens the agenda."""
    async with app_env(tmp_path) as env:
        board = env.app.screen
        await settle(env)
        title = board.pipelines[0].name
        burst(env.app, "/" + title[:4].lower(), ("enter",), "2")
        await settle(env)
        assert board.text_filter == title[:4].lower()
        assert env.app.current_mode == "agenda"


async def test_a_section_key_then_its_filter_typed_at_once(tmp_path):
    """`3/a`, enter, `j` at once: the people list is built by the `3`, `/a` filters it and `j`
    moves in the filtered list (it moved in the whole list, which the result then replaced)."""
    async with app_env(tmp_path) as env:
        await settle(env)
        burst(env.app, "3/a", ("enter",), "j")
        await settle(env)
        people = env.app.screen
        assert env.app.current_mode == "people" and people.text == "a"
        assert people.table.cursor == 1
