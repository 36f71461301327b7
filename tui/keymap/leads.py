"""Keys of the leads section (5) and of a lead's screen."""

from tui.keymap import Bindings, bind

LIST_BINDINGS: Bindings = [
    bind("leads.filter", "slash", "filter", "Filter"),
    bind("leads.label", "l", "label_filter", "Label"),
    bind("leads.owner", "o", "owner_filter", "Owner"),
    bind("leads.source", "f", "source_filter", "Source"),
    bind("leads.archived", "A", "toggle_archived", "Archived"),
    bind("leads.clear", "x", "clear_filters", "Clear filters", show=False),
    bind("leads.sort", "s", "sort", "Sort"),
    bind("leads.convert", "C", "convert", "Convert", show=False),
]

LEAD_BINDINGS: Bindings = [
    bind("lead.labels", "l", "labels", "Labels"),
    bind("lead.archive", "A", "archive", "Archive"),
    bind("lead.convert", "C", "convert", "Convert to deal"),
]
