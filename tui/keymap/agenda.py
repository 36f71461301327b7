"""Activity agenda keys."""

from tui.keymap import Bindings, bind

# The selection keys: on the list widget itself (so they win over a scroll view's own
# up/down/home/end, which only scrolled) and on the screen (the week view has no focus).
MOVE_BINDINGS: Bindings = [
    bind("agenda.up", "up,k", "cursor(-1)", "Up", show=False),
    bind("agenda.down", "down,j", "cursor(1)", "Down", show=False),
    bind("agenda.page_up", "pageup", "page(-1)", "Page up", show=False),
    bind("agenda.page_down", "pagedown", "page(1)", "Page down", show=False),
    bind("agenda.top", "home", "edge(0)", "First", show=False),
    bind("agenda.bottom", "end", "edge(1)", "Last", show=False),
]

BINDINGS: Bindings = [
    bind("agenda.done", "d,space", "done", "Done"),
    bind("agenda.reschedule", "s", "reschedule", "Reschedule"),
    bind("agenda.open", "enter", "open", "Open"),
    bind("agenda.note", "n", "note", "Note"),
    bind("agenda.log_call", "L", "log_call", "Log call", show=False),
    bind("agenda.create", "c", "create", "New"),
    bind("agenda.edit", "e", "edit", "Edit"),
    bind("agenda.delete", "delete", "delete", "Delete", show=False),
    bind("agenda.types", "t", "types", "Types"),
    bind("agenda.owner", "o", "owner", "Owner"),
    bind("agenda.show_done", "D", "toggle_done", "Done recently", show=False),
    bind("agenda.filter", "slash", "filter", "Filter"),
    bind("agenda.week", "v", "week", "Week"),
    bind("agenda.prev_week", "left_square_bracket", "shift_week(-1)", "Prev week", show=False),
    bind("agenda.next_week", "right_square_bracket", "shift_week(1)", "Next week", show=False),
]
