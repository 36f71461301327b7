"""The installed wheel holds one top-level package, `tui` (widgets and styles inside it as
tui.widgets and tui.styles, with the .tcss files), and nothing generic in site-packages."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_has_only_tui_at_the_top(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    (wheel,) = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")}
    assert tops == {"tui"}
    assert "tui/widgets/kanban_column.py" in names and "tui/styles/board.tcss" in names
    assert not any(n.startswith(("widgets/", "styles/")) for n in names)


def test_widgets_and_styles_are_one_module_each():
    import tui.styles
    import tui.widgets.tones

    assert Path(tui.widgets.tones.__file__).resolve() == (ROOT / "widgets" / "tones.py").resolve()
    assert tui.styles.path("board.tcss").exists()
    assert "widgets" not in sys.modules and "styles" not in sys.modules  # nothing imports the bare names
