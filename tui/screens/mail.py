"""A mail thread (enter on a message of a Mail section): the thread's messages at the top
(enter shows one), the selected message's header and its body as readable text below.

The body (fetched once, 2 tokens, then cached: tui/store/mail.py) is converted from HTML by
tui/mail_text.py in a worker thread (a 1 MB body takes about half a second: the screen keeps
answering keys meanwhile) and shown a page of PAGE lines at a time (] and [ turn pages), so
no frame lays out a megabyte of text. Quoted replies are folded into one line (z shows them);
links are numbered in the text and listed under it (o picks one and opens it); r opens the
user's mail client on a reply (mailto:, through the app's open_url). Every string from the
server is shown through `clean` / `strip_control` as Text, never as markup.
"""

from __future__ import annotations

import asyncio
import re
from datetime import datetime
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.events import Key
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui import styles
from tui.api.errors import ApiError
from tui.formatting import clean
from tui.keymap import mail as mail_keys
from tui.mail_text import Line, MailText, convert, reply_url
from tui.screens.base import AppModal, AppScreen
from tui.store.queries.mail import MailRow, one_message, thread_messages
from tui.widgets import tones
from tui.widgets.key_bar import KeyBar
from tui.widgets.scrollbars import ScrollBody
from tui.widgets.status_bar import StatusBar

PAGE = 200  # body lines per page
_CITED = re.compile(r"\[(\d+)\]")


def local_time(stamp: str | None, zone: Any) -> str:
    if not stamp:
        return "—"
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(zone).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return clean(stamp)[:16]


def who(row: MailRow) -> str:
    return clean(row.sender_name) or clean(row.sender) or "—"


def counterpart(row: MailRow) -> str:
    """Who a list shows for a message: its sender, or "→ recipient" for the user's own."""
    if not row.sent:
        return who(row)
    first = clean(row.recipients.split(",")[0])
    return "→ " + (first.split(" <")[0] if " <" in first else first or "—")


def shown_lines(body: MailText, folded: bool) -> list[Line]:
    """The body's lines, each run of quoted lines as one line saying how many when folded."""
    if not folded:
        return body.lines
    out: list[Line] = []
    run = 0
    for line in [*body.lines, Line("")]:
        if line.quoted:
            run += 1
            continue
        if run:
            out.append(Line(f"··· {run} quoted line{'s' if run > 1 else ''} hidden (z shows them)", quoted=True, intro=True))
            run = 0
        out.append(line)
    return out[:-1]


def page_text(lines: list[Line], links: list[str], page: int, pages: int) -> Text:
    """One page of lines as Text (literal strings, styled), then the links cited on it."""
    chunk = lines[page * PAGE : (page + 1) * PAGE]
    parts: list[Text] = []
    for line in chunk:
        if line.intro and line.quoted:  # a folded run
            parts.append(Text(line.text, style=tones.INFO))
        elif line.quoted:
            parts.append(Text("│ " + line.text, style=tones.MUTED))
        elif line.intro:
            parts.append(Text(line.text, style=tones.MUTED))
        else:
            parts.append(Text(line.text))
    text = Text("\n").join(parts)
    cited = sorted({int(n) for line in chunk for n in _CITED.findall(line.text) if 0 < int(n) <= len(links)})
    if cited:
        text.append("\n\nLinks (o opens one)\n", style=tones.MUTED)
        text.append_text(Text("\n").join(Text.assemble((f"[{n}] ", tones.INFO), clean(links[n - 1])) for n in cited))
    if pages > 1:
        text.append(f"\n\npage {page + 1} of {pages}  ·  ] next page  ·  [ previous page", style=tones.MUTED)
    return text


class LinkPicker(AppModal[str | None]):
    """The body's links by number: type the number (or move to it), enter opens it."""

    BINDINGS = mail_keys.LINK_BINDINGS
    CSS_PATH = styles.path("mail.tcss")

    def __init__(self, links: list[str]) -> None:
        super().__init__()
        self.links = links
        self.typed = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="link-box"):
            yield Static(Text("Open a link: type its number or move to it, then enter", style=tones.MUTED), id="link-help")
            yield OptionList(
                *[Option(Text.assemble((f"[{i}] ", tones.INFO), clean(url))) for i, url in enumerate(self.links, 1)], id="link-list"
            )

    def on_mount(self) -> None:
        self.query_one("#link-list", OptionList).focus()

    def on_key(self, event: Key) -> None:
        if event.character and event.character.isdigit():
            event.stop()
            self.typed = (self.typed + event.character)[-6:]
            number = int(self.typed)
            if not 0 < number <= len(self.links):
                self.typed = event.character
                number = int(self.typed)
            if 0 < number <= len(self.links):
                self.query_one("#link-list", OptionList).highlighted = number - 1

    @on(OptionList.OptionSelected, "#link-list")
    def picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.links[event.option_index])

    def action_close(self) -> None:
        self.dismiss(None)


class MailScreen(AppScreen):
    WATCHES = frozenset({"mail_messages"})
    CSS_PATH = styles.path("mail.tcss")
    BINDINGS = mail_keys.BINDINGS
    HELP_TITLE = "Mail"

    def __init__(self, thread_id: int | None, message_id: int, subject: str = "") -> None:
        super().__init__()
        self.thread_id = thread_id
        self.message_id = message_id
        self.subject = subject
        self.rows: list[MailRow] = []
        self.bodies: dict[int, MailText] = {}  # converted bodies of this visit
        self.folded = True
        self.page = 0
        self.body_state = "loading"  # loading | converting | shown | missing

    def compose(self) -> ComposeResult:
        yield Static(id="mail-header")
        yield OptionList(id="mail-thread")
        yield Static(id="mail-meta")
        with ScrollBody(id="mail-scroll"):
            yield Static(id="mail-body")
        yield StatusBar()
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#mail-header", Static).update(Text(clean(self.subject) or "(no subject)", style="bold"))
        self.reload()
        self.fetch_thread()
        self.show_message(self.message_id)

    # -- the thread ---------------------------------------------------------------------------

    @work(exclusive=True, group="mail-reload", exit_on_error=False)
    async def reload(self) -> None:
        rows = await self.store.read(thread_messages, self.thread_id) if self.thread_id is not None else []
        if not any(r.id == self.message_id for r in rows):  # a message without a thread id
            rows = sorted([*rows, *await self.store.read(one_message, self.message_id)], key=lambda r: (r.message_time or "", r.id))
        self.rows = rows
        zone = self.store.clock.zone
        thread = self.query_one("#mail-thread", OptionList)
        thread.clear_options()
        width = max(self.size.width - 4, 40)
        thread.add_options([Option(self.thread_line(r, zone, width)) for r in rows])
        index = next((i for i, r in enumerate(rows) if r.id == self.message_id), None)
        if index is not None:
            thread.highlighted = index
        self.show_meta()

    def thread_line(self, r: MailRow, zone: Any, width: int) -> Text:
        """One line per message (an option would wrap): marked if shown, date, who, snippet."""
        text = Text.assemble(
            ("● " if r.id == self.message_id else "  ", tones.INFO),
            (local_time(r.message_time, zone) + "  ", tones.MUTED),
            counterpart(r)[:24].ljust(25),
            (clean(r.snippet)[:200], tones.MUTED),
        )
        text.truncate(width, overflow="ellipsis")
        return text

    @work(exclusive=True, group="mail-thread", exit_on_error=False)
    async def fetch_thread(self) -> None:
        if self.thread_id is None:
            return
        try:
            await self.store.load_thread(self.thread_id)
        except ApiError as exc:
            self.notify(f"Thread not loaded (showing the cache): {exc.message}", severity="warning", timeout=4, markup=False)

    @on(OptionList.OptionSelected, "#mail-thread")
    def pick(self, event: OptionList.OptionSelected) -> None:
        if 0 <= event.option_index < len(self.rows):
            self.message_id = self.rows[event.option_index].id
            self.reload()
            self.show_message(self.message_id)

    @property
    def current(self) -> MailRow | None:
        return next((r for r in self.rows if r.id == self.message_id), None)

    def show_meta(self) -> None:
        row = self.current
        meta = self.query_one("#mail-meta", Static)
        if row is None:
            meta.update("")
            return
        meta.update(
            Text.assemble(
                ("From  ", tones.MUTED),
                who(row),
                (f"  <{clean(row.sender)}>" if row.sender and row.sender_name else "", tones.MUTED),
                ("\nTo    ", tones.MUTED),
                clean(row.recipients) or "—",
                ("\nDate  ", tones.MUTED),
                local_time(row.message_time, self.store.clock.zone),
                ("\nSubj  ", tones.MUTED),
                (clean(row.subject) or "(no subject)", "bold"),
            )
        )

    # -- the body -------------------------------------------------------------------------------

    @work(exclusive=True, group="mail-body", exit_on_error=False)
    async def show_message(self, message_id: int) -> None:
        body = self.query_one("#mail-body", Static)
        converted = self.bodies.get(message_id)
        if converted is None:
            self.body_state = "loading"
            body.update(Text("Loading the message…", style=tones.MUTED))
            try:
                html = await self.store.mail_body(message_id)
            except ApiError as exc:
                self.body_state = "missing"
                body.update(
                    Text(f"This message's body is not in the cache and Pipedrive cannot be reached: {exc.message}", style=tones.ERROR)
                )
                return
            if html is None:
                self.body_state = "missing"
                body.update(Text("This message's body is not in the cache (offline).", style=tones.MUTED))
                return
            self.body_state = "converting"
            if len(html) > 100_000:
                body.update(Text(f"Converting a large message ({len(html) // 1024} KB)…", style=tones.MUTED))
            converted = await asyncio.to_thread(convert, html)  # never on the UI's thread
            self.bodies[message_id] = converted
        if message_id != self.message_id:
            return
        self.page = 0
        self.body_state = "shown"
        self.render_body()

    @property
    def body(self) -> MailText | None:
        return self.bodies.get(self.message_id)

    def lines(self) -> list[Line]:
        return shown_lines(self.body, self.folded) if self.body else []

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.lines()) // PAGE))

    def render_body(self) -> None:
        body = self.body
        if body is None:
            return
        lines = self.lines()
        self.page = min(self.page, self.pages - 1)
        text = page_text(lines, body.links, self.page, self.pages) if lines else Text("(empty message)", style=tones.MUTED)
        self.query_one("#mail-body", Static).update(text)
        self.query_one("#mail-scroll", VerticalScroll).scroll_home(animate=False)

    # -- keys -------------------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_toggle_quotes(self) -> None:
        if self.body is None or not self.body.quoted_count:
            self.notify("No quoted text in this message", timeout=2)
            return
        self.folded = not self.folded
        self.render_body()

    def action_page(self, delta: int) -> None:
        target = self.page + delta
        if self.body is None or not 0 <= target < self.pages:
            self.app.bell()
            return
        self.page = target
        self.render_body()

    def action_scroll_body(self, delta: int) -> None:
        scroll = self.query_one("#mail-scroll", VerticalScroll)
        scroll.scroll_relative(y=delta * 3, animate=False)

    def action_links(self) -> None:
        body = self.body
        if body is None or not body.links:
            self.notify("No links in this message", timeout=2)
            return

        def opened(url: str | None) -> None:
            if url:
                self.app.open_url(url)

        self.app.push_screen(LinkPicker(body.links), opened)

    def action_reply(self) -> None:
        row = self.current
        if row is None:
            self.app.bell()
            return
        self.app.open_url(reply_url(row.sender, row.recipients, row.subject, row.sent))
