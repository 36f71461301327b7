"""Leads (v1 /leads, /leadLabels, /leadSources; v2 /leads/search) and the asynchronous
lead -> deal conversion (v2 POST /leads/{id}/convert/deal, GET .../convert/status/{id}).

A conversion answers "running" until it has been polled `conversion_polls` times or
`conversion_seconds` of server time have passed; then the deal exists, the lead's notes and
activities point at it, and the lead is gone (404, not listed). A conversion whose lead,
person, organization, stage or pipeline went away meanwhile ends "failed" (the lead stays as
it was), as Pipedrive's does; it never stays "running".
"""

from __future__ import annotations

import copy
import uuid
from datetime import datetime, timedelta
from typing import Any

from tui.sandbox import filters, paging
from tui.sandbox import validate as v
from tui.sandbox.state import Obj, State, iso_ms, parse_rfc3339, rfc3339

LEAD_KEYS = {
    "title",
    "owner_id",
    "label_ids",
    "person_id",
    "organization_id",
    "value",
    "expected_close_date",
    "visible_to",
    "was_seen",
    "origin_id",
    "channel",
    "channel_id",
}
PATCH_KEYS = (LEAD_KEYS - {"origin_id"}) | {"is_archived"}
SORTS = ("id", "title", "owner_id", "creator_id", "was_seen", "expected_close_date", "next_activity_id", "add_time", "update_time")
COLORS = ("blue", "brown", "dark-gray", "gray", "green", "orange", "pink", "purple", "red", "yellow")
NAMESPACE = uuid.UUID("6f1c6a3e-2b1d-4c55-9b1e-5d0f2c7a9e10")


def new_uuid(st: State, kind: str) -> str:
    n = st.next_ids.get("uuid", 0) + 1
    st.next_ids["uuid"] = n
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{n}"))


def live_lead(st: State, lead_id: str) -> Obj:
    lead = st.leads.get(lead_id)
    if lead is None or lead.get("_deleted"):
        raise v.not_found("Lead")
    return lead


def lead_out(st: State, lead: Obj) -> Obj:
    out = {k: copy.deepcopy(val) for k, val in lead.items() if not k.startswith("_")}
    pending = sorted(
        (a for a in st.activities.values() if a.get("lead_id") == lead["id"] and not a.get("done") and not a.get("is_deleted")),
        key=lambda a: (a.get("due_date") or "", a.get("due_time") or "", a["id"]),
    )
    out["next_activity_id"] = pending[0]["id"] if pending else None
    return out


def _check(st: State, body: dict[str, Any], *, create: bool) -> dict[str, Any]:
    v.unknown_keys(body, LEAD_KEYS if create else PATCH_KEYS)
    if create or "title" in body:
        v.opt_str(body, "title", required=True)
    for key in ("owner_id", "person_id", "organization_id", "channel"):
        v.opt_int(body, key)
    v.opt_bool(body, "was_seen")
    v.opt_bool(body, "is_archived")
    v.opt_date(body, "expected_close_date")
    v.opt_str(body, "origin_id")
    v.opt_str(body, "channel_id")
    if body.get("visible_to") is not None and body["visible_to"] not in ("1", "3", "5", "7"):
        raise v.bad("Validation failed: visible_to: Invalid enum value. Expected '1' | '3' | '5' | '7'")
    value = body.get("value")
    if value is not None:
        if (
            not isinstance(value, dict)
            or set(value) != {"amount", "currency"}
            or isinstance(value["amount"], bool)
            or not isinstance(value["amount"], (int, float))
        ):
            raise v.bad("Validation failed: value: Expected {amount: number, currency: string}, both required")
        if value["currency"] not in {c["code"] for c in st.currencies.values()}:
            raise v.bad(f"Validation failed: value.currency: Unknown currency {value['currency']}")
    labels = body.get("label_ids")
    if labels is not None:
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
            raise v.bad("Validation failed: label_ids: Expected array of uuid strings")
        missing = [x for x in labels if x not in st.lead_labels]
        if missing:
            raise v.bad(f"Lead label with id {missing[0]} not found")
    for key, coll, what in (("person_id", st.persons, "Person"), ("organization_id", st.organizations, "Organization")):
        if body.get(key) is not None and (body[key] not in coll or coll[body[key]].get("is_deleted")):
            raise v.bad(f"{what} with id {body[key]} not found")
    if body.get("owner_id") is not None and body["owner_id"] not in st.users:
        raise v.bad(f"User with id {body['owner_id']} not found")
    return dict(body)


def create_lead(st: State, body: dict[str, Any], now: str) -> Obj:
    clean = _check(st, body, create=True)
    if clean.get("person_id") is None and clean.get("organization_id") is None:
        raise v.bad("A lead must be linked to a person or an organization (person_id or organization_id)")
    lid = new_uuid(st, "lead")
    lead: Obj = {
        "id": lid,
        "title": "",
        "owner_id": st.me_id,
        "creator_id": st.me_id,
        "label_ids": [],
        "person_id": None,
        "organization_id": None,
        "source_name": "API",
        "origin": "API",
        "origin_id": None,
        "channel": None,
        "channel_id": None,
        "source_deal_id": None,
        "is_archived": False,
        "was_seen": False,
        "value": None,
        "expected_close_date": None,
        "next_activity_id": None,
        "add_time": iso_ms(now),
        "update_time": iso_ms(now),
        "visible_to": "3",
        "cc_email": f"{st.company.get('company_domain')}+lead{len(st.leads) + 1}@pipedrivemail.com",
    }
    lead.update(clean)
    lead["title"] = lead["title"].strip()
    st.leads[lid] = lead
    return lead


def update_lead(st: State, lead_id: str, body: dict[str, Any], now: str) -> Obj:
    lead = live_lead(st, lead_id)
    clean = _check(st, body, create=False)
    merged = {**lead, **clean}
    if merged.get("person_id") is None and merged.get("organization_id") is None:
        raise v.bad("A lead must be linked to a person or an organization (person_id or organization_id)")
    lead.update(clean)
    lead["update_time"] = iso_ms(now)
    return lead


def delete_lead(st: State, lead_id: str, now: str) -> Obj:
    lead = live_lead(st, lead_id)
    lead["_deleted"] = True
    lead["update_time"] = iso_ms(now)
    return {"id": lead_id}


def list_leads(st: State, q: dict[str, str], today: Any, archived: bool | None) -> tuple[list[Obj], Obj]:
    status = q.get("archived_status")  # pre-2024 parameter; today's spec has /leads/archived instead
    if status is not None:
        if status not in ("archived", "not_archived", "all"):
            raise v.bad("archived_status must be one of archived, not_archived, all")
        archived = {"archived": True, "not_archived": False, "all": None}[status]
    items = [
        lead for lead in st.leads.values() if not lead.get("_deleted") and (archived is None or bool(lead.get("is_archived")) == archived)
    ]
    flt = filters.apply(st, q, "leads", items, today)
    if flt is not None:
        items = flt
    else:
        for key in ("owner_id", "person_id", "organization_id"):
            if q.get(key):
                try:
                    want = int(q[key])
                except ValueError:
                    raise v.bad(f"{key} must be an integer") from None
                items = [lead for lead in items if lead.get(key) == want]
    if q.get("updated_since"):
        try:
            since = rfc3339(parse_rfc3339(q["updated_since"]))
        except ValueError:
            raise v.bad("updated_since must be an ISO 8601 date-time") from None
        items = [lead for lead in items if lead["update_time"][:19] + "Z" >= since]
    field, _, direction = (q.get("sort") or "id ASC").split(",")[0].strip().partition(" ")
    if field not in SORTS or direction.strip().upper() not in ("", "ASC", "DESC"):
        raise v.bad(f"Invalid sort: {q.get('sort')}")
    items.sort(
        key=lambda lead: (lead.get(field) is None, str(lead.get(field) or ""), lead["add_time"], lead["id"]),
        reverse=direction.strip().upper() == "DESC",
    )
    chunk, pagination = paging.v1_page(items, q)
    pagination.pop("next_start", None)
    return [lead_out(st, lead) for lead in chunk], pagination


# -- labels and sources ---------------------------------------------------------------------------


def _label_body(body: dict[str, Any], create: bool) -> dict[str, Any]:
    v.unknown_keys(body, {"name", "color"})
    v.opt_str(body, "name", required=create or "name" in body)
    if (create or "color" in body) and body.get("color") not in COLORS:
        raise v.bad(f"Validation failed: color: Invalid enum value. Expected {' | '.join(COLORS)}")
    return dict(body)


def create_label(st: State, body: dict[str, Any], now: str) -> Obj:
    clean = _label_body(body, True)
    lid = new_uuid(st, "label")
    st.lead_labels[lid] = {
        "id": lid,
        "name": clean["name"].strip(),
        "color": clean["color"],
        "add_time": iso_ms(now),
        "update_time": iso_ms(now),
    }
    return st.lead_labels[lid]


def update_label(st: State, label_id: str, body: dict[str, Any], now: str) -> Obj:
    label = st.lead_labels.get(label_id)
    if label is None:
        raise v.not_found("Lead label")
    label.update(_label_body(body, False))
    label["update_time"] = iso_ms(now)
    return label


def delete_label(st: State, label_id: str) -> Obj:
    if st.lead_labels.pop(label_id, None) is None:
        raise v.not_found("Lead label")
    for lead in st.leads.values():
        if label_id in lead.get("label_ids", []):
            lead["label_ids"] = [x for x in lead["label_ids"] if x != label_id]
    return {"id": label_id}


# -- conversion -------------------------------------------------------------------------------------


def convert(st: State, lead_id: str, body: Any, now: str) -> Obj:
    live_lead(st, lead_id)  # 404 for a missing or deleted lead
    body = body or {}
    if not isinstance(body, dict):
        raise v.bad("Request body must be a JSON object")
    v.unknown_keys(body, {"stage_id", "pipeline_id"})
    v.opt_int(body, "stage_id")
    v.opt_int(body, "pipeline_id")
    stage = st.stages.get(body["stage_id"]) if body.get("stage_id") is not None else None
    if body.get("stage_id") is not None and (stage is None or stage.get("is_deleted")):
        raise v.bad(f"Stage with id {body['stage_id']} not found")
    if body.get("pipeline_id") is not None:
        pipe = st.pipelines.get(body["pipeline_id"])
        if pipe is None or pipe.get("is_deleted"):
            raise v.bad(f"Pipeline with id {body['pipeline_id']} not found")
        if stage is not None and stage["pipeline_id"] != body["pipeline_id"]:
            raise v.bad(f"Stage with id {body['stage_id']} does not belong to pipeline {body['pipeline_id']}")
    if any(c["lead_id"] == lead_id and c["status"] == "running" for c in st.conversions.values()):
        raise v.bad("A conversion of this lead is already running")
    cid = new_uuid(st, "conversion")
    st.conversions[cid] = {
        "lead_id": lead_id,
        "conversion_id": cid,
        "status": "running",
        "deal_id": None,
        "polls": 0,
        "started": now,
        "target": dict(body),
        "user_id": st.me_id,
    }
    return {"conversion_id": cid}


def status(st: State, lead_id: str, cid: str, now: str, polls: int, seconds: float) -> Obj:
    job = st.conversions.get(cid)
    if job is None or job["lead_id"] != lead_id:
        raise v.not_found("Conversion")
    job["polls"] += 1
    tick(st, now, polls, seconds)
    out = {"lead_id": lead_id, "conversion_id": cid, "status": job["status"]}
    if job["deal_id"] is not None:
        out["deal_id"] = job["deal_id"]
    return out


def tick(st: State, now: str, polls: int, seconds: float) -> None:
    """Finish the conversions that are due (called on every request)."""
    for job in st.conversions.values():
        if job["status"] != "running":
            continue
        elapsed = parse_rfc3339(now) - parse_rfc3339(job["started"])
        if job["polls"] >= polls or elapsed >= timedelta(seconds=seconds):
            _finish(st, job, now)


def _finish(st: State, job: Obj, now: str) -> None:
    try:
        _convert(st, job, now)
    except (v.ApiFailure, KeyError, ValueError, TypeError) as exc:  # nothing of it was applied
        job.update(status="failed", error=str(getattr(exc, "error", exc)))


def _convert(st: State, job: Obj, now: str) -> None:
    from tui.sandbox import v2

    lead = st.leads.get(job["lead_id"])
    if lead is None or lead.get("_deleted"):
        raise v.not_found("Lead")
    body: dict[str, Any] = {
        "title": lead["title"],
        "owner_id": lead["owner_id"],
        "person_id": lead.get("person_id"),
        "org_id": lead.get("organization_id"),
        "expected_close_date": lead.get("expected_close_date"),
        "visible_to": int(lead.get("visible_to") or 3),
        **job["target"],
    }
    if lead.get("value"):
        body.update(value=lead["value"]["amount"], currency=lead["value"]["currency"])
    deal = v2.create_deal(st, {k: val for k, val in body.items() if val is not None}, now, job["user_id"])
    deal["source_lead_id"] = lead["id"]
    stamp = datetime.fromisoformat(now.replace("Z", "+00:00"))
    for note in st.notes.values():
        if note.get("lead_id") == lead["id"]:
            note.update(deal_id=deal["id"], lead_id=None, update_time=now.replace("T", " ").replace("Z", ""))
            if note.get("pinned_to_lead_flag"):  # the pin moves with the note, as on Pipedrive
                note.update(pinned_to_deal_flag=True, pinned_to_lead_flag=False)
    for act in st.activities.values():
        if act.get("lead_id") == lead["id"]:
            act.update(deal_id=deal["id"], lead_id=None, update_time=rfc3339(stamp))
    lead["_deleted"] = True
    lead["update_time"] = iso_ms(now)
    job.update(status="completed", deal_id=deal["id"])
