"""The Store's side of followers and deal participants (a mixin of Store; the outbox steps
are in tui/store/followers.py).

    await store.load_followers("deal", 7)          # once per item and session: 10 (+10 for a deal) tokens
    await store.follow("deal", 7, user_id)         # False when already following
    await store.unfollow("deal", 7, user_id)
    await store.add_participant(7, person_id)      # None when the person takes part already
    await store.remove_participant(7, row_id)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.store import followers
from tui.store.events import DataChanged

if TYPE_CHECKING:
    from tui.store.db import Database

TABLES = {"item_followers", "deal_participants"}


class Followers:
    client: Any
    db: Database
    _edit: Any
    _emit: Any
    _log_tokens: Any
    _followers_loaded: set[tuple[str, int]] | None = None

    async def load_followers(self, entity: str, entity_id: int) -> bool:
        """Fetch an item's followers (and a deal's participants) when the item's counts of them
        (synced with it) differ from the ones at the last fetch; when they are not known, once
        per session. ApiError propagates; the cached ones stay."""
        if self._followers_loaded is None:
            self._followers_loaded = set()
        key = (entity, entity_id)
        if self.client is None or entity_id < 0 or key in self._followers_loaded:
            return False
        now = await self.db.read(followers.counts, entity, entity_id)
        if now is not None and now == await self.db.read(followers.fetched_mark, entity, entity_id):
            return False  # nothing changed since the last fetch: 0 tokens
        self._followers_loaded.add(key)
        try:
            await followers.fetch(self.client, self.db, entity, entity_id)
        except Exception:
            self._followers_loaded.discard(key)
            raise
        await self.db.write(followers.set_fetched, entity, entity_id, now)
        await self._log_tokens()
        self._emit(DataChanged(frozenset(TABLES)))
        return True

    async def follow(self, entity: str, entity_id: int, user_id: int, label: str = "") -> bool:
        done: bool = await self._edit(followers.follow, entity, entity_id, user_id, label, tables=TABLES)
        return done

    async def unfollow(self, entity: str, entity_id: int, user_id: int, label: str = "") -> bool:
        done: bool = await self._edit(followers.unfollow, entity, entity_id, user_id, label, tables=TABLES)
        return done

    async def add_participant(self, deal_id: int, person_id: int, label: str = "") -> int | None:
        local: int | None = await self._edit(followers.add_participant, deal_id, person_id, label, tables=TABLES)
        return local

    async def remove_participant(self, deal_id: int, row_id: int, label: str = "") -> bool:
        done: bool = await self._edit(followers.remove_participant, deal_id, row_id, label, tables=TABLES)
        return done
