"""Keys of the small dialogs: confirm, choose one, lost reason, reschedule."""

from tui.keymap import bind

CONFIRM_BINDINGS = [
    bind("confirm.no", "escape,n", "answer(False)", "No"),
    bind("confirm.yes", "y", "answer(True)", "Yes"),
]

CHOICE_BINDINGS = [
    bind("choice.cancel", "escape", "cancel", "Cancel"),
]

LOST_REASON_BINDINGS = [
    bind("lost_reason.cancel", "escape", "cancel", "Cancel"),
]

RESCHEDULE_BINDINGS = [
    bind("reschedule.cancel", "escape", "cancel", "Cancel"),
]
