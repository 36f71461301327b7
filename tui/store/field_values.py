"""Whether two values of a field are the same change, as Pipedrive would store them: the
conflict check, the look-up of a create whose answer was lost and a parent's refresh compare
values through here."""

from __future__ import annotations

import re
from typing import Any


def norm(value: Any) -> Any:
    """What a comparison of two values of a field should look at.
    - an address object -> its formatted `value` (the server expands {"value": ...})
    - contact lists (emails, phones) -> sorted (value, primary) pairs
    - participants -> sorted (person_id, primary) pairs"""
    if isinstance(value, dict) and "value" in value:
        return norm(value.get("value"))
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        if all("person_id" in v for v in value):
            return sorted((v.get("person_id"), bool(v.get("primary"))) for v in value)
        if all("value" in v for v in value):
            return sorted((str(v.get("value")), bool(v.get("primary"))) for v in value)
    return value


def same(a: Any, b: Any) -> bool:
    a, b = norm(a), norm(b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) and not isinstance(b, bool):
        return float(a) == float(b)
    if isinstance(a, str) and isinstance(b, str) and TIME.match(a) and TIME.match(b):
        return a[:5] == b[:5]  # times: "09:30" == "09:30:00"
    return bool(a == b)


TIME = re.compile(r"^\d{2}:\d{2}(:\d{2})?$")
