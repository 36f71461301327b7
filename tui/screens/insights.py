"""Insights (section 7): the Forecast by month of expected close, won and lost per month, the
stage funnel, lost reasons, win rate and days to win by owner, activities per week, goals.

Everything is read from the cache (tui/store/queries/forecast.py, insights.py; 0 tokens)
except the day's rates (GET /v1/deals/summary, 40 tokens) and goals (GET /v1/goals/find and
each goal's results, 20 tokens each), fetched at most once a day. Amounts are shown in one
currency, converted with those rates; a currency without a rate, or rates older than a
day, are said so next to the total. `enter` on a bar, a month or a stage lists its deals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import HorizontalScroll, Vertical, VerticalScroll
from textual.geometry import Offset
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Static

from tui import styles
from tui.api.errors import ApiError
from tui.formatting import clean, compact_money, fit_join
from tui.keymap import insights as keys
from tui.screens.base import AppScreen, ReadAhead
from tui.screens.dialogs import ChoiceScreen
from tui.store.queries import board as bq
from tui.store.queries import forecast as fq
from tui.store.queries import insights as iq
from tui.store.queries.rates import Rates, rates
from tui.widgets import tones
from tui.widgets.bar_chart import Bar, BarChart, Chart, Row
from tui.widgets.drop_target import mark_drop_target
from tui.widgets.kanban_column import BLOCK, KanbanColumn
from tui.widgets.key_bar import KeyBar
from tui.widgets.scrollbars import expect_scrollbars
from tui.widgets.status_bar import StatusBar

VIEWS = ("forecast", "won_lost", "funnel", "reasons", "owners", "activities", "goals")
VIEW_NAMES = {
    "forecast": "f Forecast",
    "won_lost": "w Won/lost",
    "funnel": "n Funnel",
    "reasons": "x Lost reasons",
    "owners": "t Owners",
    "activities": "a Activities",
    "goals": "G Goals",
}
PERIOD_LABELS = {"month": "this month", "quarter": "this quarter", "year": "this year", "12 months": "last 12 months"}


def month_label(key: str) -> str:
    if key == fq.OVERDUE:
        return "Overdue"
    if key == fq.NO_DATE:
        return "No date"
    return date.fromisoformat(key + "-01").strftime("%b %Y")


def converted_text(rates: Rates, amounts: dict[str, float]) -> tuple[str, str]:
    """(the one-currency total, what it must say about its rates)."""
    if not rates.base:
        return "", "no rates yet"
    total, _missing = rates.total(amounts)
    return compact_money(total, rates.base), rates.label(sorted(amounts))


COLUMN_WIDTH = 26  # cells: a card's title, value and owner stay readable


class ForecastColumn(Vertical):
    def __init__(self, key: str, index: int) -> None:
        super().__init__(classes="forecast-column")
        self.styles.width = COLUMN_WIDTH
        self.key = key
        self.header = Static(classes="forecast-header")
        self.cards = KanbanColumn(index)
        self._shown: tuple[fq.ColumnSummary, Rates, bool] | None = None
        self._width = 0  # the width the header was fitted to

    def on_resize(self) -> None:
        """The totals are fitted to the width: again if it is not the one they were fitted to."""
        if self._shown is not None and self._fit_width() != self._width:
            self.show(*self._shown)

    def _fit_width(self) -> int:
        return max(8, (self.size.width or COLUMN_WIDTH) - 2)

    def compose(self) -> ComposeResult:
        yield self.header
        yield self.cards

    def show(self, summary: fq.ColumnSummary, rates: Rates, converted: bool) -> None:
        self._shown = (summary, rates, converted)
        width = self._width = self._fit_width()
        title = Text(month_label(self.key), style="bold")
        if summary.won:
            title.append(f" ✔{summary.won} won", style=tones.SUCCESS_B)
        line2 = Text(f"{summary.count} deal{'s' if summary.count != 1 else ''}", style=tones.MUTED)
        line3 = Text("")
        total, label = converted_text(rates, summary.totals)
        weighted, _ = converted_text(rates, summary.weighted)
        if converted and total:
            line2.append(f" = {total}", style=tones.SUCCESS_B)
            line3 = Text(f"≈ {weighted} weighted" + (f" ({label})" if label else ""), style=tones.MUTED)
        elif summary.totals:
            parts = [compact_money(summary.totals[c], c) for c in summary.currencies()]
            line2.append(" · " + fit_join(parts, width - line2.cell_len - 3), style=tones.SUCCESS)
            line3 = Text(f"≈ {weighted} weighted" if weighted else "", style=tones.MUTED)
        for line in (title, line2, line3):
            line.truncate(width, overflow="ellipsis")
        self.header.update(Text("\n").join([title, line2, line3]), layout=False)  # fixed height: no layout pass


@dataclass
class Shift:
    deal_id: int
    before: str | None


class InsightsScreen(AppScreen):
    CSS_PATH = styles.path("insights.tcss")
    BINDINGS = keys.BINDINGS
    AUTO_FOCUS = ""
    HELP_TITLE = "Insights: rates (deals/summary) 40 tokens and goals 20 + 20 a goal, once a day; the rest from the cache, 0 tokens"
    WATCHES = frozenset({"deals", "stages", "pipelines", "users", "rates", "goals", "activities"})

    def __init__(self) -> None:
        super().__init__()
        self.view = "forecast"
        self.pipeline_id: int | None = None
        self.pipelines: list[bq.PipelineRow] = []
        self.owner_id: int | None = None
        self.owner_label = "everyone"
        self.period = "quarter"
        self.custom: tuple[str, str] | None = None  # the range typed for the "custom" period
        self.converted = True
        self.rates = Rates(None)
        self.columns: list[ForecastColumn] = []
        self.col = 1  # this month
        self.undo_stack: list[Shift] = []
        self._follow: int | None = None
        self._drag_target: Widget | None = None
        self._fetched = False
        self._first_read: ReadAhead[fq.Opening] = ReadAhead()

    def compose(self) -> ComposeResult:
        store = self.store
        self._first_read.start(store.read(fq.opening, store.focus_pipeline, self.owner_id, self.today, now=store.clock.now(), block=BLOCK))
        yield Static(id="insights-title")
        yield Static(id="insights-views")
        with ContentSwitcher(initial="forecast-columns", id="insights-body"):
            yield HorizontalScroll(id="forecast-columns", can_focus=False)
            with VerticalScroll(id="chart-scroll", can_focus=False):
                yield BarChart(id="chart")
        yield StatusBar()
        yield KeyBar()

    def on_mount(self) -> None:
        self.reload()
        self.fetch_day()

    def data_changed(self, message: Any) -> None:
        self.reload()

    @property
    def today(self) -> str:
        day: date = self.store.clock.now().date()
        return day.isoformat()

    def span(self) -> tuple[str, str]:
        """(start, end) of the period shown: a named one, or the custom range typed."""
        if self.period == "custom" and self.custom is not None:
            return self.custom
        return iq.period(self.period, self.today)

    def filt(self) -> iq.InsightFilter:
        start, end = self.span()
        return iq.InsightFilter(self.pipeline_id, self.owner_id, start, end)

    # -- the day's calls -----------------------------------------------------------------------

    @work(exclusive=True, group="insights-day", exit_on_error=False)
    async def fetch_day(self, force: bool = False) -> None:
        """The day's rates and goals (once a day; offline, the cached ones with their day)."""
        try:
            await self.store.refresh_rates(force=force)
            if self.view == "goals" or force:
                await self.store.goals(force=force)
        except ApiError as exc:
            self.notify(f"Pipedrive did not answer: {exc.message} (cached figures are shown)", severity="warning", timeout=4, markup=False)

    # -- loading --------------------------------------------------------------------------------

    @work(exclusive=True, group="insights-reload", exit_on_error=False)
    async def reload(self) -> None:
        store = self.store
        opened = await self._first_read.take()
        self.pipelines = opened.pipelines if opened is not None else await store.read(bq.pipelines)
        if not self.pipelines:
            self.query_one("#insights-title", Static).update(Text("No pipelines yet: waiting for the first sync…", style=tones.MUTED))
            return
        if self.pipeline_id not in {p.id for p in self.pipelines}:
            self.pipeline_id = store.focus_pipeline if store.focus_pipeline in {p.id for p in self.pipelines} else self.pipelines[0].id
        self.rates = opened.rates if opened is not None else await store.read(rates, self.today)
        self._show_title()
        switcher = self.query_one(ContentSwitcher)
        if self.view == "forecast":
            switcher.current = "forecast-columns"
            read_first = opened is not None and opened.query == self.fquery() and not self.columns
            await self._load_forecast(opened if read_first else None)
        else:
            switcher.current = "chart-scroll"
            chart = await self._chart()
            self.query_one(BarChart).show(chart)

    def _show_title(self) -> None:
        pipeline = next((p.name for p in self.pipelines if p.id == self.pipeline_id), "?")
        title = Text.assemble((" Insights ", "bold reverse"), f"  {clean(pipeline)}", ("  · owner: ", tones.MUTED), self.owner_label)
        if self.view != "forecast":
            start, end = self.span()
            title.append(f"  · {PERIOD_LABELS.get(self.period, 'from')} ({start} – {end})", style=tones.MUTED)
        if self.rates.base:
            days = sorted(set(self.rates.days.values()))
            stale = days and days[0] < self.today
            title.append(f"  · in {self.rates.base}", style=tones.INFO_B)
            title.append(f", rates of {days[0]}" + (" (old)" if stale else ""), style=tones.WARNING if stale else tones.MUTED)
        else:
            title.append("  · no exchange rates yet: totals per currency", style=tones.WARNING)
        self.query_one("#insights-title", Static).update(title)
        views = Text()
        for view in VIEWS:
            views.append(f" {VIEW_NAMES[view]} ", style="reverse bold" if view == self.view else tones.MUTED)
        self.query_one("#insights-views", Static).update(views)

    # -- forecast ---------------------------------------------------------------------------------

    def fquery(self) -> fq.ForecastQuery:
        assert self.pipeline_id is not None
        return fq.ForecastQuery(self.pipeline_id, self.owner_id, self.today)

    async def _load_forecast(self, opened: fq.Opening | None = None) -> None:
        """`opened`: the first read, taken when it was for this pipeline and owner."""
        keys_ = fq.buckets(self.today)
        container = self.query_one("#forecast-columns", HorizontalScroll)
        fresh = [c.key for c in self.columns] != keys_
        keep = self._follow or (self.selected.id if self.selected else None)
        wants = {k: {0} for k in keys_} if fresh else {c.key: set(c.cards.visible_blocks()) for c in self.columns}
        if opened is not None and opened.window is not None and keep is None:
            window, currencies = opened.window, opened.currencies
        else:
            window = await self.store.read(fq.window, self.fquery(), now=self.store.clock.now(), wants=wants, follow=keep, block=BLOCK)
            currencies = await self.store.read(bq.currencies)
        columns = [ForecastColumn(k, i) for i, k in enumerate(keys_)] if fresh else self.columns
        for column in columns:  # filled before they are mounted: one layout and one paint (as the board)
            summary = window.summaries.get(column.key, fq.ColumnSummary())
            cursor = window.follow[1] if window.follow and window.follow[0] == column.key else None
            column.cards.reset(summary.count, window.blocks.get(column.key, {}), currencies, cursor)
            column.show(summary, self.rates, self.converted)
        if window.follow is not None:
            self.col = next(i for i, c in enumerate(columns) if c.key == window.follow[0])
            self._follow = None
        if fresh:
            self._mark_active(columns)  # before they are mounted: no second layout for the classes
            expect_scrollbars(container, width=len(columns) * COLUMN_WIDTH)
            with self.app.batch_update():
                await container.remove_children()
                self.columns = columns
                await container.mount_all(self.columns)
        self._focus(self.col)

    @property
    def selected(self) -> bq.DealCard | None:
        if self.view != "forecast" or not self.columns:
            return None
        return self.columns[self.col].cards.selected

    def _mark_active(self, columns: list[ForecastColumn]) -> None:
        for i, column in enumerate(columns):
            column.cards.active = i == self.col
            column.header.set_class(i == self.col, "-active")

    def _focus(self, index: int) -> None:
        if not self.columns:
            return
        self.col = max(0, min(index, len(self.columns) - 1))
        for i, column in enumerate(self.columns):
            column.cards.set_active(i == self.col)
            column.header.set_class(i == self.col, "-active")
        self.query_one("#forecast-columns", HorizontalScroll).scroll_to_widget(self.columns[self.col], animate=False)

    @work(group="insights-blocks", exit_on_error=False)
    async def fetch_block(self, column: KanbanColumn, block: int) -> None:
        generation = column.generation
        key = self.columns[column.stage_id].key
        cards = await self.store.read(fq.column_cards, self.fquery(), key, now=self.store.clock.now(), offset=block * BLOCK, limit=BLOCK)
        column.put_block(block, cards, generation)

    def on_kanban_column_need_block(self, message: KanbanColumn.NeedBlock) -> None:
        if self.pipeline_id is not None:
            self.fetch_block(message.column, message.block)

    async def _set_close(self, card: bq.DealCard, day: str | None) -> None:
        self.undo_stack.append(Shift(card.id, card.expected_close_date))
        self._follow = card.id
        await self.store.update_entity("deal", card.id, {"expected_close_date": day})

    async def action_shift(self, months: int) -> None:
        card = self.selected
        if self.view != "forecast" or card is None or card.status != "open" or not card.expected_close_date:
            self.app.bell()
            return
        day = fq.shift_month(card.expected_close_date, months)
        await self._set_close(card, day)
        self.notify(f"“{clean(card.title)}”: expected close {day} (u undoes)", timeout=2, markup=False)

    async def action_undo(self) -> None:
        if not self.undo_stack:
            self.notify("Nothing to undo", timeout=2)
            return
        last = self.undo_stack.pop()
        self._follow = last.deal_id
        await self.store.update_entity("deal", last.deal_id, {"expected_close_date": last.before})
        self.notify("Undone", timeout=2)

    # -- charts ---------------------------------------------------------------------------------

    async def _chart(self) -> Chart:
        filt = self.filt()
        read = self.store.read
        if self.view == "won_lost":
            return self._won_lost(await read(iq.won_lost_by_month, filt), filt)
        if self.view == "funnel":
            return self._funnel(await read(iq.funnel, filt), filt, await self._stage_days(filt))
        if self.view == "reasons":
            return self._reasons(await read(iq.lost_reasons, filt), filt)
        if self.view == "owners":
            return self._owners(await read(iq.by_owner, filt), await read(iq.days_to_win, filt), filt)
        if self.view == "activities":
            return self._activities(await read(iq.activities_per_week, filt))
        return await self._goals()

    def _money(self, amounts: dict[str, float]) -> str:
        if not amounts:
            return self._zero()
        text, label = converted_text(self.rates, amounts)
        if not text:  # no rates: per currency
            return fit_join([compact_money(v, c) for c, v in sorted(amounts.items())], 28)
        return text + (" *" if label else "")

    def _zero(self) -> str:
        return compact_money(0, self.rates.base) if self.rates.base else "0"

    def _value(self, amounts: dict[str, float]) -> float:
        if self.rates.base:
            return self.rates.total(amounts)[0]
        return sum(amounts.values())

    def _rates_note(self, amounts: list[dict[str, float]]) -> list[str]:
        codes = sorted({c for a in amounts for c in a})
        label = self.rates.label(codes) if self.rates.base else "no exchange rates yet"
        return [f"* {label}"] if label else []

    def _won_lost(self, rows: list[iq.MonthRow], filt: iq.InsightFilter) -> Chart:
        top = max([self._value(r.won.totals) for r in rows] + [self._value(r.lost.totals) for r in rows] + [1.0])
        out = []
        for r in rows:
            label = date.fromisoformat(r.month + "-01").strftime("%b %y")
            won = Bar(self._value(r.won.totals) / top, "█", f"✔ {r.won.count} {self._money(r.won.totals)}", tones.SUCCESS)
            lost = Bar(self._value(r.lost.totals) / top, "░", f"✖ {r.lost.count} {self._money(r.lost.totals)}", tones.ERROR)
            drill = iq.Drill("won_month", r.month, filt, f"Won and lost, {label}")
            out.append(Row(label, (won, lost), drill))
        won_n, lost_n = sum(r.won.count for r in rows), sum(r.lost.count for r in rows)
        footer = [
            f"█ won  ░ lost · 12 months: {won_n} won, {lost_n} lost · enter lists a month's won deals",
            *self._rates_note([r.won.totals for r in rows] + [r.lost.totals for r in rows]),
        ]
        return Chart("Won and lost per month (count, value)", out, footer)

    async def _stage_days(self, filt: iq.InsightFilter) -> tuple[dict[int, int], str | None, str | None]:
        """Average days in each stage (Pipedrive's movement statistics, 40 tokens a day); offline
        the last ones kept, with their day; (…, …, why not) when Pipedrive did not answer."""
        if filt.pipeline_id is None:
            return {}, None, None
        try:
            days, day = await self.store.stage_days(filt.pipeline_id, filt.start, filt.end)
        except ApiError as exc:
            return {}, None, exc.message
        return days, day, None

    def _funnel(self, funnel: iq.Funnel, filt: iq.InsightFilter, ages: tuple[dict[int, int], str | None, str | None]) -> Chart:
        top = max([s.reached for s in funnel.stages] + [1])
        out = []
        days, fetched, problem = ages
        for s in funnel.stages:
            note = f"→ {s.conversion:.0f} %" if s.conversion is not None else ""
            if s.stage_id in days:
                note = (note + " · " if note else "") + f"{days[s.stage_id]} d"
            out.append(
                Row(
                    clean(s.name),
                    (Bar(s.reached / top, "█", f"{s.reached} deals", tones.INFO),),
                    iq.Drill("stage", str(s.stage_id), filt, f"Reached {clean(s.name)}"),
                    note,
                )
            )
        closed = funnel.won + funnel.lost
        footer = [
            f"{funnel.deals} deals added in the period · {funnel.won} won · {funnel.lost} lost"
            + (f" · win rate {100 * funnel.won / closed:.0f} %" if closed else ""),
            "→ %: of the deals that reached a stage, how many reached the next; a deal has reached its stage and every one"
            " before it, a won deal all of them (from the cache, 0 tokens)",
            "d: average days in the stage of the deals moved or closed in the period, Pipedrive's movement statistics "
            + (
                f"(not fetched: {problem})"
                if problem
                else f"(40 tokens once a day; fetched {fetched})"
                if fetched and fetched != self.today
                else "(40 tokens once a day)"
            ),
        ]
        return Chart("Stage funnel: deals added in the period, by how far they got", out, footer)

    def _reasons(self, rows: list[iq.ReasonRow], filt: iq.InsightFilter) -> Chart:
        top = max([r.amounts.count for r in rows] + [1])
        out = [
            Row(
                clean(r.reason),
                (Bar(r.amounts.count / top, "▒", f"{r.amounts.count} · {self._money(r.amounts.totals)}", tones.ERROR),),
                iq.Drill("reason", r.reason, filt, f"Lost: {clean(r.reason)}"),
            )
            for r in rows
        ]
        if not out:
            out = [Row("No deals lost in the period")]
        return Chart("Lost reasons, most frequent first", out, self._rates_note([r.amounts.totals for r in rows]))

    def _owners(self, rows: list[iq.OwnerRow], days: tuple[float | None, int], filt: iq.InsightFilter) -> Chart:
        out = []
        for r in rows:
            rate = r.win_rate or 0.0
            note = f"{r.days_to_win:.0f} days to win" if r.days_to_win is not None else ""
            bar = Bar(rate / 100, "█", f"{rate:.0f} % ({r.won} won / {r.won + r.lost})", tones.SUCCESS)
            out.append(Row(clean(r.name), (bar,), iq.Drill("owner", str(r.owner_id or ""), filt, f"Closed by {clean(r.name)}"), note))
        if not out:
            out = [Row("No deals closed in the period")]
        average, won = days
        footer = [f"Average days to win: {average:.0f} over {won} won deals" if average is not None else "No deals won in the period"]
        return Chart("Win rate by owner (deals closed in the period), days from added to won", out, footer)

    def _activities(self, rows: list[iq.WeekRow]) -> Chart:
        top = max([r.total for r in rows] + [1])
        out = []
        for r in rows:
            kinds = " · ".join(f"{k} {n}" for k, n in sorted(r.by_type.items(), key=lambda kv: (-kv[1], kv[0]))[:3])
            out.append(Row(f"wk {r.week[5:]}", (Bar(r.total / top, "█", f"{r.total} done", tones.INFO),), None, kinds))
        return Chart("Activities done per week, by type (12 weeks to the period's end)", out, [])

    async def _goals(self) -> Chart:
        try:
            goals, day = await self.store.goals()
        except ApiError as exc:
            return Chart("Goals", [Row(f"Pipedrive did not answer: {exc.message}", tone=tones.WARNING)])
        out = []
        today = date.fromisoformat(self.today)
        for goal in goals:
            target = (goal.get("expected_outcome") or {}).get("target") or 0
            progress = goal.get("progress")
            start, end = (date.fromisoformat(x) for x in goal.get("period") or [self.today, self.today])
            left = max(0.0, (end - today).days + 1) / max(1, (end - start).days + 1)
            done = (progress or 0) / target if target else 0.0
            metric = (goal.get("expected_outcome") or {}).get("tracking_metric")
            shown_value = compact_money(progress or 0, self.rates.base) if metric == "sum" and self.rates.base else f"{progress or 0:g}"
            shown_target = compact_money(target, self.rates.base) if metric == "sum" and self.rates.base else f"{target:g}"
            bar = Bar(min(1.0, done), "█", f"{shown_value} of {shown_target}", tones.SUCCESS if done >= 1 - left else tones.WARNING)
            note = f"{100 * done:.0f} % done, {100 * left:.0f} % of the {goal.get('interval', 'period').replace('ly', '')} left"
            out.append(Row(clean(str(goal.get("title") or "?")), (bar,), None, note))
        if not out:
            out = [Row("No active goals" if day else "Goals not fetched yet (offline)")]
        return Chart(f"Goals (fetched {day or 'never'}; 20 tokens + 20 a goal, once a day)", out, [])

    # -- keys -----------------------------------------------------------------------------------

    def action_view(self, view: str) -> None:
        if view != self.view:
            self.view = view
            if view == "goals":
                self.fetch_day()
            self.reload()

    def action_cycle(self, delta: int) -> None:
        self.action_view(VIEWS[(VIEWS.index(self.view) + delta) % len(VIEWS)])

    def action_column(self, delta: int) -> None:
        if self.view == "forecast":
            self._focus(self.col + delta)

    def action_row(self, delta: int) -> None:
        if self.view == "forecast":
            if self.columns:
                cards = self.columns[self.col].cards
                cards.move_cursor(cards.cursor + delta)
        else:
            self.query_one(BarChart).move(delta)

    def action_open(self) -> None:
        if self.view == "forecast":
            if self.selected:
                self.nav.open_deal(self.selected.id)
            return
        drill = self.query_one(BarChart).selected
        if drill is not None:
            self._drill(drill)

    def _drill(self, drill: iq.Drill) -> None:
        from tui.screens.insight_deals import InsightDealsScreen

        self.app.push_screen(InsightDealsScreen(drill, self.rates))

    @on(BarChart.Drilled)
    def drilled(self, event: BarChart.Drilled) -> None:
        if event.drill is not None:
            self._drill(event.drill)

    def action_pipeline(self) -> None:
        def chosen(pid: int | None) -> None:
            if pid is not None:
                self.pipeline_id = pid
                self.reload()

        self.app.push_screen(ChoiceScreen("Pipeline", [(p.name, p.id) for p in self.pipelines], current=self.pipeline_id), chosen)

    async def action_owner(self) -> None:
        users = await self.store.read(bq.users)
        me = await self.store.me_id()
        options: list[tuple[str, Any]] = [("Everyone", ("everyone", None)), ("Me", ("me", me))]
        options += [(u.name, (u.name, u.id)) for u in users]

        def chosen(value: tuple[str, int | None] | None) -> None:
            if value is not None:
                self.owner_label, self.owner_id = value
                self.reload()

        self.app.push_screen(ChoiceScreen("Show deals of", options, current=(self.owner_label, self.owner_id)), chosen)

    def action_period(self) -> None:
        def chosen(value: str | None) -> None:
            if value == "custom":
                self._ask_range()
            elif value:
                self.period = value
                self.reload()

        options = [(PERIOD_LABELS[p].capitalize(), p) for p in iq.PERIODS] + [("A range of dates…", "custom")]
        self.app.push_screen(ChoiceScreen("Period", options, current=self.period), chosen)

    def _ask_range(self) -> None:
        from tui.screens.insight_range import RangeForm

        start, end = self.span()
        form = RangeForm(self.store.clock.today(), start, end)

        def done(result: int | None) -> None:
            if result is not None and form.chosen is not None:
                self.period, self.custom = "custom", form.chosen
                self.reload()

        self.app.push_screen(form, done)

    def action_converted(self) -> None:
        self.converted = not self.converted
        self.reload()

    def action_refetch(self) -> None:
        self.fetch_day(force=True)

    # -- mouse: drag a card onto another month ------------------------------------------------------------

    @on(KanbanColumn.CardPressed)
    def card_pressed(self, event: KanbanColumn.CardPressed) -> None:
        self._focus(event.column.stage_id)
        event.column.move_cursor(event.index)

    @on(KanbanColumn.CardOpened)
    def card_opened(self, event: KanbanColumn.CardOpened) -> None:
        self._focus(event.column.stage_id)
        event.column.move_cursor(event.index)
        self.action_open()

    def _target_at(self, offset: Offset) -> ForecastColumn | None:
        try:
            widget, _ = self.get_widget_at(offset.x, offset.y)
        except Exception:
            return None
        node: Any = widget
        while node is not None and not isinstance(node, ForecastColumn):
            node = node.parent
        return node if isinstance(node, ForecastColumn) else None

    @on(KanbanColumn.DragMoved)
    def drag_moved(self, event: KanbanColumn.DragMoved) -> None:
        self._drag_target = mark_drop_target(self._drag_target, self._target_at(event.screen_offset))

    @on(KanbanColumn.DragEnded)
    async def drag_ended(self, event: KanbanColumn.DragEnded) -> None:
        target = self._target_at(event.screen_offset)
        self._drag_target = mark_drop_target(self._drag_target, None)
        card = event.column.card_at(event.index)
        if card is None or card.status != "open" or target is None or target.cards is event.column:
            return
        if target.key == fq.OVERDUE:
            self.app.bell()
            return
        if target.key == fq.NO_DATE:
            await self._set_close(card, None)
            return
        day = int((card.expected_close_date or self.today)[8:10])
        first = date.fromisoformat(target.key + "-01")
        moved = fq.shift_month(first.replace(day=1).isoformat(), 0)[:8] + f"{min(day, 28):02d}"
        await self._set_close(card, max(moved, self.today) if target.key == self.today[:7] else moved)
