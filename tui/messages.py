"""Messages between the app and its screens (Textual), in one place."""

from __future__ import annotations

from textual.message import Message

from tui.store.events import StoreEvent


class StoreEventMessage(Message):
    """A store event (tui/store/events.py), delivered on the app's message loop."""

    def __init__(self, event: StoreEvent) -> None:
        super().__init__()
        self.event = event


class DataRefresh(Message):
    """Posted to the screens of the current stack when cached data changed. `ids`: the rows
    per table when few changed (a table mapped to None, or ids None: reload it all)."""

    def __init__(self, tables: frozenset[str], ids: dict[str, frozenset[int] | None] | None = None) -> None:
        super().__init__()
        self.tables = tables
        self.ids = ids


class CreatedMessage(Message):
    """Posted to the screens when a local (negative) id became the server's."""

    def __init__(self, entity: str, local_id: int, server_id: int) -> None:
        super().__init__()
        self.entity, self.local_id, self.server_id = entity, local_id, server_id


class ConvertedMessage(Message):
    """Posted to the screens when Pipedrive converted a lead into a deal."""

    def __init__(self, lead_id: str, deal_id: int) -> None:
        super().__init__()
        self.lead_id, self.deal_id = lead_id, deal_id
