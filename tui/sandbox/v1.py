"""v1 handlers: notes, users, users/me, activityTypes, currencies (no v2 equivalents)."""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any

from tui.sandbox import paging
from tui.sandbox import validate as v
from tui.sandbox.state import Obj, State, parse_rfc3339, rfc3339

NOTE_KEYS = {
    "content",
    "deal_id",
    "person_id",
    "org_id",
    "lead_id",
    "project_id",
    "task_id",
    "user_id",
    "add_time",
    "pinned_to_deal_flag",
    "pinned_to_person_flag",
    "pinned_to_organization_flag",
    "pinned_to_lead_flag",
    "pinned_to_project_flag",
    "pinned_to_task_flag",
}
FLAGS = (
    "pinned_to_deal_flag",
    "pinned_to_person_flag",
    "pinned_to_organization_flag",
    "pinned_to_lead_flag",
    "pinned_to_project_flag",
    "pinned_to_task_flag",
)


def _flag(value: Any, key: str) -> bool:
    if isinstance(value, bool):
        return value
    if value in (0, 1, "0", "1"):
        return str(value) == "1"
    raise v.bad(f"{key} must be 0 or 1")


def note_out(st: State, note: Obj) -> Obj:
    """A note with v1's related objects (deal/person/organization/user)."""
    data = copy.deepcopy(note)
    deal = st.deals.get(note.get("deal_id") or -1)
    person = st.persons.get(note.get("person_id") or -1)
    org = st.organizations.get(note.get("org_id") or -1)
    user = st.users.get(note.get("user_id") or -1)
    data["deal"] = {"title": deal["title"]} if deal else None
    data["person"] = {"name": person["name"]} if person else None
    data["organization"] = {"name": org["name"]} if org else None
    data["project"] = None
    data["task"] = None
    data.setdefault("task_id", None)
    data["user"] = {"email": user["email"], "icon_url": None, "is_you": user["id"] == st.me_id, "name": user["name"]} if user else None
    return data


def _int_field(value: Any, key: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise v.bad(f"{key} must be an integer")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise v.bad(f"{key} must be an integer") from None


def _check_note(st: State, body: dict[str, Any], *, create: bool) -> dict[str, Any]:
    extra = set(body) - NOTE_KEYS
    if extra:
        raise v.bad(f"Unknown parameters: {', '.join(sorted(extra))}")
    clean: dict[str, Any] = {}
    if "content" in body or create:
        content = body.get("content")
        if not isinstance(content, str) or not content.strip():
            raise v.bad("Content is required.")
        clean["content"] = content
    for key in ("deal_id", "person_id", "org_id", "project_id", "task_id", "user_id"):
        if key in body:
            clean[key] = _int_field(body[key], key)
    if "lead_id" in body:
        lead_id = body["lead_id"] or None
        if lead_id is not None:
            lead = st.leads.get(lead_id) if isinstance(lead_id, str) else None
            if lead is None or lead.get("_deleted"):
                raise v.bad(f"Lead with id {lead_id} not found")
        clean["lead_id"] = lead_id
    if create and not any(clean.get(k) for k in ("deal_id", "person_id", "org_id", "lead_id", "project_id", "task_id")):
        raise v.bad("Note must be attached to a deal, person, organization, lead or project.")
    if clean.get("user_id") is not None and clean["user_id"] not in st.users:
        raise v.bad(f"User with id {clean['user_id']} not found")
    if "add_time" in body:
        try:
            stamp = datetime.strptime(str(body["add_time"]), "%Y-%m-%d %H:%M:%S")
        except ValueError:
            raise v.bad("add_time must be in the format YYYY-MM-DD HH:MM:SS") from None
        clean["add_time"] = stamp.isoformat(sep=" ")
    for key, coll, what in (
        ("deal_id", st.deals, "Deal"),
        ("person_id", st.persons, "Person"),
        ("org_id", st.organizations, "Organization"),
    ):
        if clean.get(key) is not None:
            obj = coll.get(clean[key])
            if obj is None or obj.get("is_deleted"):
                raise v.bad(f"{what} with id {clean[key]} not found")
    for key in FLAGS:
        if key in body:
            clean[key] = _flag(body[key], key)
    return clean


def v1time_now(now: str) -> str:
    return now.replace("T", " ").replace("Z", "")


def create_note(st: State, body: dict[str, Any], now: str) -> Obj:
    clean = _check_note(st, body, create=True)
    note: Obj = {
        "id": st.new_id("notes"),
        "content": "",
        "deal_id": None,
        "person_id": None,
        "org_id": None,
        "lead_id": None,
        "project_id": None,
        "user_id": st.me_id,
        "last_update_user_id": st.me_id,
        "active_flag": True,
        "add_time": v1time_now(now),
        "update_time": v1time_now(now),
        **{f: False for f in FLAGS},
    }
    note.update(clean)
    st.notes[note["id"]] = note
    return note


def get_note(st: State, note_id: int) -> Obj:
    note = st.notes.get(note_id)
    if note is None or not note.get("active_flag"):
        raise v.not_found("Note")
    return note


def update_note(st: State, note_id: int, body: dict[str, Any], now: str) -> Obj:
    note = get_note(st, note_id)
    clean = _check_note(st, body, create=False)
    note.update(clean)
    note["update_time"] = v1time_now(now)
    note["last_update_user_id"] = st.me_id
    return note


def delete_note(st: State, note_id: int, now: str) -> bool:
    note = get_note(st, note_id)
    note["active_flag"] = False
    note["update_time"] = v1time_now(now)
    return True


def list_notes(st: State, q: dict[str, str]) -> tuple[list[Obj], dict[str, Any]]:
    items = [n for n in st.notes.values() if n.get("active_flag")]
    for key in ("deal_id", "person_id", "org_id", "user_id", "project_id", "task_id"):
        if q.get(key):
            val = _int_field(q[key], key)
            items = [n for n in items if n.get(key) == val]
    if q.get("lead_id"):
        items = [n for n in items if n.get("lead_id") == q["lead_id"]]
    for key in FLAGS:
        if q.get(key) not in (None, ""):
            if q[key] not in ("0", "1"):
                raise v.bad(f"{key} must be 0 or 1")
            items = [n for n in items if bool(n.get(key)) == (q[key] == "1")]
    for key, op in (("start_date", ">="), ("end_date", "<=")):
        if q.get(key):
            try:
                day = datetime.strptime(q[key], "%Y-%m-%d").date().isoformat()
            except ValueError:
                raise v.bad(f"{key} must be a date (YYYY-MM-DD)") from None
            items = [n for n in items if (n["add_time"][:10] >= day if op == ">=" else n["add_time"][:10] <= day)]
    if q.get("updated_since"):
        try:
            since = v1time_now(rfc3339(parse_rfc3339(q["updated_since"])))
        except ValueError:
            raise v.bad("updated_since must be an RFC 3339 date-time") from None
        items = [n for n in items if n["update_time"] >= since]
    sort = (q.get("sort") or "id ASC").split(",")[0].strip().split()
    field = sort[0] if sort else "id"
    if field not in ("id", "user_id", "deal_id", "person_id", "org_id", "content", "add_time", "update_time"):
        raise v.bad(f"Invalid sort field: {field}")
    desc = len(sort) > 1 and sort[1].upper() == "DESC"
    text = field in ("content", "add_time", "update_time")
    items.sort(key=lambda n: (n.get(field) if n.get(field) is not None else "" if text else 0, n["id"]), reverse=desc)
    chunk, pagination = paging.v1_page(items, q)
    return [note_out(st, n) for n in chunk], {"pagination": pagination}


def me(st: State) -> Obj:
    user = copy.deepcopy(st.users[st.me_id])
    user.update(st.company)
    user.update({"company_country": "DE", "company_industry": "Software", "language": {"language_code": "en", "country_code": "US"}})
    return user
