"""Checking a user's `[keys]` table against the keymap (tui/keymap): unknown binding ids and
keys that clash after remapping (two binding ids on one key where both are active).

A *context* is what is active at once: a screen's bindings, its widgets' and the app's.
A clash the default keys already have is a deliberate shadow (help's `?` closes help, the
app's `?` opens it), so only clashes the remapping creates are reported. Used at start (one
notice, tui/app.py) and by `pipedrive-tui config check` (with line numbers).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from textual.binding import Binding
from textual.keys import _character_to_key

from tui.keymap import all_binding_ids

# context -> the keymap lists active in it ("module:LIST"); the app's BINDINGS are in every one
CONTEXTS: dict[str, tuple[str, ...]] = {
    "the pipeline board": ("board:BINDINGS",),
    "the agenda": ("agenda:BINDINGS", "agenda:MOVE_BINDINGS"),
    "the people and organization lists": ("lists:BINDINGS", "lists:TABLE_BINDINGS", "lists:BULK_BINDINGS"),
    "triage": ("triage:BINDINGS", "triage:MOVE_BINDINGS"),
    "the detail screens": ("detail:BINDINGS", "detail:SECTION_BINDINGS"),
    "the leads inbox": ("leads:LIST_BINDINGS", "lists:TABLE_BINDINGS"),
    "a lead": ("leads:LEAD_BINDINGS",),
    "the saved views picker": ("views:BINDINGS",),
    "the view name prompt": ("views:NAME_BINDINGS",),
    "the products list": ("catalog:PRODUCT_BINDINGS", "lists:TABLE_BINDINGS"),
    "the archived deals": ("catalog:ARCHIVED_BINDINGS", "lists:TABLE_BINDINGS"),
    "an archived deal": ("catalog:VIEW_BINDINGS",),
    "the product picker": ("catalog:PICKER_BINDINGS",),
    "a deal's history": ("history:BINDINGS",),
    "search": ("search:BINDINGS",),
    "forms": ("forms:BINDINGS",),
    "the note editor": ("notes:BINDINGS", "notes:EDITOR_BINDINGS"),
    "conflicts": ("app:CONFLICT_BINDINGS",),
    "the login screen": ("app:LOGIN_BINDINGS",),
    "the first-run screen": ("app:FIRST_RUN_BINDINGS",),
    "help": ("app:HELP_BINDINGS",),
    "confirmations": ("dialogs:CONFIRM_BINDINGS",),
    "choices": ("dialogs:CHOICE_BINDINGS",),
    "the lost reason dialog": ("dialogs:LOST_REASON_BINDINGS",),
    "the reschedule menu": ("dialogs:RESCHEDULE_BINDINGS",),
    "triage prompts": ("triage:PROMPT_BINDINGS", "triage:SCHEDULE_BINDINGS"),
    "the triage summary": ("triage:SUMMARY_BINDINGS",),
}
EVERYWHERE = "app:BINDINGS"


@dataclass(frozen=True)
class Clash:
    key: str
    ids: tuple[str, ...]
    contexts: tuple[str, ...]

    def __str__(self) -> str:
        where = ", ".join(self.contexts[:3]) + (f" and {len(self.contexts) - 3} more" if len(self.contexts) > 3 else "")
        return f"{self.key} is both {' and '.join(self.ids)} (in {where})"


def normalize(key: str) -> str:
    """ "?" -> "question_mark", as Textual names keys; other names unchanged."""
    key = key.strip()
    return _character_to_key(key) if len(key) == 1 else key


def context_bindings(name: str) -> list[Binding]:
    out: list[Binding] = []
    for ref in (EVERYWHERE, *CONTEXTS[name]):
        module, attr = ref.split(":")
        out += [b for b in getattr(importlib.import_module(f"tui.keymap.{module}"), attr) if isinstance(b, Binding)]
    return out


def unknown_ids(keymap: dict[str, str]) -> list[str]:
    known = all_binding_ids()
    return sorted(k for k in keymap if k not in known)


def _keys(binding: Binding, keymap: dict[str, str]) -> set[str]:
    raw = keymap.get(binding.id or "", binding.key)
    return {normalize(k) for k in raw.split(",") if k.strip()}


def _shared(keymap: dict[str, str]) -> dict[tuple[str, str], frozenset[str]]:
    """(context, key) -> the binding ids on that key, where more than one."""
    out: dict[tuple[str, str], frozenset[str]] = {}
    for name in CONTEXTS:
        by_key: dict[str, set[str]] = {}
        for binding in context_bindings(name):
            for key in _keys(binding, keymap):
                by_key.setdefault(key, set()).add(binding.id or binding.action)
        out.update({(name, key): frozenset(ids) for key, ids in by_key.items() if len(ids) > 1})
    return out


def clashes(keymap: dict[str, str]) -> list[Clash]:
    """Clashes the remapping creates, one per key and set of ids, with where they meet."""
    if not keymap:
        return []
    default = _shared({})
    found: dict[tuple[str, frozenset[str]], list[str]] = {}
    for (context, key), ids in _shared(keymap).items():
        if default.get((context, key)) != ids:
            found.setdefault((key, ids), []).append(context)
    return [
        Clash(key, tuple(sorted(ids)), tuple(contexts))
        for (key, ids), contexts in sorted(found.items(), key=lambda item: (item[0][0], sorted(item[0][1])))
    ]


def problems(keymap: dict[str, str]) -> list[str]:
    """One line per problem of a [keys] table: unknown ids, then clashes."""
    lines = []
    unknown = unknown_ids(keymap)
    if unknown:
        lines.append(
            f"unknown binding id{'s' if len(unknown) > 1 else ''} in [keys]: {', '.join(unknown)} (press ? in the app for the ids)"
        )
    lines += [f"key clash: {clash}" for clash in clashes({k: v for k, v in keymap.items() if k not in unknown})]
    return lines
