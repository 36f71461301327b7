"""The command palette (ctrl+p) knows the data and the keys.

`DataCommands`: "go to" any deal, person or organization by name, from the same cache query
as the search screen (tui/store/queries/search.py).
`ActionCommands`: every action of the screen the palette was opened on and every global one,
each with its key as the user's [keys] table has it; plus what has no single key: each
pipeline, each owner filter of the board, the agenda's week view, the sections without a
number key (products, archived deals).
Server text is shown as plain Content, never as markup.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

from tui.formatting import clean, money
from tui.keymap.app import BINDINGS as APP_BINDINGS
from tui.screens.help import MOVES
from tui.screens.keys import display_keys, keys_by_id
from tui.sections import SECTIONS
from tui.store.queries import board as board_q
from tui.store.queries.search import Hit as SearchHit
from tui.store.queries.search import search
from tui.screens.search import open_hit

KIND_LABEL = {"deal": "deal", "person": "person", "organization": "organization", "lead": "lead"}
SCORES = (1.0, 0.95, 0.9, 0.8)  # exact, prefix, word, elsewhere (Textual orders hits by score)


def _context(hit: SearchHit) -> str:
    if hit.kind == "deal":
        parts = [hit.stage, money(hit.value, hit.currency) if hit.value else None, hit.org or hit.person]
        if hit.status and hit.status != "open":
            parts.append(hit.status)
    elif hit.kind == "person":
        parts = [hit.org, hit.email]
    elif hit.kind == "lead":
        parts = [money(hit.value, hit.currency) if hit.value else None, hit.org or hit.person]
    else:
        parts = [hit.address]
    return " · ".join(clean(p) for p in parts if p)


class DataCommands(Provider):
    """Open a deal, person or organization by (part of) its name, e-mail, phone …"""

    async def search(self, query: str) -> Hits:
        app: Any = self.app
        if app.store is None or len(query.strip()) < 2:
            return
        results = await app.store.read(search, query, 5, ("deal", "person", "organization", "lead"))
        for n, hit in enumerate(results.hits):
            title = f"Open {KIND_LABEL[hit.kind]}: {clean(hit.title)}"
            yield Hit(
                SCORES[hit.match] - n * 0.001,
                Content(title),
                partial(open_hit, app, hit),
                text=title,
                help=escape(_context(hit)) or None,
            )

    async def discover(self) -> Hits:
        app: Any = self.app
        key = keys_by_id(self.screen).get("app.search", "")
        yield DiscoveryHit(
            Content("Search deals, people and organizations…"),
            app.action_search,
            text="Search",
            help=escape(f"{key} · or type a name here") if key else "type a name here",
        )


def _highlight(matcher: Any, title: str) -> Content:
    """The matcher's highlight, without reading the title as markup (a pipeline named "[x]")."""
    content = Content(title)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, title)
    for offset in offsets:
        if not title[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


def _run(node: Any, action: str) -> Callable[[], Awaitable[Any]]:
    async def run() -> None:
        await node.app.run_action(action, node)

    return run


class ActionCommands(Provider):
    """The keys of the current screen and of the app, and choices that have no single key."""

    def _commands(self) -> list[tuple[str, str, Callable[[], Any]]]:
        screen = self.screen
        keys = keys_by_id(screen)
        titles = {f"section('{s.mode}')": f"Go to {s.title}" for s in SECTIONS}
        own: list[tuple[str, str, Callable[[], Any]]] = []
        everywhere: list[tuple[str, str, Callable[[], Any]]] = []
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if (
                not binding.id
                or binding.id in seen
                or not binding.description
                or binding.id == "app.palette"
                or binding.id.rsplit(".", 1)[-1] in MOVES
            ):
                continue
            seen.add(binding.id)
            title = titles.get(binding.action, binding.description)
            entry = (title, f"{keys[binding.id]} · {binding.id}", _run(active.node, binding.action))
            (everywhere if binding.id.startswith("app.") else own).append(entry)
        return own + everywhere + self._choices(keys)

    def _choices(self, keys: dict[str, str]) -> list[tuple[str, str, Callable[[], Any]]]:
        from tui.keymap.agenda import BINDINGS as AGENDA
        from tui.keymap.board import BINDINGS as BOARD

        def key(binding_id: str, bindings: list[Any]) -> str:
            if binding_id in keys:  # active on this screen: as shown there
                return keys[binding_id]
            binding = next(b for b in bindings if b.id == binding_id)
            return display_keys(self.app, binding, getattr(self.app, "user_keymap", {}).get(binding_id))

        out: list[tuple[str, str, Callable[[], Any]]] = [
            (
                f"Pipeline: {clean(name)}",
                f"{key('board.pipeline', BOARD)} on the board · board.pipeline",
                partial(self._board, "show_pipeline", pid),
            )
            for pid, name in self._pipelines
        ]
        out += [
            (
                f"Show deals of: {clean(label)}",
                f"{key('board.owner', BOARD)} on the board · board.owner",
                partial(self._board, "show_owner", label, uid),
            )
            for label, uid in self._owners
        ]
        out.append(("Agenda: week view", f"{key('agenda.week', AGENDA)} in the agenda · agenda.week", self._week))
        keyed = {b.action for b in APP_BINDINGS if isinstance(b, Binding)}
        out += [
            (f"Go to {s.title}", "no key: here, in the palette", partial(self._section, s.mode))
            for s in SECTIONS
            if f"section('{s.mode}')" not in keyed
        ]
        return out

    async def _section(self, mode: str) -> None:
        app: Any = self.app
        app.action_section(mode)

    async def startup(self) -> None:
        app: Any = self.app
        self._pipelines: list[tuple[int, str]] = []
        self._owners: list[tuple[str, int | None]] = []
        if app.store is None:
            return
        self._pipelines = [(p.id, p.name) for p in await app.store.read(board_q.pipelines)]
        me = await app.store.me_id()
        users = await app.store.read(board_q.users)
        self._owners = [("everyone", None), ("me", me)] + [(u.name, u.id) for u in users if not u.is_you]

    async def _board(self, method: str, *args: Any) -> None:
        app: Any = self.app
        await app.switch_mode("board")
        getattr(app.screen, method)(*args)

    async def _week(self) -> None:
        app: Any = self.app
        await app.switch_mode("agenda")
        if not app.screen.week_mode:
            app.screen.action_week()

    async def discover(self) -> Hits:
        for title, help_text, command in self._commands():
            yield DiscoveryHit(Content(title), command, text=title, help=escape(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, command in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score * 0.9, _highlight(matcher, title), command, text=title, help=escape(help_text))
