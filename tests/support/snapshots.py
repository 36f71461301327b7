"""SVG screenshot snapshots, compared by us (not pytest-textual-snapshot, whose syrupy pin holds pytest < 9).

We compare `app.export_screenshot()` with tests/snapshots/<name>.svg instead of using
pytest-textual-snapshot, whose syrupy pin would hold pytest below 9. Set
UPDATE_SNAPSHOTS=1 to (re)write the files; a mismatch writes <name>.new.svg beside the
expected file and <name>.diff.html, a page with the two side by side (open it in a browser).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

DIR = Path(__file__).resolve().parents[1] / "snapshots"


def _normalise(svg: str) -> str:
    # the terminal class prefix is a hash of the content: keep comparisons about content
    return re.sub(r"terminal-\d+", "terminal", svg)


def frame(app) -> list[list[tuple]]:
    """The screen as the compositor renders it for a screenshot (each line's text and styles),
    without the SVG: ~15 ms against ~90 ms for `export_screenshot` at 160x45, for comparing two
    moments of one screen."""
    from tests.support.screen import rendered

    return [[tuple(strip) for strip in line] for line in rendered(app)]


async def steady(env, tries: int = 6) -> None:
    """Until two frames in a row are the same and no layout ran between them: on a loaded
    machine a layout can still be due after `settle` (a list's scrollbar, a form's scroll
    height), or asked for by a message still queued (a Resize)."""
    from tests.support.paint import layouts_run
    from tests.support.wait import settle

    before = frame(env.app)
    for _ in range(tries):
        with layouts_run() as runs:
            await settle(env, 2)
            await _laid_out(env)
        now = frame(env.app)
        if now == before and not runs:
            return
        before = now


async def _laid_out(env, pauses: int = 50) -> None:
    """Until no layout or scroll is due on the screen: a frame is drawn from the last layout,
    so two equal frames can both predate one (a form's scrollbar, once in a loaded run)."""
    for _ in range(pauses):
        screen = env.app.screen
        if not (screen._layout_required or any(w._layout_required or w._scroll_required for w in screen.walk_children())):
            return
        await env.pilot.pause()


async def snapshot(env, name: str) -> None:
    """The screen once steady (no frame or layout still to come), compared with the file."""
    await steady(env)
    assert_snapshot(env.app, name)


def assert_snapshot(app, name: str) -> None:
    svg = app.export_screenshot()
    expected = DIR / f"{name}.svg"
    if os.environ.get("UPDATE_SNAPSHOTS") or not expected.exists():
        DIR.mkdir(parents=True, exist_ok=True)
        expected.write_text(svg, encoding="utf-8")
        if not os.environ.get("UPDATE_SNAPSHOTS"):
            raise AssertionError(f"snapshot {expected.name} did not exist; written now, run again")
        return
    if _normalise(expected.read_text(encoding="utf-8")) != _normalise(svg):
        (DIR / f"{name}.new.svg").write_text(svg, encoding="utf-8")
        page = DIR / f"{name}.diff.html"
        page.write_text(side_by_side(name, expected.read_text(encoding="utf-8"), svg), encoding="utf-8")
        raise AssertionError(f"screen differs from snapshot {expected.name}; open {page} (expected | now)")


def side_by_side(name: str, expected: str, now: str) -> str:
    """An HTML page with the expected and the current screen next to each other."""
    from html import escape

    return (
        "<!doctype html><meta charset='utf-8'><title>" + escape(name) + "</title>"
        "<style>body{font-family:sans-serif;margin:1em}div.row{display:flex;gap:1em}"
        "figure{flex:1;margin:0}figure>div{border:1px solid #888}svg{width:100%;height:auto}</style>"
        "<h1>" + escape(name) + "</h1><div class='row'>"
        "<figure><figcaption>expected (tests/snapshots/" + escape(name) + ".svg)</figcaption><div>" + expected + "</div></figure>"
        "<figure><figcaption>now</figcaption><div>" + now + "</div></figure></div>"
    )
