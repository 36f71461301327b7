"""Keys of the edit forms.

Not priority bindings: a priority binding runs when its key arrives, before the keys
already queued for the focused Input are handled, so a fast-typed value followed by
ctrl+s would be saved cut short. As ordinary bindings they bubble up from the focused
field after every key typed before them.
"""

from tui.keymap import Bindings, bind

BINDINGS: Bindings = [
    bind("form.save", "ctrl+s", "save", "Save"),
    bind("form.cancel", "escape", "cancel", "Cancel"),
]
