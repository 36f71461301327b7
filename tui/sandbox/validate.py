"""Pipedrive-style request validation (v2 is strict about types)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any


class ApiFailure(Exception):
    """An error response: status + Pipedrive error envelope."""

    def __init__(self, status: int, error: str, error_info: str = "Please check developers.pipedrive.com") -> None:
        super().__init__(error)
        self.status = status
        self.error = error
        self.error_info = error_info


def bad(error: str) -> ApiFailure:
    return ApiFailure(400, error)


def not_found(what: str) -> ApiFailure:
    return ApiFailure(404, f"{what} not found")


def is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def opt_int(body: dict[str, Any], key: str) -> None:
    if key in body and body[key] is not None and not is_int(body[key]):
        raise bad(f"Validation failed: {key}: Expected integer, received {type(body[key]).__name__}")


def opt_str(body: dict[str, Any], key: str, *, required: bool = False, allow_empty: bool = False) -> None:
    if key not in body or body[key] is None:
        if required:
            raise bad(f"Validation failed: {key}: Required")
        return
    if not isinstance(body[key], str):
        raise bad(f"Validation failed: {key}: Expected string, received {type(body[key]).__name__}")
    if required and not allow_empty and not body[key].strip():
        raise bad(f"Validation failed: {key}: Required")


def opt_number(body: dict[str, Any], key: str) -> None:
    v = body.get(key)
    if v is not None and (isinstance(v, bool) or not isinstance(v, (int, float))):
        raise bad(f"Validation failed: {key}: Expected number, received {type(v).__name__}")


def opt_bool(body: dict[str, Any], key: str) -> None:
    v = body.get(key)
    if v is not None and not isinstance(v, bool):
        raise bad(f"Validation failed: {key}: Expected boolean, received {type(v).__name__}")


def opt_date(body: dict[str, Any], key: str) -> None:
    v = body.get(key)
    if v is None:
        return
    if not isinstance(v, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", v):
        raise bad(f"Validation failed: {key}: Invalid date, expected YYYY-MM-DD")
    try:
        date.fromisoformat(v)
    except ValueError:
        raise bad(f"Validation failed: {key}: Invalid date") from None


def opt_time(body: dict[str, Any], key: str) -> None:
    v = body.get(key)
    if v is None or v == "":
        return
    if not isinstance(v, str) or not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?", v):
        raise bad(f"Validation failed: {key}: Invalid time, expected HH:MM")


def unknown_keys(body: dict[str, Any], allowed: set[str]) -> None:
    extra = sorted(set(body) - allowed)
    if extra:
        raise bad(f"Validation failed: unrecognized keys: {', '.join(extra)}")


def contact_list(body: dict[str, Any], key: str) -> None:
    v = body.get(key)
    if v is None:
        return
    if not isinstance(v, list):
        raise bad(f"Validation failed: {key}: Expected array")
    for item in v:
        if not isinstance(item, dict) or not isinstance(item.get("value"), str):
            raise bad(f"Validation failed: {key}: each item needs a string value")
        if "primary" in item and not isinstance(item["primary"], bool):
            raise bad(f"Validation failed: {key}.primary: Expected boolean")
        if "label" in item and item["label"] is not None and not isinstance(item["label"], str):
            raise bad(f"Validation failed: {key}.label: Expected string")
