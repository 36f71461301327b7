"""The column a dragged card would land on, marked with the `-drop-target` class (the board and
the forecast: each screen finds its targets, this marks them)."""

from __future__ import annotations

from textual.widget import Widget


def mark_drop_target(old: Widget | None, new: Widget | None) -> Widget | None:
    """Move the mark from `old` to `new` (either may be None); returns the one marked now."""
    if new is not old:
        if old is not None:
            old.remove_class("-drop-target")
        if new is not None:
            new.add_class("-drop-target")
    return new
