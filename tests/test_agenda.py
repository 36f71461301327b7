"""Agenda: grouping at day boundaries with "today" frozen, filters, actions on the sandbox."""

import sqlite3
from datetime import date, datetime
from zoneinfo import ZoneInfo

from tests.conftest import FROZEN_NOW
from tests.support.env import app_env
from tests.support.screen import screen_text
from tests.support.snapshots import snapshot, steady
from tests.test_board_keys import settle
from tui.sandbox import Sandbox
from tui.screens.agenda import AgendaScreen
from tui.screens.forms.activity_form import ActivityForm, to_utc
from tui.store import ingest, schema
from tui.store.queries import agenda as q

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 18, 9, 30, tzinfo=BERLIN)  # a Wednesday


def _conn(acts):
    conn = sqlite3.connect(":memory:")
    conn.row_factory = sqlite3.Row
    schema.migrate(conn)
    ingest.upsert(
        conn,
        "activity_type",
        [{"id": 1, "key_string": "call", "name": "Call"}, {"id": 2, "key_string": "demo", "name": "Demo", "is_custom_flag": True}],
    )
    ingest.upsert(
        conn,
        "activity",
        [
            {
                "id": i,
                "subject": s,
                "type": t,
                "due_date": d,
                "due_time": tm,
                "done": dn,
                "owner_id": 1,
                "marked_as_done_time": "2026-11-17T10:00:00Z" if dn else None,
            }
            for i, (s, t, d, tm, dn) in enumerate(acts, start=1)
        ],
    )
    return conn


def _groups(conn, **kw):
    return {g.name: [r.subject for r in g.rows] for g in q.agenda(conn, now=NOW, tz=BERLIN, **kw)}


def test_groups_at_day_and_week_boundaries_in_local_time():
    conn = _conn(
        [
            ("yesterday", "call", "2026-11-17", None, False),
            ("late UTC evening is tomorrow in Berlin", "call", "2026-11-18", "23:30", False),
            ("early UTC is still today", "call", "2026-11-18", "00:30", False),
            ("all day today", "call", "2026-11-18", None, False),
            ("UTC 23:30 the day before is today in Berlin", "call", "2026-11-17", "23:30", False),
            ("sunday", "call", "2026-11-22", None, False),
            ("next monday", "call", "2026-11-23", None, False),
            ("next sunday", "call", "2026-11-29", None, False),
            ("monday after", "call", "2026-11-30", None, False),
            ("done", "call", "2026-11-16", None, True),
        ]
    )
    g = _groups(conn)
    assert g["Overdue"] == ["yesterday"]
    assert g["Today"] == ["all day today", "UTC 23:30 the day before is today in Berlin", "early UTC is still today"]
    assert g["Tomorrow"] == ["late UTC evening is tomorrow in Berlin"]
    assert g["This week"] == ["sunday"]
    assert g["Next week"] == ["next monday", "next sunday"]
    assert g["Later"] == ["monday after"]
    assert "Done recently" not in g
    assert _groups(conn, show="all")["Done recently"] == ["done"]
    rows = {r.subject: r for grp in q.agenda(conn, now=NOW, tz=BERLIN) for r in grp.rows}
    assert rows["yesterday"].late == "1d late" and rows["early UTC is still today"].late == "8h late"
    assert rows["early UTC is still today"].time == "01:30"


def test_filters_and_week_view_placement():
    conn = _conn(
        [
            ("a call", "call", "2026-11-18", "08:00", False),
            ("a demo", "demo", "2026-11-19", None, False),
            ("other call", "call", "2026-11-24", None, False),
        ]
    )
    assert _groups(conn, types={"demo"})["Tomorrow"] == ["a demo"] and not _groups(conn, types={"demo"})["Today"]
    assert _groups(conn, text="OTHER")["Next week"] == ["other call"]
    assert sum(len(v) for v in _groups(conn, owner_id=2).values()) == 0
    days = q.week(conn, week_start=date(2026, 11, 16), now=NOW, tz=BERLIN)
    assert [r.subject for r in days[date(2026, 11, 18)]] == ["a call"]
    assert [r.subject for r in days[date(2026, 11, 19)]] == ["a demo"]
    assert date(2026, 11, 24) not in days


def test_local_time_is_sent_in_utc():
    assert to_utc("2026-11-20", "00:30", BERLIN) == ("2026-11-19", "23:30")
    assert to_utc("2026-07-01", "10:00", BERLIN) == ("2026-07-01", "08:00")
    assert to_utc("2026-11-20", None, BERLIN) == ("2026-11-20", None)


def _agenda(env) -> AgendaScreen:
    assert isinstance(env.app.screen, AgendaScreen)
    return env.app.screen


async def open_agenda(env) -> AgendaScreen:
    """`2` from the board, once the agenda has read and shown its lines."""
    await env.pilot.press("2")
    await settle(env)
    return _agenda(env)


async def _goto(env, activity_id):
    screen = _agenda(env)
    index = next(i for i, line in enumerate(screen.listing.lines) if line.row and line.row.id == activity_id)
    screen.listing.cursor = index


def _sandbox():
    sb = Sandbox(seed=7, deals=60, token="t0k3n-for-tests", now=FROZEN_NOW)
    deal = next(d for d in sb.live("deal") if d["status"] == "open")
    for a in sb.state.activities.values():  # this deal gets exactly one open activity, today, owned by me
        if a["deal_id"] == deal["id"]:
            a["deal_id"] = None
    first = sb.state.activities[1]
    first.update(
        deal_id=deal["id"],
        done=False,
        owner_id=1,
        due_date="2026-11-18",
        due_time="10:00",
        subject="[bold]Call[/] back \x1b[31m!",
        type="call",
    )
    return sb, deal


async def test_done_offers_the_next_activity_and_reaches_the_sandbox(tmp_path):
    sb, deal = _sandbox()
    async with app_env(tmp_path, sandbox=sb) as env:
        await env.pilot.press("2")
        await settle(env, 0.3)
        text = screen_text(env.app)
        assert "[bold]Call[/] back [31m!" in text and "\x1b" not in text
        await _goto(env, 1)
        await env.pilot.press("d")
        await settle(env, 0.3)
        form = env.app.screen
        assert isinstance(form, ActivityForm) and form.picker("deal_id").value == deal["id"]
        form.field("subject").input.value = "Next step after the call"
        await env.pilot.press("ctrl+s")
        await settle(env)
        await env.store.drain()
        assert sb.state.activities[1]["done"] is True
        follow = [a for a in sb.live("activity") if a["subject"] == "Next step after the call"]
        assert len(follow) == 1 and follow[0]["deal_id"] == deal["id"] and follow[0]["due_date"] == "2026-11-19"
        # shown under "Done recently" (D), and marked undone again
        await env.pilot.press("D")
        await settle(env)
        assert "Done recently" in screen_text(env.app)
        await _goto(env, 1)
        await env.pilot.press("d")
        await settle(env)
        await env.store.drain()
        assert sb.state.activities[1]["done"] is False


async def test_reschedule_menu_keeps_the_time(tmp_path):
    sb, deal = _sandbox()
    async with app_env(tmp_path, sandbox=sb) as env:
        await env.pilot.press("2")
        await settle(env, 0.3)
        await _goto(env, 1)
        await env.pilot.press("s")
        await settle(env)
        await env.pilot.press("enter")  # +1 day
        await settle(env)
        await env.store.drain()
        assert (sb.state.activities[1]["due_date"], sb.state.activities[1]["due_time"]) == ("2026-11-19", "10:00")
        await _goto(env, 1)
        await env.pilot.press("s")
        await settle(env)
        await env.pilot.press("down", "down", "down", "down", "down", "enter")  # pick a date
        await settle(env)
        await env.pilot.press(*"whenever", "enter")
        await settle(env)
        assert "is not a date" in str(env.app.screen.query_one("#pick-error").render())
        env.app.screen.query_one("#pick").value = "fri"
        await env.pilot.press("enter")
        await settle(env)
        await env.store.drain()
        assert sb.state.activities[1]["due_date"] == "2026-11-20" and sb.state.activities[1]["due_time"] == "10:00"


async def test_reschedule_to_today_and_to_a_date_with_a_time(tmp_path):
    """`tomorrow 10:00`, `today 15:30` and `fri 10:00` set the time too (local, sent in UTC:
    Berlin is UTC+1 in November); the menu's Today keeps the time. Before: "is not a date"."""
    sb, deal = _sandbox()
    async with app_env(tmp_path, sandbox=sb) as env:
        await env.pilot.press("2")
        await settle(env, 0.3)

        async def pick(text: str) -> tuple[str, str]:
            await _goto(env, 1)
            await env.pilot.press("s")
            await settle(env)
            await env.pilot.press("down", "down", "down", "down", "down", "enter")  # pick a date
            await settle(env)
            await env.pilot.press(*text, "enter")
            await settle(env)
            await env.store.drain()
            activity = sb.state.activities[1]
            return activity["due_date"], activity["due_time"][:5]  # the sandbox answers HH:MM:SS

        assert await pick("tomorrow 10:00") == ("2026-11-19", "09:00")
        assert await pick("fri 10:00") == ("2026-11-20", "09:00")
        assert await pick("today 15:30") == ("2026-11-18", "14:30")
        assert await pick("+2d") == ("2026-11-20", "14:30")  # no time given: kept
        await _goto(env, 1)
        await env.pilot.press("s")
        await settle(env)
        await env.pilot.press("down", "down", "down", "down", "enter")  # Today
        await settle(env)
        await env.store.drain()
        assert (sb.state.activities[1]["due_date"], sb.state.activities[1]["due_time"][:5]) == ("2026-11-18", "14:30")


async def test_create_edit_invalid_and_delete(tmp_path):
    sb, deal = _sandbox()
    async with app_env(tmp_path, sandbox=sb) as env:
        await env.pilot.press("2")
        await settle(env, 0.3)
        await env.pilot.press("c")
        await settle(env)
        form = env.app.screen
        form.field("subject").input.value = ""
        form.field("due_date").input.value = "soonish"
        form.field("due_time").input.value = "25:00"
        await env.pilot.press("ctrl+s")
        await settle(env)
        assert "required" in form.field("subject").error and "not a date" in form.field("due_date").error
        assert "time" in form.field("due_time").error
        assert sb.writes() == []
        form.field("subject").input.value = "Call the new lead"
        form.field("due_date").input.value = "tomorrow"
        form.field("due_time").input.value = "14:30"
        picker = form.picker("deal_id")
        picker.input.focus()
        picker.input.value = deal["title"][:6]
        await settle(env)
        await env.pilot.press("enter")
        await settle(env)
        await env.pilot.press("ctrl+s")
        await settle(env)
        await env.store.drain()
        made = [a for a in sb.live("activity") if a["subject"] == "Call the new lead"]
        assert len(made) == 1 and made[0]["type"] == "call" and made[0]["due_date"] == "2026-11-19"
        assert made[0]["due_time"] == "13:30:00" and made[0]["deal_id"] is not None  # 14:30 Berlin = 13:30 UTC
        await settle(env, 0.3)
        await _goto(env, made[0]["id"])
        await env.pilot.press("e")
        await settle(env)
        env.app.screen.field("duration").input.value = "45"
        await env.pilot.press("ctrl+s")
        await settle(env)
        await env.store.drain()
        assert sb.state.activities[made[0]["id"]]["duration"] == "00:45:00"
        await settle(env, 0.3)
        await _goto(env, made[0]["id"])
        await env.pilot.press("delete")
        await settle(env)
        await env.pilot.press("y")
        await settle(env)
        await env.store.drain()
        assert sb.state.activities[made[0]["id"]]["is_deleted"] is True


async def test_enter_opens_the_linked_deal_and_counts_show_in_the_header(tmp_path):
    sb, deal = _sandbox()
    async with app_env(tmp_path, sandbox=sb) as env:
        await env.pilot.press("2")
        await settle(env, 0.3)
        screen = _agenda(env)
        title = str(screen.query_one("#agenda-title").render())
        assert "overdue" in title and "today" in title
        await _goto(env, 1)
        await env.pilot.press("enter")
        await settle(env)
        assert env.app.screen.__class__.__name__ == "DealScreen" and env.app.screen.entity_id == deal["id"]


async def test_agenda_and_week_snapshots(tmp_path):
    async with app_env(tmp_path, size=(160, 45)) as env:
        await env.pilot.press("2")
        await settle(env, 0.3)
        await snapshot(env, "agenda_160x45")  # steady: the far "Later" rows are read when they first show
        await env.pilot.press("v")
        await settle(env, 0.3)
        await snapshot(env, "agenda_week_160x45")


async def test_the_week_view_at_160_columns_shows_whole_subjects_and_the_deal_or_person(tmp_path):
    """Each day is 18 cells: a subject goes on below its time rather than being cut to 5
    characters, and the deal and person it is for follow (before: "Techn…", no deal)."""
    from rich.cells import cell_len

    from tui.widgets.week_view import WeekView

    async with app_env(tmp_path, size=(160, 45)) as env:
        await env.pilot.press("2")
        await settle(env, 0.3)
        await env.pilot.press("v")
        await settle(env, 0.3)
        week = env.app.screen.query_one(WeekView)
        shown_somewhere = 0
        for i, (_day, rows) in enumerate(week.days):
            cell = week.query_one(f"#day-{i}")
            lines = [line.strip(" ▌") for line in str(cell.render()).splitlines()]
            assert all(cell_len(line) <= cell.content_size.width for line in lines), lines  # nothing wraps
            text = " ".join(lines)
            for r in rows:
                assert r.subject in text, (r.subject, lines)  # whole, over two lines if need be
                link = r.deal or r.person or r.org
                assert any(line.startswith(link[:12]) for line in lines), (link, lines)
                shown_somewhere += 1
        assert shown_somewhere >= 3


async def test_a_reload_that_keeps_the_lists_scrollbar_lays_nothing_out(tmp_path, monkeypatch):
    """An activity done elsewhere: the agenda reloads, one line fewer, its scrollbar still
    needed. Nothing is laid out again (the title is one line of fixed height; the list's new
    height only moves its scrollbar): a layout repaints the whole agenda."""
    from tests.support.paint import count_layouts

    async with app_env(tmp_path, size=(120, 20)) as env:
        screen = await open_agenda(env)
        listing = screen.listing
        await steady(env)  # the first open's layouts and paints are over (they can trail settle)
        assert listing.show_vertical_scrollbar, "the test needs a list longer than the screen"
        lines, first = len(listing.lines), listing.selected
        layouts = count_layouts(monkeypatch)
        await env.store.set_activity_done(first.id, True)
        await settle(env)
        assert len(listing.lines) < lines and listing.show_vertical_scrollbar
        assert layouts == [], len(layouts)
