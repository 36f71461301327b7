"""Keys of the triage section (6): one key per fix, on the selected deal."""

from tui.keymap import Bindings, bind

# On the queue widget itself (they win over a scroll view's own up/down, which only scrolled)
# and on the screen.
MOVE_BINDINGS: Bindings = [
    bind("triage.up", "up,k", "cursor(-1)", "Up", show=False),
    bind("triage.down", "down,j", "cursor(1)", "Down", show=False),
    bind("triage.page_up", "pageup", "page(-1)", "Page up", show=False),
    bind("triage.page_down", "pagedown", "page(1)", "Page down", show=False),
    bind("triage.top", "home", "edge(0)", "First", show=False),
    bind("triage.bottom", "end", "edge(1)", "Last", show=False),
]

BINDINGS: Bindings = [
    bind("triage.schedule", "a", "schedule", "Schedule"),
    bind("triage.done", "d", "done_next", "Done+next"),
    bind("triage.advance", "greater_than_sign", "advance", "Advance"),
    bind("triage.lost", "x", "lost", "Lost"),
    bind("triage.close_date", "c", "close_date", "Close date"),
    bind("triage.snooze", "z", "snooze", "Snooze"),
    bind("triage.undo", "u", "undo", "Undo"),
    bind("triage.log_call", "L", "log_call", "Log call", show=False),
    bind("triage.open", "enter", "open", "Open", show=False),
    bind("triage.owner", "o", "owner", "Owner"),
    bind("triage.summary", "S", "summary", "Summary"),
    bind("triage.show_snoozed", "s", "toggle_snoozed", "Show snoozed", show=False),
]

PROMPT_BINDINGS: Bindings = [
    bind("triage.prompt_cancel", "escape", "cancel", "Cancel"),
]

SCHEDULE_BINDINGS: Bindings = PROMPT_BINDINGS + [
    bind("triage.prompt_save", "ctrl+s", "save", "Save", show=False),
]

SUMMARY_BINDINGS: Bindings = PROMPT_BINDINGS + [
    bind("triage.summary_close", "enter,S,q", "cancel", "Close", show=False),
]
