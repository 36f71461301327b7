"""The Mail section and the mail screen, driven as a user would: what the screen shows, what
the sandbox was asked, what open_url was given; hostile bodies shown literally, a 1 MB body
converted off the UI thread, a cached mailbox shown with the sandbox down."""

from __future__ import annotations

import contextlib
import threading
from urllib.parse import quote, unquote

from textual.widgets import OptionList, Static

from tests.conftest import FROZEN_NOW
from tests.support.env import AppEnv, app_env
from tests.support.reloads import open_deal_reloading, watch_ends
from tests.support.screen import screen_text
from tests.support.store_env import data_env
from tests.support.wait import settle
from tui.app import PipedriveApp
from tui.sandbox import Sandbox, mailbox
from tui.screens import mail as mail_screen
from tui.screens.mail import PAGE, LinkPicker, MailScreen

TOKEN = "t0k3n-for-tests"


def sandbox() -> Sandbox:
    return Sandbox(seed=7, deals=300, token=TOKEN, now=FROZEN_NOW)


def hostile(sb: Sandbox) -> dict:
    return next(m for m in sb.state.mail_messages.values() if "[bold red]" in m["_body"])


def big(sb: Sandbox) -> dict:
    return max(sb.state.mail_messages.values(), key=lambda m: len(m["_body"]))


def deal_of(sb: Sandbox, message: dict) -> int:
    return sb.state.mail_threads[message["mail_thread_id"]]["deal_id"]


async def open_deal(env: AppEnv, deal_id: int):
    env.app.open_deal(deal_id)
    await settle(env)
    await settle(env)
    return env.app.screen


async def open_message(env: AppEnv, screen, message_id: int) -> MailScreen:
    """Focus the Mail section, move to the message, press enter."""
    section = screen.query_one("#section-mail", OptionList)
    section.focus()
    await env.pilot.pause()
    index = [t[1] for t in section.targets].index(message_id)
    for _ in range(index):
        await env.pilot.press("down")
    await env.pilot.press("enter")
    await settle(env)
    mail = env.app.screen
    assert isinstance(mail, MailScreen)
    return mail


def body_text(mail: MailScreen) -> str:
    return str(mail.query_one("#mail-body", Static).render())


async def test_section_lists_the_deal_mail_newest_first_and_the_hostile_body_shows_literally(tmp_path):
    sb = sandbox()
    message = hostile(sb)
    deal_id = deal_of(sb, message)
    async with app_env(tmp_path, sandbox=sb) as env:
        screen = await open_deal(env, deal_id)
        expected = mailbox.of_item(sb.state, "deal", deal_id)
        section = screen.query_one("#section-mail", OptionList)
        assert [t[1] for t in section.targets] == [m["id"] for m in expected]  # newest first
        section.focus()  # scrolled into view
        await settle(env)
        shown = screen_text(env.app)
        assert f"Mail · {len(expected)}" in shown
        assert "[bold red]URGENT[/]" in shown  # the snippet, as typed characters
        mail = await open_message(env, screen, message["id"])
        assert sb.counters.by_path.get("GET /api/v1/mailbox/mailThreads/{id}/mailMessages") == 1
        text = body_text(mail)
        assert "[bold red]URGENT[/] please read [link=https://evil.example/]this[/link] now" in text
        assert "\x1b" not in text and "\u202e" not in text and "alert(" not in text
        assert "日本語のテキスト 🎉" in text
        screen_shot = screen_text(env.app)
        assert "[bold red]URGENT[/]" in screen_shot and "\x1b" not in screen_shot
        assert "\x1b" not in env.app.export_screenshot()
        # the thread's messages are listed, the opened one marked
        assert len(mail.rows) == len(mailbox.thread_messages(sb.state, message["mail_thread_id"]))
        await env.pilot.press("escape")
        await settle(env)
        assert env.app.screen is screen and screen.focused is section  # back where it was


async def test_quotes_folded_links_listed_and_opened_reply_through_mailto(tmp_path, monkeypatch):
    sb = sandbox()
    message = hostile(sb)
    deal_id = deal_of(sb, message)
    async with app_env(tmp_path, sandbox=sb) as env:
        opened: list[str] = []
        monkeypatch.setattr(env.app, "open_url", lambda url, **_kw: opened.append(url))
        screen = await open_deal(env, deal_id)
        mail = await open_message(env, screen, message["id"])
        folded = body_text(mail)
        assert "quoted lines hidden" in folded and "Hi Alex," not in folded  # the quoted reply
        assert "wrote:" in folded  # the line introducing the quote stays
        await env.pilot.press("z")
        await env.pilot.pause()
        unfolded = body_text(mail)
        assert "Hi Alex," in unfolded and "quoted lines hidden" not in unfolded
        assert "the proposal [1]" in unfolded and "[1] https://docs.example.com/proposal/" in unfolded
        await env.pilot.press("o")
        await settle(env)
        assert isinstance(env.app.screen, LinkPicker)
        await env.pilot.press("2", "enter")
        await settle(env)
        assert opened == [mail.bodies[message["id"]].links[1]] and opened[0].startswith("https://calendar.example.com/")
        await env.pilot.press("r")
        await env.pilot.pause()
        sender = message["from"][0]["email_address"]
        assert opened[-1].startswith(f"mailto:{sender}?subject=")
        assert unquote(opened[-1].split("subject=", 1)[1]) == message["subject"]  # already "Re: …", not doubled
        assert " " not in opened[-1]  # URL-encoded


async def test_r_on_the_section_replies_to_the_selected_message(tmp_path, monkeypatch):
    sb = sandbox()
    message = hostile(sb)
    person_id = message["from"][0]["linked_person_id"]
    async with app_env(tmp_path, sandbox=sb) as env:
        opened: list[str] = []
        monkeypatch.setattr(env.app, "open_url", lambda url, **_kw: opened.append(url))
        env.app.open_person(person_id)
        await settle(env)
        await settle(env)
        screen = env.app.screen
        section = screen.query_one("#section-mail", OptionList)
        section.focus()
        await env.pilot.pause()
        first = mailbox.of_item(sb.state, "person", person_id)[0]
        await env.pilot.press("r")
        await env.pilot.pause()
        to = first["to"][0]["email_address"] if first["sent_flag"] else first["from"][0]["email_address"]
        subject = first["subject"] if first["subject"].startswith("Re:") else "Re: " + first["subject"]
        assert opened == [f"mailto:{to}?subject={quote(subject, safe='')}"]


async def test_a_1_mb_body_is_converted_off_the_ui_thread_and_paged(tmp_path, monkeypatch):
    sb = sandbox()
    message = big(sb)
    assert len(message["_body"]) >= 1_000_000
    gate = threading.Event()
    threads: list[int] = []
    real = mail_screen.convert

    def slow_convert(html: str):
        threads.append(threading.get_ident())
        gate.wait(10)
        return real(html)

    monkeypatch.setattr(mail_screen, "convert", slow_convert)
    async with app_env(tmp_path, sandbox=sb) as env:
        screen = await open_deal(env, deal_of(sb, message))
        section = screen.query_one("#section-mail", OptionList)
        section.focus()
        await env.pilot.pause()
        index = [t[1] for t in section.targets].index(message["id"])
        for _ in range(index):
            await env.pilot.press("down")
        await env.pilot.press("enter")
        for _ in range(50):  # until the conversion has started (the body was fetched)
            await env.pilot.pause(0.02)
            if threads:
                break
        mail = env.app.screen
        assert isinstance(mail, MailScreen) and threads and threads[0] != threading.get_ident()
        assert "Converting a large message" in body_text(mail)
        # the screen answers keys while the body converts
        thread_list = mail.query_one("#mail-thread", OptionList)
        thread_list.focus()
        await env.pilot.pause()
        before = thread_list.highlighted
        await env.pilot.press("up")
        await env.pilot.pause()
        assert thread_list.highlighted == before - 1 and mail.body_state == "converting"
        gate.set()
        await settle(env)
        assert mail.body_state == "shown" and mail.pages > 1
        first_page = body_text(mail)
        assert (
            f"page 1 of {mail.pages}" in first_page and first_page.count("\n") < 2 * PAGE
        )  # a page and the links it cites, not 8000 lines
        assert "Section 1:" in first_page and "Section 2000:" not in first_page
        await env.pilot.press("right_square_bracket")
        await env.pilot.pause()
        assert f"page 2 of {mail.pages}" in body_text(mail) and "Section 1:" not in body_text(mail)


@contextlib.asynccontextmanager
async def app_on(tmp_path, sb: Sandbox):
    """The app on an existing cache, without a first sync (the store as a returning user's)."""
    async with data_env(tmp_path, sandbox=sb, sync=False) as env:
        app = PipedriveApp(env.store, profile_label="test", start_store=False)
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.pause()
            yield AppEnv(env.sandbox, env.client, env.store, env.path, app, pilot)


async def test_a_cached_mailbox_shows_with_the_sandbox_down(tmp_path):
    sb = sandbox()
    message = hostile(sb)
    deal_id = deal_of(sb, message)
    async with app_env(tmp_path, sandbox=sb) as env:
        screen = await open_deal(env, deal_id)
        await open_message(env, screen, message["id"])
    sb.faults.configure(rate=1.0, kinds=("drop_before",))  # Pipedrive cannot be reached
    requests = sb.counters.requests
    async with app_on(tmp_path, sb) as env:
        screen = await open_deal(env, deal_id)
        section = screen.query_one("#section-mail", OptionList)
        assert [t[1] for t in section.targets] == [m["id"] for m in mailbox.of_item(sb.state, "deal", deal_id)]
        mail = await open_message(env, screen, message["id"])
        assert "[bold red]URGENT[/]" in body_text(mail)
        assert sb.counters.requests == requests  # nothing reached the sandbox


async def test_refetch_only_when_the_mail_figures_change(tmp_path):
    sb = sandbox()
    message = hostile(sb)
    deal_id = deal_of(sb, message)
    key = "GET /api/v1/deals/{id}/mailMessages"
    async with app_env(tmp_path, sandbox=sb) as env:
        screen = await open_deal(env, deal_id)
        assert sb.counters.by_path.get(key) == 1
        await env.pilot.press("escape")
        await settle(env)
        screen = await open_deal(env, deal_id)  # shown again, nothing changed
        await env.store.sync_now()
        await settle(env)
        assert sb.counters.by_path.get(key) == 1
        sb.advance(60)
        from tui.sandbox.state import rfc3339

        now = rfc3339(sb.now())
        new = mailbox.deliver(
            sb.state,
            message["mail_thread_id"],
            {**message, "subject": "Re: the newest", "message_time": now[:19] + ".000Z", "_body": "<p>new</p>"},
            now,
        )
        await env.store.sync_now()  # the deal comes back with its new figures; the screen shows them
        await settle(env)
        await settle(env)
        assert sb.counters.by_path.get(key) == 2
        section = screen.query_one("#section-mail", OptionList)
        assert section.targets[0] == ("mail", new["id"])
        section.focus()  # scrolled into view
        await settle(env)
        assert "Re: the newest" in screen_text(env.app)


async def test_a_reload_while_the_mail_is_fetched_does_not_cancel_the_fetch(tmp_path):
    """As the files' (tests/test_files_screen.py): a change the deal screen rereads while its
    mail is on the wire lets that fetch end and show the messages; none is sent twice."""
    sb = sandbox()
    deal_id = deal_of(sb, hostile(sb))
    async with app_env(tmp_path, sandbox=sb) as env:
        ends = watch_ends(env.store, "load_mail")
        await open_deal_reloading(env, deal_id)
        await settle(env)
        await settle(env)
        assert "cancelled" not in ends and ends.count("fetched") == 1, ends
        assert sb.counters.by_path.get("GET /api/v1/deals/{id}/mailMessages") == 1
        section = env.app.screen.query_one("#section-mail", OptionList)
        assert section.targets and section.targets[0][0] == "mail"
