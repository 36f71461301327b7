"""Likely duplicates of a person or an organization, from the cache only (0 tokens), and the
side-by-side preview of a merge.

    store.read(duplicates, "person", 151)        -> [Candidate(105, "Marta O'Brien", ("same e-mail", "same name"), ...)]
    store.read(merge_preview, "person", 105, 151) -> MergePreview (105 kept, 151 merged into it)

A person matches another on the same e-mail (case-folded), the same phone (its last 9
digits), or the same name (case-folded, accents stripped, whitespace collapsed); an
organization on the same name (punctuation ignored too: "ACME GmbH " is "Acme GmbH") or the
same address. Items not yet in Pipedrive (a local, negative id) are never offered.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from tui.store import merge_fields as mf
from tui.store.queries.common import _one
from tui.store.queries.custom import custom_rows


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    reasons: tuple[str, ...]  # "same e-mail", "same phone", "same name", "same address"
    detail: str  # what tells it apart in the list: an e-mail, a phone, an address


@dataclass(frozen=True)
class FieldRow:
    label: str
    keep: str  # the survivor's value as shown
    other: str  # the merged item's value
    result: str  # what the survivor will hold
    source: str  # "kept" (the survivor's), "taken" (from the other: the survivor had none),
    #              "combined" (both), "same" (equal or both empty)


@dataclass(frozen=True)
class MergePreview:
    entity: str
    keep_id: int
    other_id: int
    keep_name: str
    other_name: str
    rows: list[FieldRow]
    moving: dict[str, int]  # "deals" / "activities" / "notes" / "people" of the other -> how many move


def _contacts(obj: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    values = obj.get(kind)
    return [c for c in values if isinstance(c, dict) and c.get("value")] if isinstance(values, list) else []


def _person_keys(obj: dict[str, Any]) -> tuple[set[str], set[str], str]:
    emails = {mf.email_key(c["value"]) for c in _contacts(obj, "emails")} - {""}
    phones = {mf.phone_key(c["value"]) for c in _contacts(obj, "phones")} - {""}
    return emails, phones, mf.person_name_key(obj.get("name"))


def duplicates(conn: sqlite3.Connection, entity: str, entity_id: int) -> list[Candidate]:
    """Others likely to be the same person/organization, strongest reasons first."""
    if entity not in ("person", "organization") or entity_id < 0:
        return []
    table = "persons" if entity == "person" else "organizations"
    row = conn.execute(f"SELECT data FROM {table} WHERE id = ?", (entity_id,)).fetchone()
    if row is None:
        return []
    me = json.loads(row[0])
    found = _person_matches(conn, me) if entity == "person" else _org_matches(conn, me)
    order = {"same e-mail": 0, "same phone": 1, "same address": 1, "same name": 2}
    return sorted(found, key=lambda c: (min(order[r] for r in c.reasons), -len(c.reasons), c.name.casefold(), c.id))


def _person_matches(conn: sqlite3.Connection, me: dict[str, Any]) -> list[Candidate]:
    emails, phones, name = _person_keys(me)
    out = []
    for oid, oname, data in conn.execute(
        "SELECT id, name, json_object('emails', json_extract(data, '$.emails'), 'phones', json_extract(data, '$.phones'))"
        " FROM persons WHERE id > 0 AND id <> ?",
        (me["id"],),
    ):
        other = json.loads(data)
        o_emails, o_phones, o_name = _person_keys({**other, "name": oname})
        reasons = []
        if emails & o_emails:
            reasons.append("same e-mail")
        if phones & o_phones:
            reasons.append("same phone")
        if name and name == o_name:
            reasons.append("same name")
        if reasons:
            shown = [c["value"] for c in _contacts(other, "emails")] or [c["value"] for c in _contacts(other, "phones")]
            out.append(Candidate(oid, oname, tuple(reasons), str(shown[0]) if shown else ""))
    return out


def _org_matches(conn: sqlite3.Connection, me: dict[str, Any]) -> list[Candidate]:
    name, address = mf.org_name_key(me.get("name")), mf.address_key(me.get("address"))
    out = []
    for oid, oname, addr in conn.execute(
        "SELECT id, name, json_extract(data, '$.address.value') FROM organizations WHERE id > 0 AND id <> ?", (me["id"],)
    ):
        reasons = []
        if name and mf.org_name_key(oname) == name:
            reasons.append("same name")
        if address and mf.address_key(addr) == address:
            reasons.append("same address")
        if reasons:
            out.append(Candidate(oid, oname, tuple(reasons), addr or ""))
    return out


# -- the preview --------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if mf.empty(value):
        return ""
    if isinstance(value, dict):
        return str(value.get("value") or "")
    return str(value)


def _contact_text(values: Any) -> str:
    return ", ".join(str(c.get("value")) for c in values or [] if isinstance(c, dict) and c.get("value"))


def _row(label: str, keep: str, other: str, result: str) -> FieldRow:
    if keep == other:
        source = "same"
    elif not keep:
        source = "taken"
    elif result not in (keep,) and other:
        source = "combined"
    else:
        source = "kept"
    return FieldRow(label, keep, other, result, source)


def _name_of(conn: sqlite3.Connection, table: str, item_id: Any) -> str:
    return str(_one(conn, f"SELECT name FROM {table} WHERE id = ?", item_id) or "") if item_id is not None else ""


def merge_preview(conn: sqlite3.Connection, entity: str, keep_id: int, other_id: int) -> MergePreview | None:
    """Field by field: each one's value and what the survivor (`keep_id`) will hold; how many of
    the other's deals, activities, notes (and people, for an organization) move to it."""
    table = "persons" if entity == "person" else "organizations"
    rows = {r[0]: json.loads(r[1]) for r in conn.execute(f"SELECT id, data FROM {table} WHERE id IN (?, ?)", (keep_id, other_id))}
    if keep_id == other_id or keep_id not in rows or other_id not in rows:
        return None
    keep, other = rows[keep_id], rows[other_id]
    result = mf.merged(entity, keep, other)
    fields: list[FieldRow] = [_row("Name", _text(keep.get("name")), _text(other.get("name")), _text(result.get("name")))]
    if entity == "person":
        for label, kind in (("E-mail", "emails"), ("Phone", "phones")):
            fields.append(_row(label, _contact_text(keep.get(kind)), _contact_text(other.get(kind)), _contact_text(result.get(kind))))
        org = [_name_of(conn, "organizations", obj.get("org_id")) for obj in (keep, other, result)]
        fields.append(_row("Organization", *org))
    else:
        fields.append(_row("Address", *(_text(obj.get("address")) for obj in (keep, other, result))))
        for key, label in (("website", "Website"), ("linkedin", "LinkedIn")):
            fields.append(_row(label, *(_text(obj.get(key)) for obj in (keep, other, result))))
    fields.append(_row("Owner", *(_name_of(conn, "users", obj.get("owner_id")) for obj in (keep, other, result))))
    shown = [{r.fd.code: r.shown for r in custom_rows(conn, entity, obj) if not mf.empty(r.value)} for obj in (keep, other, result)]
    for r in custom_rows(conn, entity, result):
        values = [s.get(r.fd.code, "") or "" for s in shown]
        if any(values):
            fields.append(_row(r.fd.name, *values))
    key = "person_id" if entity == "person" else "org_id"
    moving = {t: int(_one(conn, f"SELECT COUNT(*) FROM {t} WHERE {key} = ?", other_id) or 0) for t in ("deals", "activities", "notes")}
    if entity == "organization":
        moving["people"] = int(_one(conn, "SELECT COUNT(*) FROM persons WHERE org_id = ?", other_id) or 0)
    return MergePreview(entity, keep_id, other_id, _text(keep.get("name")), _text(other.get("name")), fields, moving)
