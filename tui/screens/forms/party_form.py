"""Add a follower (a user) or a participant (a person): one picker over the cache, ctrl+s adds."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult

from tui.screens.forms.base import FormScreen
from tui.widgets.entity_picker import EntityPicker


class PartyForm(FormScreen):
    """kind 'user' (a follower) or 'person' (a participant); dismisses with the chosen id."""

    def __init__(self, kind: str, title: str) -> None:
        super().__init__()
        self.kind = kind
        self.title_text = title

    def form_title(self) -> str:
        return self.title_text

    def fields(self) -> ComposeResult:
        yield EntityPicker("ref_id", "User *" if self.kind == "user" else "Person *", self.searcher(self.kind))

    async def collect(self) -> tuple[dict[str, Any], dict[str, str]]:
        chosen = self.picker("ref_id").value
        if chosen is None:
            return {}, {"ref_id": f"Type a name and pick a {'user' if self.kind == 'user' else 'person'} from the list"}
        return {"ref_id": chosen}, {}

    async def save(self, changes: dict[str, Any]) -> int | None:
        chosen: int = changes["ref_id"]
        return chosen
