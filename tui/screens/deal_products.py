"""Products on the deal screen: the section, the product picker (searches the cached catalogue)
and the line form (quantity, price, discount, tax, with the sum as Pipedrive computes it).
Every change goes through the store's outbox: shown at once, the deal's value with it, and
rolled back if Pipedrive refuses."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from tui import styles
from tui import numbers
from tui import validation as v
from tui.api.errors import ApiError
from tui.formatting import clean, money
from tui.keymap import catalog as catalog_keys
from tui.screens.base import AppModal
from tui.screens.forms.base import FormScreen
from tui.store.deal_lines import line_sum
from tui.store.queries.products import LineRow, ProductRow, product, products
from tui.widgets.form_field import FormField
from tui.widgets import tones
from tui.screens.detail_base import Section

if TYPE_CHECKING:  # the host screen, for types only (it imports this module)
    from tui.screens.deal import DealScreen


def _num(value: float) -> str:
    return numbers.plain(value)  # the locale's decimal mark, as typed back into the form


def line_text(line: LineRow) -> Text:
    disc = (
        (f"−{_num(line.discount)}%" if line.discount_type == "percentage" else f"−{money(line.discount, line.currency)}")
        if line.discount
        else ""
    )
    tax = (
        f"+{_num(line.tax)}% tax"
        if line.tax and line.tax_method == "exclusive"
        else (f"{_num(line.tax)}% incl." if line.tax and line.tax_method == "inclusive" else "")
    )
    text = Text.assemble(
        (clean(line.name)[:30].ljust(31), "" if line.enabled else tones.FAINT_STRIKE),
        (f"{_num(line.quantity):>6} × ", tones.MUTED),
        money(line.item_price, line.currency).rjust(14),
        (f"  {disc:<8}", tones.WARNING),
        (f"{tax:<13}", tones.MUTED),
        ("= ", tones.MUTED),
        (money(line.sum, line.currency).rjust(15), tones.SUCCESS),
    )
    if line.pending:
        text.append("  saving…", style=tones.INFO)
    return text


class DealProductsMixin:
    """For DealScreen: its products section, keys + (add), enter/e (edit), delete (remove)."""

    detail: Any
    entity_id: int

    @property
    def host(self) -> DealScreen:
        """The deal screen this is mixed into, typed."""
        return cast("DealScreen", self)

    def value_note(self, d: Any) -> str:
        if not d.lines:
            return ""
        waiting = any(line.pending for line in d.lines)
        return f"  from {len(d.lines)} product{'s' if len(d.lines) > 1 else ''}" + (" (estimate until saved)" if waiting else "")

    def fill_products(self, d: Any) -> None:
        lines = d.lines
        total = money(sum(line.sum for line in lines if line.enabled), d.deal.get("currency")) if lines else ""
        self.host.set_title("products", "Products", len(lines), f"total {total}" if lines else "")
        self.host.query_one("#section-products", Section).fill(
            [(line_text(line), ("line", line.id)) for line in lines], "No products: press + to add one"
        )

    @work(exclusive=True, group="deal-products", exit_on_error=False)
    async def fetch_products(self) -> None:
        try:
            await self.host.store.load_deal_products(self.entity_id)
        except ApiError as exc:
            self.host.notify(f"Products not loaded: {exc.message}", severity="warning", timeout=4, markup=False)

    def open_other(self, kind: str, target_id: int) -> None:
        if kind == "line":
            line = next((ln for ln in self.detail.lines if ln.id == target_id), None) if self.detail else None
            if line is not None:
                self.host.app.push_screen(LineForm(self.entity_id, line, None, self.detail.deal.get("currency")))

    def action_add_product(self) -> None:
        if not self.detail or self.entity_id < 0:
            self.host.app.bell()
            return
        currency = self.detail.deal.get("currency")

        async def picked(product_id: int | None) -> None:
            if product_id is None:
                return
            found = await self.host.store.read(product, product_id)
            if found is not None:
                method = self.detail.lines[0].tax_method if self.detail and self.detail.lines else "exclusive"
                self.host.app.push_screen(LineForm(self.entity_id, None, found, currency, method))

        self.host.app.push_screen(ProductPicker(currency), picked)

    async def action_delete(self) -> None:
        if self.host.focused_section() != "products":
            await super().action_delete()  # type: ignore[misc]
            return
        target = self.host.query_one("#section-products", Section).target
        line = next((ln for ln in self.detail.lines if target and ln.id == target[1]), None) if self.detail else None
        if line is None:
            return
        from tui.screens.dialogs import ConfirmScreen

        async def drop(yes: bool | None) -> None:
            if yes:
                await self.host.store.remove_deal_product(line.id)
                self.host.notify(f"Removed {clean(line.name)}", timeout=2, markup=False)

        self.host.app.push_screen(ConfirmScreen(f"Remove “{clean(line.name)}” from this deal?", yes="Remove"), drop)


class ProductPicker(AppModal[int | None]):
    """Type to search the product catalogue (cached); enter picks the highlighted product."""

    CSS_PATH = styles.path("dialogs.tcss")
    BINDINGS = catalog_keys.PICKER_BINDINGS

    def __init__(self, currency: str | None) -> None:
        super().__init__()
        self.currency = currency
        self.found: list[ProductRow] = []

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text("Add a product", style="bold"))
            yield Input(placeholder="name or code", id="product-search")
            yield OptionList(id="product-results")
            yield Label("↓ to the list · enter picks · escape cancels", classes="form-hint")

    def ready_for_keys(self) -> bool:
        return self.focused is not None

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self.search("")

    @on(Input.Changed, "#product-search")
    def changed(self, event: Input.Changed) -> None:
        self.search(event.value)

    @work(exclusive=True, group="product-search", exit_on_error=False)
    async def search(self, text: str) -> None:
        self.found = await self.store.read(products, text, linkable_only=True, limit=50)
        results = self.query_one("#product-results", OptionList)
        results.clear_options()
        for p in self.found:
            price, code = p.price_in(self.currency)
            results.add_option(
                Option(
                    Text.assemble(
                        clean(p.name).ljust(28),
                        (f"{clean(p.code or ''):<9}", tones.MUTED),
                        money(price, code).rjust(12),
                        (f"  {_num(p.tax)}% tax" if p.tax else "", tones.MUTED),
                    )
                )
            )
        if self.found:
            results.highlighted = 0
        else:
            results.add_option(Option(Text(f"No product matches '{text}'", style=tones.FAINT), disabled=True))

    def on_key(self, event: Any) -> None:
        results = self.query_one("#product-results", OptionList)
        if event.key == "down" and self.focused is self.query_one(Input) and self.found:
            results.focus()
            event.stop()
            event.prevent_default()

    @on(Input.Submitted, "#product-search")
    def submitted(self, event: Input.Submitted) -> None:
        index = self.query_one("#product-results", OptionList).highlighted
        if self.found and index is not None:
            self.dismiss(self.found[index].id)

    @on(OptionList.OptionSelected, "#product-results")
    def selected(self, event: OptionList.OptionSelected) -> None:
        if self.found:
            self.dismiss(self.found[event.option_index].id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class LineForm(FormScreen):
    """A product on a deal: quantity, price, discount (%) and tax (%); only changed fields are sent."""

    def __init__(
        self, deal_id: int, line: LineRow | None, item: ProductRow | None, currency: str | None, tax_method: str = "exclusive"
    ) -> None:
        super().__init__()
        self.deal_id, self.line, self.item, self.currency = deal_id, line, item, currency
        price, code = item.price_in(currency) if item else (line.item_price if line else 0.0, currency)
        self.price_note = f"no {currency} price; its {code} price" if item and code != currency else ""
        self.start = {
            "quantity": line.quantity if line else 1.0,
            "item_price": price,
            "discount": line.discount if line else 0.0,
            "tax": line.tax if line else (item.tax if item else 0.0),
        }
        self.tax_method = line.tax_method if line else tax_method  # one per deal: its other products' method

    def form_title(self) -> str:
        name = self.line.name if self.line else (self.item.name if self.item else "")
        return f"{'Edit' if self.line else 'Add'} “{clean(name)}”"

    def fields(self) -> ComposeResult:
        yield FormField("quantity", "Quantity *", _num(self.start["quantity"]))
        yield FormField("item_price", f"Price ({self.currency or '?'})", _num(self.start["item_price"]), hint=self.price_note)
        yield FormField("discount", "Discount %", _num(self.start["discount"]), placeholder="0")
        yield FormField("tax", "Tax %", _num(self.start["tax"]), placeholder="0")
        yield Static("", id="line-sum")

    def on_mount(self) -> None:  # Textual calls the form's own on_mount after this one
        self.show_sum()

    @on(Input.Changed)
    def show_sum(self, event: Any = None) -> None:
        values, errors = self.read()
        total = "" if errors else money(line_sum({**values, "tax_method": self.tax_method}), self.currency)
        text = next(iter(errors.values()), "") if errors else f"= {total}"
        if not errors:
            text += {"exclusive": "  (tax added on top)", "inclusive": "  (prices include the tax)", "none": "  (no tax)"}.get(
                self.tax_method, ""
            )
        self.query_one("#line-sum", Static).update(Text(text, style=tones.SUCCESS_B))

    def read(self) -> tuple[dict[str, Any], dict[str, str]]:
        errors: dict[str, str] = {}
        out: dict[str, Any] = {}
        quantity = v.number(self.field("quantity").value, "Quantity")
        if quantity[0] is not None and quantity[0] <= 0:
            quantity = (None, "Quantity must be more than 0")
        checks = {
            "quantity": quantity,
            "item_price": v.number(self.field("item_price").value, "Price", minimum=0, maximum=1e12),
            "discount": v.number(self.field("discount").value, "Discount", minimum=0, maximum=100),
            "tax": v.number(self.field("tax").value, "Tax", minimum=0, maximum=100),
        }
        for name, (value, error) in checks.items():
            if error:
                errors[name] = error
            else:
                out[name] = value if value is not None else 0
        if "quantity" not in errors and not self.field("quantity").value.strip():
            errors["quantity"] = "Quantity is required"
        return out, errors

    async def collect(self) -> tuple[dict[str, Any], dict[str, str]]:
        return self.read()

    async def save(self, changes: dict[str, Any]) -> int | None:
        if self.line is None:
            assert self.item is not None
            body = {"product_id": self.item.id, **{k: val for k, val in changes.items() if k != "discount" or val}}
            new_id = await self.store.add_deal_product(self.deal_id, body)
            self.notify(f"Added {clean(self.item.name)}", timeout=2, markup=False)
            return new_id
        diff = {k: val for k, val in changes.items() if float(val) != float(self.start[k])}
        if diff:
            await self.store.update_deal_product(self.line.id, diff)
            self.notify(f"{clean(self.line.name)} saved", timeout=2, markup=False)
        return self.line.id
