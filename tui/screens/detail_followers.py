"""Followers (users) on the deal, person and organization screens and participants (persons) on
the deal's: `+` on either section adds one from the cache, `delete` removes the selected one,
`F` follows or unfollows it yourself. Changes go through the outbox; the lists are fetched once
per item and session (10 tokens each). A mixin of DetailScreen reaching it through `host`."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text

from tui.formatting import clean
from tui.screens.detail_section import Section
from tui.store.queries.followers import PartyRow
from tui.widgets import tones

if TYPE_CHECKING:  # the host screen, for types only (it imports this module)
    from tui.screens.detail_base import DetailScreen

PENDING = {"add": "  ⧗ adding", "remove": "  ⧗ removing"}


def party_text(row: PartyRow, mark: str) -> Text:
    text = Text.assemble((f"{mark} ", tones.INFO), clean(row.name))
    if row.pending:
        text.append(PENDING.get(row.pending, ""), style=tones.WARNING)
        if row.pending == "remove":
            text.stylize("strike", 0, len(mark) + 1 + len(clean(row.name)))
    return text


class DetailFollowers:
    followers: list[PartyRow] = []
    participants: list[PartyRow] = []
    followers_asked = False

    @property
    def host(self) -> DetailScreen:
        return cast("DetailScreen", self)

    def show_followers(self, followers: list[PartyRow], participants: list[PartyRow], me: int | None) -> None:
        host = self.host
        if not host.query("#section-followers"):
            return
        if not self.followers_asked:
            self.followers_asked = True
            host.run_worker(host.store.load_followers(host.ENTITY, host.entity_id), exit_on_error=False)
        self.followers = followers
        mine = any(f.ref_id == me and f.pending != "remove" for f in followers)
        host.set_title("followers", "Followers", len(followers), "you follow" if mine else "F follows")
        host.query_one("#section-followers", Section).fill(
            [(party_text(f, "★" if f.ref_id == me else "•"), ("follower", f.ref_id)) for f in followers],
            "No followers: + adds one, F follows",
        )
        if host.query("#section-participants"):
            self.participants = participants
            host.set_title("participants", "Participants", len(participants))
            host.query_one("#section-participants", Section).fill(
                [(party_text(p, "👤"), ("participant", p.id)) for p in participants], "No participants: + adds a person"
            )

    def add_party(self, section: str) -> None:
        from tui.screens.forms.party_form import PartyForm

        host = self.host
        name = host.entity_name()
        kind = "user" if section == "followers" else "person"
        title = f"Add a follower to “{name}”" if kind == "user" else f"Add a participant to “{name}”"

        async def chosen(ref_id: int | None) -> None:
            if ref_id is None:
                return
            if kind == "user":
                done = await host.store.follow(host.ENTITY, host.entity_id, ref_id, name)
            else:
                done = await host.store.add_participant(host.entity_id, ref_id, name) is not None
            if not done:
                host.notify("Already there", timeout=2)

        host.app.push_screen(PartyForm(kind, title), chosen)

    async def remove_party(self, section: str) -> None:
        host = self.host
        target = host.query_one(f"#section-{section}", Section).target
        if target is None:
            return
        name = host.entity_name()
        if section == "followers":
            await host.store.unfollow(host.ENTITY, host.entity_id, target[1], name)
        else:
            await host.store.remove_participant(host.entity_id, target[1], name)

    async def action_follow(self) -> None:
        """`F`: follow the item yourself, or stop following it."""
        host = self.host
        me = await host.store.me_id()
        if me is None:
            return
        name = host.entity_name()
        if any(f.ref_id == me and f.pending != "remove" for f in self.followers):
            await host.store.unfollow(host.ENTITY, host.entity_id, me, name)
            host.notify(f"You no longer follow “{name}”", timeout=2, markup=False)
        else:
            await host.store.follow(host.ENTITY, host.entity_id, me, name)
            host.notify(f"You follow “{name}”", timeout=2, markup=False)
