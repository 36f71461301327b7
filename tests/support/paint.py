"""Headless paints without the terminal output nobody reads.

A Pilot app paints as a real one does: each dirty widget renders its lines (that is where
widgets fill their caches, ask for rows they show, note where their click targets are). Textual
then cuts those lines into the screen's terminal update, which the headless driver throws away:
a third of a UI test's CPU. In tests the paint stops before that.

By default it stops before the widgets render, too: a test renders the screen when it reads
it (`screen_text`, `export_screenshot`, snapshots compose the whole screen, rendering every
widget whose lines are not cached), not at each frame in between, which nobody reads. That
is a quarter of the suite's CPU (315 -> 245 s). A test about paints themselves (which widgets
a key repaints) or about what a render leaves behind (a widget's click spans) is marked
`@pytest.mark.paints`: its paints render the dirty widgets, as the app's do.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from textual._compositor import visible_screen_stack
from textual.geometry import Region
from textual.screen import Screen


def render_without_output(original, render: bool = True):
    """Screen._compositor_refresh for headless tests: `render` says whether the dirty widgets
    render their lines at each paint (a test marked `paints`) or only when the screen is read."""

    def refresh(self: Screen) -> None:
        app = self.app
        if not (app.is_headless and self is app.screen and not app.is_inline):
            return original(self)
        compositor = self._compositor
        dirty = compositor._dirty_regions
        if dirty:
            screen_region = compositor.size.region
            crop = screen_region if screen_region in dirty else Region.from_union(list(dirty)).intersection(screen_region)
            dirty.clear()
            if render:
                visible_screen_stack.set(app._background_screens)
                for _region, _clip, _strips in compositor._get_renders(crop):
                    pass  # each widget renders the lines a terminal update would have taken
        self._dirty_widgets.clear()
        app._update_mouse_over(self)

    return refresh


def record_dirty(monkeypatch) -> list[Region]:
    """From now on, the screen regions each paint is asked to repaint (appended as painted)."""
    dirty: list[Region] = []
    real = Screen._compositor_refresh

    def recorded(self: Screen) -> None:
        dirty.extend(self._compositor._dirty_regions)
        return real(self)

    monkeypatch.setattr(Screen, "_compositor_refresh", recorded)
    return dirty


def count_layouts(monkeypatch) -> list[Screen]:
    """From now on, each layout pass of a screen (appended as it runs)."""
    layouts: list[Screen] = []
    real = Screen._refresh_layout

    def counted(self: Screen, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        layouts.append(self)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Screen, "_refresh_layout", counted)
    return layouts


@contextlib.contextmanager
def layouts_run() -> Iterator[list[Screen]]:
    """Within the block, each layout pass of a screen (appended as it runs); for waits that
    must see a pause go by with none (count_layouts is for a test's own counting)."""
    layouts: list[Screen] = []
    real = Screen._refresh_layout

    def counted(self: Screen, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        layouts.append(self)
        return real(self, *args, **kwargs)

    Screen._refresh_layout = counted  # type: ignore[method-assign]
    try:
        yield layouts
    finally:
        Screen._refresh_layout = real  # type: ignore[method-assign]
