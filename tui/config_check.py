"""`pipedrive-tui config check`: everything wrong with config.toml, one line each, with the
line it is on, all in one run: what the model of the file finds (tui/config_model.py, the
same model the app reads it with: bad TOML, unknown settings and keys, values of the wrong
type or out of range), an unknown theme, and in [keys] unknown binding ids, remaps refused
because they take the quit, escape or palette keys, and key clashes (tui/key_check.py).
"""

from __future__ import annotations

from pathlib import Path

from tui.config_model import ConfigError, Problem, did_you_mean, parse, toml_error_line

__all__ = ["Problem", "check", "check_text"]


def check_text(text: str, path: Path) -> list[Problem]:
    try:
        model, problems, at = parse(text)
    except ConfigError as exc:
        return [Problem(toml_error_line(exc, text), str(exc))]
    if model.theme is not None:
        from textual.theme import BUILTIN_THEMES

        if model.theme not in BUILTIN_THEMES:
            problems.append(
                Problem(
                    at.get(("theme",)),
                    f"unknown theme {model.theme!r}{did_you_mean(model.theme, BUILTIN_THEMES)} "
                    f"(known: {', '.join(sorted(BUILTIN_THEMES))})",
                )
            )
    problems += _keys(model.keys, at)
    return sorted(problems, key=lambda p: p.line or 0)


def _keys(keys: dict[str, str], at: dict[tuple[str, ...], int]) -> list[Problem]:
    from tui import key_check
    from tui.keymap import all_binding_ids

    known = all_binding_ids()
    problems = [
        Problem(at.get(("keys", k)), f"unknown binding id {k!r} in [keys]{did_you_mean(k, known)} (the ids are in the app's ? help)")
        for k in keys
        if k not in known
    ]
    problems += [Problem(at.get(("keys", r.binding_id)), str(r)) for r in key_check.refusals({k: v for k, v in keys.items() if k in known})]
    for clash in key_check.clashes(key_check.applied(keys)):
        lines = sorted(at[("keys", i)] for i in clash.ids if ("keys", i) in at)
        problems.append(
            Problem(
                lines[0] if lines else at.get(("keys",)),
                f"key clash: {clash}" + (f" (also line {', '.join(map(str, lines[1:]))})" if len(lines) > 1 else ""),
            )
        )
    return problems


def check(path: Path) -> list[Problem]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [Problem(None, f"cannot be read ({exc})")]
    return check_text(text, path)
