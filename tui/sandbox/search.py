"""v2 search: /itemSearch and /{deals,persons,organizations,products,leads}/search.

Case-insensitive matching on the fields the spec lists per item type (`fields=` narrows them),
whole-value matching with `exact_match=true`, the endpoints' person/organization/status
filters, `include_fields`, and `search_for_related_items` on /itemSearch. Scores: 1 for an
exact match, 0.8 for a prefix, 0.5 inside; results are ordered by score, then type, then id.
"""

from __future__ import annotations

from collections.abc import Sequence, Set as AbstractSet

from collections import defaultdict
from typing import Any

from tui.sandbox import fields
from tui.sandbox import validate as v
from tui.sandbox.state import Obj, State

Query = dict[str, str]
FIELDS = {
    "deal": ("custom_fields", "notes", "title"),
    "person": ("custom_fields", "email", "notes", "phone", "name"),
    "organization": ("address", "custom_fields", "notes", "name"),
    "product": ("code", "custom_fields", "name"),
    "lead": ("custom_fields", "notes", "title"),
    "file": ("name",),
    "mail_attachment": ("name",),
    "project": ("custom_fields", "notes", "title", "description"),
}
ITEM_TYPES = tuple(FIELDS)
INCLUDES = {"deal": "deal.cc_email", "person": "person.picture", "product": "product.price", "lead": "lead.was_seen"}
SEARCHABLE = {"address", "varchar", "text", "varchar_auto", "double", "monetary", "phone"}
ORDER = {t: n for n, t in enumerate(("deal", "person", "organization", "product", "lead"))}


def _flag(q: Query, key: str) -> bool:
    raw = q.get(key)
    if raw in (None, ""):
        return False
    if raw not in ("true", "false"):
        raise v.bad(f"Validation failed: {key}: Expected boolean")
    return raw == "true"


def _term(q: Query, exact: bool) -> str:
    term = (q.get("term") or "").strip()
    if len(term) < (1 if exact else 2):
        raise v.bad("Validation failed: term: must be at least 2 characters long (1 with exact_match)")
    return term.lower()


def _score(term: str, exact: bool, texts: list[Any]) -> tuple[float, list[str]]:
    best, hits = 0.0, []
    for x in texts:
        if x is None or isinstance(x, bool):
            continue
        s = str(x).lower()
        score = 1.0 if s == term else 0.0 if exact else 0.8 if s.startswith(term) else 0.5 if term in s else 0.0
        if score:
            hits.append(str(x))
            best = max(best, score)
    return best, hits


def _custom_texts(st: State, entity: str, obj: Obj) -> list[Any]:
    out: list[Any] = []
    values = obj.get("custom_fields") or {}
    for f in fields.custom_defs(st, entity):
        val = values.get(f["field_code"])
        if val is not None and f["field_type"] in SEARCHABLE:
            out.append(val.get("value") if isinstance(val, dict) else val)
    return out


def _params(q: Query, types: list[str]) -> tuple[set[str], set[str]]:
    allowed = sorted({f for t in types for f in FIELDS[t]})
    wanted = {x.strip() for x in (q.get("fields") or "").split(",") if x.strip()}
    bad = wanted - set(allowed)
    if bad:
        raise v.bad(f"Validation failed: fields: Invalid enum value. Expected {' | '.join(allowed)}, received '{sorted(bad)[0]}'")
    includes = {x.strip() for x in (q.get("include_fields") or "").split(",") if x.strip()}
    known = {INCLUDES[t] for t in types if t in INCLUDES}
    bad = includes - known
    if bad:
        raise v.bad(f"Validation failed: include_fields: Invalid enum value. Expected {' | '.join(sorted(known))}")
    return wanted, includes


def _id_param(q: Query, key: str) -> int | None:
    raw = q.get(key)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise v.bad(f"Validation failed: {key}: Expected integer") from None


def _ref(coll: dict[Any, Obj], key: Any, extra: tuple[str, ...] = ()) -> Obj | None:
    obj = coll.get(key) if key is not None else None
    if not obj:
        return None
    ref = {"id": obj["id"], "name": obj.get("name") or obj.get("title")}
    for k in extra:
        ref[k] = (obj.get("address") or {}).get("value") if k == "address" else obj.get(k)
    return ref


def deal_item(
    st: State,
    d: Obj,
    includes: AbstractSet[str] = frozenset(),
    custom: Sequence[str] = (),
    notes: Sequence[str] = (),
    org_address: bool = True,
) -> Obj:
    stage = st.stages.get(d.get("stage_id") or -1)
    item = {
        "id": d["id"],
        "type": "deal",
        "title": d["title"],
        "value": d["value"],
        "currency": d["currency"],
        "status": d["status"],
        "visible_to": d["visible_to"],
        "owner": {"id": d["owner_id"]},
        "stage": {"id": stage["id"], "name": stage["name"]} if stage else None,
        "person": _ref(st.persons, d.get("person_id")),
        "organization": _ref(st.organizations, d.get("org_id"), ("address",) if org_address else ()),
        "custom_fields": list(custom),
        "notes": list(notes),
        "is_archived": bool(d.get("is_archived")),
    }
    if "deal.cc_email" in includes:
        item["cc_email"] = f"{st.company.get('company_domain')}+deal{d['id']}@pipedrivemail.com"
    return item


def search_items(st: State, q: Query, types: list[str], *, endpoint: str | None = None) -> tuple[list[Obj], list[Obj]]:
    """(items, related_items), each [{result_score, item}] ordered best first."""
    for t in types:
        if t not in ITEM_TYPES:
            raise v.bad(f"Validation failed: item_types: Invalid enum value. Expected {' | '.join(ITEM_TYPES)}, received '{t}'")
    exact = _flag(q, "exact_match")
    term = _term(q, exact)
    wanted, includes = _params(q, types)
    use = lambda t, f: (not wanted or f in wanted) and f in FIELDS[t]  # noqa: E731
    person_id, org_id = _id_param(q, "person_id"), _id_param(q, "organization_id")
    status = q.get("status")
    if status not in (None, "") and status not in ("open", "won", "lost"):
        raise v.bad("Validation failed: status: Invalid enum value. Expected open | won | lost")
    note_texts: dict[tuple[str, Any], list[str]] = defaultdict(list)
    if any(use(t, "notes") for t in types):
        for n in st.notes.values():
            if n.get("active_flag"):
                for key, kind in (("deal_id", "deal"), ("person_id", "person"), ("org_id", "organization"), ("lead_id", "lead")):
                    if n.get(key) is not None:
                        note_texts[(kind, n[key])].append(n["content"])
    found: list[tuple[float, str, Any, Obj]] = []

    def consider(t: str, obj: Obj, texts: list[Any], build: Any) -> None:
        score, _ = _score(term, exact, texts)
        custom = _score(term, exact, _custom_texts(st, t, obj))[1] if use(t, "custom_fields") and t != "lead" else []
        notes = _score(term, exact, note_texts.get((t, obj["id"]), []))[1] if use(t, "notes") else []
        if custom:
            score = max(score, 0.4)
        if notes:
            score = max(score, 0.3)
        if score:
            found.append((score, t, obj["id"], build(obj, custom, notes)))

    if "deal" in types:
        for d in st.deals.values():
            if (
                d.get("is_deleted")
                or (person_id is not None and d.get("person_id") != person_id)
                or (org_id is not None and d.get("org_id") != org_id)
                or (status and d["status"] != status)
            ):
                continue
            consider(
                "deal",
                d,
                [d["title"]] if use("deal", "title") else [],
                lambda o, c, n: deal_item(st, o, includes, c, n, org_address=endpoint == "itemSearch"),
            )
    if "person" in types:
        for p in st.persons.values():
            if p.get("is_deleted") or (org_id is not None and p.get("org_id") != org_id):
                continue
            emails, phones = [e["value"] for e in p["emails"]], [e["value"] for e in p["phones"]]
            texts = (
                ([p["name"]] if use("person", "name") else [])
                + (emails if use("person", "email") else [])
                + (phones if use("person", "phone") else [])
            )
            consider(
                "person",
                p,
                texts,
                lambda o, c, n, emails=emails, phones=phones: {
                    "id": o["id"],
                    "type": "person",
                    "name": o["name"],
                    "phones": phones,
                    "emails": emails,
                    "visible_to": o["visible_to"],
                    "owner": {"id": o["owner_id"]},
                    "organization": _ref(st.organizations, o.get("org_id"), ("address",) if endpoint == "itemSearch" else ()),
                    "custom_fields": c,
                    "notes": n,
                    **({"picture": None} if "person.picture" in includes else {}),
                },
            )
    if "organization" in types:
        for o in st.organizations.values():
            if o.get("is_deleted"):
                continue
            address = (o.get("address") or {}).get("value")
            texts = ([o["name"]] if use("organization", "name") else []) + ([address] if use("organization", "address") else [])
            consider(
                "organization",
                o,
                texts,
                lambda x, c, n: {
                    "id": x["id"],
                    "type": "organization",
                    "name": x["name"],
                    "address": (x.get("address") or {}).get("value"),
                    "visible_to": x["visible_to"],
                    "owner": {"id": x["owner_id"]},
                    "custom_fields": c,
                    "notes": n,
                },
            )
    if "product" in types:
        for p in st.products.values():
            if p.get("is_deleted"):
                continue
            texts = ([p["name"]] if use("product", "name") else []) + ([p.get("code")] if use("product", "code") else [])
            consider(
                "product",
                p,
                texts,
                lambda x, c, n: {
                    "id": x["id"],
                    "type": "product",
                    "name": x["name"],
                    "code": x.get("code"),
                    "visible_to": x["visible_to"],
                    "owner": {"id": x["owner_id"]},
                    "custom_fields": c,
                    **({"price": (x.get("prices") or [{}])[0].get("price")} if "product.price" in includes else {}),
                },
            )
    if "lead" in types:
        for lead in st.leads.values():
            if (
                lead.get("_deleted")
                or (person_id is not None and lead.get("person_id") != person_id)
                or (org_id is not None and lead.get("organization_id") != org_id)
            ):
                continue
            consider("lead", lead, [lead["title"]] if use("lead", "title") else [], lambda x, c, n: lead_item(st, x, includes, n))
    found.sort(key=lambda f: (-f[0], ORDER.get(f[1], 9), str(f[2])))
    items = [{"result_score": score, "item": item} for score, _, _, item in found]
    related: list[Obj] = []
    if endpoint == "itemSearch" and _flag(q, "search_for_related_items"):
        related = _related(st, found)
    return items, related


def lead_item(st: State, lead: Obj, includes: AbstractSet[str] = frozenset(), notes: Sequence[str] = ()) -> Obj:
    person = st.persons.get(lead.get("person_id") or -1)
    value = lead.get("value") or {}
    item = {
        "id": lead["id"],
        "type": "lead",
        "title": lead["title"],
        "owner": {"id": lead["owner_id"]},
        "person": _ref(st.persons, lead.get("person_id")),
        "organization": _ref(st.organizations, lead.get("organization_id")),
        "phones": [p["value"] for p in (person or {}).get("phones") or []],
        "emails": [e["value"] for e in (person or {}).get("emails") or []],
        "custom_fields": [],
        "notes": list(notes),
        "value": value.get("amount"),
        "currency": value.get("currency"),
        "visible_to": int(lead.get("visible_to") or 3),
        "is_archived": bool(lead.get("is_archived")),
    }
    if "lead.was_seen" in includes:
        item["was_seen"] = bool(lead.get("was_seen"))
    return item


def _related(st: State, found: list[tuple[float, str, Any, Obj]]) -> list[Obj]:
    out: list[Obj] = []
    seen: set[tuple[str, Any]] = {(t, i) for _, t, i, _ in found}
    for _, kind, oid, _ in found:
        if kind not in ("person", "organization"):
            continue
        key = "person_id" if kind == "person" else "org_id"
        deals = sorted(
            (d for d in st.deals.values() if d.get(key) == oid and not d.get("is_deleted")), key=lambda d: d["add_time"], reverse=True
        )[:100]
        leads = sorted(
            (
                x
                for x in st.leads.values()
                if not x.get("_deleted") and x.get("person_id" if kind == "person" else "organization_id") == oid
            ),
            key=lambda x: x["add_time"],
            reverse=True,
        )[:100]
        people = (
            sorted(
                (p for p in st.persons.values() if p.get("org_id") == oid and not p.get("is_deleted")),
                key=lambda p: p["add_time"],
                reverse=True,
            )[:100]
            if kind == "organization"
            else []
        )
        for t, objs, build in (
            ("deal", deals, lambda d: deal_item(st, d)),
            ("lead", leads, lambda x: lead_item(st, x)),
            (
                "person",
                people,
                lambda p: {
                    "id": p["id"],
                    "type": "person",
                    "name": p["name"],
                    "visible_to": p["visible_to"],
                    "owner": {"id": p["owner_id"]},
                },
            ),
        ):
            for obj in objs:
                if (t, obj["id"]) not in seen:
                    seen.add((t, obj["id"]))
                    out.append({"result_score": 0, "item": build(obj)})
    return out
