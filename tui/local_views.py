"""Board views of your own, and views pinned to keys, in `views.toml` beside config.toml.

    # written by pipedrive-tui (board `v`: s saves, p pins, delete removes); edit freely
    [pins]                     # F1 … F9 on the board show these views
    f1 = "My open deals"       # a saved Pipedrive filter, by name
    f2 = "local: Big EUR"      # one of yours

    [local."Big EUR"]          # the board's own filters, kept under a name
    status = "open"            # open | won | lost
    owner = "me"               # everyone | me | a user id
    text = "gmbh"              # the filter text (/)
    sort = "value"             # urgency | value | close_date | updated

A separate file, because the app rewrites it: config.toml stays exactly as you wrote it.
Created 0600 in the private config directory, like the rest.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.config import _toml, config_dir
from tui.private import private_dir, private_file

FILE = "views.toml"
LOCAL = "local: "  # a pin naming one of your views, not a Pipedrive filter
KEYS = tuple(f"f{n}" for n in range(1, 10))
STATUSES = ("open", "won", "lost")
SORTS = ("urgency", "value", "close_date", "updated")


@dataclass(frozen=True)
class LocalView:
    name: str
    status: str = "open"
    owner: str = "everyone"  # everyone | me | a user id as text
    text: str = ""
    sort: str = "urgency"

    def describe(self) -> str:
        parts = [f"status {self.status}", f"owner {self.owner}", f"sort {self.sort}"]
        if self.text:
            parts.append(f"text “{self.text}”")
        return ", ".join(parts)


@dataclass
class ViewPrefs:
    pins: dict[str, str] = field(default_factory=dict)  # "f1" -> view name ("local: …" for yours)
    local: dict[str, LocalView] = field(default_factory=dict)

    def key_of(self, pinned: str) -> str | None:
        return next((k for k, v in self.pins.items() if v == pinned), None)

    def toggle_pin(self, pinned: str) -> str | None:
        """Pin to the first free key, or unpin; returns the key now holding it (None: unpinned)."""
        key = self.key_of(pinned)
        if key is not None:
            del self.pins[key]
            return None
        free = next((k for k in KEYS if k not in self.pins), None)
        if free is not None:
            self.pins[free] = pinned
        return free

    def remove_local(self, name: str) -> None:
        self.local.pop(name, None)
        key = self.key_of(LOCAL + name)
        if key is not None:
            del self.pins[key]


def path(directory: Path | None = None) -> Path:
    return (directory or config_dir()) / FILE


def load(directory: Path | None = None) -> ViewPrefs:
    """What views.toml holds; a missing file is no views, a broken one too (it is the app's
    file: the next save rewrites it)."""
    file = path(directory)
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return ViewPrefs()
    prefs = ViewPrefs()
    pins = raw.get("pins") or {}
    if isinstance(pins, dict):
        prefs.pins = {k.lower(): v for k, v in pins.items() if k.lower() in KEYS and isinstance(v, str) and v.strip()}
    local = raw.get("local") or {}
    if isinstance(local, dict):
        for name, values in local.items():
            if isinstance(values, dict):
                prefs.local[name] = _local(name, values)
    return prefs


def _local(name: str, values: dict[str, Any]) -> LocalView:
    status = str(values["status"]) if values.get("status") in STATUSES else "open"
    sort = str(values["sort"]) if values.get("sort") in SORTS else "urgency"
    owner = str(values.get("owner", "everyone")).strip() or "everyone"
    text = str(values["text"]) if isinstance(values.get("text"), str) else ""
    return LocalView(name, status, owner, text, sort)


def save(prefs: ViewPrefs, directory: Path | None = None) -> Path:
    file = private_file(private_dir(directory or config_dir()) / FILE)
    lines = ["# written by pipedrive-tui (board `v`: s saves, p pins, delete removes); edit freely", ""]
    if prefs.pins:
        lines.append("[pins]")
        lines += [f"{k} = {_toml(v)}" for k, v in sorted(prefs.pins.items())]
        lines.append("")
    for view in prefs.local.values():
        lines.append(f"[local.{_toml(view.name)}]")
        lines += [
            f"status = {_toml(view.status)}",
            f"owner = {_toml(view.owner)}",
            f"text = {_toml(view.text)}",
            f"sort = {_toml(view.sort)}",
            "",
        ]
    file.write_text("\n".join(lines), encoding="utf-8")
    return file
