"""The `/` text filter of a screen (board, agenda, lists): hidden until asked for.

Typing filters at once, every key (DEBOUNCE = 0: no fixed wait; the screens reload in an
exclusive worker, so a newer key cancels the read still queued for an older one, and the one
in flight is the only one it waits for); enter keeps the filter and gives the keys back to the screen; escape clears and
hides it. The screen listens to FilterBar.TextChanged (the text to filter by, "" = none) and
FilterBar.Closed (focus back to its list), and calls `shown(text)` once its list shows a
text's result: until then, keys typed after enter ("/ann", enter, "j") wait (`holds_keys`),
so `j` moves in the filtered list, not in the one it replaces.
"""

from __future__ import annotations

import time

from textual import events, on
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input

DEBOUNCE = 0.0  # seconds after the last key; 0: each key filters at once
HOLD = 2.0  # seconds at most that keys wait for a filtered result (a failed reload never says)


class FilterBar(Input):
    # Textual's Input sets its virtual size on every change and the next layout sets it back,
    # so each key typed ran a layout pass of the screen, which repainted every board column's
    # scrollbar (234 lines, ~60 ms at 100k deals, while the filter's read waited on it). The box
    # is one line of a fixed width: its virtual size needs a repaint, never a layout.
    virtual_size = Reactive(Size(0, 0), layout=False)

    class TextChanged(Message):
        def __init__(self, bar: "FilterBar", value: str) -> None:
            super().__init__()
            self.bar = bar
            self.value = value

    class Closed(Message):
        def __init__(self, bar: "FilterBar") -> None:
            super().__init__()
            self.bar = bar

    def __init__(self, placeholder: str, *, id: str | None = None) -> None:
        super().__init__(placeholder=placeholder, id=id)
        self._timer: Timer | None = None
        self._sent = ""
        self._before: Widget | None = None  # what had focus before `/`: it gets it back
        self._pending_since: float | None = None  # a text was sent; its result is not shown yet
        self.display = False

    @property
    def focusable(self) -> bool:
        # Textual's auto focus asks `focusable`, which ignores `display`: a list built by "3"
        # of a burst "3/ann" focused this hidden box first, and it took the "/" as text
        return bool(self.display) and super().focusable

    @property
    def active(self) -> bool:
        return bool(self.display)

    def open(self) -> None:
        if self.screen.focused is not self:  # (has_focus trails a set_focus())
            self._before = self.screen.focused
        self.display = True
        # focused now, not by focus()'s deferred callback: in a burst ("/acme" sent at once)
        # the key after "/" is forwarded before that callback runs and was lost to the screen
        self.screen.set_focus(self)

    def show_text(self, text: str) -> None:
        """Put a text in (a view of the board's filters): shown when not empty, no TextChanged."""
        self._sent = text
        self.value = text
        self.display = bool(text)

    def clear(self) -> None:
        """Empty and hide; the screen gets TextChanged("") at once and Closed."""
        self.value = ""
        self._flush()
        self._give_back()

    def shown(self, text: str) -> None:
        """The screen shows the result of filtering by `text`."""
        if text == self._sent:
            self._pending_since = None

    @property
    def holds_keys(self) -> bool:
        """Keys for the screen's list wait: its filtered result is on the way (typing into
        the box itself never waits)."""
        since = self._pending_since
        focused = self.is_attached and self.screen.focused is self  # has_focus trails a set_focus()
        return since is not None and not focused and time.monotonic() - since < HOLD

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
        if DEBOUNCE <= 0:
            self._flush()
            return
        self._timer = self.set_timer(DEBOUNCE, self._flush)

    def _flush(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self.value != self._sent:
            self._sent = self.value
            self._pending_since = time.monotonic()
            self.post_message(self.TextChanged(self, self.value))

    async def action_submit(self) -> None:
        """enter: keep the filter, give the keys back. Done here, not on Input.Submitted, so
        a key typed right after enter ("acme", enter, "2") already goes to the screen."""
        self._flush()
        self._give_back()

    def _give_back(self) -> None:
        """Hide when empty and hand focus back at once (focus() would defer it past the
        next key of a burst), then tell the screen (Closed)."""
        had_focus = self.is_attached and self.screen.focused is self
        if not self.value:
            self.display = False
        if had_focus:
            before = self._before
            self.screen.set_focus(before if before is not None and before.is_attached and before.focusable else None)
        self._before = None
        self.post_message(self.Closed(self))

    def on_key(self, event: events.Key) -> None:
        if event.key == "escape":
            event.stop()
            event.prevent_default()
            self.clear()
