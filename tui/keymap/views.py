"""Keys of the saved-filter view picker (board `v`)."""

from tui.keymap import Bindings, bind

BINDINGS: Bindings = [
    bind("views.refresh", "R", "refresh", "Fetch again"),
    bind("views.pin", "p", "pin", "Pin to F1-F9"),
    bind("views.save", "s", "save", "Keep board filters"),
    bind("views.delete", "delete", "delete", "Remove yours"),
    bind("views.cancel", "escape", "cancel", "Cancel"),
]

NAME_BINDINGS: Bindings = [
    bind("views.name_cancel", "escape", "cancel", "Cancel"),
]
