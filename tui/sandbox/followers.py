"""Followers (v2 /deals|persons|organizations/{id}/followers: users) and deal participants
(v1 /deals/{id}/participants: persons). Pipedrive makes an item's creator its first follower
and a deal's person its first participant; the sandbox's generator does the same."""

from __future__ import annotations

from typing import Any

from tui.sandbox import paging
from tui.sandbox import validate as v
from tui.sandbox.state import Obj, State

COLLECTIONS = {"deals": ("deals", "Deal"), "persons": ("persons", "Person"), "organizations": ("organizations", "Organization")}


def _item(st: State, kind: str, item_id: int) -> Obj:
    coll, what = COLLECTIONS[kind]
    item: Obj | None = getattr(st, coll).get(item_id)
    if item is None or item.get("is_deleted"):
        raise v.not_found(what)
    return item


def list_followers(st: State, kind: str, item_id: int, q: dict[str, str]) -> tuple[list[Obj], dict[str, Any]]:
    _item(st, kind, item_id)
    rows = [dict(f) for f in st.followers.get((kind, item_id), [])]
    return paging.offset(rows, q)


def add_follower(st: State, kind: str, item_id: int, body: dict[str, Any], now: str) -> Obj:
    _item(st, kind, item_id)
    user_id = body.get("user_id")
    if not isinstance(user_id, int) or isinstance(user_id, bool):
        raise v.bad("user_id is required and must be an integer")
    if user_id not in st.users:
        raise v.not_found("User")
    rows = st.followers.setdefault((kind, item_id), [])
    if any(f["user_id"] == user_id for f in rows):
        raise v.bad("The user is already following this item")
    row = {"user_id": user_id, "add_time": now}
    rows.append(row)
    return dict(row)


def remove_follower(st: State, kind: str, item_id: int, user_id: int) -> Obj:
    _item(st, kind, item_id)
    rows = st.followers.get((kind, item_id), [])
    if not any(f["user_id"] == user_id for f in rows):
        raise v.not_found("Follower")
    st.followers[(kind, item_id)] = [f for f in rows if f["user_id"] != user_id]
    return {"user_id": user_id}


def _v1_time(now: str) -> str:
    return now[:19].replace("T", " ")


def participant_out(st: State, row: Obj) -> Obj:
    person = st.persons.get(row["person_id"]) or {}
    deal = st.deals.get(row["deal_id"]) or {}
    return {
        "id": row["id"],
        "person_id": {
            "active_flag": not person.get("is_deleted", False),
            "name": person.get("name"),
            "email": [dict(e) for e in person.get("emails") or []],
            "phone": [dict(p) for p in person.get("phones") or []],
            "value": row["person_id"],
        },
        "add_time": row["add_time"],
        "active_flag": True,
        "related_item_data": {"deal_id": row["deal_id"], "title": deal.get("title")},
        "added_by_user_id": row.get("added_by_user_id"),
    }


def list_participants(st: State, deal_id: int, q: dict[str, str]) -> tuple[list[Obj], dict[str, Any]]:
    _item(st, "deals", deal_id)
    rows = [participant_out(st, p) for p in st.participants.values() if p["deal_id"] == deal_id]
    chunk, pagination = paging.v1_page(rows, q, maximum=500)
    return chunk, {"pagination": pagination}


def add_participant(st: State, deal_id: int, body: dict[str, Any], now: str) -> Obj:
    _item(st, "deals", deal_id)
    person_id = body.get("person_id")
    if not isinstance(person_id, int) or isinstance(person_id, bool):
        raise v.bad("person_id is required and must be an integer")
    _item(st, "persons", person_id)
    if any(p["deal_id"] == deal_id and p["person_id"] == person_id for p in st.participants.values()):
        raise v.bad("This person is already a participant of the deal")
    pid = st.new_id("participants")
    st.participants[pid] = {"id": pid, "deal_id": deal_id, "person_id": person_id, "add_time": _v1_time(now), "added_by_user_id": st.me_id}
    return participant_out(st, st.participants[pid])


def remove_participant(st: State, deal_id: int, participant_id: int) -> Obj:
    _item(st, "deals", deal_id)
    row = st.participants.get(participant_id)
    if row is None or row["deal_id"] != deal_id:
        raise v.not_found("Participant")
    del st.participants[participant_id]
    return {"id": participant_id}
