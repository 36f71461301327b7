"""Checking a user's `[keys]` table against the keymap (tui/keymap): unknown binding ids,
remaps refused because they take a key kept for getting out or for every command (the quit
keys, escape, the palette's ctrl+p: `refusals`; such a binding keeps its default), and keys
that clash after remapping (two binding ids on one key where both are active).

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

from tui.keymap import all_binding_ids, all_bindings

# context -> the keymap lists active in it ("module:LIST"); the app's BINDINGS are in every one
CONTEXTS: dict[str, tuple[str, ...]] = {
    "the pipeline board": ("board:BINDINGS",),
    "the agenda": ("agenda:BINDINGS", "agenda:MOVE_BINDINGS"),
    "the people and organization lists": ("lists:BINDINGS", "lists:TABLE_BINDINGS", "lists:BULK_BINDINGS"),
    "triage": ("triage:BINDINGS", "triage:MOVE_BINDINGS"),
    "the detail screens": ("detail:BINDINGS", "detail:SECTION_BINDINGS", "detail:FILES_BINDINGS"),
    "the attach-file prompt": ("detail:FILE_PROMPT_BINDINGS",),
    "the mail section": ("detail:BINDINGS", "detail:SECTION_BINDINGS", "mail:SECTION_BINDINGS"),
    "a mail": ("mail:BINDINGS",),
    "the link picker": ("mail:LINK_BINDINGS",),
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
    "the merge dialog": ("dialogs:MERGE_BINDINGS",),
    "triage prompts": ("triage:PROMPT_BINDINGS", "triage:SCHEDULE_BINDINGS"),
    "the triage summary": ("triage:SUMMARY_BINDINGS",),
    "insights": ("insights:BINDINGS",),
    "an insight's deals": ("insights:DRILL_BINDINGS",),
    "the agent inbox": ("agent:BINDINGS",),
    "the reject reason prompt": ("agent:REASON_BINDINGS",),
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


# keys no remap may take: what gets you out (quit, escape) and the way to every command;
# key -> (what it does, the binding id it belongs to)
QUIT, PALETTE = "app.quit", "app.palette"
FIXED = {"escape": ("goes back and cancels", ""), "ctrl+p": ("opens the command palette", PALETTE), "ctrl+q": ("quits the app", QUIT)}
ROLES = {QUIT: "quits the app", PALETTE: "opens the command palette"}


@dataclass(frozen=True)
class Refusal:
    binding_id: str
    key: str
    why: str
    default: str

    def __str__(self) -> str:
        return f"{self.binding_id} is not remapped: {self.key} {self.why}, so no remap may take it; it keeps {self.default}"


def _default_keys(binding_id: str) -> set[str]:
    binding = all_bindings().get(binding_id)
    return {normalize(k) for k in binding.key.split(",") if k.strip()} if binding else set()


def _remapped(keymap: dict[str, str], binding_id: str) -> set[str]:
    return {normalize(k) for k in keymap[binding_id].split(",") if k.strip()}


def refusals(keymap: dict[str, str]) -> list[Refusal]:
    """Remaps refused because they take a key kept for quitting, escape or the command palette
    (one the binding does not have by default); such a binding keeps its default keys. The
    quit and palette keys are the app's as remapped (their own remaps are checked first)."""
    known = all_bindings()
    out: list[Refusal] = []
    kept = dict(FIXED)

    def accepted(binding_id: str) -> bool:
        extra = sorted(_remapped(keymap, binding_id) - _default_keys(binding_id))
        taken = next((k for k in extra if k in kept and kept[k][1] != binding_id), None)
        if taken is not None:
            out.append(Refusal(binding_id, taken, kept[taken][0], known[binding_id].key))
        return taken is None

    for binding_id, role in ROLES.items():
        keys = _remapped(keymap, binding_id) if binding_id in keymap and accepted(binding_id) else _default_keys(binding_id)
        kept.update({key: (role, binding_id) for key in sorted(keys)})
    for binding_id in sorted(keymap):
        if binding_id in known and binding_id not in ROLES:
            accepted(binding_id)
    return out


def applied(keymap: dict[str, str]) -> dict[str, str]:
    """What of a [keys] table the app applies: known ids, remaps that were not refused."""
    refused = {r.binding_id for r in refusals(keymap)}
    known = all_binding_ids()
    return {k: v for k, v in keymap.items() if k in known and k not in refused}


def problems(keymap: dict[str, str], lines: dict[str, int] | None = None) -> list[str]:
    """One line per problem of a [keys] table: unknown ids, refused remaps (with their line in
    the config file when `lines` knows it), then clashes among what is applied."""
    out = []
    unknown = unknown_ids(keymap)
    if unknown:
        out.append(f"unknown binding id{'s' if len(unknown) > 1 else ''} in [keys]: {', '.join(unknown)} (press ? in the app for the ids)")
    for refusal in refusals({k: v for k, v in keymap.items() if k not in unknown}):
        line = (lines or {}).get(refusal.binding_id)
        out.append(f"line {line}: {refusal}" if line else str(refusal))
    out += [f"key clash: {clash}" for clash in clashes(applied(keymap))]
    return out
