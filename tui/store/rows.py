"""Small conversions from server values to cache columns (used by the registry's mappers)."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=65536)
def fold(text: str | None) -> str:
    """Case- and accent-insensitive form of a text: "Müller" and "MULLER" both fold to
    "muller". Registered as the SQL function fold() on every cache connection."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().strip()


def norm_time(value: Any) -> str | None:
    """RFC 3339 or v1 `YYYY-MM-DD HH:MM:SS` (UTC) -> `YYYY-MM-DDTHH:MM:SSZ` (UTC)."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    try:
        if "T" not in text and len(text) >= 19:
            dt = datetime.strptime(text[:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)
        else:
            dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if dt.tzinfo is None:
                dt = dt.replace(tzinfo=timezone.utc)
    except ValueError:
        return text
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def flag(value: Any) -> int:
    """Booleans as 0/1 (v1 sends 0/1 or "0"/"1", v2 true/false)."""
    if isinstance(value, str):
        return 1 if value.strip().lower() in {"1", "true"} else 0
    return 1 if value else 0


def said_true(value: Any) -> bool:
    """An explicit yes (true, 1, "1", "true"); null, missing or anything else is not."""
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true"}
    return value is True or (isinstance(value, int) and value == 1)


def said_false(value: Any) -> bool:
    """An explicit no (false, 0, "0", "false"); null or missing says nothing."""
    if isinstance(value, str):
        return value.strip().lower() in {"0", "false"}
    return value is False or (isinstance(value, int) and not isinstance(value, bool) and value == 0)


def active(value: Any) -> int:
    """An `active_flag` as 0/1: only an explicit no deactivates (null or missing: active)."""
    return 0 if said_false(value) else 1


def primary_contact(values: Any) -> str | None:
    """The primary e-mail or phone of a person (else the first)."""
    if not isinstance(values, list):
        return None
    first = None
    for item in values:
        if not isinstance(item, dict):
            continue
        val = item.get("value")
        if not val:
            continue
        if item.get("primary"):
            return str(val)
        first = first or str(val)
    return first


def primary_participant(obj: dict[str, Any]) -> Any:
    for p in obj.get("participants") or []:
        if isinstance(p, dict) and p.get("primary") and p.get("person_id") is not None:
            return p["person_id"]
    return obj.get("person_id")


def address_text(obj: dict[str, Any]) -> str | None:
    addr = obj.get("address")
    if isinstance(addr, dict):
        return addr.get("value")
    return addr if isinstance(addr, str) else None


def lead_columns(o: dict[str, Any]) -> dict[str, Any]:
    """The cache row of a v1 lead (value is {amount, currency}; labels a JSON list of UUIDs)."""
    import json

    value: dict[str, Any] = o["value"] if isinstance(o.get("value"), dict) else {}
    return {
        "id": o["id"],
        "title": o.get("title") or "",
        "owner_id": o.get("owner_id"),
        "person_id": o.get("person_id"),
        "org_id": o.get("organization_id"),
        "value": value.get("amount"),
        "currency": value.get("currency"),
        "expected_close_date": o.get("expected_close_date"),
        "source_name": o.get("source_name"),
        "label_ids": json.dumps(o.get("label_ids") or []),
        "is_archived": flag(o.get("is_archived")),
        "was_seen": flag(o.get("was_seen")),
        "add_time": norm_time(o.get("add_time")),
        "update_time": norm_time(o.get("update_time")),
    }
