"""Triage section: each fix key removes the deal from the queue and sends exactly the
expected writes; undo puts it back; the counter; the preview; the snapshot."""

from tests.conftest import FROZEN_NOW
from tests.support.env import app_env
from tests.support.screen import screen_text
from tests.support.snapshots import snapshot
from tests.support.typing import burst
from tests.support.wait import settle
from tui.sandbox import Sandbox
from tui.screens.triage import TriageScreen
from tui.screens.triage_prompts import DatePromptScreen, ScheduleScreen, SummaryScreen

RECENT = "2026-11-18T07:00:00Z"
# deal ids of the crafted queue (owner: me), by what is wrong with them
NO_ACTIVITY, OVERDUE, STUCK, CLOSE, LOST, NOTE = 2, 3, 4, 5, 6, 7


def _sandbox() -> Sandbox:
    """Every open deal belongs to someone else except six of mine, each breaking one rule."""
    sb = Sandbox(seed=7, deals=60, token="t0k3n-for-tests", now=FROZEN_NOW)
    st = sb.state
    me = st.me_id
    other = next(u for u in st.users if u != me)
    for deal in st.deals.values():
        deal["owner_id"] = other
    template = dict(st.activities[1])
    for a in st.activities.values():
        if a["deal_id"] in (NO_ACTIVITY, OVERDUE, STUCK, CLOSE, LOST, NOTE):
            a["deal_id"] = None
    for n in st.notes.values():
        if n["deal_id"] == NOTE:
            n["deal_id"] = None
    first_stages = {}
    for s in sorted(st.stages.values(), key=lambda s: s["order_nr"]):
        first_stages.setdefault(s["pipeline_id"], s["id"])
    next_id = max(st.activities) + 1
    for did in (NO_ACTIVITY, OVERDUE, STUCK, CLOSE, LOST, NOTE):
        deal = st.deals[did]
        deal.update(
            owner_id=me,
            status="open",
            lost_reason=None,
            update_time=RECENT,
            pipeline_id=1,
            stage_id=first_stages[1],
            stage_change_time="2026-11-10T08:00:00Z",
            expected_close_date="2026-12-31",
            title=f"Deal {did} [bold]x[/]",
            won_time=None,
            lost_time=None,
            close_time=None,
        )
        due = None if did in (NO_ACTIVITY, LOST) else "2026-11-15" if did in (OVERDUE, NOTE) else "2026-11-25"
        if due:
            st.activities[next_id] = {
                **template,
                "id": next_id,
                "deal_id": did,
                "subject": f"Call about {did}",
                "type": "call",
                "due_date": due,
                "due_time": "09:00",
                "done": False,
                "owner_id": me,
                "participants": [],
                "person_id": None,
            }
            next_id += 1
    st.deals[STUCK]["stage_change_time"] = "2026-08-01T08:00:00Z"
    st.deals[CLOSE]["expected_close_date"] = "2026-11-08"
    nid = max(st.notes) + 1
    st.notes[nid] = {
        **next(iter(st.notes.values())),
        "id": nid,
        "deal_id": NOTE,
        "person_id": None,
        "org_id": None,
        "content": "<p>Budget approved, wants <b>[red]pricing[/]</b> by Friday</p>",
        "add_time": "2026-11-16 10:00:00",
        "update_time": "2026-11-16 10:00:00",
    }
    return sb


def _screen(env) -> TriageScreen:
    assert isinstance(env.app.screen, TriageScreen)
    return env.app.screen


async def _open(env) -> TriageScreen:
    await env.pilot.press("6")
    await settle(env)
    return _screen(env)


def _ids(screen: TriageScreen) -> list[int]:
    return [r.id for r in screen.queue.rows]


async def _select(env, deal_id: int) -> int:
    screen = _screen(env)
    index = next(i for i, r in enumerate(screen.listing.rows) if r.id == deal_id)
    screen.listing.move_to(index)
    await settle(env)
    return index


def _title(screen: TriageScreen) -> str:
    return str(screen.query_one("#triage-title").render())


def _bodies(sb: Sandbox, since: int = 0):
    return [(m, p.split("?")[0], b) for m, p, _h, b in sb.writes()[since:]]


async def test_queue_order_counter_and_preview(tmp_path):
    async with app_env(tmp_path, sandbox=_sandbox()) as env:
        screen = await _open(env)
        assert _ids(screen) == [OVERDUE, NOTE, NO_ACTIVITY, LOST, CLOSE, STUCK]
        assert "6 to go" in _title(screen) and "0 fixed" in _title(screen)
        await _select(env, NOTE)
        text = screen_text(env.app)
        assert "Budget approved, wants [red]pricing[/] by Friday" in text  # the last note, literally
        assert "Call about 7" in text and "Sun 15 Nov 10:00" in text  # the next activity, local time
        assert "Deal 7 [bold]x[/]" in text and "overdue 3d" in text
        # the selection is always visible: a bar and reverse video on the selected row only
        listing = screen.listing
        assert listing.has_focus and listing.cursor == 1
        lines = [listing.render_line(y) for y in range(3)]
        assert lines[1].text.startswith("▌") and not lines[0].text.startswith("▌")
        assert all(seg.style.reverse for seg in lines[1] if seg.text.strip())
        assert not any(seg.style and seg.style.reverse for seg in lines[0])
        await env.pilot.press("down")
        assert listing.selected.id == NO_ACTIVITY
        await env.pilot.press("j", "end")
        assert listing.selected.id == STUCK
        await env.pilot.press("home")
        assert listing.selected.id == OVERDUE


async def test_schedule_removes_the_deal_sends_one_create_and_undo_takes_it_back(tmp_path):
    sb = _sandbox()
    async with app_env(tmp_path, sandbox=sb) as env:
        screen = await _open(env)
        index = await _select(env, NO_ACTIVITY)
        await env.pilot.press("a")
        await settle(env)
        prompt = env.app.screen
        assert isinstance(prompt, ScheduleScreen)
        await env.pilot.press(*"fri 10:00", "tab")
        prompt.query_one("#subject").value = "Send the proposal"
        await env.pilot.press("enter")
        await settle(env)
        assert NO_ACTIVITY not in _ids(screen) and "5 to go" in _title(screen) and "1 fixed" in _title(screen)
        assert screen.listing.cursor == index and screen.listing.selected.id == _ids(screen)[index]
        await env.store.drain()
        writes = _bodies(sb)
        assert [(m, p) for m, p, _b in writes] == [("POST", "/api/v2/activities")]
        body = writes[0][2]
        assert body["deal_id"] == NO_ACTIVITY and body["subject"] == "Send the proposal"
        assert (body["due_date"], body["due_time"]) == ("2026-11-20", "09:00")  # 10:00 Berlin
        created = next(a["id"] for a in sb.state.activities.values() if a["subject"] == "Send the proposal")
        await env.pilot.press("u")
        await settle(env)
        assert NO_ACTIVITY in _ids(screen) and screen.listing.selected.id == NO_ACTIVITY
        assert "6 to go" in _title(screen) and "0 fixed" in _title(screen)
        await env.store.drain()
        assert [(m, p) for m, p, _b in _bodies(sb, 1)] == [("DELETE", f"/api/v2/activities/{created}")]


async def test_undo_finds_the_created_activity_after_it_landed_while_another_section_was_shown(tmp_path):
    sb = _sandbox()
    async with app_env(tmp_path, sandbox=sb) as env:
        screen = await _open(env)
        await _select(env, NO_ACTIVITY)
        await env.pilot.press("a", "enter")
        await settle(env)
        await env.pilot.press("1")  # the board; the create lands meanwhile
        await settle(env)
        await env.store.drain()
        created = next(a["id"] for a in sb.live("activity") if a["deal_id"] == NO_ACTIVITY)
        await env.pilot.press("6", "u")
        await settle(env)
        await env.store.drain()
        assert NO_ACTIVITY in _ids(screen)
        assert [(m, p) for m, p, _b in _bodies(sb)] == [("POST", "/api/v2/activities"), ("DELETE", f"/api/v2/activities/{created}")]


async def test_undo_before_the_push_sends_nothing(tmp_path):
    sb = _sandbox()
    async with app_env(tmp_path, sandbox=sb) as env:
        screen = await _open(env)
        await _select(env, NO_ACTIVITY)
        await env.pilot.press("a", "enter")
        await settle(env)
        assert NO_ACTIVITY not in _ids(screen)
        await env.pilot.press("u")
        await settle(env)
        assert NO_ACTIVITY in _ids(screen)
        await env.store.drain()
        assert sb.writes() == []


async def test_done_and_next_marks_the_overdue_activity_and_plans_the_next(tmp_path):
    sb = _sandbox()
    async with app_env(tmp_path, sandbox=sb) as env:
        screen = await _open(env)
        overdue = next(a for a in sb.live("activity") if a["deal_id"] == OVERDUE)
        await _select(env, OVERDUE)
        await env.pilot.press("d")
        await settle(env)
        assert isinstance(env.app.screen, ScheduleScreen)
        assert env.app.screen.query_one("#subject").value == f"Call about {OVERDUE}"  # from its last activity
        await env.pilot.press(*"+2d", "enter")
        await settle(env)
        assert OVERDUE not in _ids(screen) and "5 to go" in _title(screen)
        await env.store.drain()
        writes = _bodies(sb)
        assert [(m, p) for m, p, _b in writes] == [("PATCH", f"/api/v2/activities/{overdue['id']}"), ("POST", "/api/v2/activities")]
        assert writes[0][2] == {"done": True}
        created = writes[1][2]
        assert created["deal_id"] == OVERDUE and created["due_date"] == "2026-11-20" and "due_time" not in created
        await env.pilot.press("u")
        await settle(env)
        await env.store.drain()
        assert OVERDUE in _ids(screen)
        assert [m for m, _p, _b in _bodies(sb, 2)] == ["DELETE", "PATCH"]
        assert sb.state.activities[overdue["id"]]["done"] is False


async def test_advance_lost_and_close_date(tmp_path):
    sb = _sandbox()
    async with app_env(tmp_path, sandbox=sb) as env:
        screen = await _open(env)
        stage_before = sb.state.deals[STUCK]["stage_id"]
        await _select(env, STUCK)
        await env.pilot.press("greater_than_sign")
        await settle(env)
        assert STUCK not in _ids(screen)
        await _select(env, LOST)
        await env.pilot.press("x")
        await settle(env)
        await env.pilot.press(*"No budget", "enter")
        await settle(env)
        assert LOST not in _ids(screen)
        await _select(env, CLOSE)
        await env.pilot.press("c")
        await settle(env)
        assert isinstance(env.app.screen, DatePromptScreen)
        await env.pilot.press(*"-1d", "enter")  # in the past: refused, nothing sent
        await settle(env)
        assert "passed" in str(env.app.screen.query_one("#prompt-error").render())
        env.app.screen.query_one("#date").value = "24.12."
        await env.pilot.press("enter")
        await settle(env)
        assert CLOSE not in _ids(screen) and "3 to go" in _title(screen) and "3 fixed" in _title(screen)
        await env.store.drain()
        writes = _bodies(sb)
        assert [(m, p, b) for m, p, b in writes] == [
            ("PATCH", f"/api/v2/deals/{STUCK}", {"stage_id": stage_before + 1}),
            ("PATCH", f"/api/v2/deals/{LOST}", {"status": "lost", "lost_reason": "No budget"}),
            ("PATCH", f"/api/v2/deals/{CLOSE}", {"expected_close_date": "2026-12-24"}),
        ]
        for _ in range(3):  # undo all three, newest first
            await env.pilot.press("u")
            await settle(env)
        # back: reopened, and the old close date; the stage too, but moving restarted its time in stage
        assert {LOST, CLOSE} <= set(_ids(screen)) and STUCK not in _ids(screen)
        await env.store.drain()
        assert [(p, b) for _m, p, b in _bodies(sb, 3)] == [
            (f"/api/v2/deals/{CLOSE}", {"expected_close_date": "2026-11-08"}),
            (f"/api/v2/deals/{LOST}", {"status": "open"}),
            (f"/api/v2/deals/{STUCK}", {"stage_id": stage_before}),
        ]
        assert sb.state.deals[STUCK]["stage_id"] == stage_before and sb.state.deals[LOST]["status"] == "open"


async def test_snooze_is_local_and_shown_as_snoozed(tmp_path):
    sb = _sandbox()
    async with app_env(tmp_path, sandbox=sb) as env:
        screen = await _open(env)
        await _select(env, NO_ACTIVITY)
        await env.pilot.press("z", "enter")  # the default: a week
        await settle(env)
        assert NO_ACTIVITY not in _ids(screen) and "1 snoozed" in _title(screen) and "5 to go" in _title(screen)
        await env.pilot.press("s")
        await settle(env)
        assert "snoozed until Wed 25 Nov" in screen_text(env.app)
        await env.pilot.press("S")
        await settle(env)
        assert isinstance(env.app.screen, SummaryScreen)
        summary = str(env.app.screen.query_one("#summary-text").render())
        assert "Fixed this session: 1" in summary and "1  snoozed" in summary and "Snoozed: 1" in summary
        await env.pilot.press("escape")
        await settle(env)
        await env.pilot.press("u")
        await settle(env)
        assert NO_ACTIVITY in _ids(screen) and "0 snoozed" in _title(screen)
        await env.store.drain()
        assert sb.writes() == []  # a snooze never reaches Pipedrive


async def test_enter_opens_the_deal_and_escape_comes_back_to_the_same_place(tmp_path):
    async with app_env(tmp_path, sandbox=_sandbox()) as env:
        screen = await _open(env)
        await _select(env, LOST)
        await env.pilot.press("enter")
        await settle(env)
        assert env.app.screen.__class__.__name__ == "DealScreen" and env.app.screen.entity_id == LOST
        await env.pilot.press("escape")
        await settle(env)
        assert env.app.screen is screen and screen.listing.selected.id == LOST


async def test_empty_queue_shows_the_summary_and_keys_are_remappable(tmp_path):
    sb = _sandbox()
    for deal in sb.state.deals.values():
        if deal["owner_id"] == sb.state.me_id:
            deal["owner_id"] = next(u for u in sb.state.users if u != sb.state.me_id)
    async with app_env(tmp_path, sandbox=sb, keymap={"triage.summary": "Y"}) as env:
        screen = await _open(env)
        assert _ids(screen) == [] and "0 to go" in _title(screen)
        text = screen_text(env.app)
        assert "Nothing to triage" in text and "nothing left to fix" in text
        await env.pilot.press("Y")
        await settle(env)
        assert isinstance(env.app.screen, SummaryScreen)


async def test_palette_lists_the_section(tmp_path):
    from tui.screens.palette import ActionCommands

    async with app_env(tmp_path, sandbox=_sandbox()) as env:
        provider = ActionCommands(env.app.screen)
        await provider.startup()
        assert ("Go to Triage to zero", "6 · app.triage") in [(t, h) for t, h, _run in provider._commands()]


async def test_triage_snapshot(tmp_path):
    async with app_env(tmp_path, sandbox=_sandbox(), size=(160, 45)) as env:
        await _open(env)
        await _select(env, NOTE)
        await snapshot(env, "triage_160x45")


async def test_a_fast_typist_fixes_in_one_burst_and_nothing_reaches_the_queue_below(tmp_path):
    """`a`, the date, enter (and `x`, a reason, enter) typed before the prompt opened: every
    key lands in the prompt, none runs as a key of the queue (o would switch the owner)."""
    sb = _sandbox()
    async with app_env(tmp_path, sandbox=sb) as env:
        screen = await _open(env)
        await _select(env, NO_ACTIVITY)
        burst(env.app, "a", "next fri 9:30", ("enter",))
        await settle(env)
        await _select(env, LOST)
        burst(env.app, "x", "Gone to a competitor", ("enter",))
        await settle(env)
        assert env.app.screen is screen and screen.owner_label == "me"
        assert NO_ACTIVITY not in _ids(screen) and LOST not in _ids(screen) and "4 to go" in _title(screen)
        await env.store.drain()
        writes = _bodies(sb)
        assert [(m, p) for m, p, _b in writes] == [("POST", "/api/v2/activities"), ("PATCH", f"/api/v2/deals/{LOST}")]
        assert (writes[0][2]["due_date"], writes[0][2]["due_time"]) == ("2026-11-27", "08:30")
        assert writes[1][2] == {"status": "lost", "lost_reason": "Gone to a competitor"}


async def test_at_80_columns_each_reason_keeps_its_day_count(tmp_path):
    """A narrow queue shows the first reason with its days and how many more, never "overdue 7…"."""
    async with app_env(tmp_path, size=(80, 24)) as env:
        screen = await _open(env)
        listing = screen.listing
        rows = listing.rows[: listing.size.height]
        assert any(len(r.reasons) > 1 for r in rows) and any(r.reasons[0].days for r in rows)
        for y, row in enumerate(rows):
            line = listing.render_line(y).text
            first = row.reasons[0]
            if first.days:
                assert f" {first.days}d" in line, line
            if len(row.reasons) > 1:
                assert f"+{len(row.reasons) - 1}" in line or row.reasons[1].short in line, line


async def test_the_close_date_proposed_is_never_earlier_than_the_deals_own(tmp_path):
    """STUCK is expected to close 2026-12-31: `c` starts two weeks after that, not at today + 2w
    (2026-12-02, which would pull the deal's close date forward); enter saves it."""
    sb = _sandbox()
    async with app_env(tmp_path, sandbox=sb) as env:
        await _open(env)
        await _select(env, CLOSE)  # its close date has passed: two weeks from today
        await env.pilot.press("c")
        await settle(env)
        assert env.app.screen.query_one("#date").value == "+2w"
        await env.pilot.press("escape")
        await settle(env)
        await _select(env, STUCK)
        await env.pilot.press("c")
        await settle(env)
        assert isinstance(env.app.screen, DatePromptScreen)
        assert env.app.screen.query_one("#date").value == "2027-01-14"
        assert "Thu 14 Jan 2027" in str(env.app.screen.query_one("#date-preview").render())
        await env.pilot.press("enter")
        await settle(env)
        await env.store.drain()
        assert sb.state.deals[STUCK]["expected_close_date"] == "2027-01-14"
