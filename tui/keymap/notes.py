"""Keys of the note editor (ordinary bindings: they run after every key typed before them).

`note.editor` lives on the editor's TextArea itself (TextArea binds ctrl+e to "end of
line"; a binding of the focused widget wins over the screen's), so it too runs in order.
"""

from tui.keymap import Bindings, bind

BINDINGS: Bindings = [
    bind("note.save", "ctrl+s", "save", "Save"),
    bind("note.cancel", "escape", "cancel", "Cancel"),
]

EDITOR_BINDINGS: Bindings = [
    bind("note.editor", "ctrl+e", "screen.external", "$EDITOR"),
]
