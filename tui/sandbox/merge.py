"""Merging two persons or two organizations, as Pipedrive does it (v1 PUT .../{id}/merge).

    PUT /v1/persons/{id}/merge        {"merge_with_id": N}   (40 tokens)
    PUT /v1/organizations/{id}/merge  {"merge_with_id": N}   (40 tokens)

The spec: `merge_with_id` is "the ID of the person that will not be overwritten. This person's
data will be prioritized in case of conflict with the other person": N survives, {id} is
merged into it and deleted. What pointed at {id} moves to N: deals, activities (and an
activity's participants), notes, leads; for organizations also their persons. A field empty
on N is filled from {id}; e-mails and phones are combined (the same address or number once);
labels are joined. Everything touched gets a new update_time, so /recents reports it.
The answer: the merged person (v1 shape, `merge_what_id` = {id}); for organizations `{id: N}`.
A second merge of the same pair finds {id} gone: 404, as Pipedrive answers for a deleted item.
"""

from __future__ import annotations

import re
from typing import Any

from tui.sandbox import flow, v1, v1shapes
from tui.sandbox import validate as v
from tui.sandbox.state import Obj, State

PERSON_FILL = ("org_id", "first_name", "last_name", "picture_id", "postal_address", "birthday", "job_title", "notes")
ORG_FILL = ("address", "website", "linkedin", "industry", "annual_revenue", "employee_count")


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _pair(coll: dict[int, Obj], item_id: int, body: Any, what: str) -> tuple[Obj, Obj]:
    if not isinstance(body, dict) or "merge_with_id" not in body:
        raise v.bad("Validation failed: merge_with_id: Required")
    other_id = body["merge_with_id"]
    if isinstance(other_id, bool) or not isinstance(other_id, int):
        raise v.bad("Validation failed: merge_with_id: Expected number")
    if other_id == item_id:
        raise v.bad(f"Cannot merge {what.lower()} with itself")
    merged, survivor = coll.get(item_id), coll.get(other_id)
    if merged is None or merged.get("is_deleted") or survivor is None or survivor.get("is_deleted"):
        raise v.not_found(what)
    return merged, survivor


def _contact_key(kind: str, value: str) -> str:
    if kind == "phones":
        digits = re.sub(r"\D", "", value)
        return digits[-9:] if len(digits) >= 9 else digits
    return value.strip().casefold()


def _combine(kind: str, keep: list[Obj], other: list[Obj]) -> list[Obj]:
    out = [dict(c) for c in keep or []]
    seen = {_contact_key(kind, str(c.get("value") or "")) for c in out}
    for c in other or []:
        key = _contact_key(kind, str(c.get("value") or ""))
        if key and key not in seen:
            seen.add(key)
            out.append({**c, "primary": False})
    if out and not any(c.get("primary") for c in out):
        out[0]["primary"] = True
    return out


def _fill(survivor: Obj, merged: Obj, keys: tuple[str, ...]) -> None:
    for key in keys:
        if key in merged and _empty(survivor.get(key)) and not _empty(merged.get(key)):
            survivor[key] = merged[key]
    custom = survivor.setdefault("custom_fields", {})
    for code, value in (merged.get("custom_fields") or {}).items():
        if _empty(custom.get(code)) and not _empty(value):
            custom[code] = value
    labels = list(survivor.get("label_ids") or [])
    survivor["label_ids"] = labels + [x for x in merged.get("label_ids") or [] if x not in labels]


def _move(st: State, key: str, old: int, new: int, now: str) -> None:
    """Everything whose `key` is `old` now points at `new` (deals with their change log)."""
    for deal in st.deals.values():
        if deal.get(key) == old:
            before = dict(deal)
            deal.update({key: new, "update_time": now})
            flow.record(st, before, deal, now, st.me_id)
    for act in st.activities.values():
        changed = act.get(key) == old
        if changed:
            act[key] = new
        if key == "person_id":
            for part in act.get("participants") or []:
                if part.get("person_id") == old:
                    part["person_id"] = new
                    changed = True
            parts = act.get("participants") or []
            if len({p["person_id"] for p in parts}) < len(parts):  # both were participants: once
                kept: dict[int, Obj] = {}
                for p in parts:
                    kept[p["person_id"]] = {**p, "primary": p.get("primary") or kept.get(p["person_id"], {}).get("primary", False)}
                act["participants"] = list(kept.values())
        if changed:
            act["update_time"] = now
    if key == "person_id":  # deal participants: the survivor takes part once
        taken = {(p["deal_id"], p["person_id"]) for p in st.participants.values() if p["person_id"] == new}
        for pid, part in list(st.participants.items()):
            if part["person_id"] == old:
                if (part["deal_id"], new) in taken:
                    del st.participants[pid]
                else:
                    part["person_id"] = new
                    taken.add((part["deal_id"], new))
    for note in st.notes.values():
        if note.get(key) == old:
            note.update({key: new, "update_time": v1.v1time_now(now)})
    for f in st.files.values():  # files follow like notes (files_count is counted from them)
        if f.get(key) == old:
            f.update({key: new, "update_time": v1.v1time_now(now)})
    lead_key = "organization_id" if key == "org_id" else key
    for lead in st.leads.values():
        if lead.get(lead_key) == old:
            lead[lead_key] = new
            lead["update_time"] = now


def merge_persons(st: State, person_id: int, body: Any, now: str) -> Obj:
    merged, survivor = _pair(st.persons, person_id, body, "Person")
    for kind in ("emails", "phones", "im"):
        if kind in survivor or kind in merged:
            survivor[kind] = _combine(kind, survivor.get(kind) or [], merged.get(kind) or [])
    _fill(survivor, merged, PERSON_FILL)
    _move(st, "person_id", merged["id"], survivor["id"], now)
    merged.update(is_deleted=True, update_time=now)
    survivor["update_time"] = now
    out = v1shapes.person(st, survivor)
    out["merge_what_id"] = merged["id"]
    return out


def merge_organizations(st: State, org_id: int, body: Any, now: str) -> Obj:
    merged, survivor = _pair(st.organizations, org_id, body, "Organization")
    _fill(survivor, merged, ORG_FILL)
    for person in st.persons.values():
        if person.get("org_id") == merged["id"]:
            person.update(org_id=survivor["id"], update_time=now)
    _move(st, "org_id", merged["id"], survivor["id"], now)
    merged.update(is_deleted=True, update_time=now)
    survivor["update_time"] = now
    return {"id": survivor["id"]}
