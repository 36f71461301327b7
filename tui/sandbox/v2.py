"""v2 handlers: listing helpers and deals (incl. archived); persons and organizations are in
parties.py, activities in activities.py."""

from __future__ import annotations

from datetime import date
from typing import Any

from tui.sandbox import fields, filters, flow, paging
from tui.sandbox import validate as v
from tui.sandbox.state import Obj, State, parse_rfc3339, rfc3339

Query = dict[str, str]

DEAL_KEYS = {
    "title",
    "owner_id",
    "person_id",
    "org_id",
    "pipeline_id",
    "stage_id",
    "value",
    "currency",
    "status",
    "probability",
    "lost_reason",
    "close_time",
    "won_time",
    "lost_time",
    "expected_close_date",
    "visible_to",
    "label_ids",
    "is_archived",
    "archive_time",
    "is_deleted",
    "custom_fields",
}
DEAL_READ_ONLY = {
    "id",
    "creator_user_id",
    "add_time",
    "update_time",
    "stage_change_time",
    "local_won_date",
    "local_lost_date",
    "local_close_date",
    "origin",
    "origin_id",
    "channel",
    "channel_id",
    "acv",
    "arr",
    "mrr",
    "source_lead_id",
}
ADDRESS_KEYS = (
    "value",
    "country",
    "admin_area_level_1",
    "admin_area_level_2",
    "locality",
    "sublocality",
    "route",
    "street_number",
    "subpremise",
    "postal_code",
)


# -- listing ----------------------------------------------------------------------------------


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


def listing(
    st: State, items: list[Obj], q: Query, *, filters_: tuple[str, ...], sorts: tuple[str, ...], ftype: str, now: str
) -> tuple[list[Obj], dict[str, Any]]:
    """filter_id (which overrides ids and the quick filters), updated_since/until, keyset page."""
    matched = filters.apply(st, q, ftype, items, date.fromisoformat(now[:10]))
    if matched is not None:
        items = matched
    else:
        ids = int_list(q, "ids")
        if ids is not None:
            if len(ids) > 100:
                raise v.bad("Validation failed: ids: at most 100 ids")
            items = [o for o in items if o["id"] in ids]
        for f in filters_:
            val = int_param(q, f)
            if val is not None:
                items = [o for o in items if o.get(f) == val]
    since, until = time_param(q, "updated_since"), time_param(q, "updated_until")
    if since:
        items = [o for o in items if (o.get("update_time") or "") >= since]
    if until:
        items = [o for o in items if (o.get("update_time") or "") < until]
    return paging.keyset(items, q, sorts)


def live(coll: dict[int, Obj]) -> list[Obj]:
    return [o for o in coll.values() if not o.get("is_deleted")]


def get_live(coll: dict[int, Obj], item_id: int, what: str) -> Obj:
    obj = coll.get(item_id)
    if obj is None or obj.get("is_deleted"):
        raise v.not_found(what)
    return obj


def check_refs(st: State, body: dict[str, Any]) -> None:
    for key, coll, what in (
        ("person_id", st.persons, "Person"),
        ("org_id", st.organizations, "Organization"),
        ("deal_id", st.deals, "Deal"),
    ):
        if body.get(key) is not None:
            obj = coll.get(body[key])
            if obj is None or obj.get("is_deleted"):
                raise v.bad(f"{what} with id {body[key]} not found")
    if body.get("owner_id") is not None and body["owner_id"] not in st.users:
        raise v.bad(f"User with id {body['owner_id']} not found")


def _labels(st: State, entity: str, body: dict[str, Any]) -> None:
    ids = body.get("label_ids")
    if ids is None:
        return
    if not isinstance(ids, list) or not all(v.is_int(i) for i in ids):
        raise v.bad("Validation failed: label_ids: Expected array of integers")
    known = {o["id"] for f in fields.defs(st, entity) if f["field_code"] == "label_ids" for o in f.get("options") or []}
    missing = [i for i in ids if i not in known]
    if missing:
        raise v.bad(f"Validation failed: label_ids: Label with id {missing[0]} not found")


def _visible(body: dict[str, Any]) -> None:
    if body.get("visible_to") is not None and body["visible_to"] not in (1, 3, 5, 7):
        raise v.bad("Validation failed: visible_to: Invalid enum value. Expected 1 | 3 | 5 | 7")


def _check_address(body: dict[str, Any], key: str) -> None:
    addr = body.get(key)
    if addr is None:
        return
    if not (isinstance(addr, dict) and isinstance(addr.get("value"), str)):
        raise v.bad(f"Validation failed: {key}: Expected object with a string value")
    extra = sorted(set(addr) - set(ADDRESS_KEYS))
    if extra:
        raise v.bad(f"Validation failed: {key}: unrecognized keys: {', '.join(extra)}")


# -- deals ----------------------------------------------------------------------------------


def list_deals(st: State, q: Query, now: str, archived: bool = False) -> tuple[list[Obj], dict[str, Any]]:
    statuses = {s for s in q.get("status", "").split(",") if s}
    for s in statuses:
        if s not in ("open", "won", "lost", "deleted"):
            raise v.bad("Validation failed: status: Invalid enum value. Expected 'open' | 'won' | 'lost' | 'deleted'")
    if statuses:
        items = [
            d
            for d in st.deals.values()
            if (("deleted" in statuses and d.get("is_deleted")) or (not d.get("is_deleted") and d["status"] in statuses))
        ]
    else:
        items = live(st.deals)
    items = [d for d in items if bool(d.get("is_archived")) == archived]
    return listing(
        st,
        items,
        q,
        filters_=("owner_id", "person_id", "org_id", "pipeline_id", "stage_id"),
        sorts=("id", "update_time", "add_time"),
        ftype="deals",
        now=now,
    )


def _time_value(body: dict[str, Any], key: str, *, v1_format_ok: bool = False) -> str | None:
    raw = body.get(key)
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise v.bad(f"Validation failed: {key}: Expected string")
    try:
        if v1_format_ok and len(raw) == 19 and raw[10] == " ":
            raw = raw.replace(" ", "T") + "Z"
        return rfc3339(parse_rfc3339(raw))
    except ValueError:
        raise v.bad(f"Validation failed: {key}: Invalid date-time") from None


def _check_deal_body(st: State, body: dict[str, Any], deal: Obj | None) -> None:
    ro = sorted(set(body) & DEAL_READ_ONLY)
    if ro:
        raise v.bad(f"Validation failed: {ro[0]}: the field is read-only")
    v.unknown_keys(body, DEAL_KEYS)
    if deal is None or "title" in body:
        v.opt_str(body, "title", required=True)
    for key in ("owner_id", "person_id", "org_id", "pipeline_id", "stage_id", "visible_to"):
        v.opt_int(body, key)
    v.opt_number(body, "value")
    v.opt_number(body, "probability")
    v.opt_str(body, "currency")
    v.opt_str(body, "lost_reason")
    v.opt_date(body, "expected_close_date")
    v.opt_bool(body, "is_archived")
    v.opt_bool(body, "is_deleted")
    _visible(body)
    _labels(st, "deal", body)
    if body.get("is_deleted"):
        raise v.bad("Validation failed: is_deleted: deals are deleted with DELETE, not written as deleted")
    if body.get("currency") is not None and body["currency"] not in {c["code"] for c in st.currencies.values()}:
        raise v.bad(f"Validation failed: currency: Unknown currency {body['currency']}")
    if body.get("status") is not None and body["status"] not in ("open", "won", "lost"):
        raise v.bad("Validation failed: status: Invalid enum value. Expected 'open' | 'won' | 'lost'")
    if body.get("probability") is not None and not 0 <= body["probability"] <= 100:
        raise v.bad("Validation failed: probability: must be between 0 and 100")
    status = body.get("status") or (deal or {}).get("status") or "open"
    for key, allowed in (("won_time", ("won",)), ("lost_time", ("lost",)), ("close_time", ("won", "lost"))):
        if body.get(key) is not None:
            if status not in allowed:
                raise v.bad(f"Validation failed: {key}: can only be set when the deal status is {' or '.join(allowed)}")
            _time_value(body, key)
    _time_value(body, "archive_time", v1_format_ok=True)
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
    custom = fields.check_custom(st, "deal", body.pop("custom_fields", None))
    old_stage, old_status = deal.get("stage_id"), deal.get("status")
    if body.get("stage_id") is not None:
        body["pipeline_id"] = st.stages[body["stage_id"]]["pipeline_id"]
    elif body.get("pipeline_id") is not None and body["pipeline_id"] != deal.get("pipeline_id"):
        first = min(
            (s for s in st.stages.values() if s["pipeline_id"] == body["pipeline_id"] and not s["is_deleted"]), key=lambda s: s["order_nr"]
        )
        body["stage_id"] = first["id"]
    status = body.get("status", old_status)
    if status != "lost" and "lost_reason" in body and body["lost_reason"] is not None:
        raise v.bad("Validation failed: lost_reason: can be set only when status is lost")
    times = {k: _time_value(body, k) for k in ("won_time", "lost_time", "close_time") if body.get(k) is not None}
    for k in times:
        body.pop(k)
    if "is_archived" in body:
        stamp = _time_value(body, "archive_time", v1_format_ok=True) if body.get("archive_time") else now
        body["archive_time"] = stamp if body["is_archived"] else None
    elif "archive_time" in body:
        body["archive_time"] = _time_value(body, "archive_time", v1_format_ok=True)
    deal.update(body)
    deal.setdefault("custom_fields", {}).update(custom)
    if deal.get("stage_id") != old_stage:
        deal["stage_change_time"] = now
    if status != old_status:
        when = times.get("won_time") or times.get("lost_time") or times.get("close_time") or now
        if status == "won":
            deal.update(
                won_time=when,
                close_time=when,
                lost_time=None,
                lost_reason=None,
                local_won_date=when[:10],
                local_close_date=when[:10],
                local_lost_date=None,
            )
            deal.setdefault("_first_won_time", when)
        elif status == "lost":
            deal.update(
                lost_time=when, close_time=when, won_time=None, local_lost_date=when[:10], local_close_date=when[:10], local_won_date=None
            )
        else:
            deal.update(
                won_time=None,
                lost_time=None,
                close_time=None,
                lost_reason=None,
                local_won_date=None,
                local_lost_date=None,
                local_close_date=None,
            )
    else:
        for key, val in times.items():
            deal[key] = val
            local = {"won_time": "local_won_date", "lost_time": "local_lost_date", "close_time": "local_close_date"}[key]
            deal[local] = val[:10]  # type: ignore[index]
    deal["update_time"] = now


def create_deal(st: State, body: dict[str, Any], now: str, actor: int | None = None) -> Obj:
    _check_deal_body(st, body, None)
    if body.get("stage_id") is None:
        pid = body.get("pipeline_id") or min(p["id"] for p in live(st.pipelines))
        first = min((s for s in live(st.stages) if s["pipeline_id"] == pid), key=lambda s: s["order_nr"])
        body = {**body, "stage_id": first["id"]}
    deal: Obj = {
        "id": st.new_id("deals"),
        "title": "",
        "creator_user_id": st.me_id,
        "owner_id": st.me_id,
        "value": 0,
        "currency": st.users[st.me_id].get("default_currency") or "EUR",
        "person_id": None,
        "org_id": None,
        "pipeline_id": None,
        "stage_id": None,
        "status": "open",
        "probability": None,
        "add_time": now,
        "update_time": now,
        "stage_change_time": None,
        "close_time": None,
        "won_time": None,
        "lost_time": None,
        "local_won_date": None,
        "local_lost_date": None,
        "local_close_date": None,
        "expected_close_date": None,
        "lost_reason": None,
        "is_archived": False,
        "archive_time": None,
        "is_deleted": False,
        "visible_to": 3,
        "label_ids": [],
        "origin": "API",
        "origin_id": None,
        "channel": None,
        "channel_id": None,
        "acv": None,
        "arr": None,
        "mrr": None,
        "source_lead_id": None,
        "custom_fields": {},
    }
    status = body.get("status", "open")
    first_pass = {k: val for k, val in body.items() if k not in ("status", "won_time", "lost_time", "close_time")}
    apply_deal(st, deal, first_pass, now)
    if status != "open":
        second: dict[str, Any] = {"status": status, **{k: body[k] for k in ("won_time", "lost_time", "close_time") if k in body}}
        if status == "lost":
            second["lost_reason"] = body.get("lost_reason")
        apply_deal(st, deal, second, now)
    deal["stage_change_time"] = None
    st.deals[deal["id"]] = deal
    flow.record(st, None, deal, now, actor or st.me_id)
    return deal


def update_deal(st: State, deal_id: int, body: dict[str, Any], now: str, actor: int | None = None) -> Obj:
    from tui.sandbox import products

    deal = get_live(st.deals, deal_id, "Deal")
    if deal.get("is_archived") and set(body) - {"is_archived", "archive_time"}:
        raise v.bad("Archived deals cannot be edited; unarchive the deal first (is_archived: false)")
    _check_deal_body(st, body, deal)
    lines = products.of_deal(st, deal_id)
    if lines and "value" in body and body["value"] != deal.get("value"):
        raise v.bad("Validation failed: value: the value of a deal with products is the sum of its products")
    before = {**deal, "custom_fields": dict(deal.get("custom_fields") or {})}
    apply_deal(st, deal, body, now)
    if lines and deal.get("currency") != before.get("currency"):
        for dp in lines:
            dp.update(currency=deal["currency"], update_time=now)
    flow.record(st, before, deal, now, actor or st.me_id)
    return deal


def delete_deal(st: State, deal_id: int, now: str, actor: int | None = None) -> Obj:
    deal = get_live(st.deals, deal_id, "Deal")
    before = dict(deal)
    deal["is_deleted"] = True
    deal["update_time"] = now
    flow.record(st, before, deal, now, actor or st.me_id)
    return {"id": deal_id}


def soft_delete(coll: dict[int, Obj], item_id: int, what: str, now: str) -> Obj:
    obj = get_live(coll, item_id, what)
    obj["is_deleted"] = True
    obj["update_time"] = now
    return {"id": item_id}
