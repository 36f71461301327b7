"""Section 6: triage to zero. A queue of the user's open deals that break the pipeline's
rules (tui/store/queries/triage.py), each fixed with one key; a card preview beside it; a
counter that falls as deals are fixed; undo; a summary of the session.

Every fix is an ordinary store edit (queued in the outbox, pushed in the background), so
the queue works offline and from the cache alone. After a fix the selection stays at the
same queue position: the next deal to look at is under the cursor.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Static

from tui import styles
from tui.screens.base import AppScreen
from tui.formatting import clean
from tui.keymap import triage as triage_keys
from tui.screens.dialogs import ChoiceScreen, LostReasonScreen
from tui.screens.forms.activity_form import to_utc
from tui.screens.triage_prompts import DatePromptScreen, Planned, ScheduleScreen, SummaryScreen, summary_text
from tui.screens.triage_session import Fix, Session, revert
from tui.store.queries import triage as q
from tui.store.queries.board import recent_lost_reasons
from tui.store.queries.board import users as user_rows
from tui.store.events import Created
from tui.store.queries.entities import activity_types
from tui.widgets.status_bar import StatusBar
from tui.widgets.triage_list import TriageList
from tui.widgets.triage_preview import TriagePreview
from tui.widgets import tones
from tui.widgets.key_bar import KeyBar

WATCHED = {"deals", "activities", "notes", "stages", "pipelines", "persons", "organizations", "users", "triage_snoozes"}


CLOSE_STEP = timedelta(weeks=2)


def proposed_close(current: str | None, today: date) -> str:
    """What the close-date prompt starts with: two weeks on, from today or from the deal's own
    close date when that is later (never a date earlier than the one the deal has)."""
    try:
        own = date.fromisoformat(current) if current else None
    except ValueError:
        own = None
    if own is None or own < today:
        return "+2w"
    return (own + CLOSE_STEP).isoformat()


class TriageScreen(AppScreen):
    WATCHES = frozenset(WATCHED)
    CSS_PATH = styles.path("triage.tcss")
    BINDINGS = triage_keys.MOVE_BINDINGS + triage_keys.BINDINGS
    AUTO_FOCUS = "TriageList"
    HELP_TITLE = "Triage to zero"

    def __init__(self) -> None:
        super().__init__()
        self.owner_id: int | None = None
        self.owner_label = "me"
        self._owner_set = False
        self.show_snoozed = False
        self.session = Session()
        self.queue = q.TriageQueue()
        self._pin_index: int | None = None  # after a fix: keep this queue position
        self._follow: int | None = None  # after undo / coming back: select this deal
        self._loaded = False
        self._unsubscribe: Any = lambda: None

    def compose(self) -> ComposeResult:
        yield Static(id="triage-title")
        with Horizontal(id="triage-body"):
            yield TriageList(id="triage-list")
            with VerticalScroll(id="triage-side", can_focus=False):
                yield TriagePreview(id="triage-preview")
        yield StatusBar()
        yield KeyBar()

    @property
    def listing(self) -> TriageList:
        return self.query_one(TriageList)

    def on_mount(self) -> None:
        # straight from the store, not via the app's CreatedMessage: that reaches only the
        # screens of the current section, and a fix's create may land while another is shown
        self._unsubscribe = self.store.subscribe(self._store_event)
        self.reload()

    def on_unmount(self) -> None:
        self._unsubscribe()

    def _store_event(self, event: Any) -> None:
        if isinstance(event, Created):
            self.session.remap(event.entity, event.local_id, event.server_id)
            if event.entity == "deal" and self._follow == event.local_id:
                self._follow = event.server_id

    def resumed(self, stale: bool) -> None:
        if stale and self._loaded:
            self.reload()

    # -- data ---------------------------------------------------------------------------------------

    @work(exclusive=True, group="triage-reload", exit_on_error=False)
    async def reload(self) -> None:
        store = self.store
        if not self._owner_set:
            self.owner_id = await store.me_id()
            self._owner_set = self.owner_id is not None
        self.queue = await self._read_queue()
        rows = self.queue.rows + (self.queue.snoozed if self.show_snoozed else [])
        listing = self.listing
        if self._follow is not None:
            found = any(r.id == self._follow for r in rows)
            listing.set_rows(rows, keep_id=self._follow)
            if found:
                self._follow = self._pin_index = None
        elif self._pin_index is not None:
            listing.set_rows(rows, index=self._pin_index)
        else:
            listing.set_rows(rows, keep_id=listing.selected.id if listing.selected else None)
        self._show_title()
        self._loaded = True

    async def _read_queue(self) -> q.TriageQueue:
        store = self.store
        settings = self.nav.triage_settings
        return await store.read(
            q.queue, now=store.clock.now(), owner_id=self.owner_id, stuck_days=settings.stuck_days, stuck_by_pipeline=settings.pipelines
        )

    def _show_title(self) -> None:
        left = len(self.queue.rows)
        title = Text.assemble((" Triage to zero ", "bold reverse"), "  ")
        title.append(f"{left} to go" if left else "0 to go ✓", style=tones.ERROR_B if left else tones.SUCCESS_B)
        title.append(f"  · {len(self.session)} fixed", style="bold")
        title.append(f"  · {len(self.queue.snoozed)} snoozed", style=tones.MUTED)
        title.append(f"  · owner: {self.owner_label}", style=tones.MUTED)
        if self.show_snoozed:
            title.append("  · showing snoozed (s hides)", style=tones.MUTED)
        self.query_one("#triage-title", Static).update(title)

    def _summary(self) -> Text:
        return summary_text(self.session.tally(), left=len(self.queue.rows), snoozed=len(self.queue.snoozed))

    @on(TriageList.Highlighted)
    def highlighted(self, event: TriageList.Highlighted) -> None:
        self.show_preview(event.row)

    @work(exclusive=True, group="triage-preview", exit_on_error=False)
    async def show_preview(self, row: q.TriageRow | None) -> None:
        panel = self.query_one(TriagePreview)
        if row is None:
            panel.show_text(self._summary())
            return
        store = self.store
        preview = await store.read(q.preview, row.id, store.clock.now())
        panel.show(preview, row, store.clock.today())

    # -- movement -----------------------------------------------------------------------------------

    def _moved(self) -> None:
        self._pin_index = None
        self._follow = None

    def action_cursor(self, delta: int) -> None:
        self._moved()
        self.listing.action_cursor(delta)

    def action_page(self, delta: int) -> None:
        self._moved()
        self.listing.action_page(delta)

    def action_edge(self, end: int) -> None:
        self._moved()
        self.listing.action_edge(end)

    @on(TriageList.Opened)
    def double_clicked(self, event: TriageList.Opened) -> None:
        self.action_open()

    # -- fixes ----------------------------------------------------------------------------------------

    def _target(self) -> q.TriageRow | None:
        row = self.listing.selected
        if row is None:
            self.app.bell()
        return row

    def _fixing(self) -> None:
        """The selection stays at this queue position while the fix lands."""
        self._follow = None
        self._pin_index = self.listing.cursor

    def _done(self, fix: Fix, message: str) -> None:
        self.session.record(fix)
        self.notify(message, timeout=2, markup=False)
        self._show_title()

    async def _plan(self, row: q.TriageRow, title: str) -> ScheduleScreen:
        defaults = await self.store.read(q.schedule_defaults, row.id)
        types = await self.store.read(activity_types)
        return ScheduleScreen(
            title, types, type_key=defaults.type, subject=defaults.subject, when="tomorrow", today=self.store.clock.today()
        )

    async def _create_activity(self, deal_id: int, plan: Planned) -> int:
        defaults = await self.store.read(q.schedule_defaults, deal_id)
        due_date, due_time = to_utc(plan.day.isoformat(), plan.time, self.store.clock.zone)
        fields: dict[str, Any] = {"subject": plan.subject, "type": plan.type, "due_date": due_date, "deal_id": deal_id}
        if due_time:
            fields["due_time"] = due_time
        if defaults.org_id is not None:
            fields["org_id"] = defaults.org_id
        if defaults.person_id is not None:
            fields["participants"] = [{"person_id": defaults.person_id, "primary": True}]
        return await self.store.create_entity("activity", fields)

    async def action_schedule(self) -> None:
        row = self._target()
        if row is None:
            return

        async def chosen(plan: Planned | None) -> None:
            if plan is None:
                return
            self._fixing()
            new_id = await self._create_activity(row.id, plan)
            self._done(
                Fix("schedule", row.id, row.title, created_activity=new_id), f"Planned “{clean(plan.subject)}” for “{clean(row.title)}”"
            )

        self.app.push_screen(await self._plan(row, f"Next activity for “{clean(row.title)}”"), chosen)

    async def action_done_next(self) -> None:
        row = self._target()
        if row is None:
            return
        current = await self.store.read(q.next_activity_id, row.id)
        if current is None:
            self.notify("This deal has no open activity: a schedules one", timeout=3)
            return
        activity_id, subject = current

        async def chosen(plan: Planned | None) -> None:
            if plan is None:
                return
            self._fixing()
            await self.store.set_activity_done(activity_id, True)
            new_id = await self._create_activity(row.id, plan)
            self._done(
                Fix("done", row.id, row.title, done_activity=activity_id, created_activity=new_id),
                f"Done: “{clean(subject)}”; next: “{clean(plan.subject)}”",
            )

        title = f"Mark “{clean(subject)}” done, then plan the next step for “{clean(row.title)}”"
        self.app.push_screen(await self._plan(row, title), chosen)

    def action_log_call(self) -> None:
        """`L`: log a call about the selected deal, then plan its next step (u takes both back)."""
        from tui.screens.call_flow import log_call

        row = self._target()
        if row is None:
            return

        async def logged(log_id: str, created: int | None) -> None:
            self._fixing()
            self._done(Fix("call", row.id, row.title, created_activity=created, call_log=log_id), f"Call logged for “{clean(row.title)}”")

        self.app.hold_keys_for_screen()
        self.app.run_worker(log_call(self, deal_id=row.id, logged=logged), exit_on_error=False)

    async def action_advance(self) -> None:
        row = self._target()
        if row is None:
            return
        step = await self.store.read(q.next_stage, row.id)
        if step is None:
            self.app.bell()
            self.notify("Already in the last stage of its pipeline", timeout=3)
            return
        before, after, name = step
        self._fixing()
        await self.store.move_deal(row.id, after)
        self._done(Fix("advance", row.id, row.title, stage_id=before), f"Moved “{clean(row.title)}” to {clean(name)}")

    async def action_lost(self) -> None:
        row = self._target()
        if row is None:
            return
        recent = await self.store.read(recent_lost_reasons)

        async def chosen(reason: str | None) -> None:
            if reason:
                self._fixing()
                await self.store.set_deal_status(row.id, "lost", reason)
                self._done(Fix("lost", row.id, row.title), f"“{clean(row.title)}” lost: {clean(reason)}")

        self.app.push_screen(LostReasonScreen(row.title, recent), chosen)

    async def action_close_date(self) -> None:
        row = self._target()
        if row is None:
            return
        old = await self.store.read(q.close_date, row.id)
        today = self.store.clock.today()

        async def chosen(day: Any) -> None:
            if day is not None:
                self._fixing()
                await self.store.update_entity("deal", row.id, {"expected_close_date": day.isoformat()})
                self._done(Fix("close", row.id, row.title, close_date=old), f"“{clean(row.title)}” now expected to close {day:%a %d %b %Y}")

        was = f" (was {old})" if old else ""
        self.app.push_screen(
            DatePromptScreen(
                f"Expected close date of “{clean(row.title)}”{was}",
                proposed_close(old, today),
                today,
                earliest=today,
                too_early="That date has passed: pick today or later.",
            ),
            chosen,
        )

    async def action_snooze(self) -> None:
        row = self._target()
        if row is None:
            return
        if row.snoozed_until:
            self._fixing()
            await self.store.unsnooze_deal(row.id)
            self.notify(f"“{clean(row.title)}” is back in the queue", timeout=2, markup=False)
            return
        today = self.store.clock.today()

        async def chosen(day: Any) -> None:
            if day is not None:
                self._fixing()
                before = await self.store.snooze_deal(row.id, day)
                self._done(Fix("snooze", row.id, row.title, snoozed_before=before), f"“{clean(row.title)}” snoozed until {day:%a %d %b}")

        self.app.push_screen(
            DatePromptScreen(
                f"Snooze “{clean(row.title)}” until",
                "+1w",
                today,
                earliest=today + timedelta(days=1),
                too_early="Snooze until a later day: tomorrow at the earliest.",
            ),
            chosen,
        )

    async def action_undo(self) -> None:
        fix = self.session.pop()
        if fix is None:
            self.notify("Nothing to undo", timeout=2)
            return
        self._pin_index = None
        self._follow = fix.deal_id
        try:
            await revert(self.store, fix)
        except ValueError as exc:  # e.g. the activity was deleted meanwhile
            self.notify(f"Could not undo everything: {exc}", severity="warning", timeout=4, markup=False)
        self._show_title()
        queue = await self._read_queue()
        if any(r.id == fix.deal_id for r in queue.rows + queue.snoozed):
            self.notify(f"Undone: “{clean(fix.title)}” is back in the queue", timeout=2, markup=False)
        else:
            why = " (a stage move restarts its time in stage)" if fix.kind == "advance" else ""
            self.notify(f"Undone: “{clean(fix.title)}” is as it was, but breaks no rule now{why}", timeout=4, markup=False)

    def action_open(self) -> None:
        row = self.listing.selected
        if row is None:
            return
        self._pin_index = self.listing.cursor  # if the deal leaves the queue meanwhile: the same place
        self._follow = row.id
        self.nav.open_deal(row.id)

    # -- views ----------------------------------------------------------------------------------------

    async def action_owner(self) -> None:
        users = await self.store.read(user_rows)
        me = await self.store.me_id()
        options: list[tuple[str, Any]] = [("Me", ("me", me)), ("Everyone", ("everyone", None))]
        options += [(u.name, (u.name, u.id)) for u in users if not u.is_you]

        def chosen(value: Any) -> None:
            if value is not None:
                self.owner_label, self.owner_id = value
                self._owner_set = True
                self._moved()
                self.listing.cursor = 0
                self.reload()

        self.app.push_screen(ChoiceScreen("Triage the deals of", options, current=(self.owner_label, self.owner_id)), chosen)

    def action_toggle_snoozed(self) -> None:
        self.show_snoozed = not self.show_snoozed
        self.reload()

    def action_summary(self) -> None:
        self.app.push_screen(SummaryScreen(self._summary()))
