"""The Mail section of the deal, person and organization screens (a mixin of DetailScreen,
reaching the screen through a typed `host`): the item's messages newest first (date, from,
subject, snippet), a count in the title; enter opens the thread (tui/screens/mail.py), r on
a message opens the user's mail client on a reply.

The list comes from the cache at once; `store.load_mail` fetches it when the screen is
first shown and again only when the item's mail figures changed (20 tokens; see
tui/store/mail.py), so a cached mailbox shows offline and an unchanged one costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text

from tui.api.errors import ApiError
from tui.formatting import clean
from tui.keymap import mail as mail_keys
from tui.mail_text import reply_url
from tui.screens.detail_section import Section
from tui.screens.mail import MailScreen, counterpart, local_time
from tui.store.queries.mail import MailRow
from tui.widgets import tones

if TYPE_CHECKING:  # the host screen, for types only (it imports this module)
    from tui.screens.detail_base import DetailScreen


class MailSection(Section):
    """The Mail section: a Section with r (reply) on the selected message."""

    BINDINGS = [*Section.BINDINGS, *mail_keys.SECTION_BINDINGS]

    def action_reply(self) -> None:
        screen = self.screen
        if isinstance(screen, DetailMail):
            screen.reply_mail()


def mail_line(row: MailRow, zone: object, width: int) -> Text:
    """Date, who (→ the recipient of the user's own), subject, snippet: one line, cut to fit."""
    text = Text.assemble(
        (local_time(row.message_time, zone)[:10] + "  ", tones.MUTED),
        (counterpart(row)[:22].ljust(23), "" if row.sent else tones.INFO),
        (clean(row.subject)[:60] or "(no subject)", "bold"),
        ("  " + clean(row.snippet)[:160], tones.MUTED),
    )
    text.truncate(max(width, 40), overflow="ellipsis")  # one line each (an option would wrap)
    return text


class DetailMail:
    """The item's mail: the section, its fetch, opening a thread, replying."""

    mail_rows: list[MailRow] = []
    mail_width = 0  # the screen width the rows were cut for
    mail_warned = False  # one notice per screen when the fetch fails (the cache stays shown)

    @property
    def host(self) -> DetailScreen:
        return cast("DetailScreen", self)

    def make_section(self, name: str) -> Section:
        return MailSection(name) if name == "mail" else Section(name)

    def show_mail(self, rows: list[MailRow]) -> None:
        """The cached messages at once; then, in a worker, Pipedrive's when the item's mail figures changed."""
        if self.host.query("#section-mail"):
            self.fill_mail(rows)
            self.host.mail_fetch.ask(self.host, self.fetch_mail)

    async def fetch_mail(self) -> None:
        host = self.host
        try:
            await host.store.load_mail(host.ENTITY, host.entity_id)  # DataChanged shows what it brought
        except ApiError as exc:
            if not self.mail_warned:
                self.mail_warned = True
                host.notify(f"Mail not loaded (showing the cache): {exc.message}", severity="warning", timeout=4, markup=False)

    def fill_mail(self, rows: list[MailRow]) -> None:
        host = self.host
        self.mail_rows = rows
        received = sum(not r.sent for r in rows)
        host.set_title("mail", "Mail", len(rows), f"{received} received, {len(rows) - received} sent" if rows else "")
        zone = host.store.clock.zone
        self.mail_width = host.size.width
        width = host.size.width - 8  # the body's padding, the section's border and scrollbar
        host.query_one("#section-mail", Section).fill([(mail_line(r, zone, width), ("mail", r.id)) for r in rows], "No mail")

    def open_mail(self, message_id: int) -> None:
        row = next((r for r in self.mail_rows if r.id == message_id), None)
        if row is None:
            return
        self.host.app.push_screen(MailScreen(row.thread_id, row.id, row.subject))

    def reply_mail(self) -> None:
        target = self.host.query_one("#section-mail", Section).target
        row = next((r for r in self.mail_rows if target and r.id == target[1]), None)
        if row is None:
            self.host.app.bell()
            return
        self.host.app.open_url(reply_url(row.sender, row.recipients, row.subject, row.sent))
