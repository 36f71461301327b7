"""Keys of the products list, the archived deals list, the archived deal view and the product
picker. Neither list creates anything here (products are made in Pipedrive; archived deals are
read-only), so both drop the lists' `c`."""

from textual.binding import Binding

from tui.keymap import Bindings, bind
from tui.keymap import lists

PRODUCT_BINDINGS: Bindings = [b for b in lists.BINDINGS if not (isinstance(b, Binding) and b.id == "lists.create")]
ARCHIVED_BINDINGS: Bindings = PRODUCT_BINDINGS + [bind("archived.refetch", "R", "refetch", "Fetch again")]
VIEW_BINDINGS: Bindings = [bind("archived.close", "escape", "close", "Close")]
PICKER_BINDINGS: Bindings = [bind("picker.cancel", "escape", "cancel", "Cancel")]
