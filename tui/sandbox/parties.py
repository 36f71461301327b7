"""v2 persons and organizations."""

from __future__ import annotations

from typing import Any

from tui.sandbox import fields
from tui.sandbox import validate as v
from tui.sandbox.state import Obj, State
from tui.sandbox.v2 import ADDRESS_KEYS, Query, _check_address, _labels, _visible, check_refs, get_live, int_param, listing, live

PERSON_KEYS = {
    "name",
    "owner_id",
    "org_id",
    "emails",
    "phones",
    "visible_to",
    "label_ids",
    "custom_fields",
    "marketing_status",
    "first_name",
    "last_name",
}
CONTACT_SYNC = {"postal_address", "notes", "im", "birthday", "job_title"}
ORG_KEYS = {
    "name",
    "owner_id",
    "address",
    "visible_to",
    "label_ids",
    "custom_fields",
    "website",
    "linkedin",
    "industry",
    "annual_revenue",
    "employee_count",
}


def _normalise_contacts(values: list[Obj] | None) -> list[Obj]:
    out = [{"value": c["value"], "primary": bool(c.get("primary", False)), "label": c.get("label") or "work"} for c in (values or [])]
    if out and not any(c["primary"] for c in out):
        out[0]["primary"] = True
    return out


def _check_person(st: State, body: dict[str, Any], *, create: bool) -> None:
    gated = sorted(set(body) & CONTACT_SYNC)
    if gated and not st.contact_sync:
        raise v.ApiFailure(403, f"{gated[0]} can only be written when the company has Contact Sync enabled")
    v.unknown_keys(body, PERSON_KEYS | (CONTACT_SYNC if st.contact_sync else set()))
    if st.contact_sync:
        v.contact_list(body, "im")
        _check_address(body, "postal_address")
        for key in ("birthday", "job_title", "notes"):
            v.opt_str(body, key, allow_empty=True)
        if body.get("birthday") and not _is_date(body["birthday"]):
            raise v.bad("Validation failed: birthday: Expected a date (YYYY-MM-DD)")
    split = "first_name" in body or "last_name" in body
    if split:  # the migration guide: either name, or first_name and last_name (not both empty)
        for key in ("first_name", "last_name"):
            v.opt_str(body, key, required=True, allow_empty=True)
        if "name" in body:
            raise v.bad("Validation failed: send either name or first_name and last_name")
        if not (body["first_name"].strip() or body["last_name"].strip()):
            raise v.bad("Validation failed: first_name and last_name cannot both be empty")
    else:
        v.opt_str(body, "name", required=create or "name" in body)
    if body.get("marketing_status") is not None:
        raise v.ApiFailure(403, "marketing_status can only be written when the company has the Campaigns app")
    for key in ("owner_id", "org_id", "visible_to"):
        v.opt_int(body, key)
    _visible(body)
    _labels(st, "person", body)
    v.contact_list(body, "emails")
    v.contact_list(body, "phones")
    check_refs(st, body)


def _is_date(value: str) -> bool:
    from datetime import date

    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def _names(body: dict[str, Any]) -> tuple[str, str, str | None]:
    if "first_name" in body:
        first, last = body["first_name"].strip(), body["last_name"].strip()
        return f"{first} {last}".strip(), first, last or None
    name = body["name"].strip()
    first, _, last = name.partition(" ")
    return name, first, last or None


def create_person(st: State, body: dict[str, Any], now: str) -> Obj:
    _check_person(st, body, create=True)
    custom = fields.check_custom(st, "person", body.get("custom_fields"))
    name, first, last = _names(body)
    person: Obj = {
        "id": st.new_id("persons"),
        "name": name,
        "first_name": first,
        "last_name": last,
        "owner_id": body.get("owner_id", st.me_id),
        "org_id": body.get("org_id"),
        "add_time": now,
        "update_time": now,
        "emails": _normalise_contacts(body.get("emails")),
        "phones": _normalise_contacts(body.get("phones")),
        "is_deleted": False,
        "visible_to": body.get("visible_to", 3),
        "label_ids": body.get("label_ids") or [],
        "picture_id": None,
        "custom_fields": custom,
    }
    if st.contact_sync:
        person.update({"im": [], "postal_address": None, "birthday": None, "job_title": None, "notes": None})
        person.update({k: body[k] for k in CONTACT_SYNC if k in body})
        person["im"] = _normalise_contacts(person["im"])
        person["postal_address"] = _address(person["postal_address"])
    st.persons[person["id"]] = person
    return person


def update_person(st: State, person_id: int, body: dict[str, Any], now: str) -> Obj:
    person = get_live(st.persons, person_id, "Person")
    _check_person(st, body, create=False)
    custom = fields.check_custom(st, "person", body.get("custom_fields"))
    body = {k: val for k, val in body.items() if k != "custom_fields"}
    for key in ("emails", "phones", "im"):
        if key in body:
            body[key] = _normalise_contacts(body[key])
    if "postal_address" in body:
        body["postal_address"] = _address(body["postal_address"])
    if "name" in body or "first_name" in body:
        name, first, last = _names(body)
        body.update(name=name, first_name=first, last_name=last)
    person.update(body)
    person.setdefault("custom_fields", {}).update(custom)
    person["update_time"] = now
    return person


def list_persons(st: State, q: Query, now: str) -> tuple[list[Obj], dict[str, Any]]:
    items = live(st.persons)
    deal_id = int_param(q, "deal_id")
    if deal_id is not None and q.get("filter_id") in (None, ""):
        deal = st.deals.get(deal_id)
        linked = {deal.get("person_id")} if deal else set()
        linked |= {
            p["person_id"]
            for a in st.activities.values()
            if a.get("deal_id") == deal_id and not a.get("is_deleted")
            for p in a.get("participants") or []
        }
        items = [p for p in items if p["id"] in linked]
    return listing(st, items, q, filters_=("owner_id", "org_id"), sorts=("id", "update_time", "add_time"), ftype="people", now=now)


def _address(addr: Obj | None) -> Obj | None:
    if addr is None:
        return None
    return {k: addr.get(k) for k in ADDRESS_KEYS}


def _check_org(st: State, body: dict[str, Any], *, create: bool) -> None:
    v.unknown_keys(body, ORG_KEYS)
    v.opt_str(body, "name", required=create or "name" in body)
    for key in ("owner_id", "visible_to", "industry", "annual_revenue", "employee_count"):
        v.opt_int(body, key)
    for key in ("website", "linkedin"):
        v.opt_str(body, key)
    _visible(body)
    _labels(st, "organization", body)
    _check_address(body, "address")
    check_refs(st, body)


def create_org(st: State, body: dict[str, Any], now: str) -> Obj:
    _check_org(st, body, create=True)
    custom = fields.check_custom(st, "organization", body.get("custom_fields"))
    org: Obj = {
        "id": st.new_id("organizations"),
        "name": body["name"].strip(),
        "owner_id": body.get("owner_id", st.me_id),
        "add_time": now,
        "update_time": now,
        "address": _address(body.get("address")),
        "is_deleted": False,
        "visible_to": body.get("visible_to", 3),
        "label_ids": body.get("label_ids") or [],
        "website": None,
        "linkedin": None,
        "industry": None,
        "annual_revenue": None,
        "employee_count": None,
        "custom_fields": custom,
    }
    for key in ("website", "linkedin", "industry", "annual_revenue", "employee_count"):
        if key in body:
            org[key] = body[key]
    st.organizations[org["id"]] = org
    return org


def update_org(st: State, org_id: int, body: dict[str, Any], now: str) -> Obj:
    org = get_live(st.organizations, org_id, "Organization")
    _check_org(st, body, create=False)
    custom = fields.check_custom(st, "organization", body.get("custom_fields"))
    body = {k: val for k, val in body.items() if k != "custom_fields"}
    if "address" in body:
        body["address"] = _address(body["address"])
    if "name" in body:
        body["name"] = body["name"].strip()
    org.update(body)
    org.setdefault("custom_fields", {}).update(custom)
    org["update_time"] = now
    return org
