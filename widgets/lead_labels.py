"""Lead labels as text: the label's colour (Pipedrive's colour names) on a bullet and its name,
so a label reads the same without colour (NO_COLOR, monochrome terminals). The colour is data
(the label's own), so only the bullet wears it; the name is in the theme's text colour, which
reads on light and dark themes alike."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from tui.formatting import clean

COLOURS = {
    "blue": "dodger_blue1",
    "brown": "dark_orange3",
    "dark-gray": "grey50",
    "gray": "grey70",
    "green": "green3",
    "orange": "orange1",
    "pink": "hot_pink",
    "purple": "medium_purple1",
    "red": "red1",
    "yellow": "yellow1",
}


def label_text(name: str, colour: str | None) -> Text:
    style = COLOURS.get(colour or "", "")
    return Text.assemble(("●", style), " ", clean(name))


def label_chips(labels: Sequence[tuple[str, str | None]], sep: str = " ") -> Text:
    """(name, colour) pairs as one line; an empty Text when there are none."""
    return Text(sep).join(label_text(name, colour) for name, colour in labels)
