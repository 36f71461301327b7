"""Headless paints without the terminal output nobody reads.

A Pilot app paints as a real one does: each dirty widget renders its lines (that is where
widgets fill their caches, ask for rows they show, note where their click targets are). Textual
then cuts those lines into the screen's terminal update, which the headless driver throws away:
a third of a UI test's CPU. In tests the paint stops after the widgets have rendered. What a
test reads of the screen (`export_screenshot`, `screen_text`, snapshots) is composed in full, as
before.
"""

from __future__ import annotations

from textual._compositor import visible_screen_stack
from textual.geometry import Region
from textual.screen import Screen


def render_without_output(original):
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
