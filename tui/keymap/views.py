"""Keys of the saved-filter view picker (board `v`)."""

from tui.keymap import bind

BINDINGS = [
    bind("views.refresh", "R", "refresh", "Fetch again"),
    bind("views.cancel", "escape", "cancel", "Cancel"),
]
