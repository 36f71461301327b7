"""Section 2: the activity agenda (overdue, today, tomorrow, this week, next week, later) and
the week view. Done -> offer the next activity; reschedule; open the linked deal/person/org."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection

from tui import styles
from tui.screens.base import FilteredScreen
from tui.formatting import clean
from tui.keymap import agenda as agenda_keys
from tui.screens.dialogs import ChoiceScreen, ConfirmScreen
from tui.screens.forms.activity_form import to_utc
from tui.store.queries import agenda as q
from tui.store.queries.board import users as user_rows
from tui.store.queries.entities import activity_types
from tui.store.sync_plan import loaded
from tui.widgets.agenda_list import TAIL_BLOCK, AgendaList
from tui.widgets.filter_bar import FilterBar
from tui.widgets.status_bar import StatusBar
from tui.widgets.week_view import WeekView
from tui.widgets import tones
from tui.widgets.key_bar import KeyBar


class TypeFilterScreen(ChoiceScreen):
    """Multi-select of activity types (space toggles, enter applies)."""

    def __init__(self, types: list[tuple[str, str]], chosen: set[str] | None) -> None:
        super().__init__("Activity types (space toggles, enter applies)", [])
        self.types = types
        self.enabled_types = chosen  # not `chosen`: that is ChoiceScreen's handler

    def compose(self) -> ComposeResult:
        from textual.containers import Vertical
        from textual.widgets import Label

        with Vertical(classes="dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield SelectionList(
                *[Selection(name, key, self.enabled_types is None or key in self.enabled_types) for key, name in self.types]
            )

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def on_key(self, event: Any) -> None:
        if event.key == "enter":
            selected = set(self.query_one(SelectionList).selected)
            self.dismiss(None if selected == {k for k, _ in self.types} else selected)
            event.stop()


class AgendaScreen(FilteredScreen):
    WATCHES = frozenset({"activities", "deals", "persons", "organizations", "users", "activity_types"})
    CSS_PATH = styles.path("agenda.tcss")
    BINDINGS = agenda_keys.MOVE_BINDINGS + agenda_keys.BINDINGS
    AUTO_FOCUS = "AgendaList"
    HELP_TITLE = "Activity agenda"

    def __init__(self) -> None:
        super().__init__()
        self.owner_id: int | None = None
        self.owner_label = "me"
        self.types: set[str] | None = None
        self.show_done = False
        self.text = ""
        self.week_mode = False
        self.week_start: date | None = None
        self._owner_set = False
        self._to_top = False  # a filter changed: start at the first row
        self._tail: q.LaterTail | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="agenda-title")
        yield FilterBar("filter by subject, deal, person or organization (escape clears)", id="agenda-filter")
        yield AgendaList(id="agenda-list")
        week = WeekView(id="week-view")
        week.display = False  # shown by v; hidden before the first layout, not after it
        yield week
        yield StatusBar()
        yield KeyBar()

    @property
    def listing(self) -> AgendaList:
        return self.query_one(AgendaList)

    @property
    def week(self) -> WeekView:
        return self.query_one(WeekView)

    @property
    def current(self) -> q.AgendaRow | None:
        """The activity the keys act on: the one marked on screen (list or week view)."""
        return self.week.selected if self.week_mode else self.listing.selected

    def on_mount(self) -> None:
        self.reload()

    @work(exclusive=True, group="agenda-reload", exit_on_error=False)
    async def reload(self) -> None:
        store = self.store
        if not self._owner_set:
            self.owner_id = await store.me_id()
            self._owner_set = self.owner_id is not None
        now, tz = store.clock.now(), store.clock.zone
        keep = self.listing.selected.id if self.listing.selected else None
        if self._to_top:
            keep, self._to_top = None, False
            self.listing.cursor = 0
            self.week.cursor = 0
        view = await store.read(
            q.agenda_view,
            now=now,
            tz=tz,
            owner_id=self.owner_id,
            types=self.types,
            show="all" if self.show_done else "undone",
            text=self.text,
        )
        self._tail = view.tail
        groups = view.groups
        self.listing.set_groups(groups, keep_id=keep, later_more=view.later_more)
        self.query_one(FilterBar).shown(self.text)
        counts = q.counts(groups)
        title = Text.assemble(
            (" Agenda ", "bold reverse"),
            "  ",
            (f"{counts['Overdue']} overdue", tones.ERROR_B),
            " · ",
            (f"{counts['Today']} today", tones.SUCCESS_B),
            (f"  · owner: {self.owner_label}", tones.MUTED),
        )
        if not await store.read(loaded, "activities"):
            title.append("  · loading activities from Pipedrive…", style=tones.INFO_B)
        if self.types:
            title.append(f"  · types: {', '.join(sorted(self.types))}", style=tones.MUTED)
        if self.text:
            title.append("  · filter: ", style=tones.MUTED)
            title.append(clean(self.text), style=tones.WARNING)
        if self.week_mode:
            start = self.week_start or self._monday(now.date())
            days = await store.read(q.week, week_start=start, now=now, tz=tz, owner_id=self.owner_id, types=self.types, text=self.text)
            week_keep = self.week.selected.id if self.week.selected else None
            self.week.show(days, now.date(), keep_id=week_keep)
            title.append(f"  · week of {start:%d %b %Y}  ([ ] to move)", style=tones.MUTED)
        self.query_one("#agenda-title", Static).update(title, layout=False)  # one line, fixed height

    @work(group="agenda-later", exit_on_error=False)
    async def fetch_later(self, block: int, generation: int) -> None:
        clock = self.store.clock
        rows = await self.store.read(q.later_rows, self._tail, now=clock.now(), tz=clock.zone, offset=block * TAIL_BLOCK, limit=TAIL_BLOCK)
        self.listing.put_later(block, rows, generation)

    def on_agenda_list_need_later(self, message: AgendaList.NeedLater) -> None:
        if self._tail is not None:
            self.fetch_later(message.block, message.generation)

    @staticmethod
    def _monday(day: date) -> date:
        return day - timedelta(days=day.weekday())

    # -- movement and view ------------------------------------------------------------------------

    def action_cursor(self, delta: int) -> None:
        if self.week_mode:
            self.week.move(delta)
        else:
            self.listing.move(delta)

    def action_page(self, delta: int) -> None:
        if self.week_mode:
            self.week.move(delta * 5)
        else:
            self.listing.action_page(delta)

    def action_edge(self, end: int) -> None:
        if self.week_mode:
            self.week.edge(end)
        else:
            self.listing.action_edge(end)

    def action_week(self) -> None:
        self.week_mode = not self.week_mode
        self.query_one(WeekView).display = self.week_mode
        self.listing.display = not self.week_mode
        self.reload()

    def action_shift_week(self, delta: int) -> None:
        if not self.week_mode:
            return
        start = self.week_start or self._monday(self.store.clock.today())
        self.week_start = start + timedelta(weeks=delta)
        self.week.cursor = 0
        self.reload()

    # -- filters ------------------------------------------------------------------------------------

    async def action_types(self) -> None:
        types = await self.store.read(activity_types)

        def chosen(value: Any) -> None:
            self.types = value
            self._to_top = True
            self.reload()

        self.app.push_screen(TypeFilterScreen(types, self.types), chosen)

    async def action_owner(self) -> None:
        users = await self.store.read(user_rows)
        me = await self.store.me_id()
        options: list[tuple[str, Any]] = [("Me", ("me", me)), ("Everyone", ("everyone", None))]
        options += [(u.name, (u.name, u.id)) for u in users if not u.is_you]

        def chosen(value: Any) -> None:
            if value is not None:
                self.owner_label, self.owner_id = value
                self._owner_set = True
                self._to_top = True
                self.reload()

        self.app.push_screen(ChoiceScreen("Show activities of", options, current=(self.owner_label, self.owner_id)), chosen)

    def action_toggle_done(self) -> None:
        self.show_done = not self.show_done
        self._to_top = True
        self.reload()

    def action_filter(self) -> None:
        self.query_one(FilterBar).open()

    def on_filter_bar_text_changed(self, event: FilterBar.TextChanged) -> None:
        self.text = event.value
        self._to_top = True
        self.reload()

    def on_filter_bar_closed(self, event: FilterBar.Closed) -> None:
        self.listing.focus()

    def on_key(self, event: Any) -> None:
        bar = self.query_one(FilterBar)
        if event.key == "escape" and bar.active:
            bar.clear()
            event.stop()

    # -- actions --------------------------------------------------------------------------------------

    async def action_done(self) -> None:
        row = self.current
        if row is None:
            return
        await self.store.set_activity_done(row.id, not row.done)
        if row.done:
            self.notify(f"“{clean(row.subject)}” is open again", timeout=2, markup=False)
            return
        self.notify(f"Done: {clean(row.subject)}", timeout=2, markup=False)
        if row.deal_id is not None and not await self.store.read(q.deal_has_other_open_activity, row.deal_id, row.id):
            await self._schedule_next(row)

    async def _schedule_next(self, row: q.AgendaRow) -> None:
        from tui.screens.forms.activity_form import ActivityForm

        prefill = {
            "deal_id": row.deal_id,
            "org_id": row.org_id,
            "type": row.type,
            "subject": row.subject,
            "due_date": (self.store.clock.today() + timedelta(days=1)).isoformat(),
        }
        if row.person_id:
            prefill["person_id"] = row.person_id
        form = await ActivityForm.load(self.store, None, prefill)
        form.title_text = "Schedule the next activity"
        self.notify("This deal has no other open activity: plan the next one (escape skips)", timeout=4)
        self.app.push_screen(form)

    async def action_reschedule(self) -> None:
        from tui.screens.reschedule import RescheduleScreen

        row = self.current
        if row is None or row.day is None:
            return
        today = self.store.clock.today()

        async def chosen(moved: tuple[date, str | None] | None) -> None:
            if moved is None:
                return
            new_day, new_time = moved
            local_time = new_time or row.time  # no time given: the activity keeps its own
            due_date, due_time = to_utc(new_day.isoformat(), local_time, self.store.clock.zone)
            changes: dict[str, Any] = {"due_date": due_date}
            if local_time:
                changes["due_time"] = due_time
            await self.store.update_entity("activity", row.id, changes)
            at = f" {local_time}" if local_time else ""
            self.notify(f"Moved “{clean(row.subject)}” to {new_day:%a %d %b}{at}", timeout=2, markup=False)

        self.app.push_screen(RescheduleScreen(clean(row.subject), row.day, today), chosen)

    def action_open(self) -> None:
        row = self.current
        if row is None:
            return
        if row.deal_id is not None:
            self.nav.open_deal(row.deal_id)
        elif row.person_id is not None:
            self.nav.open_person(row.person_id)
        elif row.org_id is not None:
            self.nav.open_organization(row.org_id)
        else:
            self.notify("This activity is not linked to a deal, person or organization", timeout=3)

    @on(AgendaList.Selected)
    def double_clicked(self, event: AgendaList.Selected) -> None:
        self.action_open()

    def action_log_call(self) -> None:
        """`L`: log a call with the selected activity's person (its deal and organization linked)."""
        from tui.screens.call_flow import log_call

        row = self.current
        if row is None:
            return
        if row.deal_id is None and row.person_id is None and row.org_id is None:
            self.notify("This activity is not linked to anyone a call could be logged with", timeout=3)
            return
        self.app.hold_keys_for_screen()
        self.app.run_worker(log_call(self, deal_id=row.deal_id, person_id=row.person_id, org_id=row.org_id), exit_on_error=False)

    def action_note(self) -> None:
        from tui.screens.note_editor import NoteEditorScreen

        row = self.current
        if row is None:
            return
        if row.deal_id is None and row.person_id is None and row.org_id is None:
            self.notify("This activity is not linked to anything a note could go on", timeout=3)
            return
        self.app.push_screen(
            NoteEditorScreen(
                deal_id=row.deal_id,
                person_id=None if row.deal_id else row.person_id,
                org_id=None if (row.deal_id or row.person_id) else row.org_id,
            )
        )

    async def action_create(self) -> None:
        from tui.screens.forms.activity_form import ActivityForm

        self.app.push_screen(await ActivityForm.load(self.store, None, {"type": "call"}))

    async def action_edit(self) -> None:
        from tui.screens.forms.activity_form import ActivityForm

        row = self.current
        if row is not None:
            self.app.push_screen(await ActivityForm.load(self.store, row.id))

    def action_delete(self) -> None:
        row = self.current
        if row is None:
            return

        async def answer(yes: bool | None) -> None:
            if yes:
                await self.store.delete_entity("activity", row.id)
                self.notify("Activity deleted", timeout=2)

        self.app.push_screen(ConfirmScreen(f"Delete the activity “{clean(row.subject)}”?", yes="Delete"), answer)
