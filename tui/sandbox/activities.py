"""v2 activities. due_time and duration are accepted as HH:MM or HH:MM:SS and kept (and
answered) as HH:MM:SS, the v2 spec's form, when the sandbox runs with hms_times=True; as HH:MM
otherwise (the app's tests still read HH:MM from the sandbox's state). Activities can belong
to a lead (lead_id, a uuid)."""

from __future__ import annotations

from typing import Any

from tui.sandbox import validate as v
from tui.sandbox.state import Obj, State
from tui.sandbox.v2 import ADDRESS_KEYS, _check_address, check_refs, get_live, int_param, listing, live

Query = dict[str, str]
ACTIVITY_KEYS = {
    "subject",
    "type",
    "owner_id",
    "deal_id",
    "lead_id",
    "person_id",
    "org_id",
    "project_id",
    "due_date",
    "due_time",
    "duration",
    "busy",
    "done",
    "location",
    "participants",
    "attendees",
    "public_description",
    "priority",
    "note",
}
ATTENDEE_KEYS = {"email", "name", "status", "is_organizer", "person_id", "user_id"}


def hms(value: str | None, seconds: bool = True) -> str | None:
    """HH:MM[:SS] -> HH:MM:SS (seconds=True) or HH:MM; empty -> None."""
    if not value:
        return None
    if not seconds:
        return value[:5]
    return value if len(value) == 8 else value[:5] + ":00"


def _check(st: State, body: dict[str, Any]) -> None:
    v.unknown_keys(body, ACTIVITY_KEYS)
    v.opt_str(body, "subject")
    v.opt_str(body, "type")
    for key in ("owner_id", "deal_id", "person_id", "org_id", "project_id", "priority"):
        v.opt_int(body, key)
    for key in ("public_description", "note", "lead_id"):
        v.opt_str(body, key)
    v.opt_date(body, "due_date")
    v.opt_time(body, "due_time")
    v.opt_time(body, "duration")
    v.opt_bool(body, "done")
    v.opt_bool(body, "busy")
    if body.get("type") is not None and body["type"] not in {t["key_string"] for t in st.activity_types.values()}:
        raise v.bad(f"Validation failed: type: Unknown activity type '{body['type']}'")
    if body.get("lead_id") is not None:
        lead = st.leads.get(body["lead_id"])
        if lead is None or lead.get("_deleted"):
            raise v.bad(f"Lead with id {body['lead_id']} not found")
    if body.get("project_id") is not None:
        raise v.bad(f"Project with id {body['project_id']} not found")
    _check_address(body, "location")
    parts = body.get("participants")
    if parts is not None:
        if not isinstance(parts, list) or not all(isinstance(p, dict) and v.is_int(p.get("person_id")) for p in parts):
            raise v.bad("Validation failed: participants: Expected array of {person_id, primary}")
        if sum(1 for p in parts if p.get("primary")) > 1:
            raise v.bad("Validation failed: participants: at most one participant can be primary")
        for p in parts:
            check_refs(st, {"person_id": p["person_id"]})
    attendees = body.get("attendees")
    if attendees is not None:
        if not isinstance(attendees, list) or not all(isinstance(a, dict) and set(a) <= ATTENDEE_KEYS for a in attendees):
            raise v.bad("Validation failed: attendees: Expected array of {email, name, status, is_organizer, person_id, user_id}")
        if any(not a.get("email") and a.get("person_id") is None and a.get("user_id") is None for a in attendees):
            raise v.bad("Validation failed: attendees: each attendee needs an email, person_id or user_id")
    check_refs(st, body)


def _apply(act: Obj, body: dict[str, Any], now: str, seconds: bool) -> None:
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
        if key in body:
            body[key] = hms(body[key], seconds)
    if "location" in body:
        loc = body["location"]
        body["location"] = None if loc is None else {k: loc.get(k) for k in ADDRESS_KEYS}
    if "attendees" in body:
        body["_attendees"] = [
            {
                "email": a.get("email"),
                "name": a.get("name"),
                "status": a.get("status") or "noreply",
                "is_organizer": bool(a.get("is_organizer")),
                "person_id": a.get("person_id"),
                "user_id": a.get("user_id"),
            }
            for a in body.pop("attendees") or []
        ]
    was_done = act.get("done")
    act.update(body)
    if act.get("done") and not was_done:
        act["marked_as_done_time"] = now
    elif not act.get("done"):
        act["marked_as_done_time"] = None
    act["update_time"] = now


def create_activity(st: State, body: dict[str, Any], now: str, seconds: bool = True) -> Obj:
    _check(st, body)
    act: Obj = {
        "id": st.new_id("activities"),
        "subject": "",
        "type": "task",
        "owner_id": st.me_id,
        "creator_user_id": st.me_id,
        "is_deleted": False,
        "add_time": now,
        "update_time": now,
        "deal_id": None,
        "lead_id": None,
        "person_id": None,
        "org_id": None,
        "project_id": None,
        "due_date": None,
        "due_time": None,
        "duration": None,
        "busy": False,
        "done": False,
        "marked_as_done_time": None,
        "location": None,
        "participants": [],
        "public_description": None,
        "priority": None,
        "note": None,
        "conference_meeting_client": None,
        "conference_meeting_url": None,
        "conference_meeting_id": None,
    }
    if not body.get("subject"):
        body = {**body, "subject": "Call" if body.get("type") in (None, "call") else str(body.get("type")).title()}
    _apply(act, body, now, seconds)
    if act["due_date"] is None:
        act["due_date"] = now[:10]
    st.activities[act["id"]] = act
    return act


def update_activity(st: State, act_id: int, body: dict[str, Any], now: str, seconds: bool = True) -> Obj:
    act = get_live(st.activities, act_id, "Activity")
    _check(st, body)
    _apply(act, body, now, seconds)
    return act


def list_activities(st: State, q: Query, now: str) -> tuple[list[Obj], dict[str, Any]]:
    items = live(st.activities)
    if q.get("filter_id") in (None, ""):
        done = q.get("done")
        if done is not None:
            if done not in ("true", "false"):
                raise v.bad("Validation failed: done: Expected boolean")
            want = done == "true"
            items = [a for a in items if bool(a.get("done")) == want]
        person = int_param(q, "person_id")
        if person is not None:
            items = [a for a in items if a.get("person_id") == person]
        if q.get("lead_id"):
            items = [a for a in items if a.get("lead_id") == q["lead_id"]]
    return listing(
        st,
        items,
        q,
        filters_=("owner_id", "deal_id", "org_id"),
        sorts=("id", "update_time", "add_time", "due_date"),
        ftype="activity",
        now=now,
    )
