"""What the triage section remembers in one session: the fixes made (the tally the summary
shows, and the undo stack), and how each is undone through ordinary store edits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = ("schedule", "done", "advance", "lost", "close", "snooze")
LABELS = {
    "schedule": "next activity scheduled",
    "done": "activity done + next scheduled",
    "advance": "advanced to the next stage",
    "lost": "marked lost",
    "close": "expected close date moved",
    "snooze": "snoozed",
    "call": "call logged",
}


@dataclass
class Fix:
    kind: str
    deal_id: int
    title: str
    stage_id: int | None = None  # advance: the stage it was in
    close_date: str | None = None  # close: the date it had
    done_activity: int | None = None  # done: the activity marked done
    created_activity: int | None = None  # schedule, done: the activity created
    snoozed_before: str | None = None  # snooze: the snooze it replaced, if any
    call_log: str | None = None  # call: the call logged (taken back while unsent)


@dataclass
class Session:
    fixes: list[Fix] = field(default_factory=list)

    def record(self, fix: Fix) -> None:
        self.fixes.append(fix)

    def pop(self) -> Fix | None:
        return self.fixes.pop() if self.fixes else None

    def tally(self) -> dict[str, int]:
        counts = {kind: 0 for kind in KINDS}
        for fix in self.fixes:
            counts[fix.kind] += 1
        return counts

    def __len__(self) -> int:
        return len(self.fixes)

    def remap(self, entity: str, local_id: int, server_id: int) -> None:
        """A create reached Pipedrive: its local (negative) id became the server's."""
        for fix in self.fixes:
            if entity == "activity" and fix.created_activity == local_id:
                fix.created_activity = server_id
            if entity == "deal" and fix.deal_id == local_id:
                fix.deal_id = server_id


async def revert(store: Any, fix: Fix) -> None:
    """Undo a fix with ordinary store edits (queued in the outbox like any other edit)."""
    if fix.kind == "call" and fix.call_log is not None and not await store.cancel_call(fix.call_log):
        raise ValueError("the call is already in Pipedrive; it stays logged")
    if fix.kind in ("schedule", "done", "call") and fix.created_activity is not None:
        await store.delete_entity("activity", fix.created_activity)  # never sent: nothing reaches Pipedrive
    if fix.kind == "done" and fix.done_activity is not None:
        await store.set_activity_done(fix.done_activity, False)
    elif fix.kind == "advance" and fix.stage_id is not None:
        await store.move_deal(fix.deal_id, fix.stage_id)
    elif fix.kind == "lost":
        await store.set_deal_status(fix.deal_id, "open")
    elif fix.kind == "close":
        await store.update_entity("deal", fix.deal_id, {"expected_close_date": fix.close_date})
    elif fix.kind == "snooze":
        if fix.snoozed_before:
            await store.snooze_deal(fix.deal_id, fix.snoozed_before)
        else:
            await store.unsnooze_deal(fix.deal_id)
