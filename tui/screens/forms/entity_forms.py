"""Deal, person and organization forms (edit with `e`, create with `c`)."""

from __future__ import annotations

from collections.abc import Callable

from datetime import date
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Label, Select

from tui import numbers
from tui import validation as v
from tui.formatting import clean
from tui.screens.forms.base import FormScreen, changed
from tui.store.queries.board import stage_choices
from tui.store.queries.entities import currency_codes, entity_data, label_of
from tui.store.queries.products import line_count
from tui.widgets.entity_picker import EntityPicker
from tui.widgets.form_field import FormField


def percent_preview(text: str) -> str | None:
    return numbers.preview(text, "%")


def date_preview(today: date) -> Callable[[str], str]:
    from tui.dates import describe, parse_date

    return lambda text: describe(parse_date(text, today), today)


def _num(value: Any) -> str:
    return numbers.plain(value)  # the locale's decimal mark: saved unchanged reads back the same


PRODUCTS_VALUE = "The value of a deal with products is the sum of its products: change them instead (enter on the deal)"


class DealForm(FormScreen):
    def __init__(
        self,
        data: dict[str, Any] | None,
        labels: dict[str, str],
        currencies: set[str],
        today: date,
        prefill: dict[str, Any] | None = None,
        stages: list[tuple[str, int]] | None = None,
        products: int = 0,
    ) -> None:
        super().__init__()
        self.stages = stages or []
        self.products = products  # lines on the deal: its value is theirs, read-only here
        self.deal_id: int | None = data["id"] if data else None
        self.data = data or {}
        self.labels = labels
        self.currencies = currencies
        self.today = today
        self.prefill = prefill or {}

    @classmethod
    async def load(cls, store: Any, deal_id: int | None = None, prefill: dict[str, Any] | None = None) -> "DealForm":
        data = await store.read(entity_data, "deal", deal_id) if deal_id is not None else None
        base = data or {}
        labels = {
            k: await store.read(label_of, kind, base.get(k))
            for k, kind in (("owner_id", "user"), ("person_id", "person"), ("org_id", "organization"))
        }
        products = await store.read(line_count, deal_id) if deal_id is not None else 0
        return cls(data, labels, await store.read(currency_codes), store.clock.today(), prefill, await store.read(stage_choices), products)

    def form_title(self) -> str:
        return f"Edit deal “{clean(self.data.get('title'))}”" if self.deal_id else "New deal"

    def fields(self) -> ComposeResult:
        d = self.data
        yield FormField("title", "Title *", d.get("title") or "")
        stage = d.get("stage_id") or self.prefill.get("stage_id")
        if self.stages and (d.get("status") or "open") == "open":
            yield Label("Pipeline › stage")
            yield Select(
                self.stages, value=stage if stage in {v for _l, v in self.stages} else self.stages[0][1], allow_blank=False, id="stage"
            )
        yield FormField(
            "value",
            "Value",
            _num(d.get("value")),
            placeholder=f"e.g. {numbers.current().example()}",
            preview=lambda text: numbers.preview(text, self.currency_now(), money=True),
            read_only=PRODUCTS_VALUE if self.products else "",
        )
        yield FormField("currency", "Currency", d.get("currency") or "", placeholder="EUR")
        yield EntityPicker("owner_id", "Owner", self.searcher("user"), value=d.get("owner_id"), value_label=self.labels["owner_id"])
        yield EntityPicker("person_id", "Person", self.searcher("person"), value=d.get("person_id"), value_label=self.labels["person_id"])
        yield EntityPicker(
            "org_id", "Organization", self.searcher("organization"), value=d.get("org_id"), value_label=self.labels["org_id"]
        )
        yield FormField(
            "expected_close_date",
            "Expected close date",
            d.get("expected_close_date") or "",
            hint="YYYY-MM-DD, 24.12., +3d, next fri",
            preview=date_preview(self.today),
        )
        yield FormField("probability", "Probability %", _num(d.get("probability")), placeholder="0-100", preview=percent_preview)

    def currency_now(self) -> str:
        """The currency the value will be saved in: the field's as typed, else the deal's."""
        fields = self.query("#field-currency")
        typed = fields.first(FormField).value.strip().upper() if fields else ""
        return typed or str(self.data.get("currency") or "")

    @on(Input.Changed, "#input-currency")
    def _currency_changed(self) -> None:
        self.field("value").show_preview()

    async def collect(self) -> tuple[dict[str, Any], dict[str, str]]:
        errors: dict[str, str] = {}
        out: dict[str, Any] = {}
        checks = {
            "title": v.required(self.field("title").value, "Title"),
            "value": (self.data.get("value"), None) if self.products else v.number(self.field("value").value),
            "currency": v.currency(self.field("currency").value, self.currencies),
            "expected_close_date": v.friendly_date(self.field("expected_close_date").value, self.today),
            "probability": v.probability(self.field("probability").value),
        }
        for name, (value, error) in checks.items():
            if error:
                errors[name] = error
            else:
                out[name] = value
        for name in ("owner_id", "person_id", "org_id"):
            out[name] = self.picker(name).value
        if self.query("#stage"):
            out["stage_id"] = self.query_one("#stage", Select).value
        if out.get("value") is None:
            out["value"] = 0 if not self.deal_id else self.data.get("value")
        if not out.get("currency"):
            out.pop("currency", None)
        return out, errors

    def snapshot(self) -> dict[str, Any]:
        snap = super().snapshot()
        if self.query("#stage"):
            snap["stage_id"] = self.query_one("#stage", Select).value
        return snap

    async def save(self, changes: dict[str, Any]) -> int | None:
        if self.deal_id is None:
            fields = {k: val for k, val in {**self.prefill, **changes}.items() if val is not None}
            fields.pop("pipeline_id", None)  # follows the stage
            new_id = await self.store.create_entity("deal", fields)
            self.notify(f"Deal “{clean(changes['title'])}” created", timeout=2, markup=False)
            return new_id
        diff = changed(changes, self.data)
        if diff:
            await self.store.update_entity("deal", self.deal_id, diff)
            self.notify("Deal saved", timeout=2)
        return self.deal_id


class PersonForm(FormScreen):
    def __init__(self, data: dict[str, Any] | None, labels: dict[str, str], prefill: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.person_id: int | None = data["id"] if data else None
        self.data = data or {}
        self.labels = labels
        self.prefill = prefill or {}

    @classmethod
    async def load(cls, store: Any, person_id: int | None = None, prefill: dict[str, Any] | None = None) -> "PersonForm":
        data = await store.read(entity_data, "person", person_id) if person_id is not None else None
        base = {**(prefill or {}), **(data or {})}
        labels = {
            "owner_id": await store.read(label_of, "user", base.get("owner_id")),
            "org_id": await store.read(label_of, "organization", base.get("org_id")),
        }
        return cls(data, labels, prefill)

    def form_title(self) -> str:
        return f"Edit person “{clean(self.data.get('name'))}”" if self.person_id else "New person"

    def fields(self) -> ComposeResult:
        d = {**self.prefill, **self.data}
        yield FormField("name", "Name *", d.get("name") or "")
        yield FormField("emails", "E-mails", v.format_contacts(d.get("emails")), hint="a@b.com (work), c@d.org (home); first is primary")
        yield FormField("phones", "Phones", v.format_contacts(d.get("phones")), hint="+49 30 1234 (work), …; first is primary")
        yield EntityPicker(
            "org_id", "Organization", self.searcher("organization"), value=d.get("org_id"), value_label=self.labels["org_id"]
        )
        yield EntityPicker("owner_id", "Owner", self.searcher("user"), value=d.get("owner_id"), value_label=self.labels["owner_id"])

    async def collect(self) -> tuple[dict[str, Any], dict[str, str]]:
        errors: dict[str, str] = {}
        out: dict[str, Any] = {}
        for name, (value, error) in {
            "name": v.required(self.field("name").value, "Name"),
            "emails": v.contact_list(self.field("emails").value, "email"),
            "phones": v.contact_list(self.field("phones").value, "phone"),
        }.items():
            if error:
                errors[name] = error
            else:
                out[name] = value
        out["org_id"] = self.picker("org_id").value
        out["owner_id"] = self.picker("owner_id").value
        return out, errors

    async def save(self, changes: dict[str, Any]) -> int | None:
        if self.person_id is None:
            new_id = await self.store.create_entity("person", {k: val for k, val in changes.items() if val not in (None, [])})
            self.notify(f"Person “{clean(changes['name'])}” created", timeout=2, markup=False)
            return new_id
        old = dict(self.data)
        for key in ("emails", "phones"):  # compare what the user can see: value, label, primary
            old[key] = [
                {"value": c.get("value"), "label": c.get("label") or "work", "primary": bool(c.get("primary"))}
                for c in sorted(old.get(key) or [], key=lambda c: not c.get("primary"))
            ]
        diff = changed(changes, old)
        if diff:
            await self.store.update_entity("person", self.person_id, diff)
            self.notify("Person saved", timeout=2)
        return self.person_id


class OrganizationForm(FormScreen):
    def __init__(self, data: dict[str, Any] | None, labels: dict[str, str]) -> None:
        super().__init__()
        self.org_id: int | None = data["id"] if data else None
        self.data = data or {}
        self.labels = labels

    @classmethod
    async def load(cls, store: Any, org_id: int | None = None) -> "OrganizationForm":
        data = await store.read(entity_data, "organization", org_id) if org_id is not None else None
        return cls(data, {"owner_id": await store.read(label_of, "user", (data or {}).get("owner_id"))})

    def form_title(self) -> str:
        return f"Edit organization “{clean(self.data.get('name'))}”" if self.org_id else "New organization"

    def fields(self) -> ComposeResult:
        d = self.data
        yield FormField("name", "Name *", d.get("name") or "")
        yield FormField("address", "Address", ((d.get("address") or {}).get("value") or ""), placeholder="street, postcode city, country")
        yield EntityPicker("owner_id", "Owner", self.searcher("user"), value=d.get("owner_id"), value_label=self.labels["owner_id"])

    async def collect(self) -> tuple[dict[str, Any], dict[str, str]]:
        name, error = v.required(self.field("name").value, "Name")
        errors = {"name": error} if error else {}
        address = self.field("address").value.strip()
        out: dict[str, Any] = {"name": name, "owner_id": self.picker("owner_id").value}
        old_address = (self.data.get("address") or {}).get("value") or ""
        if address != old_address:
            out["address"] = {"value": address} if address else None
        return out, errors

    async def save(self, changes: dict[str, Any]) -> int | None:
        if self.org_id is None:
            new_id = await self.store.create_entity("organization", {k: val for k, val in changes.items() if val is not None})
            self.notify(f"Organization “{clean(changes['name'])}” created", timeout=2, markup=False)
            return new_id
        diff = changed(changes, self.data)
        if "address" in changes:
            diff["address"] = changes["address"]
        if diff:
            await self.store.update_entity("organization", self.org_id, diff)
            self.notify("Organization saved", timeout=2)
        return self.org_id
