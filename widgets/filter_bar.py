"""The `/` text filter of a screen (board, agenda, lists): hidden until asked for.

Typing filters, debounced (DEBOUNCE s after the last key, so a burst of keys costs one
query); enter keeps the filter and gives the keys back to the screen; escape clears and
hides it. The screen listens to FilterBar.TextChanged (the text to filter by, "" = none) and
FilterBar.Closed (focus back to its list).
"""

from __future__ import annotations

from textual import events, on
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input

DEBOUNCE = 0.08


class FilterBar(Input):
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

    def on_mount(self) -> None:
        self.display = False

    @property
    def active(self) -> bool:
        return bool(self.display)

    def open(self) -> None:
        self.display = True
        self.focus()

    def show_text(self, text: str) -> None:
        """Put a text in (a view of the board's filters): shown when not empty, no TextChanged."""
        self._sent = text
        self.value = text
        self.display = bool(text)

    def clear(self) -> None:
        """Empty and hide; the screen gets TextChanged("") at once and Closed."""
        self.value = ""
        self.display = False
        self._flush()
        self.post_message(self.Closed(self))

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
            self.post_message(self.TextChanged(self, self.value))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._flush()
        if not self.value:
            self.display = False
        self.post_message(self.Closed(self))

    def on_key(self, event: events.Key) -> None:
        if event.key == "escape":
            event.stop()
            event.prevent_default()
            self.clear()
