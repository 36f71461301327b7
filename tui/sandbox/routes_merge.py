"""Merge routes (v1): two persons or two organizations into one (tui/sandbox/merge.py)."""

from __future__ import annotations

from tui.sandbox import merge
from tui.sandbox.route_types import Table


def table() -> Table:
    t = Table()
    t.add("PUT", "/api/v1/persons/{id}/merge", lambda c: (merge.merge_persons(c.st, c.id(), c.body, c.now), None), 40)
    t.add("PUT", "/api/v1/organizations/{id}/merge", lambda c: (merge.merge_organizations(c.st, c.id(), c.body, c.now), None), 40)
    return t
