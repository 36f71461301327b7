"""`pipedrive-tui config check`: everything wrong with config.toml, one line each, with the
line it is on: bad TOML, unknown sections and keys, an unknown auth mode, values out of
range, unknown binding ids and key clashes in [keys] (tui/key_check.py).

tomllib gives no positions for values, so `locate` reads the file's lines for table headers
and `key =` lines (quoted keys such as "board.won" included); that is enough for the flat
files this app writes and documents.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui.config import REFRESH_KEYS, Config, ConfigError, Profile

TOP = {"default_profile", "profiles", "keys", "refresh", "triage", "theme"}
PROFILE_KEYS = [f for f in Profile.__dataclass_fields__ if f != "name"]
AUTH_MODES = ("token", "oauth", "maton")
TRIAGE_KEYS = {"stuck_days", "pipelines"}


@dataclass(frozen=True)
class Problem:
    line: int | None
    message: str

    def format(self, path: Path) -> str:
        return f"{path}:{self.line}: {self.message}" if self.line else f"{path}: {self.message}"


_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r'^\s*("(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_.\-]+)\s*=')


def _parts(dotted: str) -> tuple[str, ...]:
    """`profiles."my work".x` -> ("profiles", "my work", "x")."""
    out, rest = [], dotted.strip()
    while rest:
        if rest[0] in "\"'":
            end = rest.index(rest[0], 1)
            out.append(rest[1:end])
            rest = rest[end + 1 :].lstrip().removeprefix(".").lstrip()
        else:
            head, _, rest = rest.partition(".")
            out.append(head.strip())
            rest = rest.strip()
    return tuple(out)


def locate(text: str) -> dict[tuple[str, ...], int]:
    """(table, ..., key) -> line number (1-based) of each header and `key =` line."""
    where: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    for number, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            table = _parts(header.group(1))
            where.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            where.setdefault(table + _parts(key.group(1)), number)
    return where


def _unknown(found: str, known: Any) -> str:
    close = difflib.get_close_matches(found, list(known), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def check_text(text: str, path: Path) -> list[Problem]:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        number = int(line.group(1)) if line else max(1, len(text.splitlines()))  # "at end of document"
        return [Problem(number, f"not valid TOML: {exc}")]
    at = locate(text)
    problems: list[Problem] = []
    for key in raw:
        if key not in TOP:
            problems.append(Problem(at.get((key,)), f"unknown setting {key!r}{_unknown(key, TOP)} (known: {', '.join(sorted(TOP))})"))
    profiles = raw.get("profiles") or {}
    for name, values in profiles.items() if isinstance(profiles, dict) else ():
        if not isinstance(values, dict):
            continue
        for key, value in values.items():
            if key not in PROFILE_KEYS:
                problems.append(
                    Problem(
                        at.get(("profiles", name, key)),
                        f"unknown key {key!r} in [profiles.{name}]{_unknown(key, PROFILE_KEYS)} (known: {', '.join(PROFILE_KEYS)})",
                    )
                )
            elif key == "auth_mode" and value not in AUTH_MODES:
                problems.append(
                    Problem(
                        at.get(("profiles", name, key)), f"unknown auth_mode {value!r} in [profiles.{name}] (use {', '.join(AUTH_MODES)})"
                    )
                )
    default = raw.get("default_profile")
    if isinstance(default, str) and profiles and isinstance(profiles, dict) and default not in profiles:
        problems.append(Problem(at.get(("default_profile",)), f"default_profile {default!r} has no [profiles.{default}]"))
    triage = raw.get("triage")
    for key in triage if isinstance(triage, dict) else ():
        if key not in TRIAGE_KEYS:
            problems.append(Problem(at.get(("triage", key)), f"unknown key {key!r} in [triage]{_unknown(key, TRIAGE_KEYS)}"))
    refresh = raw.get("refresh")
    for key in refresh if isinstance(refresh, dict) else ():
        if key not in REFRESH_KEYS:
            problems.append(
                Problem(
                    at.get(("refresh", key)),
                    f"unknown key {key!r} in [refresh]{_unknown(key, REFRESH_KEYS)} (known: {', '.join(REFRESH_KEYS)})",
                )
            )
    theme = raw.get("theme")
    if theme is not None:
        from textual.theme import BUILTIN_THEMES

        if theme not in BUILTIN_THEMES:
            problems.append(
                Problem(
                    at.get(("theme",)),
                    f"unknown theme {theme!r}{_unknown(str(theme), BUILTIN_THEMES)} (known: {', '.join(sorted(BUILTIN_THEMES))})",
                )
            )
    problems += _keys(raw.get("keys"), at)
    if not problems and path.name == "config.toml":
        problems += _values(path, at)
    return sorted(problems, key=lambda p: p.line or 0)


def _keys(keys: Any, at: dict[tuple[str, ...], int]) -> list[Problem]:
    from tui import key_check
    from tui.keymap import all_binding_ids

    if not isinstance(keys, dict) or not all(isinstance(v, str) for v in keys.values()):
        return (
            [Problem(at.get(("keys",)), '[keys] must be a table of binding id = "key", e.g. "board.won" = "W"')] if keys is not None else []
        )
    known = all_binding_ids()
    problems = [
        Problem(at.get(("keys", k)), f"unknown binding id {k!r} in [keys]{_unknown(k, known)} (the ids are in the app's ? help)")
        for k in keys
        if k not in known
    ]
    problems += [Problem(at.get(("keys", k)), f"empty key for {k!r} in [keys]") for k, v in keys.items() if not v.strip()]
    for clash in key_check.clashes({k: v for k, v in keys.items() if k in known and v.strip()}):
        lines = sorted(at[("keys", i)] for i in clash.ids if ("keys", i) in at)
        problems.append(
            Problem(
                lines[0] if lines else at.get(("keys",)),
                f"key clash: {clash}" + (f" (also line {', '.join(map(str, lines[1:]))})" if len(lines) > 1 else ""),
            )
        )
    return problems


def _values(path: Path, at: dict[tuple[str, ...], int]) -> list[Problem]:
    """What Config.load refuses (ranges, types), placed on the line of the setting it names."""
    try:
        Config.load(path.parent)
    except ConfigError as exc:
        message = str(exc).split(": ", 1)[-1]
        line = next(
            (n for key, n in sorted(at.items(), key=lambda kv: -len(kv[0])) if key and all(part in message for part in key[-2:])), None
        )
        return [Problem(line, message)]
    return []


def check(path: Path) -> list[Problem]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [Problem(None, f"cannot be read ({exc})")]
    return check_text(text, path)
