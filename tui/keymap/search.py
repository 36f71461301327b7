"""Keys of the global search screen (`g`). Its text box keeps the focus, so letters are
typed; the keys here are the ones a text box does not use."""

from tui.keymap import Bindings, bind

BINDINGS: Bindings = [
    bind("search.up", "up", "move(-1)", "Up", show=False),
    bind("search.down", "down", "move(1)", "Down", show=False),
    bind("search.page_up", "pageup", "page(-1)", "Page up", show=False),
    bind("search.page_down", "pagedown", "page(1)", "Page down", show=False),
    bind("search.next_group", "tab", "group(1)", "Next type"),
    bind("search.prev_group", "shift+tab", "group(-1)", "Previous type", show=False),
    bind("search.open", "enter", "open", "Open"),
    bind("search.remote", "ctrl+r", "remote", "Search Pipedrive"),
    bind("search.back", "escape", "back", "Back"),
]
