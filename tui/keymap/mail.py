"""Keys of the mail screen (a thread and a message's body), its link picker, and the Mail
section of the deal, person and organization screens."""

from tui.keymap import Bindings, bind

BINDINGS: Bindings = [
    bind("mail.back", "escape", "back", "Back"),
    bind("mail.reply", "r", "reply", "Reply"),
    bind("mail.quotes", "z", "toggle_quotes", "Quotes"),
    bind("mail.links", "o", "links", "Open link"),
    bind("mail.next_page", "right_square_bracket", "page(1)", "Next page"),
    bind("mail.prev_page", "left_square_bracket", "page(-1)", "Prev page"),
    bind("mail.down", "j", "scroll_body(1)", "Scroll down", show=False),
    bind("mail.up", "k", "scroll_body(-1)", "Scroll up", show=False),
]

# the link picker: type a link's number (or move to it), enter opens it
LINK_BINDINGS: Bindings = [
    bind("mail.link_close", "escape", "close", "Close"),
]

# on the Mail section of a detail screen: reply to the selected message
SECTION_BINDINGS: Bindings = [
    bind("mail.section_reply", "r", "reply", "Reply", show=False),
]
