"""Deterministic demo data, relative to a given "now".

`generate(seed, deals, now)` -> State. The same seed and date give the same data. Sizes
scale with `deals`: persons = deals/2, organizations = deals/5, activities = 2×deals,
notes = 2/3×deals (300 deals -> 150 persons, 60 orgs, 600 activities, 200 notes).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

from tui.sandbox import catalog, gen_calls, gen_extra, gen_files, gen_followers, gen_mail
from tui.sandbox.state import State, deal_defaults

FIRST = [
    "Anna",
    "Jörg",
    "Zoë",
    "Łukasz",
    "Sofía",
    "Renée",
    "Mateo",
    "Aiko",
    "Chen",
    "Oluwaseun",
    "Priya",
    "Björn",
    "Élodie",
    "Nguyễn",
    "Fatima",
    "Liam",
    "Noah",
    "Emma",
    "Olivia",
    "Hiroshi",
    "İsmail",
    "Søren",
    "Marta",
    "Kwame",
]
LAST = [
    "Müller",
    "García",
    "O'Brien",
    "Kowalski",
    "Dubois",
    "Rossi",
    "Tanaka",
    "王",
    "Silva",
    "Novák",
    "Johansson",
    "Nakamura",
    "Smith",
    "Okafor",
    "Patel",
    "Ångström",
    "Fernández",
    "Yılmaz",
    "Lefèvre",
    "Kim",
    "李",
    "Horvát",
]
CJK_NAMES = ["山田 太郎", "李小龙", "김민수", "陈静", "佐藤 花子"]
ORG_A = [
    "Acme",
    "Nordwind",
    "Blue Harbor",
    "Crème",
    "Zenith",
    "Kirsch",
    "Orbital",
    "Fjord",
    "Helios",
    "Atlas",
    "Pinecone",
    "Quokka",
    "Sakura",
    "Café Olé",
    "Lumen",
    "Vektor",
    "Granite",
    "Maple",
    "Drachen",
    "Ostrava",
]
ORG_B = ["GmbH", "Ltd", "Inc.", "S.A.", "AB", "Oy", "Labs", "Group", "& Co.", "株式会社", "Studio", "Systems"]
DEAL_A = [
    "Annual license",
    "Pilot",
    "Expansion",
    "Renewal",
    "Onboarding package",
    "Enterprise plan",
    "Support contract",
    "Hardware refresh",
    "Consulting",
    "Training days",
    "Data migration",
    "API add-on",
    "Multi-year deal",
]
EMOJI = ["🚀", "🔥", "⭐", "🎯", "💡", "🌍"]
CITIES = [
    ("Berlin", "Germany", "10115"),
    ("München", "Germany", "80331"),
    ("Paris", "France", "75001"),
    ("Tōkyō", "Japan", "100-0001"),
    ("São Paulo", "Brazil", "01000-000"),
    ("London", "United Kingdom", "EC1A"),
    ("Kraków", "Poland", "30-001"),
    ("New York", "United States", "10001"),
    ("Zürich", "Switzerland", "8001"),
]
STREETS = ["Hauptstraße", "Rue de Rivoli", "Main St", "Königsallee", "High Street", "Avenida Paulista", "Bahnhofstrasse"]
LOST = ["No budget", "Went with a competitor", "Timing", "No decision", "Price too high", "Champion left"]
CURRENCIES = [
    (1, "EUR", "Euro", 2, "€"),
    (2, "USD", "US Dollar", 2, "$"),
    (3, "GBP", "British Pound", 2, "£"),
    (4, "JPY", "Japanese Yen", 0, "¥"),
    (5, "CHF", "Swiss Franc", 2, "CHF"),
    (6, "SEK", "Swedish Krona", 2, "kr"),
    (7, "PLN", "Polish Złoty", 2, "zł"),
]
TYPES = [
    (1, "Call", "call", "call"),
    (2, "Meeting", "meeting", "meeting"),
    (3, "Task", "task", "task"),
    (4, "Deadline", "deadline", "deadline"),
    (5, "Email", "email", "email"),
    (6, "Lunch", "lunch", "lunch"),
    (7, "Demo", "demo", "camera"),
]
SUBJECTS = {
    "call": ["Follow-up call", "Discovery call", "Check-in call", "Call about pricing"],
    "meeting": ["On-site meeting", "Quarterly review", "Kick-off meeting", "Stakeholder meeting"],
    "task": ["Send proposal", "Prepare contract", "Update CRM notes", "Draft SOW"],
    "deadline": ["Proposal deadline", "Contract signature due", "RFP submission"],
    "email": ["Send recap email", "Email case study", "Reply to questions"],
    "lunch": ["Lunch with champion", "Team lunch"],
    "demo": ["Product demo", "Technical deep dive"],
}
NOTE_TEXTS = [
    "<p>Talked to {p}. Budget approved for Q1.</p>",
    "<p>Next steps:</p><ul><li>send pricing</li><li>book demo</li><li>loop in legal</li></ul>",
    "<p>Met at the conference &amp; exchanged cards.<br>Interested in the API add-on.</p>",
    '<p>See <a href="https://example.com/brief">the brief</a> for requirements.</p>',
    "<p>Decision maker is <b>{p}</b>; procurement needs 3 quotes.</p>",
    "Plain text note without HTML: call back after 15:00 😀",
    "<p>Competitor offered 10% less &mdash; we can match with a 2-year term.</p>",
]


def rfc3339(dt: datetime) -> str:
    """state.rfc3339 for the UTC-aware datetimes made here, without its conversions (hot path)."""
    return dt.isoformat(timespec="seconds")[:19] + "Z"


def v1time(dt: datetime) -> str:
    """state.v1time for the UTC-aware datetimes made here (hot path)."""
    return dt.isoformat(sep=" ", timespec="seconds")[:19]


def _dt(d: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(d, time(hour, minute), tzinfo=timezone.utc)


def _person_name(rng: random.Random, i: int) -> str:
    if i % 17 == 0:
        return rng.choice(CJK_NAMES)
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    if i % 41 == 0:
        name += " " + rng.choice(EMOJI)
    return name


def generate(
    seed: int = 7,
    deals: int = 300,
    now: datetime | None = None,
    *,
    extras: bool = False,
    contact_sync: bool = False,
    history: bool = False,
    duplicates: bool = False,
) -> State:
    """The demo account. extras=True adds demo values for every custom field type and notes and
    activities on leads; contact_sync=True gives persons Contact Sync's fields (some filled).
    history=True adds 18 months of won and lost deals with their stage moves, and goals
    (tui/sandbox/gen_history.py). duplicates=True adds likely duplicates to merge (tui/sandbox/gen_dupes.py).
    All from separate random streams: everything else stays the same."""
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    today = now.date()
    rng = random.Random(seed)
    st = State()
    long_ago = now - timedelta(days=400)

    st.company = {"company_id": 7001, "company_name": "Demo Company Ltd", "company_domain": "demo-company"}
    users = [
        ("Alex Morgan", "alex@demo.example"),
        ("Bea Schäfer", "bea@demo.example"),
        ("Chidi Okoro", "chidi@demo.example"),
        ("Dana Lee", "dana@demo.example"),
        ("Eun-ji Park", "eunji@demo.example"),
    ]
    for i, (name, email) in enumerate(users, start=1):
        st.users[i] = {
            "id": i,
            "name": name,
            "email": email,
            "default_currency": "EUR",
            "locale": "en_US",
            "lang": 1,
            "timezone_name": "Europe/Berlin",
            "timezone_offset": "+01:00",
            "active_flag": True,
            "is_deleted": False,
            "is_you": i == 1,
            "activated": True,
            "phone": None,
            "role_id": 1,
            "icon_url": None,
            "has_created_company": i == 1,
            "access": [{"app": "sales", "admin": i == 1, "permission_set_id": "1"}],
            "last_login": v1time(now - timedelta(hours=i)),
            "created": v1time(long_ago),
            "modified": v1time(long_ago),
        }
    st.me_id = 1
    for cid, code, name, dp, sym in CURRENCIES:
        st.currencies[cid] = {
            "id": cid,
            "code": code,
            "name": name,
            "decimal_points": dp,
            "symbol": sym,
            "active_flag": True,
            "is_custom_flag": False,
        }
    for tid, name, key, icon in TYPES:
        st.activity_types[tid] = {
            "id": tid,
            "order_nr": tid,
            "name": name,
            "key_string": key,
            "icon_key": icon,
            "active_flag": True,
            "color": None,
            "is_custom_flag": key == "demo",
            "add_time": v1time(long_ago),
            "update_time": v1time(long_ago),
        }

    pipelines = [
        (
            "Sales",
            True,
            [
                ("Qualified", 10, None),
                ("Contact made", 20, 14),
                ("Demo scheduled", 40, 10),
                ("Proposal made", 60, 7),
                ("Negotiations", 80, 5),
                ("Contract sent", 90, 3),
            ],
        ),
        (
            "Partnerships",
            False,
            [("Lead in", 10, None), ("Intro call", 30, 21), ("Evaluation", 50, 30), ("Terms", 70, None), ("Signed", 100, None)],
        ),
        (
            "Renewals",
            True,
            [("Upcoming", 50, None), ("In talks", 70, 14), ("Quote sent", 85, 7), ("Verbal yes", 95, None), ("Invoiced", 100, None)],
        ),
    ]
    sid = 0
    for pid, (pname, prob, stages) in enumerate(pipelines, start=1):
        st.pipelines[pid] = {
            "id": pid,
            "name": pname,
            "order_nr": pid,
            "is_deleted": False,
            "is_deal_probability_enabled": prob,
            "add_time": rfc3339(long_ago),
            "update_time": rfc3339(long_ago),
        }
        for order, (sname, sprob, rot) in enumerate(stages, start=1):
            sid += 1
            st.stages[sid] = {
                "id": sid,
                "order_nr": order,
                "name": sname,
                "is_deleted": False,
                "deal_probability": sprob,
                "pipeline_id": pid,
                "is_deal_rot_enabled": rot is not None,
                "days_to_rotten": rot,
                "add_time": rfc3339(long_ago),
                "update_time": rfc3339(long_ago),
            }

    st.deal_fields = catalog.field_schema("deal")
    st.person_fields = catalog.field_schema("person")
    st.organization_fields = catalog.field_schema("organization")
    st.product_fields = catalog.field_schema("product")

    n_orgs = max(3, deals // 5)
    n_persons = max(5, deals // 2)
    n_acts = deals * 2
    n_notes = (deals * 2) // 3
    user_ids = list(st.users)

    def created(days_back: int = 300) -> tuple[datetime, datetime]:
        add = now - timedelta(days=rng.randint(5, days_back), seconds=rng.randint(0, 86399))
        upd = add + (now - add) * rng.random()
        return add, upd

    for oid in range(1, n_orgs + 1):
        city, country, postal = rng.choice(CITIES)
        street = f"{rng.choice(STREETS)} {rng.randint(1, 200)}"
        add, upd = created()
        st.organizations[oid] = {
            "id": oid,
            "name": f"{rng.choice(ORG_A)} {rng.choice(ORG_B)}" + (f" {oid}" if oid > 40 else ""),
            "owner_id": rng.choice(user_ids),
            "add_time": rfc3339(add),
            "update_time": rfc3339(upd),
            "address": {
                "value": f"{street}, {postal} {city}, {country}",
                "country": country,
                "admin_area_level_1": None,
                "admin_area_level_2": None,
                "locality": city,
                "sublocality": None,
                "route": street.rsplit(" ", 1)[0],
                "street_number": street.rsplit(" ", 1)[1],
                "subpremise": None,
                "postal_code": postal,
            },
            "is_deleted": False,
            "visible_to": 3,
            "label_ids": [],
            "website": None,
            "linkedin": None,
            "industry": None,
            "annual_revenue": None,
            "employee_count": None,
            "custom_fields": {"d4e5f60718293a4b5c6d7e8f9012345678a1b2c3": rng.choice([21, 22, 23, None])},
        }
    for pid in range(1, n_persons + 1):
        name = _person_name(rng, pid)
        first, _, last = name.partition(" ")
        slug = "".join(ch for ch in name.lower() if ch.isascii() and ch.isalnum()) or f"person{pid}"
        emails = [{"value": f"{slug}{pid}@example.com", "primary": True, "label": "work"}]
        if pid % 3 == 0:
            emails.append({"value": f"{slug}.{pid}@mail.example.org", "primary": False, "label": "home"})
        phones = [{"value": f"+49 30 {rng.randint(1000000, 9999999)}", "primary": True, "label": "work"}]
        if pid % 4 == 0:
            phones.append({"value": f"+1 555 {rng.randint(100, 999)} {rng.randint(1000, 9999)}", "primary": False, "label": "mobile"})
        add, upd = created()
        st.persons[pid] = {
            "id": pid,
            "name": name,
            "first_name": first,
            "last_name": last or None,
            "owner_id": rng.choice(user_ids),
            "org_id": rng.randint(1, n_orgs) if pid % 9 else None,
            "add_time": rfc3339(add),
            "update_time": rfc3339(upd),
            "emails": emails,
            "phones": phones,
            "is_deleted": False,
            "visible_to": 3,
            "label_ids": [],
            "picture_id": None,
            "custom_fields": {"c3d4e5f60718293a4b5c6d7e8f9012345678a1b2": rng.choice(["English", "Deutsch", "日本語", None])},
        }

    stage_ids_by_pipeline: dict[int, list[int]] = {}
    for s in st.stages.values():
        stage_ids_by_pipeline.setdefault(s["pipeline_id"], []).append(s["id"])
    for did in range(1, deals + 1):
        pid = 1 if rng.random() < 0.6 else rng.choice([2, 3])
        stage = st.stages[rng.choice(stage_ids_by_pipeline[pid])]
        person_id = rng.randint(1, n_persons) if did % 11 else None
        org_id = st.persons[person_id]["org_id"] if person_id else rng.randint(1, n_orgs)
        if org_id is None and did % 2:
            org_id = rng.randint(1, n_orgs)
        org_name = st.organizations[org_id]["name"] if org_id else None
        title = f"{org_name or st.persons[person_id]['name']} – {rng.choice(DEAL_A)}"  # type: ignore[index]
        if did % 37 == 0:
            title += " " + rng.choice(EMOJI)
        r = rng.random()
        status = "open" if r < 0.8 else ("won" if r < 0.9 else "lost")
        add, upd = created()
        if status == "open" and stage["is_deal_rot_enabled"]:
            # most open deals were touched recently; about one in five is left to rot
            upd = max(add, now - timedelta(days=rng.uniform(0, stage["days_to_rotten"] * 0.9)))
        if status == "open" and stage["is_deal_rot_enabled"] and rng.random() < 0.2:
            upd = now - timedelta(days=stage["days_to_rotten"] + rng.randint(1, 20))
            add = min(add, upd - timedelta(days=1))
        currency = rng.choice(["EUR"] * 5 + ["USD"] * 3 + ["GBP", "JPY", "CHF"])
        value = float(rng.randrange(500, 150000, 50)) * (100 if currency == "JPY" else 1)
        close = rfc3339(upd) if status != "open" else None
        st.deals[did] = {
            "id": did,
            "title": title,
            "creator_user_id": 1,
            "owner_id": rng.choice(user_ids),
            "value": value,
            "currency": currency,
            "person_id": person_id,
            "org_id": org_id,
            "pipeline_id": pid,
            "stage_id": stage["id"],
            "status": status,
            "probability": rng.choice([None, None, None, 25, 50, 75]),
            "add_time": rfc3339(add),
            "update_time": rfc3339(upd),
            "stage_change_time": rfc3339(add + (upd - add) / 2),
            "close_time": close,
            "won_time": close if status == "won" else None,
            "lost_time": close if status == "lost" else None,
            "local_won_date": close[:10] if status == "won" else None,  # type: ignore[index]
            "local_lost_date": close[:10] if status == "lost" else None,  # type: ignore[index]
            "local_close_date": close[:10] if close else None,
            "expected_close_date": (today + timedelta(days=rng.randint(-20, 120))).isoformat() if rng.random() < 0.85 else None,
            "lost_reason": rng.choice(LOST) if status == "lost" else None,
            **deal_defaults(),
            "custom_fields": {
                "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678": rng.choice([11, 12, 13, None]),
                "b2c3d4e5f60718293a4b5c6d7e8f9012345678a1": rng.choice([12, 24, 36, None]),
            },
        }

    deal_ids = list(st.deals)
    buckets = [(-30, -1), (0, 0), (1, 1), (2, 6), (7, 13), (14, 60)]
    weights = [0.25, 0.1, 0.1, 0.15, 0.15, 0.25]
    type_keys = [t[2] for t in TYPES]
    for aid in range(1, n_acts + 1):
        lo, hi = rng.choices(buckets, weights)[0]
        due = today + timedelta(days=rng.randint(lo, hi))
        key = type_keys[aid % len(type_keys)] if aid <= len(type_keys) else rng.choice(type_keys)
        timed = rng.random() < 0.65
        due_time = f"{rng.randint(6, 16):02d}:{rng.choice(['00', '15', '30', '45'])}" if timed else None
        deal = st.deals[rng.choice(deal_ids)] if rng.random() < 0.8 else None
        person_id = deal["person_id"] if deal else rng.randint(1, n_persons)
        done = due < today and rng.random() < 0.8
        add, upd = created(60)
        if upd > now:
            upd = now
        st.activities[aid] = {
            "id": aid,
            "subject": rng.choice(SUBJECTS[key]),
            "type": key,
            "owner_id": rng.choice(user_ids),
            "creator_user_id": 1,
            "is_deleted": False,
            "add_time": rfc3339(add),
            "update_time": rfc3339(upd),
            "deal_id": deal["id"] if deal else None,
            "lead_id": None,
            "person_id": person_id,
            "org_id": deal["org_id"] if deal else None,
            "project_id": None,
            "due_date": due.isoformat(),
            "due_time": due_time,
            "duration": "00:30" if timed and rng.random() < 0.7 else None,
            "busy": timed,
            "done": done,
            "marked_as_done_time": rfc3339(_dt(due, 17)) if done else None,
            "location": None,
            "participants": [{"person_id": person_id, "primary": True}] if person_id else [],
            "public_description": None,
            "priority": None,
            "note": None,
            "conference_meeting_client": None,
            "conference_meeting_url": None,
            "conference_meeting_id": None,
        }
    for nid in range(1, n_notes + 1):
        deal = st.deals[rng.choice(deal_ids)] if rng.random() < 0.7 else None
        person_id = deal["person_id"] if deal else rng.randint(1, n_persons)
        org_id = deal["org_id"] if deal else (st.persons[person_id]["org_id"] if person_id else None)
        pname = st.persons[person_id]["name"] if person_id else "the team"
        add, upd = created(120)
        content = rng.choice(NOTE_TEXTS).replace("{p}", pname.replace("&", "&amp;").replace("<", "&lt;"))
        st.notes[nid] = {
            "id": nid,
            "content": content,
            "deal_id": deal["id"] if deal else None,
            "person_id": person_id,
            "org_id": org_id,
            "lead_id": None,
            "project_id": None,
            "user_id": rng.choice(user_ids),
            "last_update_user_id": 1,
            "active_flag": True,
            "add_time": v1time(add),
            "update_time": v1time(upd),
            "pinned_to_deal_flag": bool(deal) and nid % 13 == 0,
            "pinned_to_person_flag": False,
            "pinned_to_organization_flag": False,
            "pinned_to_lead_flag": False,
            "pinned_to_project_flag": False,
            "task_id": None,
            "pinned_to_task_flag": False,
        }
    gen_extra.add(st, seed, now, extras=extras, contact_sync=contact_sync)
    gen_calls.add(st, seed)
    gen_followers.add(st, seed)
    gen_mail.add(st, seed, now)
    gen_files.add(st, seed, now)
    if history:
        from tui.sandbox import gen_history

        gen_history.add(st, seed, now, titles=DEAL_A, reasons=LOST)
    if duplicates:
        from tui.sandbox import gen_dupes

        gen_dupes.add(st, seed, now)
    return st
