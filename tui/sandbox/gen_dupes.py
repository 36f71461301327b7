"""Likely duplicates for the demo (generate(duplicates=True)), from a random stream of their
own so every other item of a seed stays the same. Each is a new item after the generated ones:

- a second "Marta O'Brien" whose e-mail is the first one's, cased differently, with a deal,
  an activity and a note of her own (the pair to merge in the demo);
- a person whose phone has another person's digits written differently ("0049 (30) 204-0252"
  for "+49 30 2040252"), under a shortened name;
- two organizations "Acme GmbH" and "ACME GmbH " at the same address, each with a person.
"""

from __future__ import annotations

import copy
import random
from datetime import datetime, timedelta

from tui.sandbox.state import Obj, State

MARTA = "Marta O'Brien"


def _ts(dt: datetime) -> str:
    return dt.isoformat(timespec="seconds")[:19] + "Z"


def _v1(dt: datetime) -> str:
    return dt.isoformat(sep=" ", timespec="seconds")[:19]


def _spaced(digits: str) -> str:
    """+49 30 2040252 -> 0049 (30) 204-0252: the same digits, written another way."""
    country, area, number = digits[:2], digits[2:4], digits[4:]
    return f"00{country} ({area}) {number[:3]}-{number[3:]}"


def add(st: State, seed: int, now: datetime) -> None:
    rng = random.Random(seed * 7927 + 15485863)
    if not st.persons:
        return
    when = now - timedelta(days=rng.randint(3, 20), seconds=rng.randint(0, 86399))
    marta = next((p for p in st.persons.values() if p["name"] == MARTA), None)
    if marta is None:  # another seed: the first person with a plain name and two e-mails
        marta = next((p for p in st.persons.values() if len(p.get("emails") or []) > 1), next(iter(st.persons.values())))
    twin = _person(st, marta, marta["name"], when)
    email = marta["emails"][0]["value"]
    twin["emails"] = [{"value": email[:1].upper() + email[1:].replace("@example", "@Example"), "primary": True, "label": "work"}]
    twin["phones"] = [{"value": f"+44 20 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}", "primary": True, "label": "mobile"}]
    twin["org_id"] = None
    # a quick entry: none of the original's custom fields, Contact Sync's fields blank
    twin["custom_fields"] = {code: None for code in marta.get("custom_fields") or {}}
    for key in ("postal_address", "birthday", "notes"):
        if key in twin:
            twin[key] = None
    _deal_activity_note(st, twin, when, rng)

    caller = next(
        (p for p in st.persons.values() if p["id"] != marta["id"] and (p.get("phones") or [{}])[0].get("value", "").startswith("+49 30 ")),
        None,
    )
    if caller is not None:
        first, _, last = caller["name"].partition(" ")
        short = f"{first[:1]}. {last}" if last else caller["name"]
        alias = _person(st, caller, short, when + timedelta(hours=1))
        digits = "".join(ch for ch in caller["phones"][0]["value"] if ch.isdigit())
        alias["phones"] = [{"value": _spaced(digits), "primary": True, "label": "work"}]
        alias["emails"] = []

    base = next(iter(st.organizations.values()), None)
    if base is None:
        return
    for i, name in enumerate(("Acme GmbH", "ACME GmbH ")):
        org = copy.deepcopy(base)
        oid = max(st.organizations) + 1
        org.update(id=oid, name=name, add_time=_ts(when + timedelta(days=i)), update_time=_ts(when + timedelta(days=i, hours=2)))
        org["address"] = {**(base.get("address") or {}), "value": "Hauptstraße 5, 10115 Berlin, Germany", "locality": "Berlin"}
        if i == 1:  # the later one: a website, custom fields left empty
            org["website"] = "https://acme.example"
            org["custom_fields"] = {code: None for code in base.get("custom_fields") or {}}
        st.organizations[oid] = org
        contact = _person(st, marta, ("Jonas Weber", "Lea Vogel")[i], when + timedelta(days=i))
        contact["org_id"] = oid
        slug = contact["name"].lower().replace(" ", ".")
        contact["emails"] = [{"value": f"{slug}@acme.example", "primary": True, "label": "work"}]
        contact["phones"] = [{"value": f"+49 30 {rng.randint(1000000, 9999999)}", "primary": True, "label": "work"}]


def _person(st: State, model: Obj, name: str, when: datetime) -> Obj:
    person = copy.deepcopy(model)
    pid = max(st.persons) + 1
    first, _, last = name.partition(" ")
    person.update(id=pid, name=name, first_name=first, last_name=last or None, add_time=_ts(when), update_time=_ts(when))
    person["label_ids"] = []
    st.persons[pid] = person
    return person


def _deal_activity_note(st: State, person: Obj, when: datetime, rng: random.Random) -> None:
    model = next((d for d in st.deals.values() if d["status"] == "open" and not d.get("is_deleted")), None)
    if model is not None:
        deal = copy.deepcopy(model)
        did = max(st.deals) + 1
        deal.update(
            id=did,
            title=f"{person['name']} – Follow-up workshop",
            person_id=person["id"],
            org_id=None,
            value=float(rng.randrange(2000, 20000, 500)),
            currency="EUR",
            add_time=_ts(when),
            update_time=_ts(when + timedelta(hours=3)),
            stage_change_time=_ts(when),
        )
        st.deals[did] = deal
    aid = max(st.activities) + 1 if st.activities else 1
    st.activities[aid] = {
        **copy.deepcopy(next(iter(st.activities.values()), {})),
        "id": aid,
        "subject": "Call back about the workshop",
        "type": "call",
        "deal_id": None,
        "lead_id": None,
        "person_id": person["id"],
        "org_id": None,
        "done": False,
        "marked_as_done_time": None,
        "due_date": (when + timedelta(days=10)).date().isoformat(),
        "due_time": "09:30",
        "duration": "00:15",
        "participants": [{"person_id": person["id"], "primary": True}],
        "add_time": _ts(when),
        "update_time": _ts(when),
        "is_deleted": False,
    }
    nid = max(st.notes) + 1 if st.notes else 1
    st.notes[nid] = {
        **copy.deepcopy(next(iter(st.notes.values()), {})),
        "id": nid,
        "content": "Wrote in from another address: the same person as before?",
        "deal_id": None,
        "person_id": person["id"],
        "org_id": None,
        "lead_id": None,
        "add_time": _v1(when),
        "update_time": _v1(when),
        "pinned_to_deal_flag": False,
    }
