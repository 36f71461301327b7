"""The generated account is deterministic per seed, relative to "now", and its new parts
(products, leads, filters, extras) leave the first demo data of a seed unchanged."""

from datetime import datetime, timedelta, timezone

from tests.conftest import FROZEN_NOW
from tui.sandbox import generate


def test_new_parts_are_deterministic_and_seeded():
    a, b = generate(5, 200, FROZEN_NOW, extras=True), generate(5, 200, FROZEN_NOW, extras=True)
    for attr in (
        "leads",
        "lead_labels",
        "products",
        "deal_products",
        "filters",
        "deal_fields",
        "person_fields",
        "organization_fields",
        "product_fields",
        "deals",
        "persons",
        "organizations",
        "activities",
        "notes",
    ):
        assert getattr(a, attr) == getattr(b, attr), attr
    assert generate(6, 200, FROZEN_NOW).leads != a.leads


def test_extras_do_not_move_the_first_demo_data():
    plain, rich = generate(5, 200, FROZEN_NOW), generate(5, 200, FROZEN_NOW, extras=True)
    for attr in ("deals", "persons", "organizations"):
        for oid, obj in getattr(plain, attr).items():
            other = getattr(rich, attr)[oid]
            # extras add custom values and archive a few closed deals; nothing else moves
            moved = ("custom_fields", "is_archived", "archive_time")
            assert {k: val for k, val in other.items() if k not in moved} == {k: val for k, val in obj.items() if k not in moved}
            assert {k: other["custom_fields"][k] for k in obj["custom_fields"]} == obj["custom_fields"]
    assert all(plain.activities[i] == rich.activities[i] for i in plain.activities)
    assert all(plain.notes[i] == rich.notes[i] for i in plain.notes)
    assert len(rich.activities) > len(plain.activities) and len(rich.notes) > len(plain.notes)


def test_new_parts_are_relative_to_now():
    for now in (FROZEN_NOW, datetime(2031, 3, 3, 12, tzinfo=timezone.utc)):
        st = generate(7, 300, now)
        stamp = now.astimezone(timezone.utc)
        adds = [datetime.fromisoformat(x["add_time"].replace("Z", "+00:00")) for x in st.leads.values()]
        assert all(stamp - timedelta(days=91) <= t <= stamp for t in adds)
        assert len(st.leads) == 30 and any(x["is_archived"] for x in st.leads.values())
        assert all(p["add_time"] < now.astimezone(timezone.utc).isoformat() for p in st.products.values())
        assert {f["name"] for f in st.filters.values()} >= {"My open deals", "Value over 50k", "Closing this month"}
