"""Text whose width every terminal agrees on, for columns that must line up.

Rich measures an emoji sequence as one 2-cell glyph, and so do some terminals; others draw
its parts one by one (xterm, VTE, older tmux: 👩‍💻 is 4 cells, 👍🏽 is 4, ❤️ is 1), so a
card with such a title pushed the board's column lines out of line there. `steady` takes
the sequences apart into what every terminal measures alike: a zero-width joiner between
emoji is dropped (👩‍💻 becomes 👩💻), as are skin-tone modifiers, emoji variation selectors
and tag characters. Only for display: what is saved is the server's text.
"""

from __future__ import annotations

import re

from tui.formatting import clean

_EMOJI = "\u2600-\u27bf\U0001f000-\U0001faff"
# modifiers that fuse with the emoji before them in some terminals and not in others
_MODIFIERS = re.compile("[\ufe0f\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]")
_JOINER = re.compile(f"(?<=[{_EMOJI}])\u200d|\u200d(?=[{_EMOJI}])")


def steady(text: str) -> str:
    """`text` with emoji sequences taken apart (see the module's docstring)."""
    if not text or text.isascii():
        return text
    return _JOINER.sub("", _MODIFIERS.sub("", text))


def shown(value: object) -> str:
    """Server text for one line of a column: `steady`, then `clean` (no control or bidi
    characters, one line)."""
    return "" if value is None else clean(steady(str(value)))
