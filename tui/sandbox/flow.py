"""Deal history: every write the sandbox receives is recorded per deal (field changes with
old/new values, stage moves, won/lost, values following products), and served as v1's
GET /deals/{id}/changelog (cursor-paged field changes) and GET /deals/{id}/flow (a mixed feed
of dealChange, activity and note items, newest first, with related_objects).

A generated deal gets a plausible past (its stage move and its close) the first time it is
written or its history is read, from the values it had then.
"""

from __future__ import annotations

import base64
from typing import Any

from tui.sandbox import paging, v1, v1shapes
from tui.sandbox import validate as v
from tui.sandbox.state import Obj, State, to_v1

# v2 key -> v1 field key used by the changelog
TRACKED = {
    "title": "title",
    "value": "value",
    "currency": "currency",
    "stage_id": "stage_id",
    "pipeline_id": "pipeline_id",
    "status": "status",
    "owner_id": "user_id",
    "person_id": "person_id",
    "org_id": "org_id",
    "expected_close_date": "expected_close_date",
    "probability": "probability",
    "lost_reason": "lost_reason",
    "won_time": "won_time",
    "lost_time": "lost_time",
    "close_time": "close_time",
    "visible_to": "visible_to",
    "label_ids": "label",
    "is_archived": "is_archived",
    "is_deleted": "deleted",
}
FLOW_ITEMS = (
    "call",
    "activity",
    "plannedActivity",
    "change",
    "note",
    "deal",
    "file",
    "dealChange",
    "personChange",
    "organizationChange",
    "follower",
    "dealFollower",
    "personFollower",
    "organizationFollower",
    "participant",
    "comment",
    "mailMessage",
    "mailMessageWithAttachment",
    "invoice",
    "document",
    "marketing_campaign_stat",
    "marketing_status_change",
)
AGENT = "pipedrive-tui sandbox"


def _text(val: Any) -> str | None:
    if val is None:
        return None
    if isinstance(val, bool):
        return "1" if val else "0"
    if isinstance(val, list):
        return ",".join(str(x) for x in val)
    if isinstance(val, float) and val.is_integer():
        return str(int(val))
    if isinstance(val, str) and len(val) == 20 and val[10] == "T" and val.endswith("Z"):
        return to_v1(val)
    if isinstance(val, dict):
        return str(val.get("value"))
    return str(val)


def _add(st: State, deal_id: int, key: str, old: Any, new: Any, when: str, user_id: int, custom: bool = False, source: str = "api") -> None:
    st.log_ids += 1
    st.deal_log.setdefault(deal_id, []).append(
        {
            "id": st.log_ids,
            "field_key": key,
            "old": old,
            "new": new,
            "time": to_v1(when) or when,
            "user_id": user_id,
            "custom": custom,
            "source": source,
        }
    )


def ensure_history(st: State, deal: Obj) -> None:
    """Synthesise a generated deal's past once, before anything is recorded on top of it."""
    if deal["id"] in st.deal_log:
        return
    st.deal_log[deal["id"]] = []
    first = min((s for s in st.stages.values() if s["pipeline_id"] == deal.get("pipeline_id")), key=lambda s: s["order_nr"], default=None)
    actor = deal.get("owner_id") or st.me_id
    if first and deal.get("stage_change_time") and first["id"] != deal.get("stage_id"):
        _add(st, deal["id"], "stage_id", first["id"], deal["stage_id"], deal["stage_change_time"], actor, source="app")
    if deal.get("status") in ("won", "lost") and deal.get("close_time"):
        _add(st, deal["id"], "status", "open", deal["status"], deal["close_time"], actor, source="app")


def record(st: State, before: Obj | None, after: Obj, when: str, user_id: int) -> None:
    """Record the differences between two versions of a deal (before=None: created)."""
    if before is None:
        st.deal_log[after["id"]] = []
        _add(st, after["id"], "add_time", None, after.get("add_time"), when, user_id)
        return
    ensure_history(st, before)
    for key, v1key in TRACKED.items():
        if before.get(key) != after.get(key):
            _add(st, after["id"], v1key, _raw(before.get(key)), _raw(after.get(key)), when, user_id)
    old_cf, new_cf = before.get("custom_fields") or {}, after.get("custom_fields") or {}
    for code in sorted(set(old_cf) | set(new_cf)):
        if old_cf.get(code) != new_cf.get(code):
            _add(st, after["id"], code, old_cf.get(code), new_cf.get(code), when, user_id, custom=True)


def _raw(val: Any) -> Any:
    return list(val) if isinstance(val, list) else val


def _deal(st: State, deal_id: int) -> Obj:
    deal = st.deals.get(deal_id)
    if deal is None or deal.get("is_deleted"):
        raise v.not_found("Deal")
    ensure_history(st, deal)
    return deal


def changelog(st: State, deal_id: int, q: dict[str, str]) -> tuple[list[Obj], Obj]:
    _deal(st, deal_id)
    entries = [e for e in reversed(st.deal_log[deal_id]) if e["field_key"] != "add_time"]
    limit = paging.limit_of(q, 500)
    start = 0
    if q.get("cursor"):
        try:
            start = int(base64.urlsafe_b64decode(q["cursor"] + "=" * (-len(q["cursor"]) % 4)).decode().split(":")[1])
        except Exception:
            raise v.bad("Validation failed: cursor: Invalid cursor") from None
    chunk = entries[start : start + limit]
    data = [
        {
            "field_key": e["field_key"],
            "old_value": _text(e["old"]),
            "new_value": _text(e["new"]),
            "actor_user_id": e["user_id"],
            "time": e["time"],
            "change_source": e["source"],
            "change_source_user_agent": AGENT if e["source"] == "api" else None,
            "is_bulk_update_flag": False,
        }
        for e in chunk
    ]
    nxt = base64.urlsafe_b64encode(f"offset:{start + limit}".encode()).decode().rstrip("=") if start + limit < len(entries) else None
    return data, {"next_cursor": nxt}


def _flag(q: dict[str, str], key: str) -> bool:
    raw = q.get(key)
    if raw in (None, "", "0"):
        return False
    if raw == "1":
        return True
    raise v.bad(f"{key} must be 0 or 1")


def flow(st: State, deal_id: int, q: dict[str, str]) -> tuple[list[Obj], Obj, Obj]:
    """(data, additional_data, related_objects)."""
    deal = _deal(st, deal_id)
    wanted = {x.strip() for x in (q.get("items") or "").split(",") if x.strip()}
    unknown = wanted - set(FLOW_ITEMS)
    if unknown:
        raise v.bad(f"Invalid items value: {sorted(unknown)[0]}")
    all_changes = _flag(q, "all_changes")
    feed: list[tuple[str, int, Obj]] = []
    if not wanted or wanted & {"change", "dealChange"}:
        for e in st.deal_log[deal_id]:
            if e["field_key"] == "add_time" or (e["custom"] and not all_changes):
                continue
            feed.append(
                (
                    e["time"],
                    e["id"],
                    {
                        "object": "dealChange",
                        "timestamp": e["time"],
                        "data": {
                            "id": e["id"],
                            "item_id": deal_id,
                            "user_id": e["user_id"],
                            "field_key": e["field_key"],
                            "old_value": e["old"],
                            "new_value": e["new"],
                            "is_bulk_update_flag": None,
                            "log_time": e["time"],
                            "change_source": e["source"],
                            "change_source_user_agent": AGENT if e["source"] == "api" else None,
                            "additional_data": [],
                        },
                    },
                )
            )
    for a in st.activities.values():
        if a.get("deal_id") != deal_id or a.get("is_deleted"):
            continue
        kinds = {"activity", "plannedActivity" if not a.get("done") else "activity"} | ({"call"} if a.get("type") == "call" else set())
        if wanted and not wanted & kinds:
            continue
        stamp = to_v1(a.get("marked_as_done_time") if a.get("done") else a.get("add_time")) or ""
        feed.append((stamp, a["id"], {"object": "activity", "timestamp": stamp, "data": v1shapes.activity(st, a)}))
    if not wanted or "note" in wanted:
        for n in st.notes.values():
            if n.get("deal_id") == deal_id and n.get("active_flag"):
                feed.append((n["add_time"], n["id"], {"object": "note", "timestamp": n["add_time"], "data": v1.note_out(st, n)}))
    feed.sort(key=lambda f: (f[0], f[1]), reverse=True)
    chunk, pagination = paging.v1_page([f[2] for f in feed], q)
    users = {deal.get("owner_id")} | {f["data"].get("user_id") for f in chunk}
    related: Obj = {
        "user": {str(u): {k: val for k, val in (v1shapes.user_ref(st, u) or {}).items() if k != "value"} for u in users if u in st.users}
    }
    related["deal"] = {str(deal_id): {k: deal.get(k) for k in ("id", "title", "status", "value", "currency", "stage_id", "pipeline_id")}}
    if deal.get("person_id") in st.persons:
        p = st.persons[deal["person_id"]]
        related["person"] = {
            str(p["id"]): {
                "active_flag": not p.get("is_deleted"),
                "id": p["id"],
                "name": p["name"],
                "email": p.get("emails") or [],
                "phone": p.get("phones") or [],
                "owner_id": p.get("owner_id"),
            }
        }
    if deal.get("org_id") in st.organizations:
        o = st.organizations[deal["org_id"]]
        related["organization"] = {
            str(o["id"]): {
                "id": o["id"],
                "name": o["name"],
                "people_count": sum(1 for p in st.persons.values() if p.get("org_id") == o["id"]),
                "owner_id": o.get("owner_id"),
                "address": (o.get("address") or {}).get("value"),
                "active_flag": not o.get("is_deleted"),
                "cc_email": f"{st.company.get('company_domain')}+org{o['id']}@pipedrivemail.com",
            }
        }
    return chunk, {"pagination": pagination}, related


def party_flow(st: State, entity: str, item_id: int, q: dict[str, str]) -> tuple[list[Obj], Obj, Obj]:
    """GET /persons/{id}/flow and /organizations/{id}/flow: the activities and notes of the
    person or organization, newest first (the sandbox records no person/organization changes)."""
    coll, key, what = (st.persons, "person_id", "Person") if entity == "person" else (st.organizations, "org_id", "Organization")
    obj = coll.get(item_id)
    if obj is None or obj.get("is_deleted"):
        raise v.not_found(what)
    feed: list[tuple[str, int, Obj]] = []
    for a in st.activities.values():
        if a.get(key) == item_id and not a.get("is_deleted"):
            stamp = to_v1(a.get("marked_as_done_time") if a.get("done") else a.get("add_time")) or ""
            feed.append((stamp, a["id"], {"object": "activity", "timestamp": stamp, "data": v1shapes.activity(st, a)}))
    for n in st.notes.values():
        if n.get(key) == item_id and n.get("active_flag"):
            feed.append((n["add_time"], n["id"], {"object": "note", "timestamp": n["add_time"], "data": v1.note_out(st, n)}))
    feed.sort(key=lambda f: (f[0], f[1]), reverse=True)
    chunk, pagination = paging.v1_page([f[2] for f in feed], q)
    return chunk, {"pagination": pagination}, {}
