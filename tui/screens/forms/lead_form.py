"""Edit a lead (`e` on a lead): title, value and currency, owner, person, organization,
expected close date. Saved through the store's outbox (v1 PATCH /leads/{id}, 10 tokens)."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.app import ComposeResult

from tui import numbers
from tui import validation as v
from tui.formatting import clean
from tui.screens.forms.base import FormScreen, changed
from tui.screens.forms.entity_forms import _num, date_preview
from tui.store.queries.entities import currency_codes, entity_data, label_of
from tui.widgets.entity_picker import EntityPicker
from tui.widgets.form_field import FormField


class LeadForm(FormScreen):
    def __init__(self, data: dict[str, Any], labels: dict[str, str], currencies: set[str], today: date) -> None:
        super().__init__()
        self.lead_id = data["id"]
        self.data = data
        self.labels = labels
        self.currencies = currencies
        self.today = today

    @classmethod
    async def load(cls, store: Any, lead_id: str) -> "LeadForm":
        data = await store.read(entity_data, "lead", lead_id) or {"id": lead_id}
        labels = {
            k: await store.read(label_of, kind, data.get(k))
            for k, kind in (("owner_id", "user"), ("person_id", "person"), ("organization_id", "organization"))
        }
        return cls(data, labels, await store.read(currency_codes), store.clock.today())

    def form_title(self) -> str:
        return f"Edit lead “{clean(self.data.get('title'))}”"

    def fields(self) -> ComposeResult:
        d = self.data
        value = d.get("value") or {}
        yield FormField("title", "Title *", d.get("title") or "")
        yield FormField(
            "value",
            "Value",
            _num(value.get("amount")),
            placeholder=f"e.g. {numbers.current().example()}, empty = no value",
            preview=lambda text: numbers.preview(text, self._currency_now(), money=True),
        )
        yield FormField("currency", "Currency", value.get("currency") or "", placeholder="EUR")
        yield EntityPicker("owner_id", "Owner", self.searcher("user"), value=d.get("owner_id"), value_label=self.labels["owner_id"])
        yield EntityPicker("person_id", "Person", self.searcher("person"), value=d.get("person_id"), value_label=self.labels["person_id"])
        yield EntityPicker(
            "organization_id",
            "Organization",
            self.searcher("organization"),
            value=d.get("organization_id"),
            value_label=self.labels["organization_id"],
        )
        yield FormField(
            "expected_close_date",
            "Expected close date",
            d.get("expected_close_date") or "",
            hint="YYYY-MM-DD, 24.12., +3d, next fri",
            preview=date_preview(self.today),
        )

    def _currency_now(self) -> str:
        fields = self.query("#field-currency")
        typed = fields.first(FormField).value.strip().upper() if fields else ""
        return typed or str((self.data.get("value") or {}).get("currency") or "")

    async def apply_values(self, values: dict[str, Any]) -> None:
        """A lead's value is {amount, currency}: two fields of the form."""
        values = dict(values)
        if "value" in values:
            value = values.pop("value") or {}
            values.update(value=value.get("amount"), currency=value.get("currency"))
        await super().apply_values(values)

    async def collect(self) -> tuple[dict[str, Any], dict[str, str]]:
        errors: dict[str, str] = {}
        out: dict[str, Any] = {}
        title, e = v.required(self.field("title").value, "Title")
        if e:
            errors["title"] = e
        amount, e = v.number(self.field("value").value)
        if e:
            errors["value"] = e
        currency, e = v.currency(self.field("currency").value, self.currencies)
        if e:
            errors["currency"] = e
        close, e = v.friendly_date(self.field("expected_close_date").value, self.today)
        if e:
            errors["expected_close_date"] = e
        out["title"] = title
        out["expected_close_date"] = close
        for name in ("owner_id", "person_id", "organization_id"):
            out[name] = self.picker(name).value
        if out["person_id"] is None and out["organization_id"] is None:
            errors["person_id"] = "A lead needs a person or an organization"
        if amount is None:
            out["value"] = None
        else:
            old = (self.data.get("value") or {}).get("currency")
            out["value"] = {"amount": amount, "currency": currency or old or "EUR"}
        return out, errors

    async def save(self, changes: dict[str, Any]) -> int | None:
        diff = changed(changes, self.data)
        if diff:
            await self.store.update_entity("lead", self.lead_id, diff)
            self.notify("Lead saved", timeout=2)
        return None
