"""Pipeline board keys."""

from tui.keymap import Bindings, bind

BINDINGS: Bindings = [
    bind("board.left", "left,h", "column(-1)", "Prev stage", show=False),
    bind("board.right", "right,l", "column(1)", "Next stage", show=False),
    bind("board.up", "up,k", "card(-1)", "Up", show=False),
    bind("board.down", "down,j", "card(1)", "Down", show=False),
    bind("board.top", "home", "card_edge('top')", "First", show=False),
    bind("board.bottom", "end", "card_edge('bottom')", "Last", show=False),
    bind("board.page_up", "pageup", "card_page(-1)", "Page up", show=False),
    bind("board.page_down", "pagedown", "card_page(1)", "Page down", show=False),
    bind("board.next_stage", "greater_than_sign,shift+right", "move(1)", "Advance"),
    bind("board.prev_stage", "less_than_sign,shift+left", "move(-1)", "Back", show=False),
    bind("board.won", "w", "won", "Won"),
    bind("board.lost", "x", "lost", "Lost"),
    bind("board.undo", "u", "undo", "Undo"),
    bind("board.open", "enter", "open", "Open"),
    bind("board.note", "n", "note", "Note"),
    bind("board.create", "c", "create", "New deal", show=False),
    bind("board.pipeline", "p", "pipeline", "Pipeline"),
    bind("board.owner", "o", "owner", "Owner"),
    bind("board.status", "s", "status_filter", "Status"),
    bind("board.sort", "S", "sort", "Sort", show=False),
    bind("board.converted", "dollar_sign", "converted", "One currency", show=False),
    bind("board.filter", "slash", "filter", "Filter"),
    bind("board.mark", "space", "mark(0)", "Mark", show=False),
    bind("board.mark_down", "shift+down", "mark(1)", "Mark and down", show=False),
    bind("board.mark_up", "shift+up", "mark(-1)", "Mark and up", show=False),
    bind("board.mark_column", "asterisk", "mark_column", "Mark column", show=False),
    bind("board.bulk", "b", "bulk", "Bulk", show=False),
    bind("board.views", "v", "views", "Views", show=False),
    *[
        bind(f"board.view{n}", f"f{n}", f"pinned({n})", f"Pinned view {n}", show=False) for n in range(1, 10)
    ],  # v, then p pins a view  # in ? help; the lead places it in the footer
]
