"""SVG screenshot snapshots, compared by us (not pytest-textual-snapshot, whose syrupy pin holds pytest < 9).

We compare `app.export_screenshot()` with tests/snapshots/<name>.svg instead of using
pytest-textual-snapshot, whose syrupy pin would hold pytest below 9. Set
UPDATE_SNAPSHOTS=1 to (re)write the files; a mismatch writes <name>.new.svg beside the
expected file so the two can be opened side by side.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

DIR = Path(__file__).resolve().parents[1] / "snapshots"


def _normalise(svg: str) -> str:
    # the terminal class prefix is a hash of the content: keep comparisons about content
    return re.sub(r"terminal-\d+", "terminal", svg)


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
        raise AssertionError(f"screen differs from snapshot {expected.name}; see {name}.new.svg")
