"""Keys are handled one at a time, in the order they were typed.

Textual forwards each key from the app's queue to the focused widget's queue at once and
runs ordinary bindings (ctrl+s in a form, `tab`, an Input's `end` or `backspace`) only when
the key has bubbled back up to the app. In a burst (fast typing, `tmux send-keys`, a pasted
string) the keys after such a binding reach the widget before the binding runs: "Fast",
Tab, "XY" lands "FastXY" in one field, and `end` then " more" replaces the text instead of
appending to it.

`OrderedKeys` (an App mixin) keeps the next key back until the previous one is done: each
forwarded key is followed along its path by a `KeyDone` marker posted to the same widget;
a widget handles its queue in order and bubbles both the same way, so when the marker
reaches the app every handler and binding of that key has run. Keys that arrive meanwhile
wait in a backlog. A key whose marker cannot arrive (its widget was removed on the way)
stops blocking at once; one whose marker is merely slow, after KEY_WAIT seconds.
"""

from __future__ import annotations

import time
from collections import deque
from typing import TYPE_CHECKING, Any, cast

from textual import events
from textual.message import Message
from textual.timer import Timer

if TYPE_CHECKING:
    from textual.app import App

KEY_WAIT = 2.0  # seconds a key may hold the next one back (a busy machine can be slow)
SCREEN_WAIT = 1.0  # seconds keys wait for a screen that is not ready for them yet
POLL = 0.02


class KeyDone(Message):
    """Follows a forwarded key (or paste) up the DOM; handled by the app."""

    def __init__(self, event: events.Event) -> None:
        super().__init__()
        self.event = event


class OrderedKeys:
    """Mix into an App before `App` in the bases.

    A screen that takes typed text can define `ready_for_keys() -> bool` (e.g. "my editor
    has focus"): keys typed right after the key that opened it wait for it instead of being
    dropped on a screen whose editor is not focused yet.
    """

    @property
    def host(self) -> App[Any]:
        """The app this is mixed into, typed."""
        return cast("App[Any]", self)

    _key_in_flight: events.Event | None = None
    _key_target: object = None
    _key_since: float = 0.0
    _key_timer: Timer | None = None
    _screen_wait_since: float | None = None
    _hold_from: object = None  # the screen an action is replacing with one it is still loading
    _hold_since: float = 0.0

    @property
    def _key_backlog(self) -> deque[events.Event]:
        backlog = self.__dict__.get("_ordered_backlog")
        if backlog is None:
            backlog = self.__dict__["_ordered_backlog"] = deque()
        return backlog

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            self._key_backlog.append(event)
            await self._pump_keys()
            return
        await super().on_event(event)  # type: ignore[misc]

    def hold_keys_for_screen(self) -> None:
        """An action opens a screen that a worker is still loading (a form reads the cache
        first): keys typed meanwhile wait for that screen (at most SCREEN_WAIT) instead of
        running on the screen below, where "Fast" typed after `a` used to be lost."""
        self._hold_from = self.host.screen
        self._hold_since = time.monotonic()

    def _screen_ready(self) -> bool:
        if self._hold_from is not None:
            if self.host.screen is self._hold_from and time.monotonic() - self._hold_since < SCREEN_WAIT:
                return False
            self._hold_from = None
        check = getattr(self.host.screen, "ready_for_keys", None)
        return check is None or bool(check())

    async def _pump_keys(self) -> None:
        while self._key_backlog:
            now = time.monotonic()
            if self._key_in_flight is not None:
                target = self._key_target
                alive = getattr(target, "is_attached", False) and not getattr(target, "_closing", False)
                if alive and now - self._key_since < KEY_WAIT:
                    self._arm_key_timer(POLL)
                    return
                self._key_in_flight = None  # its marker cannot come (or is too late): go on
            if not self._screen_ready():
                if self._screen_wait_since is None:
                    self._screen_wait_since = now
                if now - self._screen_wait_since < SCREEN_WAIT:
                    self._arm_key_timer(POLL)
                    return
            self._screen_wait_since = None
            event = self._key_backlog.popleft()
            await super().on_event(event)  # type: ignore[misc]  # priority bindings, else forward
            if event.is_forwarded:
                target = self.host.focused or self.host.screen
                self._key_in_flight = event
                self._key_target = target
                self._key_since = time.monotonic()
                target.post_message(KeyDone(event).set_sender(target))

    async def on_key_done(self, message: KeyDone) -> None:
        message.stop()
        if message.event is self._key_in_flight:
            self._key_in_flight = None
            await self._pump_keys()

    def _arm_key_timer(self, delay: float) -> None:
        if self._key_timer is None:
            self._key_timer = self.host.set_timer(delay, self._key_timeout)

    async def _key_timeout(self) -> None:
        self._key_timer = None
        await self._pump_keys()
