"""How v2 entities leave the sandbox: every custom field key (null when unset), the
custom_fields= / include_option_labels= read options, and the optional include_fields=
values computed from the current state. Internal keys (starting with "_") are dropped.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from typing import Any

from tui.sandbox import fields, mailbox
from tui.sandbox import validate as v
from tui.sandbox.state import Obj, State

Query = dict[str, str]

PLURAL = {"deal": "deals", "person": "persons", "organization": "organizations"}
DEAL_INCLUDES = (
    "next_activity_id",
    "last_activity_id",
    "first_won_time",
    "products_count",
    "files_count",
    "notes_count",
    "followers_count",
    "email_messages_count",
    "activities_count",
    "done_activities_count",
    "undone_activities_count",
    "participants_count",
    "last_incoming_mail_time",
    "last_outgoing_mail_time",
    "smart_bcc_email",
    "source_lead_id",
)
PARTY_INCLUDES = (
    "next_activity_id",
    "last_activity_id",
    "open_deals_count",
    "related_open_deals_count",
    "closed_deals_count",
    "related_closed_deals_count",
    "email_messages_count",
    "activities_count",
    "done_activities_count",
    "undone_activities_count",
    "files_count",
    "notes_count",
    "followers_count",
    "won_deals_count",
    "related_won_deals_count",
    "lost_deals_count",
    "related_lost_deals_count",
    "smart_bcc_email",
)
PERSON_INCLUDES = PARTY_INCLUDES + (
    "participant_open_deals_count",
    "participant_closed_deals_count",
    "last_incoming_mail_time",
    "last_outgoing_mail_time",
    "marketing_status",
    "doi_status",
)
ORG_INCLUDES = PARTY_INCLUDES + ("people_count",)
INCLUDES = {"deal": DEAL_INCLUDES, "person": PERSON_INCLUDES, "organization": ORG_INCLUDES, "activity": ("attendees",), "product": ()}
LINK = {"deal": "deal_id", "person": "person_id", "organization": "org_id"}


def includes(entity: str, q: Query) -> list[str]:
    raw = q.get("include_fields")
    if not raw:
        return []
    names = [x.strip() for x in raw.split(",") if x.strip()]
    allowed = INCLUDES[entity]
    for name in names:
        if name not in allowed:
            raise v.bad(f"Validation failed: include_fields: Invalid enum value. Expected {' | '.join(allowed)}, received '{name}'")
        if name in ("marketing_status", "doi_status"):
            raise v.ApiFailure(403, f"{name} can only be included if the company has marketing app access")
    return names


def strip(obj: Obj) -> Obj:
    return {k: copy.deepcopy(val) for k, val in obj.items() if not k.startswith("_")}


def present(st: State, entity: str, items: list[Obj], q: Query) -> list[Obj]:
    extra = includes(entity, q)
    if fields.bool_param(q, "include_labels"):
        raise v.bad(
            "include_labels=true is not supported by the sandbox (label objects are not modelled); read the labels from the fields API"
        )
    cdefs = fields.custom_defs(st, entity) if entity in fields.ENTITY_FIELDS else None
    out = []
    for item in items:
        obj = strip(item)
        if entity == "deal":
            obj.setdefault("source_lead_id", None)
        if cdefs is not None:
            obj["custom_fields"] = fields.present_custom(st, entity, item.get("custom_fields"), q, cdefs)
        out.append(obj)
    if extra:
        values = _computed(st, entity, items, extra)
        for obj, item in zip(out, items):
            for name in extra:
                obj[name] = values[name](item)
    return out


def one(st: State, entity: str, item: Obj, q: Query) -> Obj:
    return present(st, entity, [item], q)[0]


def _activity_order(a: Obj) -> tuple[str, str, int]:
    return (a.get("due_date") or "9999-99-99", a.get("due_time") or "", a["id"])


def _computed(st: State, entity: str, items: list[Obj], names: list[str]) -> dict[str, Any]:
    ids = {i["id"] for i in items}
    if entity == "activity":
        return {"attendees": lambda a: copy.deepcopy(a.get("_attendees") or [])}
    key = LINK.get(entity)
    acts: dict[int, list[Obj]] = defaultdict(list)
    notes: dict[int, int] = defaultdict(int)
    deals: dict[int, list[Obj]] = defaultdict(list)
    if any("activit" in n for n in names):
        for a in st.activities.values():
            if not a.get("is_deleted") and a.get(key) in ids:  # type: ignore[arg-type,index]
                acts[a[key]].append(a)  # type: ignore[arg-type,index]
    if "notes_count" in names:
        for n in st.notes.values():
            if n.get("active_flag") and n.get(key) in ids:  # type: ignore[arg-type,index]
                notes[n[key]] += 1  # type: ignore[arg-type,index]
    if entity != "deal" and any("deals_count" in n for n in names):
        for d in st.deals.values():
            if not d.get("is_deleted") and d.get(key) in ids:  # type: ignore[arg-type,index]
                deals[d[key]].append(d)  # type: ignore[arg-type,index]
    domain = st.company.get("company_domain") or "demo"
    mail = mailbox.index(st) if any("mail" in n for n in names) else None
    # counts of what points at the listed items, each built once per request (a scan of the
    # whole collection per item made a 500-item page of a 10k-deal sandbox take seconds)
    files: dict[Any, int] = defaultdict(int)
    if "files_count" in names:
        for f in st.files.values():
            if f.get("active_flag") and f.get(key) in ids:  # type: ignore[arg-type]
                files[f.get(key)] += 1  # type: ignore[arg-type]
    participants: dict[int, int] = defaultdict(int)
    if "participants_count" in names:
        for part in st.participants.values():
            if part["deal_id"] in ids:
                participants[part["deal_id"]] += 1
    products: dict[int, int] = defaultdict(int)
    if "products_count" in names:
        for line in st.deal_products.values():
            if line["deal_id"] in ids:
                products[line["deal_id"]] += 1
    people: dict[int, int] = defaultdict(int)
    if "people_count" in names:
        for person in st.persons.values():
            if person.get("org_id") in ids and not person.get("is_deleted"):
                people[person["org_id"]] += 1

    def nxt(i: Obj) -> int | None:
        pending = sorted((a for a in acts[i["id"]] if not a.get("done")), key=_activity_order)
        return pending[0]["id"] if pending else None

    def last(i: Obj) -> int | None:
        done = sorted((a for a in acts[i["id"]] if a.get("done")), key=_activity_order)
        return done[-1]["id"] if done else None

    def count(status: set[str]) -> Any:
        return lambda i: sum(1 for d in deals[i["id"]] if d["status"] in status)

    table: dict[str, Any] = {
        "next_activity_id": nxt,
        "last_activity_id": last,
        "activities_count": lambda i: len(acts[i["id"]]),
        "done_activities_count": lambda i: sum(1 for a in acts[i["id"]] if a.get("done")),
        "undone_activities_count": lambda i: sum(1 for a in acts[i["id"]] if not a.get("done")),
        "notes_count": lambda i: notes[i["id"]],
        "files_count": lambda i: files[i["id"]],
        "email_messages_count": lambda i: mail.count(entity, i["id"]) if mail else 0,
        "followers_count": lambda i: len(st.followers.get((PLURAL[entity], i["id"]), [])),
        "last_incoming_mail_time": lambda i: mail.last(entity, i["id"], False) if mail else None,
        "last_outgoing_mail_time": lambda i: mail.last(entity, i["id"], True) if mail else None,
        "smart_bcc_email": lambda i: f"{domain}+{entity}{i['id']}@pipedrivemail.com",
        "open_deals_count": count({"open"}),
        "closed_deals_count": count({"won", "lost"}),
        "won_deals_count": count({"won"}),
        "lost_deals_count": count({"lost"}),
        "related_open_deals_count": lambda i: 0,
        "related_closed_deals_count": lambda i: 0,
        "related_won_deals_count": lambda i: 0,
        "related_lost_deals_count": lambda i: 0,
        "participant_open_deals_count": lambda i: 0,
        "participant_closed_deals_count": lambda i: 0,
        "people_count": lambda i: people[i["id"]],
        "first_won_time": lambda i: i.get("_first_won_time") or i.get("won_time"),
        "products_count": lambda i: products[i["id"]],
        "participants_count": lambda i: participants[i["id"]],
        "source_lead_id": lambda i: i.get("source_lead_id"),
    }
    return {n: table[n] for n in names}
