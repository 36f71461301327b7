"""v2 search: /itemSearch and /deals|persons|organizations/search (substring match, score 1.0)."""

from __future__ import annotations

from typing import Any

from tui.sandbox import validate as v
from tui.sandbox.state import Obj, State
from tui.sandbox.v2 import live

Query = dict[str, str]


def _term(q: Query) -> str:
    term = (q.get("term") or "").strip()
    exact = q.get("exact_match") in ("true", "1")
    if len(term) < (1 if exact else 2):
        raise v.bad("Validation failed: term: must be at least 2 characters long")
    return term


def _matches(term: str, *texts: Any) -> bool:
    t = term.lower()
    return any(isinstance(x, str) and t in x.lower() for x in texts)


def search_items(st: State, q: Query, types: list[str]) -> list[Obj]:
    term = _term(q)
    results: list[Obj] = []
    if "deal" in types:
        for d in live(st.deals):
            if _matches(term, d["title"]):
                person = st.persons.get(d.get("person_id") or -1)
                org = st.organizations.get(d.get("org_id") or -1)
                stage = st.stages.get(d.get("stage_id") or -1)
                results.append({"result_score": 1.0, "item": {
                    "id": d["id"], "type": "deal", "title": d["title"], "value": d["value"], "currency": d["currency"],
                    "status": d["status"], "visible_to": d["visible_to"], "owner": {"id": d["owner_id"]},
                    "stage": {"id": stage["id"], "name": stage["name"]} if stage else None,
                    "person": {"id": person["id"], "name": person["name"]} if person else None,
                    "organization": {"id": org["id"], "name": org["name"], "address": (org.get("address") or {}).get("value")} if org else None,
                    "custom_fields": [], "notes": [], "is_archived": False}})
    if "person" in types:
        for p in live(st.persons):
            emails = [e["value"] for e in p["emails"]]
            phones = [e["value"] for e in p["phones"]]
            if _matches(term, p["name"], *emails, *phones):
                org = st.organizations.get(p.get("org_id") or -1)
                results.append({"result_score": 1.0, "item": {
                    "id": p["id"], "type": "person", "name": p["name"], "phones": phones, "emails": emails,
                    "visible_to": p["visible_to"], "owner": {"id": p["owner_id"]},
                    "organization": {"id": org["id"], "name": org["name"], "address": None} if org else None,
                    "custom_fields": [], "notes": []}})
    if "organization" in types:
        for o in live(st.organizations):
            if _matches(term, o["name"], (o.get("address") or {}).get("value")):
                results.append({"result_score": 1.0, "item": {
                    "id": o["id"], "type": "organization", "name": o["name"],
                    "address": (o.get("address") or {}).get("value"), "visible_to": o["visible_to"],
                    "owner": {"id": o["owner_id"]}, "custom_fields": [], "notes": []}})
    return results


