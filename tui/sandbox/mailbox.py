"""The sandbox's mailbox: mail threads and their messages as Pipedrive's v1 mail API shows
them, which deal/person/organization a message belongs to, and the figures the items carry
(email_messages_count, last_incoming_mail_time, last_outgoing_mail_time).

A message belongs to a deal when its thread is linked to the deal (`deal_id`), to a person
when the person is one of its parties (linked_person_id), to an organization when one of
the organization's people is a party or its thread is linked to one of its deals. Incoming
messages have sent_flag 0, the user's own sent_flag 1. The HTML body is kept in "_body".
"""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from tui.sandbox import validate as v
from tui.sandbox.state import Obj, State

HIDDEN = ("_body",)


def ms_time(ts: str) -> str:
    """RFC 3339 whole seconds -> the mail API's form (2026-11-18T09:30:00.000Z)."""
    return ts[:19] + ".000Z"


def message_out(m: Obj, include_body: bool = False) -> Obj:
    out = {k: copy.deepcopy(val) for k, val in m.items() if not k.startswith("_")}
    if include_body:
        out["body"] = m.get("_body") or ""
    return out


def get_message(st: State, message_id: int) -> Obj:
    m = st.mail_messages.get(message_id)
    if m is None or m.get("deleted_flag"):
        raise v.not_found("Mail message")
    return m


def get_thread(st: State, thread_id: int) -> Obj:
    t = st.mail_threads.get(thread_id)
    if t is None or t.get("deleted_flag"):
        raise v.not_found("Mail thread")
    return t


def thread_messages(st: State, thread_id: int) -> list[Obj]:
    get_thread(st, thread_id)
    found = [m for m in st.mail_messages.values() if m["mail_thread_id"] == thread_id and not m.get("deleted_flag")]
    return sorted(found, key=lambda m: (m["message_time"], m["id"]))


def _persons(m: Obj) -> set[int]:
    return {p["linked_person_id"] for key in ("from", "to", "cc") for p in m.get(key) or [] if p.get("linked_person_id")}


@dataclass
class Index:
    """Which messages belong to which item: ("deal", id) -> [message, ...]."""

    by_item: dict[tuple[str, int], list[Obj]] = field(default_factory=lambda: defaultdict(list))

    def messages(self, entity: str, item_id: int) -> list[Obj]:
        return self.by_item.get((entity, item_id), [])

    def count(self, entity: str, item_id: int) -> int:
        return len(self.messages(entity, item_id))

    def last(self, entity: str, item_id: int, sent: bool) -> str | None:
        times = [m["message_time"] for m in self.messages(entity, item_id) if bool(m.get("sent_flag")) == sent]
        return max(times)[:19] + "Z" if times else None


def index(st: State) -> Index:
    idx = Index()
    if not st.mail_messages:
        return idx
    deal_org = {d["id"]: d.get("org_id") for d in st.deals.values()}
    person_org = {p["id"]: p.get("org_id") for p in st.persons.values()}
    for m in st.mail_messages.values():
        if m.get("deleted_flag"):
            continue
        thread = st.mail_threads.get(m["mail_thread_id"]) or {}
        deal_id = thread.get("deal_id")
        persons = _persons(m)
        orgs = {person_org.get(p) for p in persons} | {deal_org.get(deal_id) if deal_id else None}
        keys = [("person", p) for p in persons] + [("organization", o) for o in orgs if o]
        if deal_id:
            keys.append(("deal", deal_id))
        for key in keys:
            idx.by_item[key].append(m)
    return idx


def of_item(st: State, entity: str, item_id: int) -> list[Obj]:
    coll = {"deal": st.deals, "person": st.persons, "organization": st.organizations}[entity]
    item = coll.get(item_id)
    if item is None or item.get("is_deleted"):
        raise v.not_found(entity.capitalize())
    found = index(st).messages(entity, item_id)
    return sorted(found, key=lambda m: (m["message_time"], m["id"]), reverse=True)


def figures(idx: Index, entity: str, item_id: int) -> dict[str, Any]:
    """The mail figures an item carries (v2 include_fields, v1 shapes)."""
    return {
        "email_messages_count": idx.count(entity, item_id),
        "last_incoming_mail_time": idx.last(entity, item_id, False),
        "last_outgoing_mail_time": idx.last(entity, item_id, True),
    }


def party(pid: int, email: str, name: str, person_id: int | None) -> Obj:
    return {
        "id": pid,
        "email_address": email,
        "name": name,
        "linked_person_id": person_id,
        "linked_person_name": name if person_id else "",
        "mail_message_party_id": pid,
    }


def thread_out(st: State, thread: Obj) -> Obj:
    """A thread with the figures of its messages (parties, snippet, first/last times)."""
    msgs = thread_messages(st, thread["id"])
    out = {k: copy.deepcopy(val) for k, val in thread.items() if not k.startswith("_")}
    last = msgs[-1] if msgs else None
    sent = [m for m in msgs if m.get("sent_flag")]
    received = [m for m in msgs if not m.get("sent_flag")]
    out.update(
        {
            "parties": {"from": _thread_parties(msgs, "from"), "to": _thread_parties(msgs, "to")},
            "snippet": last["snippet"] if last else "",
            "snippet_sent": sent[-1]["snippet"] if sent else "",
            "has_sent_flag": 1 if sent else 0,
            "all_messages_sent_flag": 1 if msgs and not received else 0,
            "first_message_timestamp": msgs[0]["message_time"] if msgs else None,
            "last_message_timestamp": last["message_time"] if last else None,
            "last_message_sent_timestamp": sent[-1]["message_time"] if sent else None,
            "last_message_received_timestamp": received[-1]["message_time"] if received else None,
            "deal_status": (st.deals.get(thread.get("deal_id") or 0) or {}).get("status"),
        }
    )
    return out


def _thread_parties(msgs: list[Obj], key: str) -> list[Obj]:
    seen: dict[str, Obj] = {}
    for m in msgs:
        for p in m.get(key) or []:
            seen[p["email_address"]] = {
                "id": p["id"],
                "name": p.get("name") or "",
                "latest_sent": bool(m.get("sent_flag")),
                "email_address": p["email_address"],
                "message_time": m["message_time"],
                "linked_person_id": p.get("linked_person_id"),
                "linked_person_name": p.get("linked_person_name") or "",
                "linked_organization_id": None,
                "mail_message_party_id": p.get("mail_message_party_id"),
            }
    return list(seen.values())


def deliver(st: State, thread_id: int, message: Obj, now: str) -> Obj:
    """A new message arrives in a thread (tests and the demo's clock): the items it belongs to
    get their figures and update_time changed, as Pipedrive's do (so /recents reports them)."""
    thread = get_thread(st, thread_id)
    mid = st.new_id("mail_messages")
    m: Obj = {**message, "id": mid, "mail_thread_id": thread_id}
    st.mail_messages[mid] = m
    thread["update_time"] = ms_time(now)
    touched = [("deal", thread.get("deal_id"))] + [("person", p) for p in _persons(m)]
    for entity, item_id in touched:
        coll = {"deal": st.deals, "person": st.persons}[entity]
        item = coll.get(item_id or 0)
        if item is not None:
            item["update_time"] = now
            if entity == "person" and item.get("org_id") in st.organizations:
                st.organizations[item["org_id"]]["update_time"] = now
    return m
