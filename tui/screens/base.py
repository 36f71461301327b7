"""What every screen of the app shares: the typed store and navigation.

`self.store` is the Store (tui/store/store.py), `self.nav` the app with its navigation
(open_deal, open_person, open_organization, open_form_with); screens never reach the
store through an untyped `self.app`.

One refresh path: a screen names the cache tables it shows (`WATCHES`); when one of them
changes, `data_changed(message)` runs if the screen is in front, else the screen is marked
stale and `resumed(stale=True)` reloads it once when it is shown again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

from textual import events
from textual.reactive import Reactive
from textual.screen import ModalScreen, Screen
from textual.widget import Widget

from tui.messages import DataRefresh
from tui.widgets.filter_bar import FilterBar

if TYPE_CHECKING:
    from tui.app import PipedriveApp
    from tui.store.store import Store

T = TypeVar("T")


class _Access:
    app: Any

    @property
    def store(self) -> Store:
        return cast("Store", self.app.store)

    @property
    def nav(self) -> PipedriveApp:
        return cast("PipedriveApp", self.app)


def _style_state(app: Any) -> tuple[Any, ...]:
    """What a screen's styles depend on beyond its own widgets: the stylesheet's version (a
    theme change, CSS reloaded), the app's pseudo-classes (focus, dark, ansi...) and classes."""
    return (app._css_update_count, frozenset(app.get_pseudo_classes()), frozenset(app.classes))


class _RestyledWhenChanged:
    """Textual restyles a screen and all its widgets each time it is shown: a section's
    screen on every switch (the board's 28 widgets, 10-19 ms of `1` back to the board) and
    a pushed screen a moment after mounting styled each of them (a deal's 28, ~17 ms). Here
    that pass runs only when something it depends on changed while the screen was hidden
    (`_style_state`); a change to a widget's own classes restyles it when it happens, shown
    or not. Its own class: Textual calls one resume handler per class, and `_on_` would hide
    AppScreen's `on_screen_resume`."""

    _styled_for: tuple[Any, ...] | None = None  # the app's style state at the last showing

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        state = _style_state(cast(Any, self).app)
        if self._styled_for is None or self._styled_for == state:  # the first showing: styled at mount
            event.refresh_styles = False  # read by Screen's own handler, which runs after this one
        self._styled_for = state

    def _on_screen_suspend(self) -> None:
        self._styled_for = _style_state(cast(Any, self).app)


class ReadAhead(Generic[T]):
    """A screen's first read, started when it composes, so that it runs beside the widgets'
    mounting instead of after it, behind the empty screen's paint (a deal's read: 1-2 ms
    instead of 90-160 ms; Insights at 100k deals: most of its first open). The first reload
    takes it; later ones read anew."""

    def __init__(self) -> None:
        self._task: asyncio.Task[T] | None = None

    def start(self, reading: Coroutine[Any, Any, T]) -> None:
        self._task = asyncio.ensure_future(reading)
        self._task.add_done_callback(_retrieved)

    async def take(self) -> T | None:
        """The read started, once (None: none started, or already taken)."""
        task, self._task = self._task, None
        return await task if task is not None else None


def _retrieved(task: asyncio.Task[Any]) -> None:
    """A screen closed before its reload took the read: its error is not left unretrieved."""
    if not task.cancelled():
        task.exception()


class AppScreen(_Access, _RestyledWhenChanged, Screen[Any]):
    """A full screen (a section, a detail screen)."""

    # Textual's screen repaints all of itself when the focus moves (its `focused` reactive
    # repaints); the widgets that gain and lose focus restyle and repaint themselves. Leaving
    # the filter box repainted 7,200 cells to change a few lines.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    WATCHES: ClassVar[frozenset[str]] = frozenset()  # cache tables whose changes it shows
    _stale = False  # one of them changed while another screen was on top

    def on_data_refresh(self, message: DataRefresh) -> None:
        if not self.WATCHES & message.tables:
            return
        if not self.in_front:
            self._stale = True
            return
        self.data_changed(message)

    @property
    def in_front(self) -> bool:
        """The top screen. (Textual's `is_current` is also true for the screen right beneath
        the top one, even when that one covers it whole.)"""
        try:
            return self.app.screen is self
        except Exception:  # no screen stack (closing)
            return False

    def on_screen_resume(self) -> None:
        stale, self._stale = self._stale, False
        self.resumed(stale)

    def resumed(self, stale: bool) -> None:
        """Shown again (a screen above closed, or its section chosen): reload if it is stale."""
        if stale:
            self.data_changed(None)

    def data_changed(self, message: DataRefresh | None) -> None:
        """Show the cache again (`message`: what changed; None: something, while covered)."""
        reload = getattr(self, "reload", None)
        if reload is not None:
            reload()


class FilteredScreen(AppScreen):
    """A screen with a `/` filter box (widgets/filter_bar.py) over its list: keys typed after
    enter wait until the list shows the filtered result (tui/key_order.py asks)."""

    def ready_for_keys(self) -> bool:
        return not self.query_one(FilterBar).holds_keys


class AppModal(_Access, _RestyledWhenChanged, ModalScreen[T], Generic[T]):
    """A dialog or form over another screen; dismisses with a T."""

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)  # as AppScreen's: tab between fields
