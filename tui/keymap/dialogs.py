"""Keys of the small dialogs: confirm, choose one, lost reason, reschedule, merge duplicates."""

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

# the merge dialog (tui/screens/merge.py): enter in the list previews, in the preview merges
MERGE_BINDINGS: Bindings = [
    bind("merge.confirm", "enter,ctrl+s", "merge", "Merge"),
    bind("merge.swap", "s", "swap", "Keep the other"),
    bind("merge.back", "escape", "back", "Back"),
]
