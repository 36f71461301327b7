"""The one model of config.toml (pydantic), read by the app (`tui/config.py: Config.load`)
and by `pipedrive-tui config check` (`tui/config_check.py`), so they agree on what is wrong.

`parse(text)` validates the whole file at once and returns the settings with every bad value
replaced by its default, and a `Problem` for each, on the line it is on. tomllib gives no
positions, so `locate` reads the file's lines for table headers and `key =` lines (quoted
keys such as "board.won" included), and an error's location in the model (pydantic's `loc`)
is looked up there, or on the nearest enclosing table when the key is not on a line of its
own (an inline table). Only a file that is not TOML at all is refused (ConfigError).
"""

from __future__ import annotations

import difflib
import re
import tomllib
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from tui.config_values import AGENT_TOKENS_PER_HOUR, AGENT_WRITE_TOOLS, AUTH_MODES, STUCK_DAYS, ConfigError, Problem

__all__ = ["AGENT_TOKENS_PER_HOUR", "AGENT_WRITE_TOOLS", "AUTH_MODES", "STUCK_DAYS", "ConfigError", "Problem"]


# -- the model ----------------------------------------------------------------------------------

# [refresh] setting -> (lowest, highest) seconds; the defaults are RefreshPolicy's (tui/store/schedule.py)
REFRESH_RANGES = {"active": (20, 3600), "idle": (60, 86400), "unfocused": (60, 86400), "idle_after": (30, 3600)}

Days = Annotated[int, Field(ge=0, le=3650)]
Text = Annotated[str, StringConstraints(pattern=r"\S")]  # not empty, not only spaces


def _seconds(name: str) -> Any:
    low, high = REFRESH_RANGES[name]
    return Field(default=None, ge=low, le=high, allow_inf_nan=False)


class _Table(BaseModel):
    """A TOML table: values of the right type only (strict: no "30" for 30, no true for 1),
    no keys the app does not know."""

    model_config = ConfigDict(strict=True, extra="forbid")


class ProfileSettings(_Table):
    auth_mode: Literal["token", "oauth", "maton"] = "token"
    base_url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")] | None = None
    company_domain: Text | None = None  # "acme", "acme.pipedrive.com" or a URL (tui/api/auth.py: base_url_for)
    default_pipeline: Annotated[int, Field(ge=1)] | None = None
    maton_connection: Text | None = None
    # the MCP server (`pipedrive-tui mcp`): tools whose proposals are approved without review
    # (none by default), and the tokens per hour it may cause (refresh, remote search; 0 = none)
    mcp_auto_approve: list[Literal[AGENT_WRITE_TOOLS]] = []  # type: ignore[valid-type]
    mcp_tokens_per_hour: Annotated[int, Field(ge=0, le=1_000_000)] = AGENT_TOKENS_PER_HOUR


class RefreshSettings(_Table):
    active: float | None = _seconds("active")
    idle: float | None = _seconds("idle")
    unfocused: float | None = _seconds("unfocused")
    idle_after: float | None = _seconds("idle_after")


class TriageModel(_Table):
    stuck_days: Days = STUCK_DAYS
    pipelines: dict[Annotated[str, StringConstraints(pattern=r"^\s*\d+\s*$")], Days] = {}


class ConfigModel(_Table):
    default_profile: Text = "default"
    theme: Text | None = None
    profiles: dict[str, ProfileSettings] = {}
    keys: dict[str, Text] = {}
    refresh: RefreshSettings = RefreshSettings()
    triage: TriageModel = TriageModel()


# What each setting must be, by its place in the file ("*": any name). An error on a setting
# says this; the first pattern that fits the error's place is used.
MUST: list[tuple[tuple[str, ...], str]] = [
    (("default_profile",), 'default_profile must be a profile name in quotes, e.g. default_profile = "work"'),
    (("theme",), 'theme must be a theme name in quotes, e.g. theme = "textual-light"'),
    (("profiles",), '[profiles] must hold tables, e.g. [profiles.work] with auth_mode = "token"'),
    (("profiles", "*", "auth_mode"), "[profiles.{1}] auth_mode must be one of token, oauth, maton"),
    (("profiles", "*", "base_url"), '[profiles.{1}] base_url must be a URL in quotes, e.g. "https://acme.pipedrive.com"'),
    (("profiles", "*", "company_domain"), '[profiles.{1}] company_domain must be your Pipedrive subdomain in quotes, e.g. "acme"'),
    (("profiles", "*", "default_pipeline"), "[profiles.{1}] default_pipeline must be a pipeline id (a whole number), e.g. 1"),
    (("profiles", "*", "maton_connection"), "[profiles.{1}] maton_connection must be a connection id in quotes"),
    (
        ("profiles", "*", "mcp_auto_approve", "*"),
        "[profiles.{1}] mcp_auto_approve items must be tool names in quotes, each one of " + ", ".join(AGENT_WRITE_TOOLS),
    ),
    (("profiles", "*", "mcp_auto_approve"), '[profiles.{1}] mcp_auto_approve must be a list of tool names, e.g. ["add_note"]'),
    (("profiles", "*", "mcp_tokens_per_hour"), "[profiles.{1}] mcp_tokens_per_hour must be a whole number from 0 to 1000000, e.g. 2000"),
    (("profiles", "*"), '[profiles.{1}] must be a table, e.g. auth_mode = "token"'),
    (("keys",), '[keys] must be a table of binding id = "keys", e.g. "board.won" = "W"'),
    (("keys", "*"), '[keys] "{1}" must be one or more keys in quotes, e.g. "W" or "W,ctrl+w"'),
    *[
        (("refresh", name), f"[refresh] {name} must be a number of seconds from {low} to {high}")
        for name, (low, high) in REFRESH_RANGES.items()
    ],
    (("refresh",), "[refresh] must be a table, e.g. active = 55"),
    (("triage", "stuck_days"), "[triage] stuck_days must be a whole number of days from 0 (off) to 3650, e.g. 30"),
    (("triage", "pipelines", "*", "[key]"), "[triage.pipelines] keys are pipeline ids (numbers), not {2!r}"),
    (("triage", "pipelines", "*"), "[triage.pipelines] {2} must be a whole number of days from 0 (off) to 3650, e.g. 14"),
    (("triage", "pipelines"), "[triage.pipelines] must be a table of pipeline id = days, e.g. 1 = 14"),
    (("triage",), "[triage] must be a table, e.g. [triage] with stuck_days = 30"),
]

# the tables with a fixed set of keys, by their place; their names in messages
TABLES: dict[tuple[str, ...], tuple[type[BaseModel], str]] = {
    (): (ConfigModel, ""),
    ("profiles", "*"): (ProfileSettings, "[profiles.{1}]"),
    ("refresh",): (RefreshSettings, "[refresh]"),
    ("triage",): (TriageModel, "[triage]"),
}


# -- problems and their lines --------------------------------------------------------------------


def _fits(pattern: tuple[str, ...], loc: tuple[str, ...]) -> bool:
    return len(pattern) == len(loc) and all(p in ("*", part) for p, part in zip(pattern, loc, strict=True))


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def did_you_mean(found: str, known: Any) -> str:
    close = difflib.get_close_matches(found, list(known), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def _unknown(loc: tuple[str, ...]) -> str:
    table, key = loc[:-1], loc[-1]
    for pattern, (model, name) in TABLES.items():
        if _fits(pattern, table):
            known = list(model.model_fields)
            if not pattern:
                known.sort()
                return f"unknown setting {key!r}{did_you_mean(key, known)} (known: {', '.join(known)})"
            return f"unknown key {key!r} in {name.format(*table)}{did_you_mean(key, known)} (known: {', '.join(known)})"
    return f"unknown key {key!r}"


def message(error: Any) -> str:
    """One line for one of pydantic's errors, in the words of the file."""
    loc = tuple(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        return _unknown(loc)
    for pattern, must in MUST:
        if _fits(pattern, loc):
            text = must.format(*loc)
            return text if loc[-1] == "[key]" else f"{text}, not {_shown(error['input'])}"
    return f"{'.'.join(loc)}: {error['msg']}"  # a place MUST does not name (kept in step by tests)


_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r'^\s*("(?:[^"\\]|\\.)*"|\'[^\']*\'|[A-Za-z0-9_.\-]+)\s*=')


def _parts(dotted: str) -> tuple[str, ...]:
    """`profiles."my work".x` -> ("profiles", "my work", "x")."""
    out, rest = [], dotted.strip()
    while rest:
        if rest[0] in "\"'":
            end = rest.find(rest[0], 1)
            end = len(rest) if end < 0 else end
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


def line_of(loc: tuple[str, ...], at: dict[tuple[str, ...], int]) -> int | None:
    """The line of a setting, or of the nearest table around it that has a line."""
    loc = tuple(part for part in loc if part != "[key]")
    for end in range(len(loc), 0, -1):
        if loc[:end] in at:
            return at[loc[:end]]
    return None


# -- reading ------------------------------------------------------------------------------------


def _drop(raw: dict[str, Any], loc: tuple[Any, ...]) -> bool:
    """Remove the value at loc (so its default applies); False when it is not there."""
    loc = tuple(part for part in loc if part != "[key]")
    node: Any = raw
    for part in loc[:-1]:
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    if isinstance(node, dict) and loc and loc[-1] in node:
        del node[loc[-1]]
        return True
    if isinstance(node, list) and loc and isinstance(loc[-1], int) and 0 <= loc[-1] < len(node):
        del node[loc[-1]]  # one bad item of a list (mcp_auto_approve): the rest is kept
        return True
    return False


def validate(raw: dict[str, Any]) -> tuple[ConfigModel, list[tuple[tuple[str, ...], str]]]:
    """The settings of a parsed file, each bad value replaced by its default, and (place,
    message) for every one of them, all found in one pass over the file."""
    raw = _copy(raw)
    found: list[tuple[tuple[str, ...], str]] = []
    while True:
        try:
            model = ConfigModel.model_validate(raw)
        except ValidationError as exc:
            errors = exc.errors(include_url=False)
            found += [(tuple(str(p) for p in e["loc"]), message(e)) for e in errors]
            dropped = [_drop(raw, tuple(e["loc"])) for e in errors]
            if not any(dropped):  # cannot happen (every error has a place); never loop
                return ConfigModel(), found
            continue
        return model, found


def _copy(value: Any) -> Any:
    return {k: _copy(v) for k, v in value.items()} if isinstance(value, dict) else value


def parse_toml(text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}") from None


def toml_error_line(exc: ConfigError, text: str) -> int:
    line = re.search(r"line (\d+)", str(exc))
    return int(line.group(1)) if line else max(1, len(text.splitlines()))  # "at end of document"


def parse(text: str) -> tuple[ConfigModel, list[Problem], dict[tuple[str, ...], int]]:
    """config.toml's text -> (the settings, every problem with its line, where each setting is).
    ConfigError when it is not TOML at all."""
    raw = parse_toml(text)
    model, found = validate(raw)
    at = locate(text)
    problems = [Problem(line_of(loc, at), words) for loc, words in found]
    named = "default_profile" in raw and ("default_profile",) not in {loc for loc, _ in found}
    if named and model.profiles and model.default_profile not in model.profiles:
        problems.append(
            Problem(
                at.get(("default_profile",)),
                f"default_profile {model.default_profile!r} has no [profiles.{model.default_profile}]"
                " (so that profile has the default settings)",
            )
        )
    return model, sorted(problems, key=lambda p: p.line or 0), at
