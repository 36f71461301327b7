"""Demo data added after the core entities, from its own random stream (so the deals,
persons, organizations, activities and notes of a seed do not change): products, leads with
labels and saved filters; with extras=True also products on every fourth deal (their sums
equal the deals' values), demo values for every custom field type and notes/activities on
leads. (A deal with products refuses manual value edits, which the app's tests make.)"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta

from tui.sandbox import catalog, fields
from tui.sandbox.filters import field_defs
from tui.sandbox.state import Obj, State


def _ts(dt: datetime) -> str:
    return dt.isoformat(timespec="seconds")[:19] + "Z"


def _v1(dt: datetime) -> str:
    return dt.isoformat(sep=" ", timespec="seconds")[:19]


def add(st: State, seed: int, now: datetime, *, extras: bool, contact_sync: bool = False) -> None:
    rng = random.Random(seed * 7919 + 104729)
    long_ago = now - timedelta(days=400)
    _products(st, long_ago)
    _labels_and_filters(st, long_ago)
    _leads(st, rng, now)
    _attendees(st, random.Random(seed * 104729 + 31))
    if contact_sync:
        st.contact_sync = True
        _contact_sync(st, random.Random(seed * 7919 + 31))
    if extras:
        _deal_products(st)
        _custom_values(st, rng, now)
        _lead_notes_and_activities(st, rng, now)
        _archive_some(st, now)


def _products(st: State, when: datetime) -> None:
    for pid, (name, code, unit, tax, category, freq, cycles, prices) in enumerate(catalog.PRODUCTS, start=1):
        st.products[pid] = {
            "id": pid,
            "name": name,
            "code": code,
            "unit": unit,
            "tax": tax,
            "is_deleted": False,
            "is_linkable": code != "LEG-CON",
            "visible_to": 3,
            "owner_id": 1,
            "add_time": _ts(when),
            "update_time": _ts(when + timedelta(days=pid)),
            "description": f"{name} ({unit})",
            "category": category,
            "custom_fields": {catalog.code("product", "Product family"): catalog.CATEGORY_IDS[category]},
            "billing_frequency": freq,
            "billing_frequency_cycles": cycles,
            "prices": [
                {"product_id": pid, "price": price, "currency": cur, "cost": round(price * 0.4, 2), "direct_cost": None, "notes": ""}
                for cur, price in prices.items()
            ],
        }


def _deal_products(st: State) -> None:
    """Every fourth deal carries one product line whose sum is exactly the deal's value."""
    linkable = [p for p in st.products.values() if p["is_linkable"]]
    line = 0
    for did in range(1, len(st.deals) + 1, 4):
        deal = st.deals[did]
        product = linkable[(did * 7) % len(linkable)]
        value = deal["value"]
        qty = next(q for q in (10, 5, 2, 1) if value % (q * 50) == 0 or q == 1)
        line += 1
        st.deal_products[line] = {
            "id": line,
            "sum": value,
            "tax": product["tax"],
            "deal_id": did,
            "name": product["name"],
            "product_id": product["id"],
            "product_variation_id": None,
            "order_nr": 1,
            "add_time": deal["add_time"],
            "update_time": deal["add_time"],
            "comments": "",
            "currency": deal["currency"],
            "discount": 0,
            "discount_type": "percentage",
            "quantity": qty,
            "item_price": value / qty,
            "tax_method": "inclusive" if product["tax"] else "none",
            "is_enabled": True,
            "billing_frequency": "one-time",
            "billing_frequency_cycles": None,
            "billing_start_date": None,
        }


def _labels_and_filters(st: State, when: datetime) -> None:
    stamp = _ts(when)[:19] + ".000Z"
    for lid, name, color in catalog.LEAD_LABELS:
        st.lead_labels[lid] = {"id": lid, "name": name, "color": color, "add_time": stamp, "update_time": stamp}
    for fid, (name, ftype, conds_and, conds_or) in enumerate(catalog.demo_filters(), start=1):
        groups = []
        for glue, conds in (("and", conds_and), ("or", conds_or)):
            items = []
            for obj, field_id, op, value in conds:
                code = next(f["field_code"] for f in field_defs(st, obj) if f["_id"] == field_id)
                items.append(
                    {
                        "object": obj,
                        "field_id": str(field_id),
                        "operator": op,
                        "value": value,
                        "extra_value": None,
                        "json_value_flag": False,
                        "field_code": code,
                    }
                )
            groups.append({"glue": glue, "conditions": items})
        st.filters[fid] = {
            "id": fid,
            "name": name,
            "filter_code": None,
            "is_editable": True,
            "active_flag": True,
            "type": ftype,
            "temporary_flag": None,
            "user_id": 1,
            "add_time": _v1(when),
            "update_time": _v1(when + timedelta(days=fid)),
            "visible_to": "7",
            "last_used_time": None,
            "custom_view_id": None,
            "conditions": {"glue": "and", "conditions": groups},
        }


LEAD_TITLES = [
    "Inbound demo request",
    "Webinar attendee",
    "Trade show contact",
    "Pricing page visitor",
    "Referral",
    "Newsletter reply",
    "Partner intro",
    "Chat conversation",
]
SOURCES = ["Manually created", "Web forms", "Import", "Live chat", "Prospector", "Leadbooster"]


def _leads(st: State, rng: random.Random, now: datetime) -> None:
    n_persons, n_orgs = len(st.persons), len(st.organizations)
    users = list(st.users)
    labels = list(st.lead_labels)
    for n in range(1, max(4, len(st.deals) // 10) + 1):
        lid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        person_id = rng.randint(1, n_persons) if n % 5 else None
        org_id = st.persons[person_id]["org_id"] if person_id else rng.randint(1, n_orgs)
        who = st.organizations[org_id]["name"] if org_id else st.persons[person_id]["name"]  # type: ignore[index]
        add = now - timedelta(days=rng.randint(0, 90), seconds=rng.randint(0, 86399))
        upd = add + (now - add) * rng.random()
        amount = rng.randrange(1000, 40000, 500) if rng.random() < 0.6 else None
        source = rng.choice(SOURCES)
        st.leads[lid] = {
            "id": lid,
            "title": f"{who} – {rng.choice(LEAD_TITLES)}",
            "owner_id": rng.choice(users),
            "creator_id": 1,
            "label_ids": [rng.choice(labels)] if rng.random() < 0.5 else [],
            "person_id": person_id,
            "organization_id": org_id,
            "source_name": source,
            "origin": "ManuallyCreated" if source == "Manually created" else "Import",
            "origin_id": None,
            "channel": None,
            "channel_id": None,
            "source_deal_id": None,
            "is_archived": rng.random() < 0.1,
            "was_seen": rng.random() < 0.7,
            "value": {"amount": amount, "currency": "EUR"} if amount else None,
            "expected_close_date": (now.date() + timedelta(days=rng.randint(10, 120))).isoformat() if rng.random() < 0.5 else None,
            "next_activity_id": None,
            "add_time": _ts(add)[:19] + ".000Z",
            "update_time": _ts(upd)[:19] + ".000Z",
            "visible_to": "3",
            "cc_email": f"{st.company.get('company_domain')}+lead{n}@pipedrivemail.com",
        }


REGIONS = ["DACH", "Nordics", "Benelux", "UK & Ireland", "Iberia", "North America", "APAC"]
TEXTS = [
    "Prefers quarterly invoicing.",
    "Procurement requires three quotes.",
    "Security review scheduled.",
    "Long-standing customer; expansion likely.",
    "Budget owner is the CFO.",
]
ADDRESSES = [
    ("Unter den Linden 5, 10117 Berlin, Germany", "Germany", "Berlin", "Unter den Linden", "5", "10117"),
    ("10 Downing St, London SW1A 2AA, United Kingdom", "United Kingdom", "London", "Downing St", "10", "SW1A 2AA"),
    ("Rue de Rivoli 99, 75001 Paris, France", "France", "Paris", "Rue de Rivoli", "99", "75001"),
]


def _value(st: State, rng: random.Random, f: Obj, now: datetime, oid: int) -> object:
    kind = f["field_type"]
    today = now.date()
    if kind in ("enum", "set"):
        ids = [o["id"] for o in f["options"]]
        return rng.choice(ids) if kind == "enum" else sorted(rng.sample(ids, rng.randint(1, 2)))
    if kind == "double":
        return rng.randrange(5, 5000, 5)
    if kind == "monetary":
        return {"value": rng.randrange(1000, 200000, 500), "currency": rng.choice(["EUR", "USD", "GBP"])}
    if kind == "date":
        return (today + timedelta(days=rng.randint(-200, 200))).isoformat()
    if kind == "daterange":
        start = today + timedelta(days=rng.randint(-30, 90))
        return {"value": start.isoformat(), "until": (start + timedelta(days=rng.choice([14, 30, 90]))).isoformat()}
    if kind in ("time", "timerange"):
        hour = rng.randint(8, 16)
        out = {"value": f"{hour:02d}:{rng.choice(['00', '30'])}:00"}
        if kind == "timerange":
            out["until"] = f"{hour + 1:02d}:00:00"
        return {**out, "timezone_id": None, "timezone_name": "Europe/Berlin"}
    if kind == "address":
        value, country, city, route, number, postal = rng.choice(ADDRESSES)
        return {
            "value": value,
            "country": country,
            "admin_area_level_1": None,
            "admin_area_level_2": None,
            "locality": city,
            "sublocality": None,
            "route": route,
            "street_number": number,
            "subpremise": None,
            "postal_code": postal,
            "formatted_address": value,
        }
    if kind == "user":
        return rng.choice(list(st.users))
    if kind == "people":
        return rng.randint(1, len(st.persons))
    if kind == "org":
        return rng.randint(1, len(st.organizations))
    if kind == "phone":
        return f"+49 89 {rng.randint(1000000, 9999999)}"
    if kind == "varchar_auto":
        return rng.choice(REGIONS)
    if kind == "text":
        return rng.choice(TEXTS)
    return f"PO-{oid:06d}" if f["field_name"] == "PO number" else f"DE{rng.randint(100000000, 999999999)}"


def _custom_values(st: State, rng: random.Random, now: datetime) -> None:
    for entity, coll in (("deal", st.deals), ("person", st.persons), ("organization", st.organizations)):
        cdefs = [
            f
            for f in fields.custom_defs(st, entity)
            if f["field_code"] not in (catalog.LEAD_SOURCE_CODE, catalog.CONTRACT_CODE, catalog.LANGUAGE_CODE, catalog.SEGMENT_CODE)
        ]
        for obj in coll.values():
            values = obj.setdefault("custom_fields", {})
            for f in cdefs:
                if rng.random() < 0.6:
                    values[f["field_code"]] = _value(st, rng, f, now, obj["id"])


def _lead_notes_and_activities(st: State, rng: random.Random, now: datetime) -> None:
    note_id = max(st.notes, default=0)
    act_id = max(st.activities, default=0)
    for n, lead in enumerate(st.leads.values()):
        if n % 3:
            continue
        add = now - timedelta(days=rng.randint(0, 20), seconds=rng.randint(0, 86399))
        note_id += 1
        st.notes[note_id] = {
            "id": note_id,
            "content": f"<p>Qualification call notes for {lead['title']}.</p>",
            "deal_id": None,
            "person_id": None,
            "org_id": None,
            "lead_id": lead["id"],
            "project_id": None,
            "user_id": lead["owner_id"],
            "last_update_user_id": lead["owner_id"],
            "active_flag": True,
            "add_time": _v1(add),
            "update_time": _v1(add),
            "pinned_to_deal_flag": False,
            "pinned_to_person_flag": False,
            "pinned_to_organization_flag": False,
            "pinned_to_lead_flag": n % 2 == 0,
            "pinned_to_project_flag": False,
            "task_id": None,
            "pinned_to_task_flag": False,
        }
        act_id += 1
        due = now.date() + timedelta(days=rng.randint(-3, 10))
        person_id = lead.get("person_id")
        st.activities[act_id] = {
            "id": act_id,
            "subject": "Qualify lead",
            "type": "call",
            "owner_id": lead["owner_id"],
            "creator_user_id": 1,
            "is_deleted": False,
            "add_time": _ts(add),
            "update_time": _ts(add),
            "deal_id": None,
            "lead_id": lead["id"],
            "person_id": person_id,
            "org_id": lead.get("organization_id"),
            "project_id": None,
            "due_date": due.isoformat(),
            "due_time": "10:00",
            "duration": "00:30",
            "busy": True,
            "done": False,
            "marked_as_done_time": None,
            "location": None,
            "participants": [{"person_id": person_id, "primary": True}] if person_id else [],
            "public_description": None,
            "priority": None,
            "note": None,
            "conference_meeting_client": None,
            "conference_meeting_url": None,
            "conference_meeting_id": None,
        }


def _archive_some(st: State, now: datetime) -> None:
    """A few closed deals were archived a while ago (they leave /deals for /deals/archived)."""
    for deal in st.deals.values():
        if deal["id"] % 15 == 0 and deal["status"] in ("won", "lost"):
            deal.update(is_archived=True, archive_time=_ts(now - timedelta(days=deal["id"] % 40 + 1)))


JOB_TITLES = ("Head of Sales", "CTO", "Procurement Manager", "Office Manager", "Geschäftsführerin", "Account Executive")
IM_KINDS = ("skype", "whatsapp", "telegram", "slack")
POSTAL = (
    ("Torstraße", "10119", "Berlin", "Germany", "Berlin"),
    ("Calle de Alcalá", "28014", "Madrid", "Spain", "Comunidad de Madrid"),
    ("Main Street", "94085", "Sunnyvale", "United States", "CA"),
)


def _contact_sync(st: State, rng: random.Random) -> None:
    """An account with Contact Sync: every person has its fields; about a third filled."""
    for pid, person in st.persons.items():
        filled = pid % 3 == 1
        person.update(im=[], postal_address=None, birthday=None, job_title=None, notes=None)
        if not filled:
            continue
        slug = (person.get("first_name") or "person").lower()
        street, postal, city, country, area = rng.choice(POSTAL)
        number = str(rng.randint(1, 120))
        person.update(
            im=[{"value": f"{slug}.{pid}", "primary": True, "label": rng.choice(IM_KINDS)}],
            postal_address={
                "value": f"{street} {number}, {postal} {city}, {country}",
                "country": country,
                "admin_area_level_1": area,
                "admin_area_level_2": None,
                "locality": city,
                "sublocality": None,
                "route": street,
                "street_number": number,
                "subpremise": None,
                "postal_code": postal,
            },
            birthday=f"{rng.randint(1960, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            job_title=rng.choice(JOB_TITLES),
            notes="Met at the trade fair; prefers calls in the morning." if pid % 2 else None,
        )


def _attendees(st: State, rng: random.Random) -> None:
    """Calendar-synced meetings: every sixth activity with a person has attendees (served with
    include_fields=attendees, as the v2 spec has it)."""
    me = st.users.get(st.me_id) or {}
    for aid, act in st.activities.items():
        person = st.persons.get(act.get("person_id") or -1)
        if aid % 6 or person is None:
            continue
        email = next((e["value"] for e in person.get("emails") or [] if e.get("primary")), None)
        act["_attendees"] = [
            {
                "email": me.get("email"),
                "name": me.get("name"),
                "status": "accepted",
                "is_organizer": True,
                "person_id": None,
                "user_id": st.me_id,
            },
            {
                "email": email,
                "name": person["name"],
                "status": rng.choice(["accepted", "tentative", "noreply", "declined"]),
                "is_organizer": False,
                "person_id": person["id"],
                "user_id": None,
            },
        ]
