"""Keys of the small dialogs: confirm, choose one, lost reason, reschedule."""

from tui.keymap import Bindings, bind

CONFIRM_BINDINGS: Bindings = [
    bind("confirm.no", "escape,n", "answer(False)", "No"),
    bind("confirm.yes", "y", "answer(True)", "Yes"),
]

CHOICE_BINDINGS: Bindings = [
    bind("choice.cancel", "escape", "cancel", "Cancel"),
]

LOST_REASON_BINDINGS: Bindings = [
    bind("lost_reason.cancel", "escape", "cancel", "Cancel"),
]

RESCHEDULE_BINDINGS: Bindings = [
    bind("reschedule.cancel", "escape", "cancel", "Cancel"),
]
