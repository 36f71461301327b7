"""No import cycle in our packages, lazy imports (inside functions) counted: a module that needs
another's piece takes it from a module both can import (tests/support/imports.py)."""

from tests.support.imports import cycles, graph


def test_no_module_imports_itself_through_others():
    found = cycles(graph())
    assert found == [], "import cycles: " + "; ".join(" <-> ".join(c) for c in found)


def test_the_graph_sees_lazy_imports_and_skips_type_checking_ones():
    edges = graph()
    assert "tui.sandbox.transport" in edges["tui.sandbox.core"]  # imported inside Sandbox.transport()
    assert "tui.sandbox.core" not in edges["tui.sandbox.transport"]  # only under TYPE_CHECKING
