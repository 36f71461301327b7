"""All key bindings, in one place, each with an id so `[keys]` in the config can remap it.

Each area module (app, board, detail, lists, forms, notes, agenda) defines `BINDINGS` (and
maybe more lists named `*_BINDINGS`, e.g. for a widget); screens
import them from here. `all_binding_ids()` is what the config's `[keys]` table is checked
against, and the help screen (`?`) lists the active ones with their descriptions.
"""

from __future__ import annotations

import importlib
import pkgutil

from textual.binding import Binding


def bind(binding_id: str, keys: str, action: str, description: str, *, show: bool = True, priority: bool = False) -> Binding:
    return Binding(keys, action, description, show=show, id=binding_id, priority=priority)


def all_bindings() -> dict[str, Binding]:
    found: dict[str, Binding] = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for name in dir(module):
            if not name.endswith("BINDINGS"):
                continue
            for b in getattr(module, name):
                if isinstance(b, Binding) and b.id:
                    found[b.id] = b
    return found


def all_binding_ids() -> set[str]:
    return set(all_bindings())


def check_keymap(keymap: dict[str, str]) -> list[str]:
    """Binding ids in a user keymap that no screen defines."""
    known = all_binding_ids()
    return sorted(k for k in keymap if k not in known)
