"""Keys of the history (timeline) screen."""

from tui.keymap import Bindings, bind

BINDINGS: Bindings = [
    bind("history.back", "escape", "back", "Back"),
    bind("history.kind", "f", "kind(1)", "Filter kind"),
    bind("history.kind_back", "F", "kind(-1)", "Previous kind", show=False),
    bind("history.refetch", "R", "refetch", "Fetch again"),
]
