"""Bulk actions on the people and organization lists, as on the board (tui/screens/board_bulk.py).

`space` marks the selected row, `shift+down/up` marks and moves, `*` marks every row the list
shows (with its filter), `escape` clears the marks. With rows marked, `b` offers a new owner or
deletion; both ask once with the count (the safe answer first), go through the store as one
batch (each its own outbox row: a refusal rolls back that one and says which), and `u` gives
the owners back. Marks are ids: they survive scrolling, filtering and re-sorting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from tui.formatting import clean
from tui.screens.dialogs import ChoiceScreen, confirm_then
from tui.store.queries import board as board_queries
from tui.store.queries import entities as q

if TYPE_CHECKING:  # the host screen, for types only (it imports this module)
    from tui.screens.entity_list import EntityListScreen


class ListBulk:
    """A mixin of EntityListScreen (uses its store, table, ids, text, row_id)."""

    @property
    def host(self) -> EntityListScreen:
        """The screen this is mixed into, typed (its columns, selection, store, app)."""
        return cast("EntityListScreen", self)

    ENTITY = ""  # "person" | "organization"
    PLURAL = ""  # "people" | "organizations"

    def _init_bulk(self) -> None:
        self.marked: set[int] = set()
        self.undo_batches: list[dict[int, dict[str, Any]]] = []

    def is_marked(self, index: int) -> bool:
        return self.host.row_id(index) in self.marked

    def _repaint_marks(self) -> None:
        self.host.table.refresh()
        if self.marked:
            self.host.notify(f"{len(self.marked)} marked: b to act on them, escape clears", timeout=3)

    def action_mark(self, step: int = 0) -> None:
        table = self.host.table
        here = self.host.row_id(table.cursor)
        if here is None:
            return
        if step == 0:
            self.marked.symmetric_difference_update({here})
        else:
            self.marked.add(here)
            table.move_to(table.cursor + step)
            after = self.host.row_id(table.cursor)
            if after is not None:
                self.marked.add(after)
        self._repaint_marks()

    async def action_mark_all(self) -> None:
        ids_of = q.person_ids if self.ENTITY == "person" else q.organization_ids
        ids = await self.host.store.read(ids_of, self.host.text)
        self.marked.update(ids)
        self._repaint_marks()

    def clear_marks(self) -> bool:
        if not self.marked:
            return False
        self.marked.clear()
        self.host.table.refresh()
        return True

    async def action_bulk(self) -> None:
        if not self.marked:
            self.host.notify("Mark rows first: space, shift+arrows, * for all shown", timeout=3)
            return

        async def chosen(what: str | None) -> None:
            if what == "owner":
                await self._bulk_owner()
            elif what == "delete":
                self._bulk_delete()

        n = len(self.marked)
        self.host.app.push_screen(
            ChoiceScreen(
                f"{n} {self.PLURAL} marked",
                [
                    ("Change owner…", "owner"),
                    ("Delete…", "delete"),
                ],
            ),
            chosen,
        )

    def _confirm(self, question: str, yes: str, then: Any) -> None:
        confirm_then(self.host.app, question, yes, then)

    async def _apply(self, changes: list[tuple[str, str, int, dict[str, Any]]], before: dict[int, dict[str, Any]], done: str) -> None:
        results = await self.host.store.apply_batch(changes)
        failed = [(c[2], why) for c, why in zip(changes, results, strict=True) if why]
        if before:
            self.undo_batches.append({i: f for i, f in before.items() if i not in dict(failed)})
        self.marked.clear()
        self.host.table.refresh()
        applied = len(changes) - len(failed)
        self.host.notify(
            f"{done}: {applied} {self.PLURAL}"
            + (f"; not applied to {len(failed)}: {failed[0][1]}" if failed else "")
            + (" · u undoes" if before else ""),
            timeout=4,
            markup=False,
        )

    async def _bulk_owner(self) -> None:
        users = await self.host.store.read(board_queries.users)
        table = "persons" if self.ENTITY == "person" else "organizations"

        async def chosen(owner_id: int | None) -> None:
            if owner_id is None:
                return
            owners = await self.host.store.read(q.owners_of, table, sorted(self.marked))
            moving = {i: o for i, o in owners.items() if o != owner_id}
            changes = [("update", self.ENTITY, i, {"owner_id": owner_id}) for i in moving]
            before = {i: {"owner_id": o} for i, o in moving.items()}
            name = next((u.name for u in users if u.id == owner_id), "")
            self._confirm(
                f"Give {len(changes)} {self.PLURAL} to {clean(name)}?",
                f"Change {len(changes)}",
                lambda: self._apply(changes, before, "Owner changed"),
            )

        self.host.app.push_screen(
            ChoiceScreen(
                f"New owner of the marked {self.PLURAL}",
                [(u.name, u.id) for u in users],
            ),
            chosen,
        )

    def _bulk_delete(self) -> None:
        changes: list[tuple[str, str, int, dict[str, Any]]] = [("delete", self.ENTITY, i, {}) for i in sorted(self.marked)]
        self._confirm(
            f"Delete {len(changes)} {self.PLURAL} from Pipedrive?\nThis affects everyone in your company.",
            f"Delete {len(changes)}",
            lambda: self._apply(changes, {}, "Deleted"),
        )

    async def action_undo(self) -> None:
        if not self.undo_batches:
            self.host.notify("Nothing to undo (deletions are not undone: Pipedrive keeps them 30 days)", timeout=3)
            return
        batch = self.undo_batches.pop()
        changes = [("update", self.ENTITY, i, fields) for i, fields in batch.items()]
        await self.host.store.apply_batch(changes)
        self.host.notify(f"Undone for {len(changes)} {self.PLURAL}", timeout=3)
