"""Edit one custom field of a deal, person or organization in place (enter on it in the
"Custom fields" section). Why in place rather than in the entity form: an account has dozens
of custom fields, each of its own type; one small editor per field keeps the forms short, is
one key away from the value the user is reading, and sends exactly that one key inside
`custom_fields` (tui/custom_values.py gives the shape per type). Validation shows next to the
input; nothing is sent until it passes, nor when the value did not change. Types the app
cannot write are shown and left alone."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from datetime import date
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, OptionList, SelectionList, Static, TextArea
from textual.widgets.option_list import Option

from tui import styles

from tui import custom_values as cv
from tui import numbers
from tui.formatting import clean
from tui.keymap import forms as form_keys
from tui.screens.base import AppModal
from tui.store.queries.custom import ref_kind
from tui.widgets.entity_picker import EntityPicker
from tui.widgets.form_field import FormField
from tui.widgets import tones

HINTS = {"date": "YYYY-MM-DD, 24.12., +3d, next fri", "time": "HH:MM", "phone": "+49 30 1234567", "double": "a number"}


def _date_preview(today: date) -> Callable[[str], str]:
    from tui.screens.forms.entity_forms import date_preview

    return date_preview(today)


class CustomFieldEditor(AppModal[bool]):
    CSS_PATH = styles.path("forms.tcss")
    BINDINGS = form_keys.BINDINGS

    def __init__(
        self,
        entity: str,
        entity_id: int,
        fd: cv.FieldDef,
        value: Any,
        *,
        today: date,
        zone: str,
        currencies: set[str],
        default_currency: str | None,
        ref_label: str = "",
        suggestions: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.entity, self.entity_id, self.fd, self.value = entity, entity_id, fd, value
        self.today, self.zone, self.currencies = today, zone, currencies
        self.default_currency = default_currency
        self.ref_label = ref_label
        self.suggestions = suggestions or []
        self.start = cv.inputs(fd, value)

    @classmethod
    async def load(cls, store: Any, entity: str, entity_id: int, code: str) -> "CustomFieldEditor":
        from tui.store.queries.custom import autocomplete, field_def, my_defaults
        from tui.store.queries.entities import currency_codes, entity_data, label_of

        data = await store.read(entity_data, entity, entity_id) or {}
        fd = await store.read(field_def, entity, code) or cv.FieldDef(code, code, "unknown")
        value = (data.get("custom_fields") or {}).get(code)
        kind = ref_kind(fd)
        ref = cv.inputs(fd, value).get("choice") if kind else None
        label = await store.read(label_of, kind, ref) if kind and ref is not None else ""
        suggestions = await store.read(autocomplete, entity, code) if fd.type == "varchar_auto" else []
        currency, my_zone = await store.read(my_defaults)
        zone = getattr(store.clock.zone, "key", None) or my_zone or "UTC"
        return cls(
            entity,
            entity_id,
            fd,
            value,
            today=store.clock.today(),
            zone=zone,
            currencies=await store.read(currency_codes),
            ref_label=label,
            suggestions=suggestions,
            default_currency=data.get("currency") or currency,
        )

    def compose(self) -> ComposeResult:
        fd, start = self.fd, self.start
        with Vertical(classes="cf-form"):
            yield Label(Text(f"{clean(fd.name)}  ·  {fd.type}", style="bold"), classes="cf-title")
            with VerticalScroll(classes="cf-body"):
                yield from self._inputs(fd, start)
            yield Static("", id="form-error", classes="cf-error")
            hint = "ctrl+s save · escape cancel" if fd.editable else "escape close"
            if fd.type == "enum":
                hint = "enter choose · " + hint
            elif fd.type == "set":
                hint = "space toggle · " + hint
            yield Label(hint, classes="cf-hint")

    def _inputs(self, fd: cv.FieldDef, start: dict[str, Any]) -> ComposeResult:
        kind = fd.type
        if not fd.editable:
            yield Static(
                Text(
                    f"{cv.display(fd, self.value, lambda k, i: None)}\n\nFields of type “{kind}” are shown "
                    "as Pipedrive sends them and never changed from here.",
                    style=tones.MUTED,
                )
            )
        elif kind == "text":
            yield Label("Text")
            yield TextArea(start.get("text", ""), id="text-area", soft_wrap=True)
        elif kind in ("varchar", "varchar_auto", "phone", "address", "double"):
            hint = "suggests values used before" if kind == "varchar_auto" else HINTS.get(kind, "")
            yield FormField(
                "text",
                "Value" if kind != "address" else "Address",
                start.get("text", ""),
                hint=hint,
                preview=(lambda text: numbers.preview(text)) if kind == "double" else None,
            )
        elif kind == "monetary":
            yield FormField(
                "text",
                "Amount",
                start.get("text", ""),
                placeholder=f"e.g. {numbers.current().example()}",
                preview=lambda text: numbers.preview(text, self._currency_now(), money=True),
            )
            yield FormField("currency", "Currency", start.get("currency") or self.default_currency or "", placeholder="EUR")
        elif kind in ("date", "daterange"):
            yield FormField(
                "text", "Date" if kind == "date" else "Start", start.get("text", ""), hint=HINTS["date"], preview=_date_preview(self.today)
            )
            if kind == "daterange":
                yield FormField("until", "End", start.get("until", ""), hint=HINTS["date"], preview=_date_preview(self.today))
        elif kind in ("time", "timerange"):
            zone = start.get("zone") or self.zone
            yield FormField("text", "Time" if kind == "time" else "Start", start.get("text", ""), hint=f"HH:MM, {zone}")
            if kind == "timerange":
                yield FormField("until", "End", start.get("until", ""), hint=f"HH:MM, {zone}")
        elif kind == "enum":
            yield OptionList(
                Option(Text("(none)", style=tones.MUTED), id="none"), *[Option(clean(label)) for _oid, label in fd.options], id="choice"
            )
        elif kind == "set":
            chosen = set(start.get("choices") or [])
            yield SelectionList(*[(clean(label), oid, oid in chosen) for oid, label in fd.options], id="choices")
        elif kind in cv.REF_KINDS:
            yield EntityPicker(
                "choice",
                {"user": "User", "people": "Person", "org": "Organization"}[kind],
                self._searcher(cv.REF_KINDS[kind]),
                value=start.get("choice"),
                value_label=self.ref_label,
            )

    def _currency_now(self) -> str:
        fields = self.query("#field-currency")
        typed = fields.first(FormField).value.strip().upper() if fields else ""
        return typed or str(self.default_currency or "")

    def _searcher(self, kind: str) -> Callable[[str], Awaitable[list[Any]]]:
        from tui.store.queries.entities import search

        async def run(text: str) -> list[Any]:
            return await self.store.read(search, kind, text)

        return run

    def on_mount(self) -> None:
        if self.fd.type == "varchar_auto" and self.suggestions:
            self.query_one("#input-text", Input).suggester = SuggestFromList(self.suggestions, case_sensitive=False)
        if self.fd.type == "enum":
            options = self.query_one("#choice", OptionList)
            ids = [oid for oid, _ in self.fd.options]
            current = self.start.get("choice")
            options.highlighted = ids.index(current) + 1 if current in ids else 0
        focusable = [w for w in self.query("Input, TextArea, OptionList, SelectionList") if w.focusable]
        if focusable:
            focusable[0].focus()

    def ready_for_keys(self) -> bool:
        return self.focused is not None or not self.fd.editable

    # -- saving ----------------------------------------------------------------------------------

    def given(self) -> dict[str, Any]:
        out: dict[str, Any] = {"zone": self.start.get("zone")}
        for f in self.query(FormField):
            out[f.field_name] = f.value
        if self.query("#text-area"):
            out["text"] = self.query_one("#text-area", TextArea).text
        if self.query("#choice"):
            index = self.query_one("#choice", OptionList).highlighted
            out["choice"] = self.fd.options[index - 1][0] if index else None
        for picker in self.query(EntityPicker):
            out["choice"] = picker.value
            typed = picker.input.value.strip()
            out["unpicked"] = bool(typed) and typed != clean(picker.value_label)
        if self.query("#choices"):
            out["choices"] = list(self.query_one("#choices", SelectionList).selected)
        return out

    def show_error(self, message: str) -> None:
        fields = list(self.query(FormField))
        wanted = "until" if message.startswith("End") else ("currency" if "currency" in message.lower() else None)
        target = next((f for f in fields if f.field_name == wanted), None)
        target = target or (fields[0] if fields else None)
        if target is not None:
            target.set_error(message)
        self.query_one("#form-error", Static).update(Text(f"{message} · nothing was sent"))

    async def action_save(self) -> None:
        if not self.fd.editable:
            self.dismiss(False)
            return
        for f in self.query(FormField):
            f.set_error(None)
        value, error = cv.parse(
            self.fd, self.given(), today=self.today, zone=self.zone, currencies=self.currencies, default_currency=self.default_currency
        )
        if error:
            self.show_error(error)
            return
        if cv.same(self.fd, self.value, value):
            self.dismiss(False)
            return
        await self.store.set_custom_field(self.entity, self.entity_id, self.fd.code, value)
        self.notify(f"{clean(self.fd.name)} saved", timeout=2, markup=False)
        self.dismiss(True)

    @on(OptionList.OptionSelected, "#choice")
    async def chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        await self.action_save()

    def action_cancel(self) -> None:
        self.dismiss(False)
