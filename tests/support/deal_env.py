"""Helpers for the deal tests: a sandbox with products and custom values, a deal screen open,
its custom field editor filled the way a user would."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, OptionList, SelectionList, TextArea

from tests.conftest import FROZEN_NOW
from tests.support.wait import settle
from tui.sandbox import Sandbox
from tui.screens.custom_field_editor import CustomFieldEditor
from tui.screens.deal import DealScreen
from tui.widgets.entity_picker import EntityPicker
from tui.widgets.form_field import FormField


def rich_sandbox(deals: int = 40) -> Sandbox:
    return Sandbox(seed=7, deals=deals, token="t0k3n-for-tests", now=FROZEN_NOW, demo_extras=True)


def code_of(sb: Sandbox, entity: str, name: str) -> str:
    defs = {"deal": sb.state.deal_fields, "person": sb.state.person_fields, "organization": sb.state.organization_fields}
    return next(f["field_code"] for f in defs[entity] if f["field_name"] == name)


async def open_screen(env: Any, entity: str, entity_id: int) -> Any:
    {"deal": env.app.open_deal, "person": env.app.open_person, "organization": env.app.open_organization}[entity](entity_id)
    await settle(env)
    await settle(env)
    return env.app.screen


async def show_row(env: Any, screen: Any, code: str) -> None:
    """Focus the custom fields section with the field's row selected (scrolled into view)."""
    index = next(i for i, r in enumerate(screen.custom_rows) if r.fd.code == code)
    section = screen.query_one("#section-custom")
    section.focus()
    await env.pilot.pause()
    section.highlighted = index
    await env.pilot.pause()
    section.scroll_to_highlight()
    await settle(env)


async def open_editor(env: Any, screen: Any, code: str) -> CustomFieldEditor:
    """Select the field's row in the custom fields section and press enter, as a user would."""
    await show_row(env, screen, code)
    await env.pilot.press("enter")
    await settle(env)
    editor = env.app.screen
    assert isinstance(editor, CustomFieldEditor), editor
    return editor


async def fill(env: Any, editor: CustomFieldEditor, given: dict[str, Any]) -> None:
    """Put values in the editor's inputs: text/until/currency fields, the text area, an option
    (chosen by keys), a set of options, a picked person/organization/user (typed, then picked)."""
    for name, value in given.items():
        if name in ("text", "until", "currency") and editor.query(f"#field-{name}"):
            field = editor.query_one(f"#field-{name}", FormField)
            field.input.value = value
        elif name == "text":
            editor.query_one("#text-area", TextArea).load_text(value)
        elif name == "option":  # a label of an enum option, or None for (none)
            options = editor.query_one("#choice", OptionList)
            labels = [label for _oid, label in editor.fd.options]
            target = 0 if value is None else labels.index(value) + 1
            options.focus()
            await env.pilot.press("home", *(["down"] * target), "enter")
        elif name == "options":
            selection = editor.query_one("#choices", SelectionList)
            selection.deselect_all()
            for oid, label in editor.fd.options:
                if label in value:
                    selection.select(oid)
        elif name == "pick":  # type into the picker, pick the first match
            picker = editor.query_one(EntityPicker)
            picker.input.focus()
            picker.input.value = value  # as typed: the picker searches the cache on each change
            await settle(env)
            await env.pilot.press("down", "enter")
        await settle(env)


async def save(env: Any) -> None:
    await env.pilot.press("ctrl+s")
    await settle(env)


def deal_screen(env: Any) -> DealScreen:
    screen = env.app.screen
    assert isinstance(screen, DealScreen), screen
    return screen


def input_of(editor: CustomFieldEditor, name: str) -> Input:
    return editor.query_one(f"#input-{name}", Input)
