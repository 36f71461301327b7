"""Tones: the few semantic colours that text built in Python (rich `Text`) uses, taken from the
active Textual theme instead of hard-coded colour names.

Widgets and screens style Text with the names below ("tone.error", "tone.muted", ...). They are
Rich theme styles: the app pushes `rich_theme(theme_variables)` onto its console whenever its
CSS variables are computed (start and every theme change, see `PipedriveApp.get_css_variables`),
so the same Text reads well on a dark theme, a light theme and under NO_COLOR (where Textual's
monochrome filter greys them; every status keeps its symbol and word, never colour alone).

Rich resolves a style name only as a whole, so each combination in use has its own name:
"<tone>" plain, "<tone>.b" bold, "<tone>.chip" the tone as a background (a badge).
"""

from __future__ import annotations

from rich.style import Style
from rich.theme import Theme
from textual.color import Color

# theme variable each tone follows
SOURCES = {
    "error": "text-error",
    "warning": "text-warning",
    "success": "text-success",
    "info": "text-primary",
    "accent": "text-accent",
    "special": "text-secondary",
}
CHIPS = {"error": "error", "warning": "warning", "success": "success", "info": "primary"}
FADES = {"muted": 0.78, "faint": 0.6}  # the foreground blended toward the background

ERROR, ERROR_B, ERROR_CHIP = "tone.error", "tone.error.b", "tone.error.chip"
WARNING, WARNING_B, WARNING_CHIP = "tone.warning", "tone.warning.b", "tone.warning.chip"
SUCCESS, SUCCESS_B, SUCCESS_CHIP = "tone.success", "tone.success.b", "tone.success.chip"
INFO, INFO_B = "tone.info", "tone.info.b"
ACCENT, ACCENT_B = "tone.accent", "tone.accent.b"
SPECIAL, SPECIAL_B = "tone.special", "tone.special.b"
MUTED, FAINT, FAINT_STRIKE = "tone.muted", "tone.faint", "tone.faint.strike"
CURSOR = "tone.cursor"  # the bar beside the selected card / row
SELECTED = "tone.selected"  # background of the selected card
ROW = "tone.row"  # the selected row of a list: bold on a tinted background

DARK = {
    "background": "#121212",
    "foreground": "#E0E0E0",
    "text-error": "#D17E92",
    "text-warning": "#FFC473",
    "text-success": "#8AD4A1",
    "text-primary": "#57A5E2",
    "text-accent": "#FFC473",
    "text-secondary": "#5684A5",
    "error": "#B93C5B",
    "warning": "#FEA62B",
    "success": "#4EBF71",
    "primary": "#0178D4",
}


def _color(value: str | None, fallback: Color) -> Color:
    try:
        return Color.parse(value) if value else fallback
    except Exception:  # "auto 87%" and other computed values: not a colour of its own
        return fallback


def rich_theme(variables: dict[str, str]) -> Theme:
    """The tone styles for a theme's CSS variables (App.get_css_variables)."""
    merged = {**DARK, **{k: v for k, v in variables.items() if v}}
    background = _color(merged["background"], Color.parse(DARK["background"]))
    foreground = _color(merged["foreground"], Color.parse(DARK["foreground"]))
    if foreground.a < 1:
        foreground = background.blend(foreground.with_alpha(1), foreground.a)

    def solid(name: str) -> Color:
        color = _color(merged.get(name), foreground)
        return background.blend(color.with_alpha(1), color.a) if color.a < 1 else color

    styles: dict[str, Style] = {}
    for tone, variable in SOURCES.items():
        color = solid(variable).rich_color
        styles[f"tone.{tone}"] = Style(color=color)
        styles[f"tone.{tone}.b"] = Style(color=color, bold=True)
    for tone, variable in CHIPS.items():
        back = solid(variable)
        styles[f"tone.{tone}.chip"] = Style(color=back.get_contrast_text(1.0).rich_color, bgcolor=back.rich_color, bold=True)
    for tone, amount in FADES.items():
        styles[f"tone.{tone}"] = Style(color=background.blend(foreground, amount).rich_color)
    styles[FAINT_STRIKE] = styles[FAINT] + Style(strike=True)
    primary = solid("primary")
    styles[CURSOR] = Style(color=primary.rich_color, bold=True)
    styles[SELECTED] = Style(bgcolor=background.blend(primary, 0.22).rich_color)
    styles[ROW] = Style(bold=True, bgcolor=background.blend(primary, 0.3).rich_color)
    return Theme(styles, inherit=True)


def luminance(color: Color) -> float:
    """WCAG 2 relative luminance of an opaque colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def contrast(a: Color, b: Color) -> float:
    """WCAG 2 contrast ratio of two opaque colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


SEPARATOR_CONTRAST = 3.0  # WCAG's minimum for graphical objects that carry meaning
SEPARATOR_GROUNDS = ("background", "surface", "panel")  # what a separator line is drawn on


def separator(variables: dict[str, str]) -> str:
    """The colour of separator lines (the board's columns, the triage side panel, the week's
    days): the theme's background moved toward its foreground just far enough to stand out
    from every ground in SEPARATOR_GROUNDS at SEPARATOR_CONTRAST or more."""
    merged = {**DARK, **{k: v for k, v in variables.items() if v}}
    background = _color(merged["background"], Color.parse(DARK["background"]))
    foreground = _color(merged["foreground"], Color.parse(DARK["foreground"])).with_alpha(1)
    grounds = []
    for name in SEPARATOR_GROUNDS:
        ground = _color(merged.get(name), background)
        grounds.append(background.blend(ground.with_alpha(1), ground.a))
    line = foreground
    for step in range(20, 101):
        line = background.blend(foreground, step / 100)
        if all(contrast(line, ground) >= SEPARATOR_CONTRAST for ground in grounds):
            break
    return line.hex


DEFAULT = rich_theme({})
