"""FormScreen: fields, validation next to each field, ctrl+s save, escape asks before discarding."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Label, Static

from tui import styles
from tui import numbers
from tui.screens.base import AppModal
from tui.keymap import forms as form_keys
from tui.widgets.entity_picker import EntityPicker
from tui.widgets.form_field import FormField


class FormScreen(AppModal[int | None]):
    """Subclasses build `fields()` and implement `collect()` -> (changes, errors) and `save(changes)`."""

    CSS_PATH = styles.path("forms.tcss")
    BINDINGS = form_keys.BINDINGS
    TITLE = "Edit"

    def __init__(self) -> None:
        super().__init__()
        self._initial: dict[str, Any] = {}
        self.server_errors: dict[str, str] = {}  # field -> Pipedrive's reason, shown when the form opens

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Label(Text(self.form_title()), classes="form-title")
            # not focusable: tab goes from field to field, and keys typed before the first
            # field has focus wait for it instead of landing on the scroll area ("Fast" -> "ast")
            with VerticalScroll(classes="form-body", can_focus=False):
                yield from self.fields()
            yield Static("", id="form-error", classes="form-error")
            yield Label("ctrl+s save · escape cancel · tab next field", classes="form-hint")

    def ready_for_keys(self) -> bool:
        """Keys typed right after the key that opened the form wait for its first field."""
        return self.focused is not None and not self.focused.has_class("form-body")

    def form_title(self) -> str:
        return self.TITLE

    def fields(self) -> ComposeResult:  # pragma: no cover - abstract
        raise NotImplementedError
        yield

    def on_mount(self) -> None:
        self._initial = self.snapshot()
        self.query(Input).first().focus()
        if self.server_errors:
            self.show_errors(self.server_errors)

    def show_errors(self, errors: dict[str, str]) -> None:
        """Pipedrive's reasons next to their fields (a reason for no field: under the form);
        the first field with one gets the focus."""
        first: Input | None = None
        loose: list[str] = []
        for name, message in errors.items():
            if name and self.query(f"#field-{name}"):
                widget = self.field_widget(name)
                widget.set_error(message)
                if first is None and not widget.query_one(Input).disabled:
                    first = widget.query_one(Input)
            else:
                loose.append(message)
        if loose:
            self.query_one("#form-error", Static).update(Text("\n".join(loose)))
        if first is not None:
            first.focus()

    def snapshot(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for field in self.query(FormField):
            out[field.field_name] = field.value
        for picker in self.query(EntityPicker):
            out[picker.field_name] = picker.value
        return out

    def field(self, name: str) -> FormField:
        return self.query_one(f"#field-{name}", FormField)

    def field_widget(self, name: str) -> FormField | EntityPicker:
        """A field of either kind (a text field or a picker), by its name."""
        widget = self.query_one(f"#field-{name}")
        assert isinstance(widget, (FormField, EntityPicker)), widget
        return widget

    def picker(self, name: str) -> EntityPicker:
        return self.query_one(f"#field-{name}", EntityPicker)

    async def apply_values(self, values: dict[str, Any]) -> None:
        """Fill fields with other values (e.g. the user's side of a conflict) before editing."""
        from tui import validation as v
        from tui.store.queries.entities import label_of

        kinds = {"owner_id": "user", "person_id": "person", "org_id": "organization", "deal_id": "deal", "organization_id": "organization"}
        for name, value in values.items():
            if not self.query(f"#field-{name}"):
                continue
            widget = self.query_one(f"#field-{name}")
            if isinstance(widget, EntityPicker):
                label = await self.store.read(label_of, kinds.get(name, "person"), value) if value is not None else ""
                widget.set_choice(value, label)
            elif isinstance(widget, FormField):
                if widget.input.disabled:
                    continue  # read-only here (a deal's value follows its products)
                if name in ("emails", "phones"):
                    text = v.format_contacts(value)
                elif isinstance(value, dict):
                    text = str(value.get("value") or "")
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    text = numbers.plain(value)  # read back the same in the user's locale
                else:
                    text = "" if value is None else str(value)
                widget.input.value = text

    async def action_save(self) -> None:
        for w in self.query(".form-field"):
            if isinstance(w, (FormField, EntityPicker)):
                w.set_error(None)
        self.query_one("#form-error", Static).update("")
        changes, errors = await self.collect()
        for name, message in errors.items():
            self.field_widget(name).set_error(message)
        if errors:
            self.query_one("#form-error", Static).update(
                Text(f"Fix {len(errors)} field{'s' if len(errors) > 1 else ''} above; nothing was sent.")
            )
            first = self.query_one(f"#field-{next(iter(errors))}")
            first.query_one(Input).focus()
            return
        try:
            result = await self.save(changes)
        except ValueError as exc:
            self.query_one("#form-error", Static).update(Text(str(exc)))
            return
        self.dismiss(result)

    async def collect(self) -> tuple[dict[str, Any], dict[str, str]]:  # pragma: no cover - abstract
        raise NotImplementedError

    async def save(self, changes: dict[str, Any]) -> int | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def action_cancel(self) -> None:
        if self.snapshot() == self._initial:
            self.dismiss(None)
            return
        from tui.screens.dialogs import ConfirmScreen

        def answer(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Discard your changes?", yes="Discard", no="Keep editing"), answer)

    # helpers for subclasses
    def searcher(self, kind: str) -> Callable[[str], Awaitable[list[Any]]]:
        from tui.store.queries.entities import search

        async def run(text: str) -> list[Any]:
            return await self.store.read(search, kind, text)

        return run


def changed(new: dict[str, Any], old: dict[str, Any]) -> dict[str, Any]:
    """Only the fields whose value differs from the entity's current value."""
    return {k: v for k, v in new.items() if old.get(k) != v}
