"""All key bindings, in one place, each with an id so `[keys]` in the config can remap it.

Each area module (app, board, detail, lists, forms, notes, agenda, triage, search, dialogs)
defines `BINDINGS` and maybe more lists named `*_BINDINGS` (a widget's, a dialog's); screens
and widgets import them from here and never make a Binding themselves (tests/test_keymap.py
walks every class's BINDINGS). `all_binding_ids()` is what the config's `[keys]` table is
checked against (tui/key_check.py, which also knows which lists are active together, to
find clashes), and the help screen (`?`) lists the active ones with their descriptions.
"""

from __future__ import annotations

import importlib
import pkgutil

from textual.binding import Binding, BindingType

# what Textual's BINDINGS class attributes are declared as (a list of these)
Bindings = list[BindingType]


def bind(binding_id: str, keys: str, action: str, description: str, *, show: bool = True, priority: bool = False) -> Binding:
    return Binding(keys, action, description, show=show, id=binding_id, priority=priority)


def all_bindings() -> dict[str, Binding]:
    """Every binding by id, in the order of the modules and of each list."""
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
