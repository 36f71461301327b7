"""Keys of the people and organization lists."""

from tui.keymap import Bindings, bind

# On the list widget itself (widgets/virtual_table.py): they win over a scroll view's own keys.
TABLE_BINDINGS: Bindings = [
    bind("table.up", "up,k", "cursor(-1)", "Up", show=False),
    bind("table.down", "down,j", "cursor(1)", "Down", show=False),
    bind("table.page_up", "pageup", "page(-1)", "Page up", show=False),
    bind("table.page_down", "pagedown", "page(1)", "Page down", show=False),
    bind("table.top", "home", "edge(0)", "Top", show=False),
    bind("table.bottom", "end", "edge(1)", "Bottom", show=False),
    bind("table.open", "enter", "select", "Open", show=False),
]

BINDINGS: Bindings = [
    bind("lists.filter", "slash", "filter", "Filter"),
    bind("lists.sort", "s", "sort", "Sort"),
    bind("lists.create", "c", "create", "New"),
]

# people and organizations (tui/screens/list_bulk.py)
BULK_BINDINGS: Bindings = [
    bind("lists.mark", "space", "mark(0)", "Mark", show=False),
    bind("lists.mark_down", "shift+down", "mark(1)", "Mark down", show=False),
    bind("lists.mark_up", "shift+up", "mark(-1)", "Mark up", show=False),
    bind("lists.mark_all", "asterisk", "mark_all", "Mark all shown", show=False),
    bind("lists.bulk", "b", "bulk", "Bulk", show=False),
    bind("lists.undo", "u", "undo", "Undo", show=False),
    bind("lists.merge", "M", "merge", "Merge duplicates", show=False),  # tui/screens/detail_merge.py
]
