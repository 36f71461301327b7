"""v2 handlers: deals, persons, organizations, activities, pipelines, stages, fields, search."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Callable
from typing import Any

from tui.sandbox import validate as v
from tui.sandbox.state import Obj, State, parse_rfc3339, rfc3339

Query = dict[str, str]

DEAL_KEYS = {"title", "owner_id", "person_id", "org_id", "pipeline_id", "stage_id", "value", "currency", "status",
             "probability", "lost_reason", "close_time", "won_time", "lost_time", "expected_close_date", "visible_to",
             "label_ids", "is_archived", "archive_time", "is_deleted", "custom_fields"}
PERSON_KEYS = {"name", "owner_id", "org_id", "emails", "phones", "visible_to", "label_ids", "custom_fields",
               "marketing_status", "first_name", "last_name"}
ORG_KEYS = {"name", "owner_id", "address", "visible_to", "label_ids", "custom_fields", "website", "linkedin",
            "industry", "annual_revenue", "employee_count"}
ACTIVITY_KEYS = {"subject", "type", "owner_id", "deal_id", "lead_id", "person_id", "org_id", "project_id", "due_date",
                 "due_time", "duration", "busy", "done", "location", "participants", "attendees",
                 "public_description", "priority", "note"}


# -- paging and list helpers ------------------------------------------------------------

def limit_of(q: Query, maximum: int = 500) -> int:
    raw = q.get("limit", "100")
    try:
        n = int(raw)
    except ValueError:
        raise v.bad("Validation failed: limit: Expected number") from None
    if n < 1 or n > maximum:
        raise v.bad(f"Validation failed: limit: Number must be less than or equal to {maximum}")
    return n


def page(items: list[Obj], q: Query, maximum: int = 500) -> tuple[list[Obj], dict[str, Any]]:
    limit = limit_of(q, maximum)
    offset = 0
    if q.get("cursor"):
        try:
            offset = int(json.loads(base64.urlsafe_b64decode(q["cursor"].encode()).decode())["o"])
        except Exception:
            raise v.bad("Validation failed: cursor: Invalid cursor") from None
    chunk = items[offset: offset + limit]
    nxt = None
    if offset + limit < len(items):
        nxt = base64.urlsafe_b64encode(json.dumps({"o": offset + limit}).encode()).decode()
    return chunk, {"next_cursor": nxt}


def int_list(q: Query, key: str) -> set[int] | None:
    raw = q.get(key)
    if raw is None or raw == "":
        return None
    try:
        return {int(x) for x in raw.split(",") if x.strip()}
    except ValueError:
        raise v.bad(f"Validation failed: {key}: Expected integer") from None


def int_param(q: Query, key: str) -> int | None:
    raw = q.get(key)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise v.bad(f"Validation failed: {key}: Expected integer") from None


def time_param(q: Query, key: str) -> str | None:
    raw = q.get(key)
    if raw is None:
        return None
    try:
        return rfc3339(parse_rfc3339(raw))
    except ValueError:
        raise v.bad(f"Validation failed: {key}: Invalid RFC 3339 date-time") from None


def common_filters(items: list[Obj], q: Query, fields: tuple[str, ...]) -> list[Obj]:
    ids = int_list(q, "ids")
    if ids is not None:
        if len(ids) > 100:
            raise v.bad("Validation failed: ids: at most 100 ids")
        items = [o for o in items if o["id"] in ids]
    for f in fields:
        val = int_param(q, f)
        if val is not None:
            items = [o for o in items if o.get(f) == val]
    since, until = time_param(q, "updated_since"), time_param(q, "updated_until")
    if since:
        items = [o for o in items if (o.get("update_time") or "") >= since]
    if until:
        items = [o for o in items if (o.get("update_time") or "") < until]
    return items


def sort_items(items: list[Obj], q: Query, allowed: tuple[str, ...]) -> list[Obj]:
    key = q.get("sort_by", "id")
    if key not in allowed:
        raise v.bad(f"Validation failed: sort_by: Invalid enum value. Expected {' | '.join(allowed)}")
    direction = q.get("sort_direction", "asc")
    if direction not in ("asc", "desc"):
        raise v.bad("Validation failed: sort_direction: Invalid enum value. Expected asc | desc")

    def k(o: Obj) -> Any:
        if key == "due_date":
            return (o.get("due_date") or "9999-99-99", o.get("due_time") or "", o["id"])
        return (o.get(key) or "", o["id"]) if key != "id" and key != "order_nr" else (o.get(key) or 0, o["id"])

    return sorted(items, key=k, reverse=direction == "desc")


def listing(items: list[Obj], q: Query, *, filters: tuple[str, ...], sorts: tuple[str, ...]) -> tuple[list[Obj], dict[str, Any]]:
    items = common_filters(items, q, filters)
    items = sort_items(items, q, sorts)
    return page(items, q)


def live(coll: dict[int, Obj]) -> list[Obj]:
    return [o for o in coll.values() if not o.get("is_deleted")]


def get_live(coll: dict[int, Obj], item_id: int, what: str) -> Obj:
    obj = coll.get(item_id)
    if obj is None or obj.get("is_deleted"):
        raise v.not_found(what)
    return obj


# -- reference checks ---------------------------------------------------------------------

def check_refs(st: State, body: dict[str, Any]) -> None:
    for key, coll, what in (("person_id", st.persons, "Person"), ("org_id", st.organizations, "Organization"),
                            ("deal_id", st.deals, "Deal")):
        if body.get(key) is not None:
            obj = coll.get(body[key])
            if obj is None or obj.get("is_deleted"):
                raise v.bad(f"{what} with id {body[key]} not found")
    if body.get("owner_id") is not None and body["owner_id"] not in st.users:
        raise v.bad(f"User with id {body['owner_id']} not found")


# -- deals ----------------------------------------------------------------------------------

def _check_deal_body(st: State, body: dict[str, Any], *, create: bool) -> None:
    v.unknown_keys(body, DEAL_KEYS)
    v.opt_str(body, "title", required=create)
    if not create and "title" in body:
        v.opt_str(body, "title", required=True)
    for key in ("owner_id", "person_id", "org_id", "pipeline_id", "stage_id", "visible_to"):
        v.opt_int(body, key)
    v.opt_number(body, "value")
    v.opt_number(body, "probability")
    v.opt_str(body, "currency")
    v.opt_str(body, "lost_reason")
    v.opt_date(body, "expected_close_date")
    if body.get("currency") is not None and body["currency"] not in {c["code"] for c in st.currencies.values()}:
        raise v.bad(f"Validation failed: currency: Unknown currency {body['currency']}")
    if body.get("status") is not None and body["status"] not in ("open", "won", "lost"):
        raise v.bad("Validation failed: status: Invalid enum value. Expected 'open' | 'won' | 'lost'")
    if body.get("probability") is not None and not 0 <= body["probability"] <= 100:
        raise v.bad("Validation failed: probability: must be between 0 and 100")
    check_refs(st, body)
    if body.get("pipeline_id") is not None:
        p = st.pipelines.get(body["pipeline_id"])
        if p is None or p.get("is_deleted"):
            raise v.bad(f"Pipeline with id {body['pipeline_id']} not found")
    if body.get("stage_id") is not None:
        s = st.stages.get(body["stage_id"])
        if s is None or s.get("is_deleted"):
            raise v.bad(f"Stage with id {body['stage_id']} not found")
        if body.get("pipeline_id") is not None and s["pipeline_id"] != body["pipeline_id"]:
            raise v.bad(f"Stage with id {body['stage_id']} does not belong to pipeline {body['pipeline_id']}")


def apply_deal(st: State, deal: Obj, body: dict[str, Any], now: str) -> None:
    body = dict(body)
    old_stage, old_status = deal.get("stage_id"), deal.get("status")
    if body.get("stage_id") is not None:
        body["pipeline_id"] = st.stages[body["stage_id"]]["pipeline_id"]
    elif body.get("pipeline_id") is not None and body["pipeline_id"] != deal.get("pipeline_id"):
        first = min((s for s in st.stages.values() if s["pipeline_id"] == body["pipeline_id"] and not s["is_deleted"]),
                    key=lambda s: s["order_nr"])
        body["stage_id"] = first["id"]
    status = body.get("status", old_status)
    if status != "lost" and "lost_reason" in body and body["lost_reason"] is not None:
        raise v.bad("Validation failed: lost_reason: can be set only when status is lost")
    deal.update(body)
    if deal.get("stage_id") != old_stage:
        deal["stage_change_time"] = now
    if status != old_status:
        if status == "won":
            deal.update(won_time=now, close_time=now, lost_time=None, lost_reason=None,
                        local_won_date=now[:10], local_close_date=now[:10], local_lost_date=None)
        elif status == "lost":
            deal.update(lost_time=now, close_time=now, won_time=None, local_lost_date=now[:10],
                        local_close_date=now[:10], local_won_date=None)
        else:
            deal.update(won_time=None, lost_time=None, close_time=None, lost_reason=None,
                        local_won_date=None, local_lost_date=None, local_close_date=None)
    deal["update_time"] = now


def list_deals(st: State, q: Query) -> tuple[list[Obj], dict[str, Any]]:
    statuses = {s for s in q.get("status", "").split(",") if s}
    for s in statuses:
        if s not in ("open", "won", "lost", "deleted"):
            raise v.bad("Validation failed: status: Invalid enum value. Expected 'open' | 'won' | 'lost' | 'deleted'")
    if statuses:
        items = [d for d in st.deals.values()
                 if (("deleted" in statuses and d.get("is_deleted")) or (not d.get("is_deleted") and d["status"] in statuses))]
    else:
        items = live(st.deals)
    items = [d for d in items if not d.get("is_archived")]
    return listing(items, q, filters=("owner_id", "person_id", "org_id", "pipeline_id", "stage_id"),
                   sorts=("id", "update_time", "add_time"))


def create_deal(st: State, body: dict[str, Any], now: str) -> Obj:
    _check_deal_body(st, body, create=True)
    if body.get("stage_id") is None:
        pid = body.get("pipeline_id") or min(p["id"] for p in live(st.pipelines))
        first = min((s for s in live(st.stages) if s["pipeline_id"] == pid), key=lambda s: s["order_nr"])
        body = {**body, "stage_id": first["id"]}
    deal: Obj = {
        "id": st.new_id("deals"), "title": "", "creator_user_id": st.me_id, "owner_id": st.me_id, "value": 0,
        "currency": st.users[st.me_id].get("default_currency") or "EUR", "person_id": None, "org_id": None,
        "pipeline_id": None, "stage_id": None, "status": "open", "probability": None, "add_time": now,
        "update_time": now, "stage_change_time": None, "close_time": None, "won_time": None, "lost_time": None,
        "local_won_date": None, "local_lost_date": None, "local_close_date": None, "expected_close_date": None,
        "lost_reason": None, "is_archived": False, "archive_time": None, "is_deleted": False, "visible_to": 3,
        "label_ids": [], "origin": "API", "origin_id": None, "channel": None, "channel_id": None,
        "acv": None, "arr": None, "mrr": None, "custom_fields": {},
    }
    status = body.get("status", "open")
    apply_deal(st, deal, {k: val for k, val in body.items() if k != "status"}, now)
    if status != "open":
        apply_deal(st, deal, {"status": status, **({"lost_reason": body.get("lost_reason")} if status == "lost" else {})}, now)
    deal["stage_change_time"] = None
    st.deals[deal["id"]] = deal
    return deal


def update_deal(st: State, deal_id: int, body: dict[str, Any], now: str) -> Obj:
    deal = get_live(st.deals, deal_id, "Deal")
    _check_deal_body(st, body, create=False)
    if body.get("stage_id") is not None and body.get("pipeline_id") is None:
        pass  # pipeline follows the stage
    apply_deal(st, deal, body, now)
    return deal


# -- persons / organizations --------------------------------------------------------------

def _normalise_contacts(values: list[Obj] | None) -> list[Obj]:
    out = [{"value": c["value"], "primary": bool(c.get("primary", False)), "label": c.get("label") or "work"}
           for c in (values or [])]
    if out and not any(c["primary"] for c in out):
        out[0]["primary"] = True
    return out


def _check_person(st: State, body: dict[str, Any], *, create: bool) -> None:
    v.unknown_keys(body, PERSON_KEYS)
    v.opt_str(body, "name", required=create or "name" in body)
    for key in ("owner_id", "org_id", "visible_to"):
        v.opt_int(body, key)
    v.contact_list(body, "emails")
    v.contact_list(body, "phones")
    check_refs(st, body)


def create_person(st: State, body: dict[str, Any], now: str) -> Obj:
    _check_person(st, body, create=True)
    name = body["name"].strip()
    first, _, last = name.partition(" ")
    person: Obj = {"id": st.new_id("persons"), "name": name, "first_name": first, "last_name": last or None,
                   "owner_id": body.get("owner_id", st.me_id), "org_id": body.get("org_id"), "add_time": now,
                   "update_time": now, "emails": _normalise_contacts(body.get("emails")),
                   "phones": _normalise_contacts(body.get("phones")), "is_deleted": False,
                   "visible_to": body.get("visible_to", 3), "label_ids": body.get("label_ids") or [],
                   "picture_id": None, "custom_fields": body.get("custom_fields") or {}}
    st.persons[person["id"]] = person
    return person


def update_person(st: State, person_id: int, body: dict[str, Any], now: str) -> Obj:
    person = get_live(st.persons, person_id, "Person")
    _check_person(st, body, create=False)
    body = dict(body)
    for key in ("emails", "phones"):
        if key in body:
            body[key] = _normalise_contacts(body[key])
    if "name" in body:
        first, _, last = body["name"].strip().partition(" ")
        body.update(name=body["name"].strip(), first_name=first, last_name=last or None)
    person.update(body)
    person["update_time"] = now
    return person


def _check_org(st: State, body: dict[str, Any], *, create: bool) -> None:
    v.unknown_keys(body, ORG_KEYS)
    v.opt_str(body, "name", required=create or "name" in body)
    v.opt_int(body, "owner_id")
    addr = body.get("address")
    if addr is not None and not (isinstance(addr, dict) and isinstance(addr.get("value"), str)):
        raise v.bad("Validation failed: address: Expected object with a string value")
    check_refs(st, body)


def _address(addr: Obj | None) -> Obj | None:
    if addr is None:
        return None
    keys = ("value", "country", "admin_area_level_1", "admin_area_level_2", "locality", "sublocality", "route",
            "street_number", "subpremise", "postal_code")
    return {k: addr.get(k) for k in keys}


def create_org(st: State, body: dict[str, Any], now: str) -> Obj:
    _check_org(st, body, create=True)
    org: Obj = {"id": st.new_id("organizations"), "name": body["name"].strip(), "owner_id": body.get("owner_id", st.me_id),
                "add_time": now, "update_time": now, "address": _address(body.get("address")), "is_deleted": False,
                "visible_to": body.get("visible_to", 3), "label_ids": body.get("label_ids") or [], "website": None,
                "linkedin": None, "industry": None, "annual_revenue": None, "employee_count": None,
                "custom_fields": body.get("custom_fields") or {}}
    st.organizations[org["id"]] = org
    return org


def update_org(st: State, org_id: int, body: dict[str, Any], now: str) -> Obj:
    org = get_live(st.organizations, org_id, "Organization")
    _check_org(st, body, create=False)
    body = dict(body)
    if "address" in body:
        body["address"] = _address(body["address"])
    if "name" in body:
        body["name"] = body["name"].strip()
    org.update(body)
    org["update_time"] = now
    return org


# -- activities -------------------------------------------------------------------------------

def _check_activity(st: State, body: dict[str, Any]) -> None:
    v.unknown_keys(body, ACTIVITY_KEYS)
    v.opt_str(body, "subject")
    v.opt_str(body, "type")
    for key in ("owner_id", "deal_id", "person_id", "org_id"):
        v.opt_int(body, key)
    v.opt_date(body, "due_date")
    v.opt_time(body, "due_time")
    v.opt_time(body, "duration")
    v.opt_bool(body, "done")
    v.opt_bool(body, "busy")
    if body.get("type") is not None and body["type"] not in {t["key_string"] for t in st.activity_types.values()}:
        raise v.bad(f"Validation failed: type: Unknown activity type '{body['type']}'")
    parts = body.get("participants")
    if parts is not None:
        if not isinstance(parts, list) or not all(isinstance(p, dict) and v.is_int(p.get("person_id")) for p in parts):
            raise v.bad("Validation failed: participants: Expected array of {person_id, primary}")
        for p in parts:
            check_refs(st, {"person_id": p["person_id"]})
    check_refs(st, body)


def _apply_activity(act: Obj, body: dict[str, Any], now: str) -> None:
    body = dict(body)
    if "participants" in body:
        parts = [{"person_id": p["person_id"], "primary": bool(p.get("primary"))} for p in body["participants"] or []]
        if parts and not any(p["primary"] for p in parts):
            parts[0]["primary"] = True
        body["participants"] = parts
        body["person_id"] = next((p["person_id"] for p in parts if p["primary"]), None)
    elif "person_id" in body:
        body["participants"] = [{"person_id": body["person_id"], "primary": True}] if body["person_id"] else []
    for key in ("due_time", "duration"):
        if body.get(key):
            body[key] = body[key][:5]
        elif key in body:
            body[key] = None
    was_done = act.get("done")
    act.update(body)
    if act.get("done") and not was_done:
        act["marked_as_done_time"] = now
    elif not act.get("done"):
        act["marked_as_done_time"] = None
    act["update_time"] = now


def create_activity(st: State, body: dict[str, Any], now: str) -> Obj:
    _check_activity(st, body)
    act: Obj = {"id": st.new_id("activities"), "subject": "", "type": "task", "owner_id": st.me_id,
                "creator_user_id": st.me_id, "is_deleted": False, "add_time": now, "update_time": now, "deal_id": None,
                "lead_id": None, "person_id": None, "org_id": None, "project_id": None, "due_date": None,
                "due_time": None, "duration": None, "busy": False, "done": False, "marked_as_done_time": None,
                "location": None, "participants": [], "public_description": None, "priority": None, "note": None,
                "conference_meeting_client": None, "conference_meeting_url": None, "conference_meeting_id": None}
    if not body.get("subject"):
        body = {**body, "subject": "Call" if body.get("type") in (None, "call") else str(body.get("type")).title()}
    _apply_activity(act, body, now)
    if act["due_date"] is None:
        act["due_date"] = now[:10]
    st.activities[act["id"]] = act
    return act


def update_activity(st: State, act_id: int, body: dict[str, Any], now: str) -> Obj:
    act = get_live(st.activities, act_id, "Activity")
    _check_activity(st, body)
    _apply_activity(act, body, now)
    return act


def list_activities(st: State, q: Query) -> tuple[list[Obj], dict[str, Any]]:
    items = live(st.activities)
    done = q.get("done")
    if done is not None:
        if done not in ("true", "false", "1", "0"):
            raise v.bad("Validation failed: done: Expected boolean")
        want = done in ("true", "1")
        items = [a for a in items if bool(a.get("done")) == want]
    person = int_param(q, "person_id")
    if person is not None:
        items = [a for a in items if a.get("person_id") == person]
    return listing(items, q, filters=("owner_id", "deal_id", "org_id"), sorts=("id", "update_time", "add_time", "due_date"))


# -- generic delete / copy ----------------------------------------------------------------------

def soft_delete(coll: dict[int, Obj], item_id: int, what: str, now: str) -> Obj:
    obj = get_live(coll, item_id, what)
    obj["is_deleted"] = True
    obj["update_time"] = now
    return {"id": item_id}


def out(obj: Obj) -> Obj:
    return copy.deepcopy(obj)


ListFn = Callable[[State, Query], tuple[list[Obj], dict[str, Any]]]
