"""A virtual stage column: a ScrollView with the line API (one widget per card does not scale).

Never one widget per card, and never every card in memory: the column knows how many
cards its stage has (`total`) and holds them in blocks of BLOCK, fetched by the screen when
a block comes into view (`need_block` asks; `put_block` answers). `render_line` draws the
visible lines from cached strips (keyed by deal id, the card's version, line, width,
selection and mark), kept across reloads for cards that did not change, so a stage of
100,000 cards costs what the visible ones do.
Mouse: press selects; press-move-release past a small threshold is a drag (the screen
hit-tests the drop target); two releases on the same card within 0.4 s open it.
"""

from __future__ import annotations

import itertools
import time
from collections import OrderedDict

from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Offset, Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tui.store.queries.board import CurrencyRow, DealCard
from tui.widgets.deal_card import CARD_HEIGHT, card_lines
from tui.widgets import tones
from tui.widgets.scrollbars import set_virtual_height

DRAG_THRESHOLD = 2  # cells of movement before a press becomes a drag
BLOCK = 64  # cards fetched at a time
DOUBLE_CLICK = 0.4  # seconds
_VERSIONS = itertools.count()  # versions of cards' cached lines (unique across columns)
# cards whose rendered lines a column keeps: a screenful (~8) several times over, so that a
# filter typed and cleared finds its cards drawn. Each line is ~10 objects the garbage
# collector walks on every full collection: more would slow those.
KEPT_CARDS = 60


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

    class CardMarked(Message):
        """ctrl+click: mark or unmark the card for a bulk action."""

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

    class NeedBlock(Message):
        """A block of cards came into view and is not loaded: the screen fetches it."""

        def __init__(self, column: "KanbanColumn", block: int) -> None:
            super().__init__()
            self.column = column
            self.block = block

    def __init__(self, stage_id: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.stage_id = stage_id
        self.total = 0
        self.blocks: dict[int, list[DealCard]] = {}
        self._asked: set[int] = set()
        self.generation = 0  # bumps on reset: a late block of an older query is dropped
        self.cursor: int = 0
        self.marked: set[int] = set()  # the board's marked deal ids (shared), for bulk actions
        self.active = False
        self.currencies: dict[str, CurrencyRow] = {}
        # rendered lines by (deal id, its version, line, width, selected, marked); a card seen
        # again unchanged (a filter typed or cleared, a reload) keeps its lines
        self._cache: OrderedDict[tuple[int, int, int, int, bool, bool], Strip] = OrderedDict()
        self._seen: OrderedDict[int, tuple[DealCard, int]] = OrderedDict()  # deal id -> (card, version)
        self._press: tuple[int, Offset] | None = None
        self._dragging = False
        self._last_release: tuple[int, float] | None = None
        self._sized_for: tuple[Size, Size, tuple[int, int]] | None = None  # what _size_updated last passed on

    # -- data ---------------------------------------------------------------------------------

    def reset(self, total: int, blocks: dict[int, list[DealCard]], currencies: dict[str, CurrencyRow], cursor: int | None = None) -> None:
        """New contents: how many cards, the blocks already fetched, where the cursor is. Only
        the cards shown differently are repainted: a move shifts the cards after it, a deal
        saved again by Pipedrive as it was sent changes none."""
        before = self._shown()
        self.total = total
        self.blocks = dict(blocks)
        self._asked = set(blocks)
        self.generation += 1
        if currencies != self.currencies:  # converted values are drawn with the rates
            self._cache.clear()
            before = None
        self.currencies = currencies
        if cursor is not None:
            self.cursor = cursor
        self.cursor = max(0, min(self.cursor, total - 1))
        set_virtual_height(self, total * CARD_HEIGHT)
        after = self._shown()
        if before is None or after is None or before[0] != after[0] or len(before[1]) != len(after[1]):
            self.refresh()
            return
        top = after[0]
        for slot, (was, now) in enumerate(zip(before[1], after[1])):
            if was != now:
                self.refresh_lines((top + slot) * CARD_HEIGHT, CARD_HEIGHT)

    def _shown(self) -> tuple[int, list[tuple[DealCard | None, bool, bool] | None]] | None:
        """The first card in view and what each card place in view shows (the card, selected,
        marked; None past the last card); None before the first layout."""
        height = self.size.height
        if not height:
            return None
        top = int(self.scroll_offset.y) // CARD_HEIGHT
        places: list[tuple[DealCard | None, bool, bool] | None] = []
        for index in range(top, top + height // CARD_HEIGHT + 2):
            if index >= self.total:
                places.append(None)
                continue
            block, offset = divmod(index, BLOCK)
            cards = self.blocks.get(block)
            card = cards[offset] if cards is not None and offset < len(cards) else None
            places.append((card, self.active and index == self.cursor, card is not None and card.id in self.marked))
        return top, places

    def put_block(self, block: int, cards: list[DealCard], generation: int) -> None:
        if generation != self.generation:
            return
        self.blocks[block] = cards
        self.refresh()

    def card_at(self, index: int) -> DealCard | None:
        if not 0 <= index < self.total:
            return None
        block, offset = divmod(index, BLOCK)
        cards = self.blocks.get(block)
        if cards is None:
            if block not in self._asked:
                self._asked.add(block)
                self.post_message(self.NeedBlock(self, block))
            return None
        return cards[offset] if offset < len(cards) else None

    @property
    def cards(self) -> list[DealCard]:
        """The cards loaded so far, in order (all of them for a small stage)."""
        return [card for block in sorted(self.blocks) for card in self.blocks[block]]

    def index_of(self, deal_id: int) -> int | None:
        for block, cards in self.blocks.items():
            for i, card in enumerate(cards):
                if card.id == deal_id:
                    return block * BLOCK + i
        return None

    def visible_blocks(self) -> list[int]:
        top = int(self.scroll_offset.y) // CARD_HEIGHT
        bottom = (int(self.scroll_offset.y) + max(self.size.height, 1)) // CARD_HEIGHT
        return sorted({i // BLOCK for i in (top, bottom, self.cursor) if 0 <= i < max(self.total, 1)})

    @property
    def selected(self) -> DealCard | None:
        return self.card_at(self.cursor)

    def set_active(self, active: bool) -> None:
        """The column with the keys draws its cursor's card selected: only that card changes."""
        if active != self.active:
            self.active = active
            if self.total:
                self.refresh_lines(self.cursor * CARD_HEIGHT, CARD_HEIGHT)

    def move_cursor(self, index: int) -> None:
        if not self.total:
            return
        before, scrolled = self.cursor, self.scroll_offset
        self.cursor = max(0, min(index, self.total - 1))
        self.scroll_to_region(Region(0, self.cursor * CARD_HEIGHT, max(1, self.size.width), CARD_HEIGHT), animate=False)
        if self.scroll_offset == scrolled and self.cursor == before:
            return  # already there and in view (a moved card, followed after its column reloaded)
        if self.scroll_offset == scrolled:  # only the two cards change: repaint just them (j, k)
            self.refresh_lines(before * CARD_HEIGHT, CARD_HEIGHT)
            self.refresh_lines(self.cursor * CARD_HEIGHT, CARD_HEIGHT)
        else:
            self.refresh()

    @property
    def page_cards(self) -> int:
        return max(1, self.size.height // CARD_HEIGHT)

    # -- rendering -------------------------------------------------------------------------------

    def clear_render_cache(self) -> None:
        """Drop the cached strips (the theme changed, or the marks did) and repaint."""
        self._cache.clear()
        self._seen.clear()
        self.refresh()

    def _version(self, card: DealCard) -> int:
        """The version of the card's lines in the cache: a new one when the card differs from
        the one they were drawn from."""
        seen = self._seen.get(card.id)
        if seen is not None and (seen[0] is card or seen[0] == card):
            if seen[0] is not card:
                self._seen[card.id] = (card, seen[1])
            return seen[1]
        version = next(_VERSIONS)
        self._seen[card.id] = (card, version)
        if len(self._seen) > KEPT_CARDS:
            self._seen.popitem(last=False)
        return version

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True) -> bool:
        """Any layout pass of the screen (a toast, the filter box shown) hands every column its
        size again, and Textual's ScrollView then updates and repaints its scrollbar whether or
        not anything changed (it compares the layout's sizes with its own, which differ for a
        virtual list): six columns' scrollbars, 234 lines, ~60 ms at 160x45. Only a new size or
        a new virtual size is passed on."""
        key = (size, self.virtual_size, self.styles.gutter.totals)
        if key == self._sized_for:
            return False
        self._sized_for = key
        return super()._size_updated(size, virtual_size, container_size, layout)

    def on_resize(self, event: events.Resize) -> None:  # the cached lines are keyed by width
        set_virtual_height(self, self.total * CARD_HEIGHT)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        absolute = y + int(self.scroll_offset.y)
        index, line = divmod(absolute, CARD_HEIGHT)
        if not self.total:
            if y == 1:
                return self._strip(Text("  no deals", style=tones.FAINT), width)
            return Strip.blank(width)
        if index >= self.total:
            return Strip.blank(width)
        card = self.card_at(index)
        if card is None:  # its block is on the way
            return self._strip(Text("  …", style=tones.FAINT), width) if line == 0 else Strip.blank(width)
        selected = self.active and index == self.cursor
        marked = card.id in self.marked
        version = self._version(card)
        key = (card.id, version, line, width, selected, marked)
        strip = self._cache.get(key)
        if strip is None:
            lines = card_lines(card, width, selected=selected, currencies=self.currencies, marked=marked)
            for i, text in enumerate(lines):
                self._cache[(card.id, version, i, width, selected, marked)] = self._strip(text, width)
            strip = self._cache[key]
            while len(self._cache) > KEPT_CARDS * CARD_HEIGHT:
                self._cache.popitem(last=False)
        return strip

    def _strip(self, text: Text, width: int) -> Strip:
        segments = list(text.render(self.app.console))
        return Strip(segments).adjust_cell_length(width, Style())

    # -- mouse -------------------------------------------------------------------------------------

    def _index_at(self, y: int) -> int | None:
        index = (y + int(self.scroll_offset.y)) // CARD_HEIGHT
        return index if 0 <= index < self.total else None

    def on_mouse_down(self, event: events.MouseDown) -> None:
        if event.button != 1:
            return
        index = self._index_at(event.y)
        if index is None:
            return
        if event.ctrl:
            self.post_message(self.CardMarked(self, index))
            event.stop()
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
