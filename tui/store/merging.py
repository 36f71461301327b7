"""The Store's side of merging duplicates (a mixin of Store).

    await store.read(duplicates, "person", 151)            # tui/store/queries/duplicates.py, 0 tokens
    await store.read(merge_preview, "person", 105, 151)    # what 105 keeps when 151 is merged into it
    await store.merge("person", keep_id=105, other_id=151) # optimistic; one PUT .../151/merge (40 tokens)

The merge goes through the outbox (tui/store/merge.py): the cache shows the result at once,
Pipedrive's answer replaces it, a refusal puts both items back.
"""

from __future__ import annotations

from typing import Any

from tui.store import merge


class Merging:
    # set by Store
    _edit: Any

    async def merge(self, entity: str, keep_id: int, other_id: int) -> int:
        """Merge `other_id` into `keep_id` (which survives); returns the outbox row's seq.
        Raises edits.EditError when it cannot be queued (unknown, unsaved, already merging)."""
        seq: int = await self._edit(
            merge.queue,
            entity,
            keep_id,
            other_id,
            tables={"persons", "organizations", "deals", "activities", "notes", "leads"},
        )
        return seq
