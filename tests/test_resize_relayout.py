"""What is laid out for a width follows a resized terminal: the agenda's week (side by side or
stacked) and a detail screen's mail lines (cut to the width)."""

from tests.support.env import app_env
from tests.support.wait import settle
from tui.screens.agenda import AgendaScreen
from tui.widgets.week_view import WeekView


async def test_the_week_view_opened_narrow_spreads_out_when_the_terminal_widens(tmp_path):
    async with app_env(tmp_path, size=(80, 24)) as env:
        await env.pilot.press("2")
        await settle(env)
        assert isinstance(env.app.screen, AgendaScreen)
        await env.pilot.press("v")
        await settle(env)
        week = env.app.screen.query_one(WeekView)
        assert week.has_class("-narrow")
        await env.pilot.resize_terminal(160, 45)
        await settle(env)
        assert not week.has_class("-narrow")
        await env.pilot.resize_terminal(80, 24)
        await settle(env)
        assert week.has_class("-narrow")


async def test_mail_lines_are_cut_again_for_a_wider_terminal(tmp_path):
    async with app_env(tmp_path, size=(80, 24)) as env:
        from tui.sandbox import mailbox

        index = mailbox.index(env.sandbox.state)
        person = max(env.sandbox.state.persons, key=lambda pid: index.count("person", pid))
        assert index.count("person", person) > 0
        env.app.open_person(person)
        await settle(env)
        await settle(env)
        screen = env.app.screen
        section = screen.query_one("#section-mail")
        assert screen.mail_rows
        narrow = max(len(str(section.get_option_at_index(i).prompt)) for i in range(section.option_count))
        await env.pilot.resize_terminal(160, 45)
        await settle(env)
        wide = max(len(str(section.get_option_at_index(i).prompt)) for i in range(section.option_count))
        assert wide > narrow
