"""Keys of the people and organization lists."""

from tui.keymap import bind

BINDINGS = [
    bind("lists.filter", "slash", "filter", "Filter"),
    bind("lists.sort", "s", "sort", "Sort"),
    bind("lists.create", "c", "create", "New"),
]
