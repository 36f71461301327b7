"""Shared machinery of the deal, person and organization screens: sections of openable
items (deals, people, activities, notes), note actions, edit/delete/activity keys."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Label, OptionList, Static

from tui import styles
from tui.screens.base import AppScreen, ReadAhead
from tui.screens.detail_calls import DetailCalls
from tui.screens.detail_followers import DetailFollowers
from tui.screens.detail_files import DetailFiles
from tui.screens.detail_items import DetailItems
from tui.screens.detail_mail import DetailMail
from tui.screens.detail_section import Section
from tui.screens.serial_fetch import SerialFetch
from tui.store.queries.detail_extras import extras as detail_extras

__all__ = ["DetailScreen", "Section"]
from tui.formatting import clean, money
from tui.keymap import detail as detail_keys
from tui.notes_html import html_to_text, summary
from tui.store.derived import activity_due
from tui.store.queries.entities import ActivityRow, DealRef, NoteRow
from tui.widgets.status_bar import StatusBar
from tui.widgets import tones
from tui.widgets.key_bar import KeyBar
from tui.widgets.scrollbars import ScrollBody

TYPE_MARK = {"call": "☎", "meeting": "◎", "task": "✓", "deadline": "⚑", "email": "✉", "lunch": "☕"}


def activity_text(a: ActivityRow, tz: Any) -> Text:
    """Due date and time in the user's time zone (Pipedrive stores the time in UTC)."""
    due = activity_due(a.due_date, a.due_time, tz)
    when = "" if due is None else due[0].isoformat() + (due[1].strftime(" %H:%M") if due[1] else " all day")
    mark = "☑" if a.done else "☐"
    text = Text.assemble(
        (f"{mark} ", tones.SUCCESS if a.done else ""),
        (f"{TYPE_MARK.get(a.type, '•')} ", tones.INFO),
        (when.ljust(19), tones.MUTED),
        clean(a.subject),
    )
    if a.done:
        text.stylize("dim strike")
    return text


# Tables that only a section shows: a change to them refills that section, not the whole
# screen. A deal's first open fetches its mail, files, calls and followers from Pipedrive, and
# each arrival reloaded everything (three more reads, layouts and paints after it was shown).
EXTRA_SECTIONS = frozenset({"mail", "calls", "followers", "participants", "files"})
SECTION_TABLES: dict[str, frozenset[str]] = {
    "mail_messages": frozenset({"mail"}),
    "files": frozenset({"files"}),
    "call_logs": frozenset({"calls"}),
    "item_followers": frozenset({"followers", "participants"}),
    "deal_participants": frozenset({"followers", "participants"}),
}


class DetailScreen(DetailCalls, DetailFollowers, DetailItems, DetailFiles, DetailMail, AppScreen):
    WATCHES = frozenset(
        {
            "deals",
            "persons",
            "organizations",
            "activities",
            "notes",
            "deal_products",
            "users",
            "stages",
            "pipelines",
            "leads",
            "lead_labels",
            "fields",
            "products",
            "activity_types",
            "currencies",
            "call_logs",
            "item_followers",
            "deal_participants",
            "mail_messages",
            "files",
        }
    )
    CSS_PATH = styles.path("detail.tcss")
    BINDINGS = detail_keys.BINDINGS
    ENTITY = "deal"
    NOTE_KEY = "deal_id"
    PIN_FLAG = "pinned_to_deal_flag"
    SECTIONS: tuple[tuple[str, str], ...] = ()

    def __init__(self, entity_id: int, note_id: int | None = None) -> None:
        super().__init__()
        self.entity_id = entity_id
        self.focus_note = note_id  # a note found by search: selected once the notes show
        self.detail: Any = None
        self.notes: list[NoteRow] = []
        self._first_read: ReadAhead[tuple[Any, Any]] = ReadAhead()
        self._previewed: object = object()  # the note the preview shows (preview_note): none yet
        self.files_fetch = SerialFetch("detail-files")  # a fill never cancels a fetch on the wire
        self.mail_fetch = SerialFetch("detail-mail")

    async def _read(self) -> tuple[Any, Any]:
        """The item and its sections' extras, as the screen shows them."""
        detail = await self.load()
        if detail is None:
            return None, None
        sections = frozenset(name for name, _title in self.SECTIONS)
        return detail, await self.store.read(detail_extras, self.ENTITY, self.entity_id, sections)

    def compose(self) -> ComposeResult:
        self._first_read.start(self._read())
        yield Static(id="detail-header")
        with ScrollBody(id="detail-body"):
            yield from self.compose_top()
            yield Static(id="detail-facts")
            for name, title in self.SECTIONS:
                yield Label(title, classes="section-title", id=f"title-{name}")
                yield self.make_section(name)
            yield Label("Notes", classes="section-title", id="title-notes")
            yield Section("notes")
            yield Static(id="note-preview")
        yield StatusBar()
        yield KeyBar()

    def compose_top(self) -> ComposeResult:
        yield from ()

    def on_resize(self) -> None:
        """Lines cut to the width (the mail section's) are cut again for a new one (Textual
        also sends a screen its size when it is pushed: the same width cuts nothing anew)."""
        if self.query("#section-mail") and self.mail_rows and self.mail_width != self.size.width:
            self.fill_mail(self.mail_rows)

    async def on_mount(self) -> None:
        """The first read (started at compose) is awaited here, in the mount handler, so that
        the screen's first layout and paint already show the item: Textual handles the
        screen's resume, which lays it out, after this returns. Filled later, it cost a second
        layout and paint of the whole screen (~40-60 ms of a deal's open at 10k deals)."""
        try:
            first = await self._first_read.take()
        except Exception:  # the worker's read shows the failure as a reload does
            first = None
        if first is None:
            self.reload()
        else:
            self._fill(*first)

    @work(exclusive=True, group="detail-reload", exit_on_error=False)
    async def reload(self) -> None:
        first = await self._first_read.take()
        detail, extras = first if first is not None else await self._read()
        self._fill(detail, extras)

    def data_changed(self, message: Any) -> None:
        tables = message.tables if message is not None else None
        if tables and self.detail is not None and all(t in SECTION_TABLES for t in tables):
            self.refill(frozenset().union(*(SECTION_TABLES[t] for t in tables)))
        else:
            super().data_changed(message)

    @work(group="detail-sections", exit_on_error=False)
    async def refill(self, sections: frozenset[str]) -> None:
        """Only these sections, read again (not exclusive: two refills fill two sections)."""
        wanted = sections & {name for name, _title in self.SECTIONS}
        if not wanted:
            return
        extras = await self.store.read(detail_extras, self.ENTITY, self.entity_id, frozenset(wanted))
        self._show_extras(extras, wanted)

    def _show_extras(self, extras: Any, sections: Collection[str] = EXTRA_SECTIONS) -> None:
        """The sections read beside the item (tui/store/queries/detail_extras.py)."""
        if "mail" in sections:
            self.show_mail(extras.mail)
        if "calls" in sections:
            self.show_calls(extras.calls)
        if "followers" in sections or "participants" in sections:
            self.show_followers(extras.followers, extras.participants, extras.me)
        if "files" in sections:
            self.show_files(extras.files)

    def _fill(self, detail: Any, extras: Any) -> None:
        if detail is None:
            self.query_one("#detail-header", Static).update(self.missing_text())
            self.detail = None
            return
        # every section filled here, after the reads: one layout and paint, not one per section
        self.detail = detail
        self.notes = detail.notes
        self.show(detail)
        self._show_extras(extras)
        pinned = sum(n.pinned for n in self.notes)
        self.set_title("notes", "Notes", len(self.notes), f"{pinned} pinned" if pinned else "")
        self.query_one("#section-notes", Section).fill(
            [
                (
                    Text.assemble(("📌 " if n.pinned else "   "), ((n.add_time or "")[:10] + "  ", tones.MUTED), summary(n.content, 70)),
                    ("note", n.id),
                )
                for n in self.notes
            ],
            "No notes yet: press n",
        )
        if self.focus_note is not None:
            section = self.query_one("#section-notes", Section)
            index = next((i for i, (_kind, nid) in enumerate(section.targets) if nid == self.focus_note), None)
            self.focus_note = None
            if index is not None:
                section.highlighted = index
                section.focus()
                section.scroll_visible()
        self.preview_note()

    async def load(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def missing_text(self) -> Text:
        return Text(f"This {self.ENTITY} no longer exists.", style=tones.ERROR_B)

    def show(self, detail: Any) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def set_title(self, section: str, title: str, count: int, detail: str = "") -> None:
        """Section titles say how many items there are, so a box that scrolls never hides any."""
        text = f"{title} · {count}" + (f" ({detail})" if detail else "")
        self.query_one(f"#title-{section}", Label).update(text)

    def fill_activities(self, activities: list[ActivityRow]) -> None:
        open_count = sum(not a.done for a in activities)
        self.set_title("activities", "Activities", len(activities), f"{open_count} open" if activities else "")
        self.query_one("#section-activities", Section).fill(
            [(activity_text(a, self.store.clock.zone), ("activity", a.id)) for a in activities], "No activities: press a to plan one"
        )

    def fill_deals(self, deals: list[DealRef]) -> None:
        by_status = {s: sum(d.extra == s for d in deals) for s in ("open", "won", "lost")}
        detail = ", ".join(f"{n} {s}" for s, n in by_status.items() if n)
        self.set_title("deals", "Deals", len(deals), detail)
        self.query_one("#section-deals", Section).fill(self.deal_rows(deals), "No deals")

    @staticmethod
    def deal_rows(deals: list[DealRef]) -> list[tuple[Text, tuple[str, int]]]:
        """Status, title, then the stage it is in and its value."""
        marks = {"open": ("●", tones.SUCCESS), "won": ("✔", tones.SUCCESS_B), "lost": ("✖", tones.ERROR)}
        rows = []
        for d in deals:
            mark, style = marks.get(d.extra, ("•", ""))
            text = Text.assemble((f"{mark} {d.extra:<5} ", style), clean(d.label))
            text.append(f"  {clean(d.stage) or 'no stage'}", style=tones.MUTED)
            text.append(f" · {money(d.value, d.currency, d.decimals, d.symbol)}", style=tones.SUCCESS)
            rows.append((text, ("deal", d.id)))
        return rows

    # -- navigation --------------------------------------------------------------------------

    @on(OptionList.OptionSelected)
    def open_target(self, event: OptionList.OptionSelected) -> None:
        if isinstance(event.option_list, Section):
            self.activate(event.option_list.target)

    def activate(self, target: tuple[str, int] | None) -> None:
        if target is None:
            return
        kind, target_id = target
        if kind == "deal":
            self.nav.open_deal(target_id)
        elif kind == "person":
            self.nav.open_person(target_id)
        elif kind == "organization":
            self.nav.open_organization(target_id)
        elif kind == "note":
            self.edit_note(target_id)
        elif kind == "activity":
            self.open_activity(target_id)
        elif kind == "custom":
            self.edit_custom(target_id)
        elif kind == "mail":
            self.open_mail(target_id)
        elif kind == "file":
            self.download(target_id)
        else:
            self.open_other(kind, target_id)

    def open_other(self, kind: str, target_id: int) -> None:
        """Targets of a screen's own sections (the deal's products)."""

    @on(OptionList.OptionHighlighted, "#section-notes")
    def preview_note(self, event: Any = None) -> None:
        section = self.query_one("#section-notes", Section)
        target = section.target
        note = next((n for n in self.notes if target and n.id == target[1]), None)
        # the fill shows it, then the section's highlight message asks again: an update of the
        # same text would lay the screen out once more
        shown = note and (note.id, note.add_time, note.author, note.pinned, note.content)
        if self._previewed == shown:
            return
        self._previewed = shown
        preview = self.query_one("#note-preview", Static)
        preview.display = note is not None
        if note is None:
            preview.update("")
            return
        head = Text(
            f"{(note.add_time or '')[:16].replace('T', ' ')} · {clean(note.author) or 'unknown'}" + (" · pinned" if note.pinned else ""),
            style=tones.MUTED,
        )
        preview.update(Text("\n").join([head, Text(html_to_text(note.content))]))

    def action_back(self) -> None:
        self.app.pop_screen()

    def focused_section(self) -> str | None:
        focused = self.focused
        return focused.section if isinstance(focused, Section) else None

    # -- notes -----------------------------------------------------------------------------------

    def fill_links(self, person: Any, org: Any, empty: str) -> None:
        """The person and organization rows of the links section (enter, or P / O, opens them)."""
        links = [
            (Text.assemble((label, tones.MUTED), (clean(ref.label), "underline"), (f"   ({key})", tones.FAINT)), (kind, ref.id))
            for ref, label, kind, key in ((person, "Person        ", "person", "P"), (org, "Organization  ", "organization", "O"))
            if ref
        ]
        self.query_one("#section-links", Section).fill(links, empty)

    async def action_delete(self) -> None:
        from tui.screens.dialogs import ConfirmScreen

        if self.focused_section() in ("followers", "participants"):
            await self.remove_party(self.focused_section() or "")
            return

        if self.focused_section() == "notes":
            target = self.query_one("#section-notes", Section).target
            if target is None:
                return
            note_id = target[1]

            async def drop_note(yes: bool | None) -> None:
                if yes:
                    await self.store.delete_entity("note", note_id)
                    self.notify("Note deleted", timeout=2)

            self.app.push_screen(ConfirmScreen("Delete this note from Pipedrive?", yes="Delete note"), drop_note)
            return
        if self.focused_section() == "activities":
            target = self.query_one("#section-activities", Section).target
            if target is None:
                return

            async def drop_activity(yes: bool | None) -> None:
                if yes:
                    await self.store.delete_entity("activity", target[1])

            self.app.push_screen(ConfirmScreen("Delete this activity from Pipedrive?", yes="Delete activity"), drop_activity)
            return
        name = self.entity_name()

        async def drop(yes: bool | None) -> None:
            if yes:
                await self.store.delete_entity(self.ENTITY, self.entity_id)
                self.notify(f"Deleted {self.ENTITY} “{name}”", timeout=3, markup=False)
                self.app.pop_screen()

        self.app.push_screen(
            ConfirmScreen(
                f"Delete the {self.ENTITY} “{name}” from Pipedrive?\nThis affects everyone in your company.", yes=f"Delete {self.ENTITY}"
            ),
            drop,
        )

    def entity_name(self) -> str:
        return ""

    async def action_edit(self) -> None:
        """`e`: edit the selected note when the notes have focus, else the entity itself."""
        if self.focused_section() == "notes":
            target = self.query_one("#section-notes", Section).target
            if target:
                self.edit_note(target[1])
                return
        if self.focused_section() in ("custom", "products"):
            target = self.focused.target  # type: ignore[union-attr]
            if target:
                self.activate(target)
                return
        self.app.push_screen(await self.entity_form())

    async def entity_form(self) -> Screen[Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    # deal-only keys do nothing elsewhere
    def action_move(self, delta: int) -> Any:  # the deal screen's are coroutines
        self.app.bell()

    def action_won(self) -> Any:  # the deal screen's are coroutines
        self.app.bell()

    def action_lost(self) -> Any:  # the deal screen's are coroutines
        self.app.bell()

    def action_reopen(self) -> Any:  # the deal screen's are coroutines
        self.app.bell()

    def action_add(self) -> None:
        """`+`: a follower or participant on their sections, else a product (deals)."""
        section = self.focused_section()
        if section in ("followers", "participants"):
            self.add_party(section or "")
        else:
            self.action_add_product()

    def action_add_product(self) -> None:
        self.app.bell()

    def action_merge(self) -> None:  # persons and organizations merge (tui/screens/detail_merge.py)
        self.app.bell()

    def action_history(self) -> None:
        from tui.screens.history import HistoryScreen

        self.app.push_screen(HistoryScreen(self.ENTITY, self.entity_id, self.entity_name()))

    # -- activities -----------------------------------------------------------------------------

    def action_open_person(self) -> None:
        person = getattr(self.detail, "person", None)
        if person:
            self.nav.open_person(person.id)

    def action_open_organization(self) -> None:
        org = getattr(self.detail, "org", None)
        if org:
            self.nav.open_organization(org.id)
