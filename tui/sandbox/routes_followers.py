"""Followers (v2, users following a deal, person or organization) and deal participants (v1)."""

from __future__ import annotations

from tui.sandbox import followers as f
from typing import Any

from tui.sandbox.route_types import Ctx, Table


def _followers(t: Table, kind: str) -> None:
    base = f"/api/v2/{kind}/{{id}}/followers"

    def listing(c: Ctx) -> tuple[Any, ...]:
        return f.list_followers(c.st, kind, c.id(), c.query)

    def adding(c: Ctx) -> tuple[Any, ...]:
        return f.add_follower(c.st, kind, c.id(), c.json(), c.now), None

    def removing(c: Ctx) -> tuple[Any, ...]:
        return f.remove_follower(c.st, kind, c.id(), c.id(1)), None

    t.add("GET", base, listing, 10, "limit cursor")
    t.add("POST", base, adding, 5)
    t.add("DELETE", base + "/{id2}", removing, 3)


def table() -> Table:
    t = Table()
    for kind in ("deals", "persons", "organizations"):
        _followers(t, kind)
    t.add("GET", "/api/v1/deals/{id}/participants", lambda c: f.list_participants(c.st, c.id(), c.query), 10, "start limit")
    t.add("POST", "/api/v1/deals/{id}/participants", lambda c: (f.add_participant(c.st, c.id(), c.json(), c.now), None), 10)
    t.add("DELETE", "/api/v1/deals/{id}/participants/{id2}", lambda c: (f.remove_participant(c.st, c.id(), c.id(1)), None), 6)
    return t
