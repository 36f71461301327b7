"""Bulk actions on the board: mark cards, then act on all of them at once.

`space` marks the selected card, `shift+down/up` marks and moves, `*` marks the whole column,
ctrl+click marks with the mouse, `escape` clears the marks. With cards marked, `>` / `<` move
each to its next / previous stage, `w` wins them, `x` loses them with one reason, and `b`
offers the rest (move to a stage, change owner, add the same activity to each, delete).
Everything asks once with the count (the safe answer first), goes through the store as one
batch (each deal its own outbox row: a refusal rolls back that one and says which), and `u`
undoes the whole batch. Marks are deal ids: they survive scrolling, filtering and re-sorting.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from tui.formatting import clean
from tui.screens.dialogs import ChoiceScreen, LostReasonScreen, confirm_then
from tui.store.queries import board as q

if TYPE_CHECKING:  # the host screen, for types only (it imports this module)
    from tui.screens.board import BoardScreen


@dataclass
class Batch:
    """How to undo a bulk action: each deal's fields before it."""

    before: dict[int, dict[str, Any]]


class BulkActions:
    """A mixin of BoardScreen (uses its store, stages, columns, selected, undo_stack)."""

    @property
    def host(self) -> BoardScreen:
        """The screen this is mixed into, typed (its columns, selection, store, app)."""
        return cast("BoardScreen", self)

    marked: set[int]

    def _share_marks(self) -> None:
        for column in self.host.columns:
            column.cards.marked = self.marked

    def _repaint_marks(self) -> None:
        for column in self.host.columns:
            column.cards.clear_render_cache()
        self._show_marks()

    def _show_marks(self) -> None:
        if self.marked:
            self.host.notify(
                f"{len(self.marked)} marked: > < w x act on all, b for more, escape clears",
                timeout=3,
                markup=False,
            )

    def action_mark(self, step: int = 0) -> None:
        card = self.host.selected
        if card is None:
            return
        if step == 0:
            self.marked.symmetric_difference_update({card.id})
        else:  # a range: the card here and the one moved onto
            self.marked.add(card.id)
            self.host.action_card(step)
            after = self.host.selected
            if after is not None:
                self.marked.add(after.id)
        self._repaint_marks()

    async def action_mark_column(self) -> None:
        column = self.host.column
        if column is None:
            return
        ids = await self.host.store.read(q.stage_deal_ids, self.host.query_spec(), column.stage.id)
        self.marked |= set(ids)
        self._repaint_marks()

    def clear_marks(self) -> bool:
        if not self.marked:
            return False
        self.marked.clear()
        self._repaint_marks()
        return True

    # -- acting on the marks ------------------------------------------------------------------

    async def _marked_deals(self) -> list[dict[str, Any]]:
        return await self.host.store.read(q.deals_brief, sorted(self.marked))

    def _confirm(self, question: str, yes: str, then: Any) -> None:
        confirm_then(self.host.app, question, yes, then)

    async def _apply_bulk(self, changes: list[tuple[str, str, int, dict[str, Any]]], before: dict[int, dict[str, Any]], what: str) -> None:
        results = await self.host.store.apply_batch(changes)
        failed = [str(r) for r in results if r]
        self.host.undo_stack.append(Batch(before))
        self.marked.clear()
        self._repaint_marks()
        done = len(results) - len(failed)
        self.host.notify(
            f"{what}: {done} deal{'s' if done != 1 else ''}"
            + (f"; not possible: {'; '.join(failed[:3])}" if failed else "")
            + " · u undoes",
            timeout=4,
            markup=False,
        )

    async def bulk_move(self, delta: int) -> None:
        deals = [d for d in await self._marked_deals() if d["status"] == "open"]
        order = {sid: i for i, sid in enumerate(s.id for s in self.host.stages)}
        changes, before = [], {}
        for d in deals:
            i = order.get(d["stage_id"])
            if i is None or not 0 <= i + delta < len(order):
                continue
            changes.append(("update", "deal", d["id"], {"stage_id": self.host.stages[i + delta].id}))
            before[d["id"]] = {"stage_id": d["stage_id"]}
        if not changes:
            self.host.app.bell()
            return
        where = "next" if delta > 0 else "previous"
        self._confirm(
            f"Move {len(changes)} deals to their {where} stage?", f"Move {len(changes)}", lambda: self._apply_bulk(changes, before, "Moved")
        )

    async def bulk_status(self, status: str, reason: str | None = None) -> None:
        deals = [d for d in await self._marked_deals() if d["status"] == "open"]
        if not deals:
            self.host.app.bell()
            return
        fields: dict[str, Any] = {"status": status}
        if status == "lost":
            fields["lost_reason"] = reason
        changes = [("update", "deal", d["id"], dict(fields)) for d in deals]
        before = {d["id"]: {"status": d["status"]} for d in deals}
        word = "won" if status == "won" else f"lost ({clean(reason)})"
        self._confirm(
            f"Mark {len(deals)} deals as {word}?",
            f"Mark {len(deals)} {status}",
            lambda: self._apply_bulk(changes, before, f"Marked {status}"),
        )

    async def bulk_lost(self) -> None:
        recent = await self.host.store.read(q.recent_lost_reasons)

        async def reason(text: str | None) -> None:
            if text:
                await self.bulk_status("lost", text)

        self.host.app.push_screen(LostReasonScreen(f"{len(self.marked)} marked deals", recent), reason)

    async def action_bulk(self) -> None:
        if not self.marked:
            self.host.notify("Mark cards first: space marks, * marks the column", timeout=3)
            return
        options = [
            ("Move to a stage…", "move"),
            ("Change owner…", "owner"),
            ("Add the same activity to each…", "activity"),
            ("Mark won", "won"),
            ("Mark lost…", "lost"),
            ("Delete…", "delete"),
        ]

        async def chosen(what: str | None) -> None:
            if what == "move":
                await self._bulk_pick_stage()
            elif what == "owner":
                await self._bulk_owner()
            elif what == "activity":
                await self._bulk_activity()
            elif what == "won":
                await self.bulk_status("won")
            elif what == "lost":
                await self.bulk_lost()
            elif what == "delete":
                await self._bulk_delete()

        self.host.app.push_screen(ChoiceScreen(f"{len(self.marked)} marked deals", options), chosen)

    async def _bulk_pick_stage(self) -> None:
        stages = [(s.name, s.id) for s in self.host.stages]

        async def chosen(stage_id: int | None) -> None:
            if stage_id is None:
                return
            deals = [d for d in await self._marked_deals() if d["status"] == "open" and d["stage_id"] != stage_id]
            changes = [("update", "deal", d["id"], {"stage_id": stage_id}) for d in deals]
            before = {d["id"]: {"stage_id": d["stage_id"]} for d in deals}
            name = dict((sid, n) for n, sid in stages).get(stage_id, "")
            self._confirm(
                f"Move {len(changes)} deals to {clean(name)}?", f"Move {len(changes)}", lambda: self._apply_bulk(changes, before, "Moved")
            )

        self.host.app.push_screen(ChoiceScreen("Move the marked deals to", stages), chosen)

    async def _bulk_owner(self) -> None:
        users = await self.host.store.read(q.users)

        async def chosen(owner_id: int | None) -> None:
            if owner_id is None:
                return
            deals = [d for d in await self._marked_deals() if d["owner_id"] != owner_id]
            changes = [("update", "deal", d["id"], {"owner_id": owner_id}) for d in deals]
            before = {d["id"]: {"owner_id": d["owner_id"]} for d in deals}
            name = next((u.name for u in users if u.id == owner_id), "")
            self._confirm(
                f"Give {len(changes)} deals to {clean(name)}?",
                f"Change {len(changes)}",
                lambda: self._apply_bulk(changes, before, "Owner changed"),
            )

        self.host.app.push_screen(ChoiceScreen("New owner of the marked deals", [(u.name, u.id) for u in users]), chosen)

    async def _bulk_delete(self) -> None:
        deals = await self._marked_deals()
        changes: list[tuple[str, str, int, dict[str, Any]]] = [("delete", "deal", d["id"], {}) for d in deals]
        self._confirm(
            f"Delete {len(deals)} deals from Pipedrive?\nThis affects everyone in your company.",
            f"Delete {len(deals)}",
            lambda: self._apply_bulk(changes, {}, "Deleted"),
        )

    async def _bulk_activity(self) -> None:
        from tui.screens.forms.activity_form import ActivityForm

        deals = await self._marked_deals()
        form = await ActivityForm.load(self.host.store, None, {"type": "call"})
        form.title_text = f"The same activity for {len(deals)} deals"
        form.template_for = deals  # ActivityForm creates one per deal, linked to each
        self.marked.clear()
        self._repaint_marks()
        self.host.app.push_screen(form)

    async def undo_batch(self, batch: Batch) -> None:
        changes = [("update", "deal", deal_id, fields) for deal_id, fields in batch.before.items()]
        if changes:
            await self.host.store.apply_batch(changes)
        self.host.notify(f"Undone for {len(changes)} deals", timeout=2)
