"""v1-style objects for the v1 endpoints that embed them (recents, deal flow): flat
"YYYY-MM-DD HH:MM:SS" times, `user_id` for the owner, `active_flag`, names of related items,
and the custom fields at the root under their 40-character keys (v1's layout)."""

from __future__ import annotations

from typing import Any

from tui.sandbox import fields, mailbox, routes_files
from tui.sandbox.state import Obj, State, to_v1

Counts = dict[str, int]


def _name(coll: dict[int, Obj], key: Any, attr: str = "name") -> str | None:
    obj = coll.get(key) if key is not None else None
    return obj.get(attr) if obj else None


def _root_custom(st: State, entity: str, obj: Obj) -> Obj:
    """v1 spreads custom fields over the root: monetary -> key + key_currency, ranges -> key + key_until."""
    out: Obj = {}
    stored = obj.get("custom_fields") or {}
    for f in fields.custom_defs(st, entity):
        code, val = f["field_code"], stored.get(f["field_code"])
        kind = f["field_type"]
        if isinstance(val, dict) and kind == "monetary":
            out[code], out[f"{code}_currency"] = val["value"], val["currency"]
        elif isinstance(val, dict) and kind in ("daterange", "timerange"):
            out[code], out[f"{code}_until"] = val["value"], val["until"]
        elif isinstance(val, dict):
            out[code] = val.get("value")
        elif isinstance(val, list):
            out[code] = ",".join(str(x) for x in val)
        elif kind == "enum" and val is not None:
            out[code] = str(val)
        else:
            out[code] = val
    return out


def user_ref(st: State, user_id: int | None) -> Obj | None:
    u = st.users.get(user_id) if user_id is not None else None
    if not u:
        return None
    return {"id": u["id"], "name": u["name"], "email": u["email"], "has_pic": 0, "pic_hash": None, "active_flag": True, "value": u["id"]}


def _mail(st: State, entity: str, item_id: int) -> Obj:
    """The item's mail figures (tui/sandbox/mailbox.py), times in v1's form."""
    if not st.mail_messages:
        return {}
    out = mailbox.figures(mailbox.index(st), entity, item_id)
    if entity == "organization":  # v1 organizations carry the count only
        return {"email_messages_count": out["email_messages_count"]}
    return {
        **out,
        "last_incoming_mail_time": to_v1(out["last_incoming_mail_time"]),
        "last_outgoing_mail_time": to_v1(out["last_outgoing_mail_time"]),
    }


def deal(st: State, d: Obj) -> Obj:
    stage = st.stages.get(d.get("stage_id") or -1) or {}
    cur = d.get("currency")
    prob = d.get("probability") if d.get("probability") is not None else stage.get("deal_probability")
    weighted = (d.get("value") or 0) * (prob if prob is not None else 100) / 100
    out = {
        "id": d["id"],
        "creator_user_id": d.get("creator_user_id"),
        "user_id": d.get("owner_id"),
        "person_id": d.get("person_id"),
        "org_id": d.get("org_id"),
        "stage_id": d.get("stage_id"),
        "title": d["title"],
        "value": d.get("value"),
        "currency": cur,
        "add_time": to_v1(d.get("add_time")),
        "update_time": to_v1(d.get("update_time")),
        "stage_change_time": to_v1(d.get("stage_change_time")),
        "active": d.get("status") == "open" and not d.get("is_deleted"),
        "deleted": bool(d.get("is_deleted")),
        "is_archived": bool(d.get("is_archived")),
        "status": d.get("status"),
        "probability": d.get("probability"),
        "next_activity_date": None,
        "next_activity_time": None,
        "next_activity_id": None,
        "last_activity_id": None,
        "last_activity_date": None,
        "lost_reason": d.get("lost_reason"),
        "visible_to": str(d.get("visible_to")),
        "close_time": to_v1(d.get("close_time")),
        "pipeline_id": d.get("pipeline_id"),
        "won_time": to_v1(d.get("won_time")),
        "first_won_time": to_v1(d.get("_first_won_time") or d.get("won_time")),
        "lost_time": to_v1(d.get("lost_time")),
        "products_count": sum(1 for p in st.deal_products.values() if p["deal_id"] == d["id"]),
        "files_count": routes_files.count(st, "deal_id", d["id"]),
        "notes_count": 0,
        "followers_count": 1,
        "email_messages_count": 0,
        "activities_count": 0,
        "done_activities_count": 0,
        "undone_activities_count": 0,
        "participants_count": 1 if d.get("person_id") else 0,
        "expected_close_date": d.get("expected_close_date"),
        "last_incoming_mail_time": None,
        "last_outgoing_mail_time": None,
        "label": ",".join(str(x) for x in d.get("label_ids") or []) or None,
        "stage_order_nr": stage.get("order_nr"),
        "person_name": _name(st.persons, d.get("person_id")),
        "org_name": _name(st.organizations, d.get("org_id")),
        "next_activity_subject": None,
        "next_activity_type": None,
        "next_activity_duration": None,
        "next_activity_note": None,
        "formatted_value": f"{d.get('value')} {cur}",
        "weighted_value": weighted,
        "formatted_weighted_value": f"{weighted} {cur}",
        "weighted_value_currency": cur,
        "rotten_time": None,
        "owner_name": _name(st.users, d.get("owner_id")),
        "cc_email": f"{st.company.get('company_domain')}+deal{d['id']}@pipedrivemail.com",
        "org_hidden": False,
        "person_hidden": False,
        "origin": d.get("origin"),
        "origin_id": d.get("origin_id"),
        "channel": d.get("channel"),
        "channel_id": d.get("channel_id"),
        "arr": d.get("arr"),
        "mrr": d.get("mrr"),
        "acv": d.get("acv"),
        "arr_currency": cur if d.get("arr") is not None else None,
        "mrr_currency": cur if d.get("mrr") is not None else None,
        "acv_currency": cur if d.get("acv") is not None else None,
    }
    out.update(_mail(st, "deal", d["id"]))
    out.update(_root_custom(st, "deal", d))
    return out


def _contacts(values: list[Obj]) -> list[Obj]:
    return [{"label": c.get("label"), "value": c["value"], "primary": c.get("primary", False)} for c in values or []]


def person(st: State, p: Obj) -> Obj:
    out = {
        "id": p["id"],
        "company_id": st.company.get("company_id"),
        "active_flag": not p.get("is_deleted"),
        "phone": _contacts(p.get("phones") or []),
        "email": _contacts(p.get("emails") or []),
        "first_char": (p.get("name") or " ")[0].lower(),
        "add_time": to_v1(p.get("add_time")),
        "update_time": to_v1(p.get("update_time")),
        "visible_to": str(p.get("visible_to")),
        "picture_id": None,
        "label": None,
        "label_ids": list(p.get("label_ids") or []),
        "org_name": _name(st.organizations, p.get("org_id")),
        "owner_name": _name(st.users, p.get("owner_id")),
        "cc_email": None,
        "owner_id": p.get("owner_id"),
        "org_id": p.get("org_id"),
        "merge_what_id": None,
        "name": p["name"],
        "first_name": p.get("first_name"),
        "last_name": p.get("last_name"),
    }
    for key in (
        "email_messages_count",
        "activities_count",
        "done_activities_count",
        "undone_activities_count",
        "files_count",
        "notes_count",
        "followers_count",
        "open_deals_count",
        "related_open_deals_count",
        "closed_deals_count",
        "related_closed_deals_count",
        "won_deals_count",
        "related_won_deals_count",
        "lost_deals_count",
        "related_lost_deals_count",
        "participant_open_deals_count",
        "participant_closed_deals_count",
    ):
        out[key] = 0
    out.update(
        {
            "last_incoming_mail_time": None,
            "last_outgoing_mail_time": None,
            "next_activity_date": None,
            "next_activity_time": None,
            "next_activity_id": None,
            "last_activity_id": None,
            "last_activity_date": None,
        }
    )
    out.update(_mail(st, "person", p["id"]))
    out.update(_root_custom(st, "person", p))
    return out


def organization(st: State, o: Obj) -> Obj:
    addr = o.get("address") or {}
    out = {
        "id": o["id"],
        "company_id": st.company.get("company_id"),
        "owner_id": user_ref(st, o.get("owner_id")),
        "name": o["name"],
        "active_flag": not o.get("is_deleted"),
        "picture_id": None,
        "country_code": None,
        "first_char": (o.get("name") or " ")[0].lower(),
        "add_time": to_v1(o.get("add_time")),
        "update_time": to_v1(o.get("update_time")),
        "visible_to": str(o.get("visible_to")),
        "label": None,
        "label_ids": list(o.get("label_ids") or []),
        "owner_name": _name(st.users, o.get("owner_id")),
        "cc_email": None,
        "address": addr.get("value"),
    }
    for part in (
        "subpremise",
        "street_number",
        "route",
        "sublocality",
        "locality",
        "admin_area_level_1",
        "admin_area_level_2",
        "country",
        "postal_code",
    ):
        out[f"address_{part}"] = addr.get(part)
    out["address_formatted_address"] = addr.get("formatted_address") or addr.get("value")
    for key in (
        "email_messages_count",
        "people_count",
        "activities_count",
        "done_activities_count",
        "undone_activities_count",
        "files_count",
        "notes_count",
        "followers_count",
        "open_deals_count",
        "related_open_deals_count",
        "closed_deals_count",
        "related_closed_deals_count",
        "won_deals_count",
        "related_won_deals_count",
        "lost_deals_count",
        "related_lost_deals_count",
    ):
        out[key] = 0
    out.update(
        {
            "next_activity_date": None,
            "next_activity_time": None,
            "next_activity_id": None,
            "last_activity_id": None,
            "last_activity_date": None,
        }
    )
    out.update(_mail(st, "organization", o["id"]))
    out.update(_root_custom(st, "organization", o))
    return out


def activity(st: State, a: Obj) -> Obj:
    loc = a.get("location") or {}
    out = {
        "id": a["id"],
        "company_id": st.company.get("company_id"),
        "user_id": a.get("owner_id"),
        "done": bool(a.get("done")),
        "type": a.get("type"),
        "reference_type": None,
        "reference_id": None,
        "conference_meeting_client": a.get("conference_meeting_client"),
        "conference_meeting_url": a.get("conference_meeting_url"),
        "conference_meeting_id": a.get("conference_meeting_id"),
        "due_date": a.get("due_date"),
        "due_time": (a.get("due_time") or "")[:5],
        "duration": (a.get("duration") or "")[:5],
        "busy_flag": bool(a.get("busy")),
        "add_time": to_v1(a.get("add_time")),
        "marked_as_done_time": to_v1(a.get("marked_as_done_time")) or "",
        "last_notification_time": None,
        "last_notification_user_id": None,
        "notification_language_id": None,
        "subject": a.get("subject"),
        "public_description": a.get("public_description") or "",
        "calendar_sync_include_context": None,
        "location": loc.get("value"),
        "org_id": a.get("org_id"),
        "person_id": a.get("person_id"),
        "deal_id": a.get("deal_id"),
        "lead_id": a.get("lead_id"),
        "project_id": a.get("project_id"),
        "active_flag": not a.get("is_deleted"),
        "update_time": to_v1(a.get("update_time")),
        "update_user_id": a.get("owner_id"),
        "gcal_event_id": None,
        "google_calendar_id": None,
        "google_calendar_etag": None,
        "source_timezone": None,
        "rec_rule": None,
        "rec_rule_extension": None,
        "rec_master_activity_id": None,
        "series": [],
        "note": a.get("note"),
        "created_by_user_id": a.get("creator_user_id"),
    }
    for part in (
        "subpremise",
        "street_number",
        "route",
        "sublocality",
        "locality",
        "admin_area_level_1",
        "admin_area_level_2",
        "country",
        "postal_code",
    ):
        out[f"location_{part}"] = loc.get(part)
    out["location_formatted_address"] = loc.get("formatted_address") or loc.get("value")
    out["attendees"] = a.get("_attendees") or None
    out["participants"] = [{"person_id": p["person_id"], "primary_flag": p["primary"]} for p in a.get("participants") or []]
    out.update(
        {
            "org_name": _name(st.organizations, a.get("org_id")),
            "person_name": _name(st.persons, a.get("person_id")),
            "deal_title": _name(st.deals, a.get("deal_id"), "title"),
            "owner_name": _name(st.users, a.get("owner_id")),
            "person_dropbox_bcc": None,
            "deal_dropbox_bcc": None,
            "assigned_to_user_id": a.get("owner_id"),
            "file": None,
        }
    )
    return out
