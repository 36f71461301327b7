"""Deal card rendering: a fixed-height block of lines (rich Text), server text literal.

Activity marks carry a symbol AND a word, so they survive NO_COLOR:
  ! overdue    ● today    ⚠ no activity    › later
Rotting deals (Pipedrive shows them red) get a red title and "✖ rotting Nd".
"""

from __future__ import annotations

from rich.text import Text

from tui.formatting import initials, money
from tui.store.derived import ActivityStatus
from tui.store.queries.board import CurrencyRow, DealCard
from tui.widgets import tones
from tui.widgets.cells import shown

CARD_HEIGHT = 5  # 4 lines of content + 1 gap

MARKS: dict[ActivityStatus, tuple[str, str, str]] = {
    ActivityStatus.OVERDUE: ("!", "overdue", tones.ERROR_B),
    ActivityStatus.TODAY: ("●", "today", tones.SUCCESS_B),
    ActivityStatus.NONE: ("⚠", "no activity", tones.WARNING),
    ActivityStatus.LATER: ("›", "later", tones.MUTED),
    ActivityStatus.LOADING: ("…", "loading", tones.FAINT),
}


def due_label(card: DealCard) -> str:
    if not card.next_due:
        return ""
    day = card.next_due[:10]
    return f" {day[8:10]}.{day[5:7]}."


def status_line(card: DealCard, width: int) -> Text:
    """The activity mark, its date and the rotting days, shortened to fit: the date goes
    first, then "rotting" becomes "rot" (the mark's symbol and word stay for NO_COLOR)."""
    symbol, word, style = MARKS[card.activity]
    due = due_label(card)
    days = card.rotten_days
    variants = [(due, f"  rotting {days}d"), ("", f"  rotting {days}d"), ("", f" rot {days}d")] if card.rotten else [(due, ""), ("", "")]
    for date_part, rot_part in variants:
        text = Text.assemble((f"{symbol} {word}", style), (date_part, tones.MUTED), (rot_part, tones.ERROR_B))
        if text.cell_len <= width:
            return text
    return text


def card_lines(card: DealCard, width: int, *, selected: bool, currencies: dict[str, CurrencyRow], marked: bool = False) -> list[Text]:
    """CARD_HEIGHT lines, each exactly `width` cells (server text never parsed as markup).
    A marked card (bulk actions) starts its title with ☑ and has a yellow bar."""
    inner = max(4, width - 2)
    if selected:
        bar = Text("▌", style=tones.CURSOR)
    elif marked:
        bar = Text("▌", style=tones.WARNING_B)
    else:
        bar = Text(" ")
    base = tones.SELECTED if selected else ""

    def line(body: Text) -> Text:
        body.truncate(inner, overflow="ellipsis", pad=True)
        out = Text.assemble(bar.copy(), body, " ")
        out.stylize(base)
        return out

    title = Text(shown(card.title), style=tones.ERROR_B if card.rotten else "bold")
    if card.rotten:
        title = Text.assemble(("✖ ", tones.ERROR_B), title)
    if marked:
        title = Text.assemble(("☑ ", tones.WARNING_B), title)
    sub = Text(shown(card.org_name or card.person_name or "—"), style=tones.MUTED)
    cur = currencies.get(card.currency or "")
    value = Text(money(card.value, card.currency, cur.decimal_points if cur else None, cur.symbol if cur else None), style=tones.SUCCESS)
    owner = initials(card.owner_name)
    tail = ("⟳ " if card.pending else "") + owner
    gap = max(1, inner - value.cell_len - len(tail))
    value_line = Text.assemble(value, " " * gap, (tail, tones.MUTED))
    status = status_line(card, inner)
    if card.status == "lost" and card.lost_reason:
        status = Text(f"✖ lost: {shown(card.lost_reason)}", style=tones.ERROR)
    elif card.status == "won":
        status = Text("✔ won", style=tones.SUCCESS_B)
    blank = Text(" " * (inner + 2))
    return [line(title), line(sub), line(value_line), line(status), blank]
