"""What a merge keeps, field by field (no SQL, no I/O): the preview (queries/duplicates.py)
and the optimistic cache change (merge.py) both ask here, so they agree.

Pipedrive's rule (the spec of PUT /persons/{id}/merge): the item `merge_with_id` survives and
its data wins on a conflict; a field empty on it is filled from the other; e-mails and
phones are combined (an address or number it already has is not added twice); labels join.
"""

from __future__ import annotations

import copy
import re
from typing import Any

from tui.store.search_index import digits, fold

PERSON_FILL = ("org_id", "first_name", "last_name", "postal_address", "birthday", "job_title", "notes")
ORG_FILL = ("address", "website", "linkedin", "industry", "annual_revenue", "employee_count")
CONTACTS = ("emails", "phones", "im")
MIN_PHONE = 9  # phones match on their last 9 digits (the subscriber part, whatever the prefix)
_PUNCT = re.compile(r"[^\w&]+")


def empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def email_key(value: Any) -> str:
    return str(value or "").strip().casefold()


def phone_key(value: Any) -> str:
    """The last 9 digits ('' for a number too short to compare)."""
    found = digits(value)
    return found[-MIN_PHONE:] if len(found) >= MIN_PHONE else ""


def person_name_key(value: Any) -> str:
    """Case-folded, accents stripped, whitespace collapsed."""
    return " ".join(fold(value).split())


def org_name_key(value: Any) -> str:
    """As a person's name, and punctuation ignored too: "ACME GmbH " = "Acme GmbH", "Acme, Inc." = "Acme Inc"."""
    return " ".join(_PUNCT.sub(" ", fold(value)).split())


def address_key(address: Any) -> str:
    value = address.get("value") if isinstance(address, dict) else address
    return org_name_key(value)


def contact_key(kind: str, value: Any) -> str:
    return phone_key(value) if kind == "phones" else email_key(value)


def combine(kind: str, keep: list[dict[str, Any]], other: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = [dict(c) for c in keep or []]
    seen = {contact_key(kind, c.get("value")) or str(c.get("value")) for c in out}
    for c in other or []:
        key = contact_key(kind, c.get("value")) or str(c.get("value"))
        if key and key not in seen:
            seen.add(key)
            out.append({**c, "primary": False})
    if out and not any(c.get("primary") for c in out):
        out[0]["primary"] = True
    return out


def merged(entity: str, keep: dict[str, Any], other: dict[str, Any]) -> dict[str, Any]:
    """The survivor as Pipedrive will make it from `keep` (wins) and `other`."""
    out = copy.deepcopy(keep)
    if entity == "person":
        for kind in CONTACTS:
            if kind in keep or kind in other:
                out[kind] = combine(kind, keep.get(kind) or [], other.get(kind) or [])
    for key in PERSON_FILL if entity == "person" else ORG_FILL:
        if key in other and empty(out.get(key)) and not empty(other.get(key)):
            out[key] = copy.deepcopy(other[key])
    custom = out.setdefault("custom_fields", {}) or {}
    for code, value in (other.get("custom_fields") or {}).items():
        if empty(custom.get(code)) and not empty(value):
            custom[code] = value
    out["custom_fields"] = custom
    labels = list(keep.get("label_ids") or [])
    out["label_ids"] = labels + [x for x in other.get("label_ids") or [] if x not in labels]
    return out
