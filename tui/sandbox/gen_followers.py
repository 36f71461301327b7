"""Generated followers and deal participants: owners follow their items (Pipedrive makes
them so), a colleague now and then too; a deal's person is its first participant, another
person of its organization sometimes. Its own random stream."""

from __future__ import annotations

import random

from tui.sandbox.state import State


def add(st: State, seed: int) -> None:
    _follow(st, random.Random(seed * 6151 + 29))


def _follow(st: State, rng: random.Random) -> None:
    """Owners follow their items (as Pipedrive makes them); a colleague now and then too; a
    deal's person is its first participant, another person of its organization sometimes."""
    users = sorted(st.users)
    when = "2026-01-05T09:00:00Z"
    for kind, coll in (("deals", st.deals), ("persons", st.persons), ("organizations", st.organizations)):
        for item_id, item in sorted(coll.items()):
            owner = item.get("owner_id") or item.get("user_id")
            rows = [{"user_id": owner, "add_time": item.get("add_time") or when}] if owner in st.users else []
            other = rng.choice(users) if users and rng.random() < 0.2 else None
            if other is not None and all(r["user_id"] != other for r in rows):
                rows.append({"user_id": other, "add_time": when})
            if rows:
                st.followers[(kind, item_id)] = rows
    by_org: dict[int, list[int]] = {}
    for pid, person in sorted(st.persons.items()):
        if person.get("org_id"):
            by_org.setdefault(person["org_id"], []).append(pid)
    for deal_id, deal in sorted(st.deals.items()):
        people = [deal["person_id"]] if deal.get("person_id") in st.persons else []
        others = [p for p in by_org.get(deal.get("org_id") or 0, []) if p not in people]
        if others and rng.random() < 0.3:
            people.append(rng.choice(others))
        for person_id in people:
            pid = st.new_id("participants")
            st.participants[pid] = {
                "id": pid,
                "deal_id": deal_id,
                "person_id": person_id,
                "add_time": "2026-01-05 09:00:00",
                "added_by_user_id": deal.get("owner_id"),
            }
