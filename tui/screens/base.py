"""What every screen of the app shares: the typed store and navigation.

`self.store` is the Store (tui/store/store.py), `self.nav` the app with its navigation
(open_deal, open_person, open_organization, open_form_with); screens never reach the
store through an untyped `self.app`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from textual.screen import ModalScreen, Screen

from widgets.filter_bar import FilterBar

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


class AppScreen(_Access, Screen[Any]):
    """A full screen (a section, a detail screen)."""


class FilteredScreen(AppScreen):
    """A screen with a `/` filter box (widgets/filter_bar.py) over its list: keys typed after
    enter wait until the list shows the filtered result (tui/key_order.py asks)."""

    def ready_for_keys(self) -> bool:
        return not self.query_one(FilterBar).holds_keys


class AppModal(_Access, ModalScreen[T], Generic[T]):
    """A dialog or form over another screen; dismisses with a T."""
