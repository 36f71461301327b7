"""Demo files on deals and persons (routes_files.py serves them), from their own random
stream so a seed's other data stays the same: a proposal (PDF-like bytes), meeting notes
(.txt) and a price list (.csv) on about a quarter of the deals and a sixth of the persons,
and a proposal on every deal of Marta O'Brien (the person the demo's tour opens)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from tui.sandbox.routes_files import add_file
from tui.sandbox.state import Obj, State, v1time

TOUR_PERSON = "Marta O'Brien"


def _pdf(title: str, rng: random.Random) -> bytes:
    """Bytes shaped like a small PDF (header, one text object, trailer): opens as a file, not a document."""
    lines = [f"Proposal: {title}", "", "Scope, timeline and price as discussed.", f"Reference {rng.randrange(10_000, 99_999)}"]
    text = "\n".join(lines).encode("utf-8")
    body = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n2 0 obj\n<< /Length " + str(len(text)).encode()
    body += b" >>\nstream\n"
    size = rng.randrange(800, 3000)
    filler = random.Random(rng.getrandbits(32)).randbytes(size)  # one draw, not one per byte (100k deals: minutes)
    return body + text + b"\nendstream\nendobj\n" + filler + b"\n%%EOF\n"


def _txt(title: str, rng: random.Random) -> bytes:
    points = rng.sample(["budget approved", "wants a pilot", "legal review next week", "asks for references", "decision in Q3"], 3)
    return ("Meeting notes — " + title + "\n\n" + "\n".join(f"- {p}" for p in points) + "\n").encode("utf-8")


def _csv(rng: random.Random) -> bytes:
    rows = ["item,quantity,unit price"] + [f"Seat licence {i},{rng.randrange(1, 50)},{rng.randrange(20, 400)}.00" for i in range(1, 6)]
    return ("\n".join(rows) + "\n").encode("utf-8")


def _slug(text: str) -> str:
    keep = "".join(ch if ch.isalnum() else "-" for ch in text.lower())
    return "-".join(part for part in keep.split("-") if part)[:40] or "deal"


def _stamp(obj: Obj, now: datetime, rng: random.Random) -> str:
    return v1time(now - timedelta(days=rng.randrange(1, 60), minutes=rng.randrange(0, 1440)))


def add(st: State, seed: int, now: datetime) -> None:
    rng = random.Random(seed * 15485863 + 17)
    users = sorted(st.users) or [st.me_id]
    tour = {p["id"] for p in st.persons.values() if p.get("name") == TOUR_PERSON}
    for deal in sorted(st.deals.values(), key=lambda d: d["id"]):
        mine = deal.get("person_id") in tour
        if not mine and rng.random() >= 0.25:
            continue
        links = {"deal_id": deal["id"], "person_id": deal.get("person_id"), "org_id": deal.get("org_id")}
        title = deal.get("title") or "deal"
        owner = deal.get("owner_id") or rng.choice(users)
        add_file(st, f"proposal-{_slug(title)}.pdf", _pdf(title, rng), links, owner, _stamp(deal, now, rng))
        if rng.random() < 0.4:
            add_file(st, "meeting-notes.txt", _txt(title, rng), links, rng.choice(users), _stamp(deal, now, rng))
        if rng.random() < 0.25:
            add_file(st, "price-list.csv", _csv(rng), {"deal_id": deal["id"]}, rng.choice(users), _stamp(deal, now, rng))
    for person in sorted(st.persons.values(), key=lambda p: p["id"]):
        if rng.random() < 1 / 6:
            links = {"person_id": person["id"], "org_id": person.get("org_id")}
            add_file(st, "introduction.txt", _txt(person.get("name") or "", rng), links, rng.choice(users), _stamp(person, now, rng))
