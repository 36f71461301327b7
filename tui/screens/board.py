"""The pipeline board: stages as virtual columns, deal cards, keyboard and mouse triage."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, HorizontalScroll, Vertical
from textual.geometry import Offset
from textual.widget import Widget
from textual.widgets import Static

from tui import heap, styles
from tui.screens.base import FilteredScreen
from tui.screens.board_bulk import Batch, BulkActions
from tui.screens.board_views import BoardViews
from tui.formatting import clean, compact_money, fit_join
from tui.widgets.cells import shown
from tui.api.errors import ApiError
from tui.keymap import board as board_keys
from tui.screens.dialogs import LostReasonScreen
from tui.store.queries import board as q
from tui.store.queries import rates as rates_q
from tui.store.queries.rates import Rates
from tui.widgets.drop_target import mark_drop_target
from tui.widgets.filter_bar import FilterBar
from tui.widgets.title_line import TitleLine
from tui.widgets.kanban_column import BLOCK, KanbanColumn
from tui.widgets.status_bar import StatusBar
from tui.widgets import tones
from tui.widgets.key_bar import KeyBar
from tui.widgets.scrollbars import expect_scrollbars


MIN_COLUMN = 26  # cells: title, value and owner stay readable


class StageColumn(Vertical):
    """Header + virtual card list of one stage."""

    def __init__(self, stage: q.StageRow) -> None:
        super().__init__(classes="stage-column")
        self.stage = stage
        self.header = Static(classes="stage-header")
        self.cards = KanbanColumn(stage.id)
        self._shown: tuple[Any, ...] | None = None  # what show_summary was last given

    def compose(self) -> ComposeResult:
        yield self.header
        yield self.cards

    def on_resize(self) -> None:
        """The totals are fitted to the width: fit them again (the first summary may come
        before the column has its width, and the terminal can be resized)."""
        if self._shown is not None:
            self.show_summary(*self._shown)

    def show_summary(
        self,
        summary: q.StageSummary | None,
        currencies: dict[str, q.CurrencyRow],
        weighted_on: bool,
        rates: Rates | None = None,
        converted_only: bool = False,
    ) -> None:
        self._shown = (summary, currencies, weighted_on, rates, converted_only)
        width = max(8, (self.size.width or 30) - 2)
        count = summary.count if summary else 0

        def fmt(values: dict[str, float], room: int) -> str:
            order = summary.currencies() if summary else []
            parts = [compact_money(values[c], c, getattr(currencies.get(c), "symbol", None)) for c in order if c in values]
            total = one_currency(values, rates, currencies)
            if total:  # the one-currency total first (Σ, * when a rate is old or missing)
                parts = [total] if converted_only else [total, *parts]
            return fit_join(parts, room)  # every currency counted: what does not fit shows as +N

        title = Text(shown(self.stage.name), style="bold")
        line2 = Text(f"{count} deal{'s' if count != 1 else ''}", style=tones.MUTED)
        if summary and summary.totals:
            line2.append(f" · {fmt(summary.totals, width - line2.cell_len - 3)}", style=tones.SUCCESS)
        line3 = Text("")
        if weighted_on and summary and summary.weighted:
            line3 = Text(f"≈ {fmt(summary.weighted, width - 2)}", style=tones.MUTED)
        for line in (title, line2, line3):
            line.truncate(width, overflow="ellipsis")
            line.no_wrap = True
            line.overflow = "ellipsis"
        header = Text("\n").join([title, line2, line3])
        header.no_wrap = True
        header.overflow = "ellipsis"
        self.header.update(header, layout=False)  # fixed height: no layout pass (a whole-screen repaint)


def one_currency(values: dict[str, float], rates: Rates | None, currencies: dict[str, q.CurrencyRow]) -> str:
    """ "Σ €2.3M": the amounts converted at the cached rates; "*" when a rate is older than
    today or missing (that currency is left out, never guessed). "" without rates."""
    if rates is None or rates.base is None or not values:
        return ""
    total, missing = rates.total(values)
    mark = "*" if missing or rates.label(list(values)) else ""
    return f"Σ {compact_money(total, rates.base, getattr(currencies.get(rates.base), 'symbol', None))}{mark}"


class DropZone(Static):
    def __init__(self, label: str, kind: str) -> None:
        super().__init__(label, classes=f"drop-zone drop-{kind}")
        self.kind = kind


@dataclass
class Undo:
    deal_id: int
    kind: str  # "move" | "status"
    stage_id: int | None = None
    status: str | None = None


class BoardScreen(BulkActions, BoardViews, FilteredScreen):
    CSS_PATH = styles.path("board.tcss")
    BINDINGS = board_keys.BINDINGS
    AUTO_FOCUS = ""  # keys go to the board, not to the (hidden) filter input
    HELP_TITLE = "Pipeline board"
    WATCHES = frozenset({"deals", "activities", "stages", "pipelines", "persons", "organizations", "users"})

    def __init__(self) -> None:
        super().__init__()
        self.pipeline_id: int | None = None
        self.pipelines: list[q.PipelineRow] = []
        self.stages: list[q.StageRow] = []
        self.columns: list[StageColumn] = []
        self.col = 0
        self.status_filter = "open"
        self.owner_filter: int | None = None
        self.owner_label = "everyone"
        self.text_filter = ""
        self.sort = "urgency"
        self.undo_stack: list[Undo | Batch] = []
        self.rates: Rates | None = None  # the cached exchange rates (one-currency totals)
        self.converted_only = False  # `$`: headers show only the one-currency totals
        self._rates_asked = False
        self._chosen = False  # the user put the cursor on a card (until then it stays at the top)
        self.currencies: dict[str, q.CurrencyRow] = {}
        self._drag_target: Widget | None = None
        self._loaded = False
        self._follow: int | None = None  # deal id the cursor should land on after the next reload
        self._moving: q.DealCard | None = None  # a deal just moved, selected until its column reloads
        self._title_shown: Text | None = None
        self._return_to: int | None = None  # the deal opened from here: the cursor is on it on return
        self._counts: dict[int, int] = {}
        self.marked: set[int] = set()  # deal ids marked for a bulk action (board_bulk.py)
        self.view: Any = None  # a saved filter shown (tui/screens/views.py): its where/params narrow the cards
        self.local_view: str | None = None  # the name of a view of yours last applied (F-key or v)

    # -- layout -----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # the filter box shares the title's line: opening or clearing it resizes no column
        # (a 3-line box above them re-laid and repainted every column, about 120 ms at 160x45)
        with Horizontal(id="board-top"):
            yield TitleLine(id="board-title")
            yield FilterBar("filter deals by title, person or organization (escape clears)", id="board-filter")
        yield HorizontalScroll(id="board-columns", can_focus=False)
        with Horizontal(id="drop-zones"):
            yield DropZone("✔ Won  (drop here)", "won")
            yield DropZone("✖ Lost  (drop here)", "lost")
        yield StatusBar()
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#drop-zones").display = False
        self.reload()

    def resumed(self, stale: bool) -> None:
        if not self._loaded:
            self._stale = self._stale or stale  # not loaded yet: its first load reads it all anyway
            return
        selected = self.selected.id if self.selected else None
        if stale or (self._return_to is not None and selected != self._return_to):
            # something changed while a deal screen was on top, or the board reloaded beneath it
            # (a won deal left it, the cursor went to its neighbour): back on the opened deal
            self.reload(back=True)
        else:  # nothing did: the columns and their cached strips are as they were, cursor included
            self._return_to = None

    def data_changed(self, message: Any) -> None:
        if message is None:
            self.reload()
            return
        ids = (message.ids or {}).get("deals")
        if message.tables == {"deals"} and ids:
            self.reload_deals(sorted(ids))
        else:
            self.reload()

    def query_spec(self) -> q.BoardQuery:
        assert self.pipeline_id is not None
        view = self.view
        return q.BoardQuery(
            self.pipeline_id,
            None if view else self.status_filter,
            self.owner_filter,
            self.text_filter,
            self.sort,
            view.where if view else None,
            tuple(view.params) if view else (),
        )

    # -- data ---------------------------------------------------------------------------------------

    @work(exclusive=True, group="board-reload", exit_on_error=False)
    async def reload(self, back: bool = False) -> None:
        """The board from the cache: per-stage counts and totals, and the cards in view."""
        store = self.store
        # while a deal screen was open the board reloaded (a won deal left it, the cursor went
        # to its neighbour); coming back, the cursor is on the deal that was opened again
        returning = self._return_to if back else None
        if back:
            self._return_to = None
        keep = self._follow or returning or self._kept()
        self.pipelines = await store.read(q.pipelines)
        if not self.pipelines:
            self._title_shown = None
            self.query_one("#board-title", Static).update(Text("No pipelines yet: waiting for the first sync…", style=tones.MUTED))
            return
        if self.pipeline_id not in {p.id for p in self.pipelines}:
            self.pipeline_id = self.pipelines[0].id
            self.store.focus_pipeline = self.pipeline_id
        stages = await store.read(q.stages, self.pipeline_id)
        self.currencies = await store.read(q.currencies)
        self.rates = await store.read(rates_q.rates, store.clock.today().isoformat())
        spec, now = self.query_spec(), store.clock.now()
        fresh = [s.id for s in stages] != [s.id for s in self.stages]  # the first open, another pipeline
        wants = {s.id: {0} for s in stages} if fresh else {c.stage.id: set(c.cards.visible_blocks()) for c in self.columns}
        window = await store.read(q.board_window, spec, now=now, wants=wants, follow=keep, block=BLOCK)
        if fresh:
            await self._build_columns(stages, window, keep)
        else:
            self._apply(window, keep)
        if not self._loaded:
            self.call_after_refresh(heap.release)  # the first cards are on screen (tui/heap.py)
        self._loaded = True
        self.query_one(FilterBar).shown(self.text_filter)
        if not self._rates_asked and (self.rates.base is None or self.rates.stale(self.rates.base)):
            self._fetch_rates()  # after the board is shown: its read never waits for Pipedrive

    @work(exclusive=True, group="board-reload", exit_on_error=False)
    async def reload_deals(self, deal_ids: list[int]) -> None:
        """Some deals changed (a move, a won, a colleague's edit): only their stages reload,
        before and after the change; the other columns keep what they show."""
        store = self.store
        before = {c.stage.id for c in self.columns for d in deal_ids if c.cards.index_of(d) is not None}
        after = {sid for sid in (await store.read(q.stages_of, deal_ids)).values() if sid is not None}
        only = sorted((before | after) & {c.stage.id for c in self.columns})
        if not only:
            return
        keep = self._follow or self._kept()
        wants = {c.stage.id: set(c.cards.visible_blocks()) for c in self.columns if c.stage.id in only}
        window = await store.read(
            q.board_window, self.query_spec(), now=store.clock.now(), wants=wants, follow=keep, block=BLOCK, only=only
        )
        self._apply(window, keep, only=set(only))

    def _apply(self, window: q.BoardWindow, keep: int | None, only: set[int] | None = None) -> None:
        pipeline = next(p for p in self.pipelines if p.id == self.pipeline_id)
        follow = window.follow
        if follow is not None and only is not None and follow[0] not in only:
            # the followed deal was read in a stage this reload does not repaint (a move landed
            # between its two reads): the reload for that move follows it; the cursor intent
            # (`_follow`, `_moving`) stays until then (cleared here, a later reload kept the
            # card the column's stale cursor was on: 1 move in ~100 ended off the deal)
            follow = None
        for column in self.columns:
            sid = column.stage.id
            if only is not None and sid not in only:
                continue
            summary = window.summaries.get(sid)
            cursor = follow[1] if follow and follow[0] == sid else None
            column.cards.reset(summary.count if summary else 0, window.blocks.get(sid, {}), self.currencies, cursor)
            column.show_summary(summary, self.currencies, pipeline.probability_enabled, self.rates, self.converted_only)
            self._counts[sid] = summary.count if summary else 0
        if follow is not None:
            self.col = next((i for i, c in enumerate(self.columns) if c.stage.id == follow[0]), self.col)
            self._follow = None
            self._moving = None
            cards = self.columns[self.col].cards
            self.call_after_refresh(cards.move_cursor, follow[1])
        if self._follow is None:
            self._moving = None
        self._focus_column(self.col)
        self._show_title(pipeline, sum(self._counts.get(c.stage.id, 0) for c in self.columns))

    @work(group="board-blocks", exit_on_error=False)
    async def fetch_block(self, column: KanbanColumn, block: int) -> None:
        generation = column.generation
        cards = await self.store.read(
            q.stage_cards, self.query_spec(), column.stage_id, now=self.store.clock.now(), offset=block * BLOCK, limit=BLOCK
        )
        column.put_block(block, cards, generation)

    def on_kanban_column_need_block(self, message: KanbanColumn.NeedBlock) -> None:
        if self.pipeline_id is not None:
            self.fetch_block(message.column, message.block)

    async def _build_columns(self, stages: list[q.StageRow], window: q.BoardWindow, keep: int | None) -> None:
        """New columns, given their cards before they are mounted: laid out and painted once
        (mounted empty, then filled, the board was painted twice: ~150 ms of the launch, and
        the paint of the empty board slowed the read of the cards it competed with)."""
        container = self.query_one("#board-columns", HorizontalScroll)
        await container.remove_children()
        self.stages = stages
        self.columns = [StageColumn(s) for s in stages]
        self._share_marks()
        self.col = min(self.col, max(0, len(self.columns) - 1))
        width = self._size_columns()
        self._apply(window, keep)
        expect_scrollbars(container, width=width * len(self.columns))  # narrow terminals: one layout
        await container.mount_all(self.columns)

    def _size_columns(self) -> int:
        """Share the width between the stages, never below a readable minimum (then scroll).
        Returns the width each column was given."""
        available = self.size.width or 160
        if not self.columns:
            return available
        width = max(MIN_COLUMN, available // len(self.columns))
        for column in self.columns:
            column.styles.width = width
        return width

    def on_resize(self) -> None:
        self._size_columns()

    @work(group="board-rates", exclusive=True, exit_on_error=False)
    async def _fetch_rates(self) -> None:
        """The day's exchange rates (GET /v1/deals/summary, 40 tokens, once a day): the board's
        one-currency totals and its sort by value. Offline the cached ones stay, labelled."""
        self._rates_asked = True
        try:
            fetched = await self.store.refresh_rates()
        except ApiError:
            return
        if not fetched:
            return
        self.rates = await self.store.read(rates_q.rates, self.store.clock.today().isoformat())
        if self.sort == "value":
            self.reload()  # the order of the cards changes with the rates
        else:
            self._show_totals()  # only the headers and the title change: no reload, the cursor stays

    def action_converted(self) -> None:
        """`$`: only the one-currency totals in the column headers, or with the per-currency ones."""
        if self.rates is None or self.rates.base is None:
            self.notify("No exchange rates yet (they come with the next sync with Pipedrive)", timeout=3)
            return
        self.converted_only = not self.converted_only
        self._show_totals()

    def _show_totals(self) -> None:
        """The column headers and the title again, with the rates and `$` as they are now."""
        pipeline = next((p for p in self.pipelines if p.id == self.pipeline_id), None)
        for column in self.columns:
            if column._shown is not None:
                summary, currencies, weighted_on = column._shown[:3]
                column.show_summary(summary, currencies, weighted_on, self.rates, self.converted_only)
        if pipeline is not None:
            self._show_title(pipeline, sum(self._counts.get(c.stage.id, 0) for c in self.columns))

    def _show_title(self, pipeline: q.PipelineRow, count: int) -> None:
        title = Text.assemble(
            (f" {clean(pipeline.name)} ", "bold reverse"), f"  {count} {'' if self.view else self.status_filter + ' '}deals"
        )
        if self.view:
            title.append(f"  · view: {clean(self.view.name)}", style=tones.INFO_B)
        elif self.local_view:
            title.append(f"  · view: {clean(self.local_view)} (yours)", style=tones.SPECIAL_B)
        title.append(f"  · owner: {self.owner_label}", style=tones.MUTED)
        sort = q.SORT_LABELS[self.sort]
        if self.sort == "value" and self.rates is not None and self.rates.base:
            sort += f" in {self.rates.base}"
        title.append(f"  · sort: {sort}", style=tones.MUTED)
        if self.text_filter:  # before the totals: what was typed never falls off a narrow title
            title.append("  · filter: ", style=tones.MUTED)
            title.append(clean(self.text_filter), style=tones.WARNING_B)
        if self.rates is not None and self.rates.base:
            totals: dict[str, float] = {}
            for column in self.columns:
                summary = column._shown[0] if column._shown else None
                for code, value in (summary.totals if summary else {}).items():
                    totals[code] = totals.get(code, 0.0) + value
            total = one_currency(totals, self.rates, self.currencies)
            if total:
                title.append(f"  · {total}", style=tones.SUCCESS_B)
                note = self.rates.label(list(totals))
                if note:
                    title.append(f" (*{note})", style=tones.WARNING)
        if title == self._title_shown:
            return  # a repaint of the title's whole line widens a move's paint to every column
        self._title_shown = title
        self.query_one("#board-title", Static).update(title, layout=False)  # one line, fixed height

    # -- selection -------------------------------------------------------------------------------------

    @property
    def column(self) -> StageColumn | None:
        return self.columns[self.col] if 0 <= self.col < len(self.columns) else None

    @property
    def selected(self) -> q.DealCard | None:
        """The card under the cursor; right after a move, the moved deal (keys typed before its
        new column has reloaded act on it, not on whatever card that column's cursor was on)."""
        if self._moving is not None:
            return self._moving
        return self.column.cards.selected if self.column else None

    def _focus_column(self, index: int) -> None:
        if not self.columns:
            return
        self.col = max(0, min(index, len(self.columns) - 1))
        for i, column in enumerate(self.columns):
            column.cards.set_active(i == self.col)
            # on the header, not the column: a class change restyles the column's scrollbars too,
            # which costs a layout pass of the whole screen
            column.header.set_class(i == self.col, "-active")
        self.query_one("#board-columns", HorizontalScroll).scroll_to_widget(self.columns[self.col], animate=False)

    def _kept(self) -> int | None:
        """The deal a reload keeps the cursor on: the one the user chose. Before any choice the
        cursor stays at the top of the column (the first sync's pages would otherwise drag it
        after the first card shown as more urgent deals arrive above it)."""
        moved = self._chosen or self.col != 0 or bool(self.column and self.column.cards.cursor)
        return self.selected.id if moved and self.selected else None

    def action_column(self, delta: int) -> None:
        self._chosen = True
        self._focus_column(self.col + delta)

    def action_card(self, delta: int) -> None:
        self._chosen = True
        if self.column:
            self.column.cards.move_cursor(self.column.cards.cursor + delta)

    def action_card_edge(self, edge: str) -> None:
        self._chosen = True
        if self.column:
            self.column.cards.move_cursor(0 if edge == "top" else self.column.cards.total - 1)

    def action_card_page(self, delta: int) -> None:
        self._chosen = True
        if self.column:
            cards = self.column.cards
            cards.move_cursor(cards.cursor + delta * cards.page_cards)

    # -- edits ---------------------------------------------------------------------------------------------

    async def action_move(self, delta: int) -> None:
        if self.marked:
            await self.bulk_move(delta)
            return
        card = self.selected
        if card is None or card.status != "open":
            self.app.bell()
            return
        target = self.col + delta
        if not 0 <= target < len(self.stages):
            self.notify("Already in the " + ("last" if delta > 0 else "first") + " stage", timeout=2)
            return
        await self._move_to(card, target)

    async def _move_to(self, card: q.DealCard, target: int) -> None:
        stage = self.stages[target]
        self.undo_stack.append(Undo(card.id, "move", stage_id=card.stage_id))
        self._follow = card.id
        self._moving = replace(card, stage_id=stage.id)
        self.col = target
        await self.store.move_deal(card.id, stage.id)  # the card moves on screen: no toast needed

    async def action_won(self) -> None:
        if self.marked:
            await self.bulk_status("won")
            return
        card = self.selected
        if card is None or card.status != "open":
            self.app.bell()
            return
        self.undo_stack.append(Undo(card.id, "status", status=card.status))
        await self.store.set_deal_status(card.id, "won")
        self.notify(f"“{clean(card.title)}” won 🎉", timeout=2, markup=False)

    async def action_lost(self, card: q.DealCard | None = None) -> None:
        if card is None and self.marked:
            await self.bulk_lost()
            return
        card = card or self.selected
        if card is None or card.status != "open":
            self.app.bell()
            return
        recent = await self.store.read(q.recent_lost_reasons)

        async def done(reason: str | None) -> None:
            if reason:
                self.undo_stack.append(Undo(card.id, "status", status=card.status))
                await self.store.set_deal_status(card.id, "lost", reason)
                self.notify(f"“{clean(card.title)}” lost: {clean(reason)}", timeout=2, markup=False)

        self.app.push_screen(LostReasonScreen(card.title, recent), done)

    async def action_undo(self) -> None:
        if not self.undo_stack:
            self.notify("Nothing to undo", timeout=2)
            return
        last = self.undo_stack.pop()
        if isinstance(last, Batch):
            await self.undo_batch(last)
            return
        self._follow = last.deal_id
        if last.kind == "move" and last.stage_id is not None:
            await self.store.move_deal(last.deal_id, last.stage_id)
        else:
            await self.store.set_deal_status(last.deal_id, last.status or "open")
        self.notify("Undone", timeout=2)

    def action_open(self) -> None:
        if self.selected:
            self._return_to = self.selected.id
            self.nav.open_deal(self.selected.id)

    def action_note(self) -> None:
        if self.selected:
            from tui.screens.note_editor import NoteEditorScreen

            self.app.push_screen(NoteEditorScreen(deal_id=self.selected.id))

    async def action_create(self) -> None:
        from tui.screens.forms.entity_forms import DealForm

        stage = self.stages[self.col] if self.stages else None
        form = await DealForm.load(self.store, None, {"pipeline_id": self.pipeline_id, "stage_id": stage.id if stage else None})

        def created(new_id: int | None) -> None:
            if new_id is not None:
                self._follow = new_id  # the new deal is selected (tui/app.py follows its server id)
                self.reload()

        self.app.push_screen(form, created)

    def on_created_message(self, event: Any) -> None:
        """A create reached Pipedrive: the local id became the server's."""
        if event.entity == "deal" and self._follow == event.local_id:
            self._follow = event.server_id

    # -- filters ---------------------------------------------------------------------------------------------

    def on_key(self, event: Any) -> None:
        bar = self.query_one(FilterBar)
        if event.key == "escape" and bar.active:  # the filter is kept but not focused: escape clears it
            bar.clear()
            event.stop()
        elif event.key == "escape" and self.clear_marks():
            event.stop()

    def on_kanban_column_card_marked(self, event: KanbanColumn.CardMarked) -> None:
        card = event.column.card_at(event.index)
        if card is not None:
            self.marked.symmetric_difference_update({card.id})
            self._repaint_marks()

    # -- mouse ------------------------------------------------------------------------------------------------

    def _column_of(self, column: KanbanColumn) -> int:
        return next((i for i, c in enumerate(self.columns) if c.cards is column), self.col)

    @on(KanbanColumn.CardPressed)
    def card_pressed(self, event: KanbanColumn.CardPressed) -> None:
        self._chosen = True
        self._focus_column(self._column_of(event.column))
        event.column.move_cursor(event.index)

    @on(KanbanColumn.CardOpened)
    def card_opened(self, event: KanbanColumn.CardOpened) -> None:
        self._focus_column(self._column_of(event.column))
        event.column.move_cursor(event.index)
        self.action_open()

    def _target_at(self, offset: Offset) -> Widget | None:
        try:
            widget, _ = self.get_widget_at(offset.x, offset.y)
        except Exception:
            return None
        node: Any = widget
        while node is not None and not isinstance(node, (StageColumn, DropZone)):
            node = node.parent
        return node

    @on(KanbanColumn.DragMoved)
    def drag_moved(self, event: KanbanColumn.DragMoved) -> None:
        zones = self.query_one("#drop-zones")
        if not zones.display:
            zones.display = True
        self._drag_target = mark_drop_target(self._drag_target, self._target_at(event.screen_offset))

    @on(KanbanColumn.DragEnded)
    async def drag_ended(self, event: KanbanColumn.DragEnded) -> None:
        target = self._target_at(event.screen_offset)
        self._drag_target = mark_drop_target(self._drag_target, None)
        self.query_one("#drop-zones").display = False
        source = self._column_of(event.column)
        card = event.column.card_at(event.index)
        if card is None:
            return
        if card.status != "open":
            return
        if isinstance(target, StageColumn):
            index = self.columns.index(target)
            if index != source:
                await self._move_to(card, index)
        elif isinstance(target, DropZone):
            self.col = source
            if target.kind == "won":
                self.undo_stack.append(Undo(card.id, "status", status=card.status))
                await self.store.set_deal_status(card.id, "won")
                self.notify(f"“{clean(card.title)}” won 🎉", timeout=2, markup=False)
            else:
                await self.action_lost(card)
