"""The Store's side of agent proposals (a mixin of Store; tui/store/proposals.py holds the rows).

    await store.approve_proposal(pid, fields=None)   # queued in the outbox exactly once
    await store.reject_proposal(pid, reason=None)    # never sent
    await store.settle_proposal(pid, result_id)      # approved after an edit in a form
    await store.check_proposals()                    # another process proposed or decided:
                                                     # status `proposals` and DataChanged({"proposals"})

The MCP server (tui/agent/) writes proposals into the same cache file from its own process;
the app looks for them every few seconds (`watch_proposals`, started with the store).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from tui.store import edits, proposals
from tui.store.events import DataChanged
from tui.store.proposals import Proposal

WATCH_EVERY = 2.0  # seconds between looks for proposals made by another process

if TYPE_CHECKING:
    from tui.clock import Clock
    from tui.store.db import Database


class Review:
    # set by Store
    db: Database
    clock: Clock
    _emit: Any
    _update: Any
    _refresh_counts: Any
    me_id: Any
    _proposal_version: tuple[int, int, int] | None = None

    async def approve_proposal(self, proposal_id: int, fields: dict[str, Any] | None = None) -> Proposal:
        """Apply a waiting proposal through the outbox (ProposalError when it is not waiting)."""
        me = await self.me_id()
        decided: Proposal = await self.db.write(proposals.approve, proposal_id, me, self.clock.now(), fields)
        tables = {"proposals"}
        if decided.state == "approved":
            tables.add(edits.table_of(decided.entity))
        await self._changed(tables)
        return decided

    async def reject_proposal(self, proposal_id: int, reason: str | None = None) -> Proposal:
        decided: Proposal = await self.db.write(proposals.reject, proposal_id, reason, self.clock.now())
        await self._changed({"proposals"})
        return decided

    _approving: int | None = None  # a proposal whose form is open: its save is its approval

    def approve_by_save(self, proposal_id: int | None) -> None:
        """While a proposal's form is open (the inbox's `e`), the form's save of that change
        approves the proposal with the edited fields: one transaction, so a crash never leaves
        the change queued and the proposal waiting (approvable a second time)."""
        self._approving = proposal_id

    async def _as_approval(self, op: str, entity: str, entity_id: int | None, fields: dict[str, Any]) -> int | None:
        """The save of the open proposal's change, done as its approval (None: not that change)."""
        pid = self._approving
        if pid is None:
            return None
        found = await self.db.read(proposals.get, pid)
        if found is None or found.state != "waiting" or (found.op, found.entity) != (op, entity):
            return None
        if op == "update" and found.entity_id != entity_id:
            return None
        self._approving = None
        decided = await self.approve_proposal(pid, fields)
        if decided.state != "approved":
            raise ValueError(decided.reason or "the change could not be applied")
        return decided.result_id if decided.result_id is not None else entity_id

    async def settle_proposal(self, proposal_id: int, result_id: int | None) -> bool:
        done: bool = await self.db.write(proposals.settle, proposal_id, self.clock.now(), result_id)
        await self._changed({"proposals"})
        return done

    async def _changed(self, tables: set[str]) -> None:
        self._proposal_version = await self.db.read(proposals.version)
        await self._refresh_counts()
        self._emit(DataChanged(frozenset(tables)))

    async def check_proposals(self) -> bool:
        """True (and DataChanged) when proposals changed since the last look."""
        found = await self.db.read(proposals.version)
        if found == self._proposal_version:
            return False
        self._proposal_version = found
        self._update(proposals=found[0])
        self._emit(DataChanged(frozenset({"proposals"})))
        return True

    async def watch_proposals(self) -> None:
        while True:
            try:
                await self.check_proposals()
            except asyncio.CancelledError:
                raise
            except Exception:  # a busy or closing file: look again next time
                pass
            await asyncio.sleep(WATCH_EVERY)
