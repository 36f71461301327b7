"""v1 /callLogs: add, list the user's, get, delete (token costs from the spec)."""

from __future__ import annotations

from tui.sandbox import calls
from tui.sandbox.route_types import Table


def table() -> Table:
    t = Table()
    t.add("POST", "/api/v1/callLogs", lambda c: (calls.add_call_log(c.st, c.json(), c.now), None), 10)
    t.add("GET", "/api/v1/callLogs", lambda c: calls.list_call_logs(c.st, c.query), 20, "start limit")
    t.add("GET", "/api/v1/callLogs/{uuid}", lambda c: (calls.get_call_log(c.st, c.params[0]), None), 2)
    t.add("DELETE", "/api/v1/callLogs/{uuid}", lambda c: (calls.delete_call_log(c.st, c.params[0]), None), 6)
    return t
