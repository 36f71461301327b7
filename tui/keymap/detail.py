"""Keys of the deal, person and organization screens."""

from tui.keymap import Bindings, bind

BINDINGS: Bindings = [
    bind("detail.back", "escape", "back", "Back"),
    bind("detail.edit", "e", "edit", "Edit"),
    bind("detail.note", "n", "note", "Note"),
    bind("detail.activity", "a", "activity", "Activity"),
    bind("detail.pin", "p", "pin", "Pin note", show=False),
    bind("detail.done", "d", "toggle_done", "Done", show=False),
    bind("detail.delete", "delete", "delete", "Delete"),
    bind("detail.person", "P", "open_person", "Person", show=False),
    bind("detail.organization", "O", "open_organization", "Org", show=False),
    bind("detail.next_stage", "greater_than_sign", "move(1)", "Next stage", show=False),
    bind("detail.prev_stage", "less_than_sign", "move(-1)", "Prev stage", show=False),
    bind("detail.won", "w", "won", "Won", show=False),
    bind("detail.lost", "x", "lost", "Lost", show=False),
    bind("detail.reopen", "R", "reopen", "Reopen", show=False),
    bind("detail.history", "h", "history", "History"),
    bind("detail.add_product", "plus", "add", "Add (product, follower, participant)", show=False),
    bind("detail.follow", "F", "follow", "Follow", show=False),
    bind("detail.log_call", "L", "log_call", "Log call"),
    bind("detail.undo_call", "u", "undo_call", "Undo call", show=False),
    bind("detail.copy", "y", "copy_contact", "Copy phone/e-mail", show=False),
    bind("detail.merge", "M", "merge", "Merge duplicates", show=False),
]

# inside a section (products, custom fields, activities, notes …): vim keys beside the arrows
SECTION_BINDINGS: Bindings = [
    bind("detail.down", "j", "cursor_down", "Down", show=False),
    bind("detail.up", "k", "cursor_up", "Up", show=False),
]

# inside the Files section (deal, person, organization): enter downloads and opens the file
FILES_BINDINGS: Bindings = [
    bind("detail.attach_file", "plus", "screen.attach_file", "Attach file"),
    bind("detail.delete_file", "delete,d", "screen.delete_file", "Delete file"),
]

# the path prompt of `+` in the Files section
FILE_PROMPT_BINDINGS: Bindings = [
    bind("file_prompt.cancel", "escape", "cancel", "Cancel"),
    bind("file_prompt.complete", "tab", "complete", "Complete the path", priority=True),
]
