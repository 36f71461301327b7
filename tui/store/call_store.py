"""The Store's side of call logs (a mixin of Store); the outbox step is tui/store/calls.py.

log_id = await store.log_call({"outcome": "no_answer", "to_phone_number": "+49 30 1234",
                               "start_time": "2026-12-07 09:00:00", "end_time": "...",
                               "subject": "Call with Marta O'Brien", "deal_id": 7, "person_id": 3})
await store.cancel_call(log_id)     # undo until sent: True when nothing reached Pipedrive
await store.refresh_call_logs()     # the user's newest 50 (20 tokens), at most every 10 minutes
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from tui.store import calls
from tui.store.events import DataChanged

if TYPE_CHECKING:
    from tui.store.db import Database

REFRESH_EVERY = 600.0  # seconds between fetches of the user's call logs (a detail screen asks)


class CallLogs:
    client: Any
    db: Database
    _edit: Any
    _emit: Any
    _log_tokens: Any
    _calls_fetched: float | None = None

    async def log_call(self, body: dict[str, Any]) -> str:
        log_id: str = await self._edit(calls.queue, body, tables={"call_logs"})
        return log_id

    async def cancel_call(self, log_id: str) -> bool:
        undone: bool = await self._edit(calls.cancel, log_id, tables={"call_logs"})
        return undone

    async def refresh_call_logs(self) -> bool:
        """Fetch the user's newest call logs unless fetched in the last REFRESH_EVERY seconds
        (ApiError propagates: the cached ones stay)."""
        now = time.monotonic()
        if self.client is None or (self._calls_fetched is not None and now - self._calls_fetched < REFRESH_EVERY):
            return False
        self._calls_fetched = now
        await calls.fetch_recent(self.client, self.db)
        await self._log_tokens()
        self._emit(DataChanged(frozenset({"call_logs"})))
        return True
