"""Bulk actions on the people and organization lists, as on the board (tui/screens/board_bulk.py).

`space` marks the selected row, `shift+down/up` marks and moves, `*` marks every row the list
shows (with its filter), `escape` clears the marks. With rows marked, `b` offers a new owner or
deletion; both ask once with the count (the safe answer first), go through the store as one
batch (each its own outbox row: a refusal rolls back that one and says which), and `u` gives
the owners back. Marks are ids: they survive scrolling, filtering and re-sorting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui.formatting import clean
from tui.screens.dialogs import ChoiceScreen, confirm_then
from tui.store.queries import board as board_queries
from tui.store.queries import entities as q


class ListBulk:
    """A mixin of EntityListScreen (uses its store, table, ids, text, row_id)."""

    if TYPE_CHECKING:  # given by the screen this is mixed into
        app: Any
        store: Any
        notify: Any

    ENTITY = ""  # "person" | "organization"
    PLURAL = ""  # "people" | "organizations"

    def _init_bulk(self) -> None:
        self.marked: set[int] = set()
        self.undo_batches: list[dict[int, dict[str, Any]]] = []

    def is_marked(self, index: int) -> bool:
        return self.row_id(index) in self.marked  # type: ignore[attr-defined]

    def _repaint_marks(self) -> None:
        self.table.refresh()  # type: ignore[attr-defined]
        if self.marked:
            self.notify(f"{len(self.marked)} marked: b to act on them, escape clears", timeout=3)  # type: ignore[attr-defined]

    def action_mark(self, step: int = 0) -> None:
        table = self.table  # type: ignore[attr-defined]
        here = self.row_id(table.cursor)  # type: ignore[attr-defined]
        if here is None:
            return
        if step == 0:
            self.marked.symmetric_difference_update({here})
        else:
            self.marked.add(here)
            table.move_to(table.cursor + step)
            after = self.row_id(table.cursor)  # type: ignore[attr-defined]
            if after is not None:
                self.marked.add(after)
        self._repaint_marks()

    async def action_mark_all(self) -> None:
        ids_of = q.person_ids if self.ENTITY == "person" else q.organization_ids
        ids = await self.store.read(ids_of, self.text)  # type: ignore[attr-defined]
        self.marked.update(ids)
        self._repaint_marks()

    def clear_marks(self) -> bool:
        if not self.marked:
            return False
        self.marked.clear()
        self.table.refresh()  # type: ignore[attr-defined]
        return True

    async def action_bulk(self) -> None:
        if not self.marked:
            self.notify("Mark rows first: space, shift+arrows, * for all shown", timeout=3)  # type: ignore[attr-defined]
            return

        async def chosen(what: str | None) -> None:
            if what == "owner":
                await self._bulk_owner()
            elif what == "delete":
                self._bulk_delete()

        n = len(self.marked)
        self.app.push_screen(
            ChoiceScreen(
                f"{n} {self.PLURAL} marked",
                [
                    ("Change owner…", "owner"),  # type: ignore[attr-defined]
                    ("Delete…", "delete"),
                ],
            ),
            chosen,
        )

    def _confirm(self, question: str, yes: str, then: Any) -> None:
        confirm_then(self.app, question, yes, then)  # type: ignore[attr-defined]

    async def _apply(self, changes: list[tuple[str, str, int, dict[str, Any]]], before: dict[int, dict[str, Any]], done: str) -> None:
        results = await self.store.apply_batch(changes)  # type: ignore[attr-defined]
        failed = [(c[2], why) for c, why in zip(changes, results, strict=True) if why]
        if before:
            self.undo_batches.append({i: f for i, f in before.items() if i not in dict(failed)})
        self.marked.clear()
        self.table.refresh()  # type: ignore[attr-defined]
        applied = len(changes) - len(failed)
        self.notify(
            f"{done}: {applied} {self.PLURAL}"
            + (
                f"; not applied to {len(failed)}: {failed[0][1]}"  # type: ignore[attr-defined]
                if failed
                else ""
            )
            + (" · u undoes" if before else ""),
            timeout=4,
            markup=False,
        )

    async def _bulk_owner(self) -> None:
        users = await self.store.read(board_queries.users)  # type: ignore[attr-defined]
        table = "persons" if self.ENTITY == "person" else "organizations"

        async def chosen(owner_id: int | None) -> None:
            if owner_id is None:
                return
            owners = await self.store.read(q.owners_of, table, sorted(self.marked))  # type: ignore[attr-defined]
            moving = {i: o for i, o in owners.items() if o != owner_id}
            changes = [("update", self.ENTITY, i, {"owner_id": owner_id}) for i in moving]
            before = {i: {"owner_id": o} for i, o in moving.items()}
            name = next((u.name for u in users if u.id == owner_id), "")
            self._confirm(
                f"Give {len(changes)} {self.PLURAL} to {clean(name)}?",
                f"Change {len(changes)}",
                lambda: self._apply(changes, before, "Owner changed"),
            )

        self.app.push_screen(
            ChoiceScreen(
                f"New owner of the marked {self.PLURAL}",  # type: ignore[attr-defined]
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
            self.notify("Nothing to undo (deletions are not undone: Pipedrive keeps them 30 days)", timeout=3)  # type: ignore[attr-defined]
            return
        batch = self.undo_batches.pop()
        changes = [("update", self.ENTITY, i, fields) for i, fields in batch.items()]
        await self.store.apply_batch(changes)  # type: ignore[attr-defined]
        self.notify(f"Undone for {len(changes)} {self.PLURAL}", timeout=3)  # type: ignore[attr-defined]
