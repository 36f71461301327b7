"""Call logs (v1 /callLogs): adding one records a done `call` activity linked to the same
deal, person and organization, as Pipedrive does (the answer carries its `activity_id`)."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from tui.sandbox import activities, paging
from tui.sandbox import validate as v
from tui.sandbox.state import Obj, State

OUTCOMES = ("connected", "no_answer", "left_message", "left_voicemail", "wrong_number", "busy")
REQUIRED = ("to_phone_number", "outcome", "start_time", "end_time")


def _when(value: Any, name: str) -> datetime:
    if not isinstance(value, str) or not value:
        raise v.bad(f"{name} is required")
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00").replace(" ", "T"))
    except ValueError:
        raise v.bad(f"{name} must be a date and time (YYYY-MM-DD HH:MM:SS)") from None


def _linked(st: State, body: dict[str, Any]) -> None:
    links = (("deal_id", st.deals, "Deal"), ("person_id", st.persons, "Person"), ("org_id", st.organizations, "Organization"))
    for key, coll, what in links:
        ref = body.get(key)
        if ref is None:
            continue
        if not isinstance(ref, int) or isinstance(ref, bool) or ref not in coll or coll[ref].get("is_deleted"):
            raise v.not_found(what)
    lead = body.get("lead_id")
    if lead is not None and (not isinstance(lead, str) or lead not in st.leads or st.leads[lead].get("_deleted")):
        raise v.not_found("Lead")
    if body.get("deal_id") is not None and body.get("lead_id") is not None:
        raise v.bad("A call log can be associated with either a deal or a lead, but not both at once")


def add_call_log(st: State, body: dict[str, Any], now: str) -> Obj:
    for name in REQUIRED:
        if body.get(name) in (None, ""):
            raise v.bad(f"{name} is required")
    if body["outcome"] not in OUTCOMES:
        raise v.bad(f"outcome must be one of: {', '.join(OUTCOMES)}")
    start, end = _when(body["start_time"], "start_time"), _when(body["end_time"], "end_time")
    if end < start:
        raise v.bad("end_time must not be before start_time")
    _linked(st, body)
    duration = body.get("duration")
    if duration is None:
        duration = str(int((end - start).total_seconds()))
    elif not str(duration).isdigit():
        raise v.bad("duration must be a number of seconds")
    subject = body.get("subject") or "Call"
    act = activities.create_activity(
        st,
        {
            "subject": subject,
            "type": "call",
            "done": True,
            "due_date": start.date().isoformat(),
            "due_time": start.strftime("%H:%M"),
            "duration": f"{int(duration) // 3600:02d}:{int(duration) % 3600 // 60:02d}",
            "deal_id": body.get("deal_id"),
            "lead_id": body.get("lead_id"),
            "org_id": body.get("org_id"),
            "participants": [{"person_id": body["person_id"], "primary": True}] if body.get("person_id") else [],
            "note": body.get("note"),
        },
        now,
    )
    log: Obj = {
        "id": "CA" + secrets.token_hex(14),
        "activity_id": act["id"],
        "person_id": body.get("person_id"),
        "org_id": body.get("org_id"),
        "deal_id": body.get("deal_id"),
        "lead_id": body.get("lead_id"),
        "subject": subject,
        "duration": str(duration),
        "outcome": body["outcome"],
        "from_phone_number": body.get("from_phone_number"),
        "to_phone_number": str(body["to_phone_number"]),
        "has_recording": False,
        "start_time": start.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "end_time": end.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "user_id": body.get("user_id") or st.me_id,
        "company_id": st.company.get("id", 1),
        "note": body.get("note"),
    }
    st.call_logs[log["id"]] = log
    return dict(log)


def list_call_logs(st: State, q: dict[str, str]) -> tuple[list[Obj], dict[str, Any]]:
    """The user's call logs, newest first; at most 50 a page (the spec's limit)."""
    mine = [dict(c) for c in st.call_logs.values() if c.get("user_id") == st.me_id]
    mine.sort(key=lambda c: c["start_time"], reverse=True)
    chunk, pagination = paging.v1_page(mine, q, maximum=50)
    return chunk, {"pagination": pagination}


def get_call_log(st: State, log_id: str) -> Obj:
    if log_id not in st.call_logs:
        raise v.not_found("Call log")
    return dict(st.call_logs[log_id])


def delete_call_log(st: State, log_id: str) -> Obj:
    if st.call_logs.pop(log_id, None) is None:
        raise v.not_found("Call log")
    return {"id": log_id}
