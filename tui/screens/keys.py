"""The keys a screen's bindings have now (after the user's [keys] remapping), by binding id:
what help, the command palette and hint lines show."""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from tui.key_check import normalize


def keys_by_id(screen: Screen[Any]) -> dict[str, str]:
    """binding id -> its keys as shown to the user ("ctrl+r", "↑/k"), for every binding active
    on `screen` (its widgets', its own and the app's)."""
    found: dict[str, list[str]] = {}
    app = screen.app
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.id:
            shown = app.get_key_display(binding)
            keys = found.setdefault(binding.id, [])
            if shown not in keys:
                keys.append(shown)
    return {binding_id: "/".join(keys) for binding_id, keys in found.items()}


def key_of(screen: Screen[Any], binding_id: str, default: str = "") -> str:
    return keys_by_id(screen).get(binding_id, default)


def display_keys(app: App[Any], binding: Binding, remapped: str | None = None) -> str:
    """A binding's keys as shown ("ctrl+r" -> "^r"), or the keys a [keys] entry gives it."""
    keys = [normalize(k) for k in (remapped or binding.key).split(",") if k.strip()]
    return "/".join(app.get_key_display(binding.with_key(k)) for k in keys)
