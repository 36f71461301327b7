"""Custom fields of a deal, person or organization as the detail screens show them: by name,
options by label, people and organizations by name, with what the deal's stage asks of them."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import Any

from tui.custom_values import REF_KINDS, FieldDef, display, from_row

TABLES = {"user": ("users", "name"), "person": ("persons", "name"), "organization": ("organizations", "name")}


@dataclass
class CustomRow:
    fd: FieldDef
    value: Any
    shown: str
    flags: list[str] = field(default_factory=list)

    @property
    def missing(self) -> bool:
        return self.value in (None, "", []) and any(f.startswith("required") for f in self.flags)


def names(conn: sqlite3.Connection) -> Callable[[str, int], str | None]:
    def lookup(kind: str, item_id: int) -> str | None:
        table, column = TABLES[kind]
        row = conn.execute(f"SELECT {column} FROM {table} WHERE id = ?", (item_id,)).fetchone()
        return row[0] if row else None

    return lookup


def field_defs(conn: sqlite3.Connection, entity: str) -> list[FieldDef]:
    return [
        from_row(r[0], r[1], r[2], r[3])
        for r in conn.execute(
            "SELECT field_code, field_name, field_type, data FROM fields WHERE entity = ? AND is_custom = 1 "
            "ORDER BY field_name COLLATE NOCASE",
            (entity,),
        )
    ]


def field_def(conn: sqlite3.Connection, entity: str, code: str) -> FieldDef | None:
    row = conn.execute(
        "SELECT field_code, field_name, field_type, data FROM fields WHERE entity = ? AND field_code = ?", (entity, code)
    ).fetchone()
    return from_row(row[0], row[1], row[2], row[3]) if row else None


def custom_rows(conn: sqlite3.Connection, entity: str, obj: dict[str, Any]) -> list[CustomRow]:
    """Every custom field of the entity (set or not), important/required ones of the deal's stage first."""
    values = obj.get("custom_fields") or {}
    lookup = names(conn)
    rows = []
    for fd in field_defs(conn, entity):
        value = values.get(fd.code)
        flags = fd.flags(obj.get("stage_id"), obj.get("pipeline_id")) if entity == "deal" else []
        rows.append(CustomRow(fd, value, display(fd, value, lookup), flags))
    known = {r.fd.code for r in rows}
    for code, value in values.items():  # a key the cached definitions do not know yet: shown, never edited
        if code not in known and value is not None:
            rows.append(
                CustomRow(FieldDef(code, code[:12] + "…", "unknown"), value, display(FieldDef(code, code, "unknown"), value, lookup))
            )
    rows.sort(key=lambda r: (not r.flags, r.value in (None, "", []) and not r.flags))
    return rows


def unknown_keys(conn: sqlite3.Connection, entity: str, obj: dict[str, Any]) -> bool:
    """True when the item carries custom field keys the cached definitions lack (refresh them)."""
    codes = {r[0] for r in conn.execute("SELECT field_code FROM fields WHERE entity = ?", (entity,))}
    return any(code not in codes for code in (obj.get("custom_fields") or {}))


def autocomplete(conn: sqlite3.Connection, entity: str, code: str, limit: int = 200) -> list[str]:
    """Values of an autocomplete (varchar_auto) field already used in the cache, most used first."""
    from tui.store.registry import REGISTRY

    table = REGISTRY[entity].table
    rows = conn.execute(
        f"""SELECT json_extract(data, '$.custom_fields.' || ?) AS v, COUNT(*) AS n FROM {table}
             WHERE v IS NOT NULL AND v <> '' GROUP BY v ORDER BY n DESC, v LIMIT ?""",
        (f'"{code}"', limit),
    ).fetchall()
    return [str(r[0]) for r in rows]


def ref_kind(fd: FieldDef) -> str | None:
    return REF_KINDS.get(fd.type)


def my_defaults(conn: sqlite3.Connection) -> tuple[str | None, str | None]:
    """The current user's default currency and time zone name (new monetary and time values)."""
    row = conn.execute(
        "SELECT json_extract(data, '$.default_currency'), json_extract(data, '$.timezone_name') FROM users WHERE is_you = 1"
    ).fetchone()
    return (row[0], row[1]) if row else (None, None)
