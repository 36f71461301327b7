"""What a request costs in Pipedrive tokens, looked up in the spec's table (costs_table.py).

A concrete path is matched to its template by shape: `/api/v2/deals/42` is
`/api/v2/deals/{id}`; `/v1/...` is `/api/v1/...`. Paths the table lacks fall back to
Pipedrive's published defaults (v2 list 10, item 1, write 5; v1 about twice that).
"""

from __future__ import annotations

import re
from functools import lru_cache

from tui.api.costs_table import COSTS

_PARAM = re.compile(r"\{[^}]+\}")
_ID = re.compile(r"^(\d+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$")


def _shape(path: str) -> tuple[str, ...]:
    return tuple("{}" if _PARAM.fullmatch(p) else p for p in path.strip("/").split("/"))


_BY_SHAPE: dict[tuple[str, tuple[str, ...]], int] = {}
for _key, _cost in COSTS.items():
    _method, _path = _key.split(" ", 1)
    _BY_SHAPE[(_method, _shape(_path))] = _cost


@lru_cache(maxsize=512)
def operation_cost(method: str, path: str) -> int:
    method = method.upper()
    path = path.split("?", 1)[0]
    if path.startswith("/v1/"):
        path = "/api" + path
    parts = tuple(path.strip("/").split("/"))
    exact = _BY_SHAPE.get((method, parts))
    if exact is not None:
        return exact
    shaped = tuple("{}" if _ID.match(p) else p for p in parts)
    found = _BY_SHAPE.get((method, shaped))
    if found is not None:
        return found
    v1 = "v1" in parts[:2]
    if method == "GET":
        return (2 if v1 else 1) if shaped[-1] == "{}" else (20 if v1 else 10)
    if method == "DELETE":
        return 6 if v1 else 3
    return 10 if v1 else 5
