"""A virtual stage column: a ScrollView with the line API (one widget per card does not scale).

Never one widget per card: `render_line` draws the visible lines from cached strips
(keyed by deal id, line, width, selection), so 100,000 cards cost what the visible ones do.
Mouse: press selects; press-move-release past a small threshold is a drag (the screen
hit-tests the drop target); two releases on the same card within 0.4 s open it.
"""

from __future__ import annotations

import time
from collections import OrderedDict

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Offset, Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.store.queries.board import CurrencyRow, DealCard
from widgets.deal_card import CARD_HEIGHT, card_lines

DRAG_THRESHOLD = 2  # cells of movement before a press becomes a drag
DOUBLE_CLICK = 0.4  # seconds


class KanbanColumn(ScrollView, can_focus=False):
    ALLOW_SELECT = False
    DEFAULT_CSS = """
    KanbanColumn { height: 1fr; scrollbar-size-vertical: 1; }
    """

    class CardPressed(Message):
        def __init__(self, column: "KanbanColumn", index: int) -> None:
            super().__init__()
            self.column = column
            self.index = index

    class CardOpened(Message):
        def __init__(self, column: "KanbanColumn", index: int) -> None:
            super().__init__()
            self.column = column
            self.index = index

    class DragMoved(Message):
        def __init__(self, column: "KanbanColumn", index: int, screen_offset: Offset) -> None:
            super().__init__()
            self.column = column
            self.index = index
            self.screen_offset = screen_offset

    class DragEnded(Message):
        def __init__(self, column: "KanbanColumn", index: int, screen_offset: Offset, cancelled: bool = False) -> None:
            super().__init__()
            self.column = column
            self.index = index
            self.screen_offset = screen_offset
            self.cancelled = cancelled

    def __init__(self, stage_id: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.stage_id = stage_id
        self.cards: list[DealCard] = []
        self.cursor: int = 0
        self.active = False
        self.currencies: dict[str, CurrencyRow] = {}
        self._cache: OrderedDict[tuple[int, int, int, bool], Strip] = OrderedDict()
        self._press: tuple[int, Offset] | None = None
        self._dragging = False
        self._last_release: tuple[int, float] | None = None

    # -- data ---------------------------------------------------------------------------------

    def set_cards(self, cards: list[DealCard], currencies: dict[str, CurrencyRow], keep_id: int | None = None) -> None:
        self.cards = cards
        self.currencies = currencies
        self._cache.clear()
        if keep_id is not None:
            for i, c in enumerate(cards):
                if c.id == keep_id:
                    self.cursor = i
                    break
        self.cursor = max(0, min(self.cursor, len(cards) - 1))
        self.virtual_size = Size(self.size.width, len(cards) * CARD_HEIGHT)
        self.refresh()

    @property
    def selected(self) -> DealCard | None:
        if not self.cards:
            return None
        return self.cards[self.cursor]

    def set_active(self, active: bool) -> None:
        if active != self.active:
            self.active = active
            self.refresh()

    def move_cursor(self, index: int) -> None:
        if not self.cards:
            return
        self.cursor = max(0, min(index, len(self.cards) - 1))
        self.scroll_to_region(Region(0, self.cursor * CARD_HEIGHT, max(1, self.size.width), CARD_HEIGHT), animate=False)
        self.refresh()

    @property
    def page_cards(self) -> int:
        return max(1, self.size.height // CARD_HEIGHT)

    # -- rendering -------------------------------------------------------------------------------

    def on_resize(self, event: events.Resize) -> None:
        self._cache.clear()
        self.virtual_size = Size(event.size.width, len(self.cards) * CARD_HEIGHT)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        absolute = y + int(self.scroll_offset.y)
        index, line = divmod(absolute, CARD_HEIGHT)
        if not self.cards:
            if y == 1:
                return self._strip(Text("  no deals", style="grey50"), width)
            return Strip.blank(width)
        if index >= len(self.cards):
            return Strip.blank(width)
        card = self.cards[index]
        selected = self.active and index == self.cursor
        key = (card.id, line, width, selected)
        strip = self._cache.get(key)
        if strip is None:
            lines = card_lines(card, width, selected=selected, currencies=self.currencies)
            for i, text in enumerate(lines):
                self._cache[(card.id, i, width, selected)] = self._strip(text, width)
            strip = self._cache[key]
            while len(self._cache) > 2000:
                self._cache.popitem(last=False)
        return strip

    def _strip(self, text: Text, width: int) -> Strip:
        segments = list(text.render(self.app.console))
        return Strip(segments).adjust_cell_length(width, Style())

    # -- mouse -------------------------------------------------------------------------------------

    def _index_at(self, y: int) -> int | None:
        index = (y + int(self.scroll_offset.y)) // CARD_HEIGHT
        return index if 0 <= index < len(self.cards) else None

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button != 1:
            return
        index = self._index_at(event.y)
        if index is None:
            return
        self._press = (index, event.screen_offset)
        self._dragging = False
        self.capture_mouse()
        self.post_message(self.CardPressed(self, index))
        event.stop()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        if self._press is None:
            return
        index, start = self._press
        moved = abs(event.screen_x - start.x) + abs(event.screen_y - start.y)
        if not self._dragging and moved >= DRAG_THRESHOLD:
            self._dragging = True
        if self._dragging:
            self.post_message(self.DragMoved(self, index, event.screen_offset))
        event.stop()

    def on_mouse_up(self, event: events.MouseUp) -> None:
        if self._press is None:
            return
        index, _start = self._press
        self._press = None
        self.release_mouse()
        if self._dragging:
            self._dragging = False
            self.post_message(self.DragEnded(self, index, event.screen_offset))
        else:
            now = time.monotonic()
            if self._last_release and self._last_release[0] == index and now - self._last_release[1] < DOUBLE_CLICK:
                self._last_release = None
                self.post_message(self.CardOpened(self, index))
            else:
                self._last_release = (index, now)
        event.stop()


__all__ = ["KanbanColumn", "Segment"]
