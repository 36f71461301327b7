"""Keys of the archived deals list, the archived deal view and the product picker."""

from tui.keymap import bind
from tui.keymap.lists import BINDINGS as LIST_BINDINGS

ARCHIVED_BINDINGS = [b for b in LIST_BINDINGS if b.id != "lists.create"] + [
    bind("archived.refetch", "R", "refetch", "Fetch again")]
VIEW_BINDINGS = [bind("archived.close", "escape", "close", "Close")]
PICKER_BINDINGS = [bind("picker.cancel", "escape", "cancel", "Cancel")]
