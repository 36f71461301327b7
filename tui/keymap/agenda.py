"""Activity agenda keys."""

from tui.keymap import bind

BINDINGS = [
    bind("agenda.up", "up,k", "cursor(-1)", "Up", show=False),
    bind("agenda.down", "down,j", "cursor(1)", "Down", show=False),
    bind("agenda.page_up", "pageup", "cursor(-15)", "Page up", show=False),
    bind("agenda.page_down", "pagedown", "cursor(15)", "Page down", show=False),
    bind("agenda.done", "d,space", "done", "Done"),
    bind("agenda.reschedule", "s", "reschedule", "Reschedule"),
    bind("agenda.open", "enter", "open", "Open"),
    bind("agenda.note", "n", "note", "Note"),
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
