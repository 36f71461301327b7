"""The triage queue as one virtual list (line API: one line per deal, only the visible lines
are rendered, so 10,000 deals stay instant). The selected deal is always visible: a ▌ bar
and reverse video while the list has focus, bold on a dim background otherwise (NO_COLOR too).
Each reason carries a symbol as well as a colour."""

from __future__ import annotations

from datetime import date

from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.formatting import clean, compact_money
from tui.keymap.triage import MOVE_BINDINGS
from tui.store.queries.triage import CLOSE_PASSED, NO_ACTIVITY, OVERDUE, ROTTING, STUCK, TriageRow
from tui.widgets import tones
from tui.widgets.cells import shown

MARKS = {
    OVERDUE: ("●", tones.ERROR_B),
    NO_ACTIVITY: ("▲", tones.WARNING_B),
    ROTTING: ("◆", tones.ERROR),
    CLOSE_PASSED: ("◆", tones.SPECIAL),
    STUCK: ("◆", tones.INFO),
}
REASON_STYLE = {OVERDUE: tones.ERROR, NO_ACTIVITY: tones.WARNING, ROTTING: tones.ERROR, CLOSE_PASSED: tones.SPECIAL, STUCK: tones.INFO}
REASONS_WIDTH = 30
REASONS_MIN_WIDTH = 13  # "overdue 23d +1": the first reason with its days, and how many more
# a reason in fewest cells, for a narrow queue (the mark's symbol and colour say the kind too)
TERSE = {OVERDUE: "overdue", NO_ACTIVITY: "no act.", ROTTING: "rot", CLOSE_PASSED: "close", STUCK: "stuck"}


def reasons_text(row: TriageRow, *, short: bool = True, sep: str = " · ") -> Text:
    text = Text()
    for i, reason in enumerate(row.reasons):
        if i:
            text.append(sep, style=tones.FAINT)
        text.append(reason.short if short else reason.text, style=REASON_STYLE.get(reason.kind, ""))
    return text


def fitted_reasons(row: TriageRow, width: int) -> Text:
    """The reasons in `width` cells without losing a day count: all of them if they fit, else
    the first with "+N" more, else the first in its tersest words; cut only as a last resort."""
    full = reasons_text(row)
    if full.cell_len <= width or not row.reasons:
        return full
    first = row.reasons[0]
    more = f" +{len(row.reasons) - 1}" if len(row.reasons) > 1 else ""
    terse = TERSE.get(first.kind, first.kind) + (f" {first.days}d" if first.days else "")
    for words in (first.short + more, terse + more, terse):
        if len(words) <= width:
            break
    text = Text(words, style=REASON_STYLE.get(first.kind, ""))
    text.truncate(width, overflow="ellipsis")
    return text


def row_text(row: TriageRow, width: int) -> Text:
    """mark, reasons, title (with the organization or person unless the title names it),
    value, stage: fitted to `width` cells; the title takes what the others leave."""
    reasons: Text | None = None
    if row.snoozed_until:
        mark = Text("z ", style=tones.FAINT)
        until = date.fromisoformat(row.snoozed_until)
        reasons = Text(f"snoozed until {until:%a %d %b}", style=tones.MUTED)
    else:
        symbol, style = MARKS.get(row.reasons[0].kind if row.reasons else "", ("·", ""))
        mark = Text(f"{symbol} ", style=style)
    title = Text(shown(row.title), style="bold")
    who = shown(row.org or row.person or "")
    if who and who.casefold() not in title.plain.casefold():
        title.append(f" · {who}", style=tones.MUTED)
    room = width - 2  # the mark
    reasons_w = min(REASONS_WIDTH, max(REASONS_MIN_WIDTH, room // 3))
    if reasons is None:
        reasons = fitted_reasons(row, reasons_w)
    elif reasons.cell_len > reasons_w and row.snoozed_until:
        reasons = Text(f"until {until:%d %b}", style=tones.MUTED)  # the date, not "snoozed until W…"
    value_w = 10 if room >= 60 else 0
    stage_w = 14 if room >= 84 else 0
    gaps = 2 + (1 if value_w else 0) + (1 if stage_w else 0)  # a space after each cell
    title_w = max(6, room - reasons_w - value_w - stage_w - gaps)
    cells = (
        (reasons, reasons_w, False),
        (title, title_w, False),
        (Text(compact_money(row.value, row.currency), style=tones.SUCCESS), value_w, True),
        (Text(clean(row.stage or ""), style=tones.MUTED), stage_w, False),
    )
    out = Text(no_wrap=True)
    out.append_text(mark)
    for cell, cell_w, right in cells:
        if not cell_w:
            continue
        cell.truncate(cell_w, overflow="ellipsis")
        pad = " " * (cell_w - cell.cell_len)
        if right:
            out.append(pad)
            out.append_text(cell)
        else:
            out.append_text(cell)
            out.append(pad)
        out.append(" ")
    if row.snoozed_until:
        out.stylize("dim")
    out.truncate(width, overflow="ellipsis", pad=True)
    return out


class TriageList(ScrollView, can_focus=True):
    ALLOW_SELECT = False
    DEFAULT_CSS = "TriageList { height: 1fr; overflow-x: hidden; }"
    BINDINGS = MOVE_BINDINGS

    class Highlighted(Message):
        """The selection moved to another deal (or the list became empty: row None)."""

        def __init__(self, row: TriageRow | None) -> None:
            super().__init__()
            self.row = row

    class Opened(Message):
        """A double click on a deal."""

        def __init__(self, row: TriageRow) -> None:
            super().__init__()
            self.row = row

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[TriageRow] = []
        self.cursor = 0
        self._announced: object = ()  # the deal id last announced by Highlighted
        self.empty_text = Text("Nothing to triage: every deal has a next step ✓", style=tones.SUCCESS_B)

    def set_rows(self, rows: list[TriageRow], *, keep_id: int | None = None, index: int | None = None) -> None:
        """New rows; the selection goes to `keep_id` if it is still there, else stays at
        `index` (or the current position), clamped to the list."""
        self.rows = rows
        target = None
        if keep_id is not None:
            target = next((i for i, r in enumerate(rows) if r.id == keep_id), None)
        if target is None:
            target = self.cursor if index is None else index
        self.cursor = max(0, min(target, len(rows) - 1))
        self.virtual_size = Size(self.size.width, len(rows))
        self.refresh()
        self.call_after_refresh(self._scroll_to_cursor)
        self._announce(force=True)

    def _announce(self, force: bool = False) -> None:
        row = self.selected
        ident = row.id if row else None
        if force or ident != self._announced:
            self._announced = ident
            self.post_message(self.Highlighted(row))

    @property
    def selected(self) -> TriageRow | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def move_to(self, index: int) -> None:
        if not self.rows:
            return
        self.cursor = max(0, min(index, len(self.rows) - 1))
        self._scroll_to_cursor()
        self.refresh()
        self._announce()

    def action_cursor(self, delta: int) -> None:
        self.move_to(self.cursor + delta)

    def action_page(self, delta: int) -> None:
        self.move_to(self.cursor + delta * max(1, self.size.height - 1))

    def action_edge(self, end: int) -> None:
        self.move_to(len(self.rows) - 1 if end else 0)

    def _scroll_to_cursor(self) -> None:
        self.scroll_to_region(Region(0, self.cursor, 1, 1), animate=False, immediate=True)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        index = y + int(self.scroll_offset.y)
        if index >= len(self.rows):
            if not self.rows and y == 0:
                text = Text("  ") + self.empty_text
                text.truncate(width, overflow="ellipsis", pad=True)
                return Strip(list(text.render(self.app.console))).adjust_cell_length(width, Style())
            return Strip.blank(width)
        text = row_text(self.rows[index], max(1, width - 1))
        if index == self.cursor:
            text = Text.assemble(("▌", tones.CURSOR), text)
            text.stylize("reverse" if self.has_focus else tones.ROW)
        else:
            text = Text.assemble(" ", text)
        return Strip(list(text.render(self.app.console))).adjust_cell_length(width, Style())

    def on_click(self, event: events.Click) -> None:
        index = event.y + int(self.scroll_offset.y)
        if 0 <= index < len(self.rows):
            self.move_to(index)
            if event.chain >= 2:
                self.post_message(self.Opened(self.rows[index]))

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows))

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
