"""The layers of ARCHITECTURE.md: nothing below the UI imports textual; widgets never call HTTP."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE = [ROOT / "tui" / "api", ROOT / "tui" / "store", ROOT / "tui" / "sandbox", ROOT / "tui" / "models.py"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _files(paths):
    for p in paths:
        if p.is_file():
            yield p
        elif p.is_dir():
            yield from p.rglob("*.py")


def test_core_does_not_import_textual():
    offenders = [str(f.relative_to(ROOT)) for f in _files(CORE) if {"textual", "rich"} & _imports(f)]
    assert offenders == []


def test_widgets_do_not_use_http():
    offenders = [
        str(f.relative_to(ROOT))
        for f in _files([ROOT / "widgets"])
        if {"httpx"} & _imports(f) or "tui.api" in f.read_text(encoding="utf-8")
    ]
    assert offenders == []


def _full_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_widgets_never_import_screens_or_the_app():
    offenders = [
        str(f.relative_to(ROOT))
        for f in _files([ROOT / "widgets"])
        if any(n.startswith(("tui.screens", "tui.app", "tui.sections")) for n in _full_imports(f))
    ]
    assert offenders == []


def test_the_keymap_imports_only_textual_bindings():
    for f in _files([ROOT / "tui" / "keymap"]):
        textual = {n for n in _full_imports(f) if n.startswith("textual")}
        assert textual <= {"textual.binding"}, f


def test_sql_lives_in_the_store():
    """No SQL anywhere but tui/store: screens, widgets, the app, the CLI, the sandbox."""
    store = ROOT / "tui" / "store"
    offenders = [
        str(f.relative_to(ROOT))
        for f in _files([ROOT / "widgets", ROOT / "tui"])
        if store not in f.parents and (".execute(" in f.read_text(encoding="utf-8") or "import sqlite3" in f.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_no_import_runs_back_up():
    """The store, client, models and sandbox never import the UI layers."""
    ui = ("tui.screens", "tui.app", "tui.sections", "tui.messages", "tui.key_order", "tui.widgets", "tui.keymap")
    offenders = [str(f.relative_to(ROOT)) for f in _files(CORE) if any(n.startswith(ui) for n in _full_imports(f))]
    assert offenders == []


def test_screen_styles_live_in_styles():
    """DEFAULT_CSS is for reusable widgets (widgets/); a screen's styles are in styles/*.tcss."""
    offenders = [str(f.relative_to(ROOT)) for f in _files([ROOT / "tui"]) if "DEFAULT_CSS" in f.read_text(encoding="utf-8")]
    assert offenders == []


def test_no_message_handler_calls_its_parents_own():
    """Textual calls the handler of a message (`on_mount`, `_on_resize`, ...) of every class of a
    widget, subclass first: one that also calls `super().on_mount()` runs the parent's twice (a
    deal screen read its deal twice per open). `on_event` is the one entry point Textual calls
    once, which hands on to the parent's by design."""
    offenders = []
    for path in _files([ROOT / "tui", ROOT / "widgets"]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if not node.name.startswith(("on_", "_on_")) or node.name == "on_event":
                continue
            for call in ast.walk(node):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and call.func.attr == node.name
                    and isinstance(call.func.value, ast.Call)
                    and getattr(call.func.value.func, "id", None) == "super"
                ):
                    offenders.append(f"{path.relative_to(ROOT)}:{call.lineno} super().{node.name}()")
    assert offenders == []
