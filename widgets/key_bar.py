"""The key bar: the keys of the screen in front, on the bottom line, drawn as one line of text.

Textual's Footer shows the same thing with one widget per key, and recomposes all of them
whenever the bindings change (every screen switch, most focus moves): on the board that was
34 widgets styled and laid out again, a large part of the time `enter` and `escape` took.
This bar renders a Text instead, repaints only when the line differs, and never triggers a
layout pass (its height is fixed). A click on a key presses it, as in Footer.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events
from textual.widget import Widget

from tui.widgets import tones


# kept on the bar at any width: the way to every other key, and the way out
ESSENTIAL_ACTIONS = frozenset({"help", "quit", "app.quit"})


class KeyBar(Widget):
    DEFAULT_CSS = "KeyBar { dock: bottom; height: 1; background: $panel; }"

    def __init__(self) -> None:
        super().__init__()
        # (key, shown key, description, enabled, kept at any width)
        self._left: list[tuple[str, str, str, bool, bool]] = []
        self._right: tuple[str, str, str] | None = None  # the command palette's key
        self._spans: list[tuple[int, int, str]] = []  # x from, x to, key: what a click presses

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.call_after_refresh(self.rebuild)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Any) -> None:
        if screen is self.screen:
            self.rebuild()

    def rebuild(self) -> None:
        """Read the screen's active bindings; repaint only if the line changes."""
        if not self.is_attached:
            return
        active = self.screen.active_bindings
        left: list[tuple[str, str, str, bool, bool]] = []
        seen: set[str] = set()
        palette = self.app.COMMAND_PALETTE_BINDING if self.app.ENABLE_COMMAND_PALETTE else None
        for key, (_node, binding, enabled, _tooltip) in active.items():
            if not binding.show or binding.action in seen or key == palette:
                continue
            seen.add(binding.action)
            essential = binding.action in ESSENTIAL_ACTIONS
            left.append((key, self.app.get_key_display(binding), binding.description, enabled, essential))
        right = None
        if palette and palette in active:
            binding = active[palette].binding
            right = (palette, self.app.get_key_display(binding), binding.description)
        if (left, right) != (self._left, self._right):
            self._left, self._right = left, right
            self.refresh()

    def render(self) -> Text:
        width = self.size.width
        text = Text(no_wrap=True, overflow="crop")
        spans: list[tuple[int, int, str]] = []
        tail = Text.assemble((f" {self._right[1]} ", tones.ACCENT_B), (f"{self._right[2]} ", "")) if self._right else Text()
        room = max(0, width - tail.cell_len - 1)
        parts = [
            (
                key,
                Text.assemble(
                    (f" {shown} ", tones.ACCENT_B if enabled else tones.FAINT),
                    (f"{description} ", "" if enabled else tones.FAINT),
                ),
                essential,
            )
            for key, shown, description, enabled, essential in self._left
        ]
        for index in self._kept(parts, room):
            key, part, _essential = parts[index]
            spans.append((text.cell_len, text.cell_len + part.cell_len, key))
            text.append_text(part)
        if self._right:
            gap = max(1, width - text.cell_len - tail.cell_len)
            text.append(" " * gap)
            spans.append((text.cell_len, text.cell_len + tail.cell_len, self._right[0]))
            text.append_text(tail)
        self._spans = spans
        return text

    @staticmethod
    def _kept(parts: list[tuple[str, Text, bool]], room: int) -> list[int]:
        """Which keys fit, in their order: help and quit always (the way to every other key,
        and the way out), then the others in the screen's order until the room is spent."""
        essential = {index for index, part in enumerate(parts) if part[2]}
        used = sum(parts[index][1].cell_len for index in essential)
        kept = set(essential)
        for index, (_key, part, _essential) in enumerate(parts):
            if index in essential:
                continue
            if used + part.cell_len > room:
                break
            used += part.cell_len
            kept.add(index)
        return sorted(kept)

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                self.app.simulate_key(key.split(",")[0].strip())
                return
