"""Keys of the products list, the archived deals list, the archived deal view and the product
picker. Neither list creates anything here (products are made in Pipedrive; archived deals are
read-only), so both drop the lists' `c`."""

from tui.keymap import bind
from tui.keymap import lists

PRODUCT_BINDINGS = [b for b in lists.BINDINGS if b.id != "lists.create"]
ARCHIVED_BINDINGS = PRODUCT_BINDINGS + [bind("archived.refetch", "R", "refetch", "Fetch again")]
VIEW_BINDINGS = [bind("archived.close", "escape", "close", "Close")]
PICKER_BINDINGS = [bind("picker.cancel", "escape", "cancel", "Cancel")]
