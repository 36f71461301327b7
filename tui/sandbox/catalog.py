"""Fixed demo definitions: field schemas (system fields and a custom field of every type),
saved filters, lead labels and sources, and the product catalogue."""

from __future__ import annotations

import hashlib
from typing import Any

from tui.sandbox.fields import make_field
from tui.sandbox.state import Obj

LEAD_SOURCE_CODE = "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678"  # deal enum (kept from the first demo schema)
CONTRACT_CODE = "b2c3d4e5f60718293a4b5c6d7e8f9012345678a1"  # deal double
LANGUAGE_CODE = "c3d4e5f60718293a4b5c6d7e8f9012345678a1b2"  # person varchar
SEGMENT_CODE = "d4e5f60718293a4b5c6d7e8f9012345678a1b2c3"  # organization enum


def code(entity: str, name: str) -> str:
    """A stable 40-character key, like Pipedrive's custom field hashes."""
    return hashlib.sha1(f"{entity}:{name}".encode()).hexdigest()


def _opts(*pairs: tuple[int, str], colors: bool = False) -> list[Obj]:
    palette = ("green", "yellow", "red", "blue", "purple", "gray")
    return [{"id": i, "label": label, **({"color": palette[n % len(palette)]} if colors else {})} for n, (i, label) in enumerate(pairs)]


# (name, type, options) of the custom fields per entity, after the first demo schema's ones
DEAL_CUSTOM = [
    ("Competitors", "set", _opts((31, "Salesforce"), (32, "HubSpot"), (33, "Zoho"), (34, "In-house tool"))),
    ("Budget", "monetary", None),
    ("Decision date", "date", None),
    ("Pilot period", "daterange", None),
    ("Kick-off time", "time", None),
    ("Workshop slot", "timerange", None),
    ("Internal notes", "text", None),
    ("PO number", "varchar", None),
    ("Region", "varchar_auto", None),
    ("Champion", "people", None),
    ("Reseller", "org", None),
    ("Solution engineer", "user", None),
    ("Delivery address", "address", None),
    ("Support hotline", "phone", None),
]
PERSON_CUSTOM = [
    ("Birthday", "date", None),
    ("Seniority", "enum", _opts((41, "Junior"), (42, "Senior"), (43, "Executive"), colors=True)),
    ("Interests", "set", _opts((51, "Analytics"), (52, "Integrations"), (53, "Security"), (54, "Mobile"))),
    ("Private phone", "phone", None),
    ("Home address", "address", None),
    ("Best time to call", "timerange", None),
    ("Bio", "text", None),
]
ORG_CUSTOM = [
    ("Employees (est.)", "double", None),
    ("Annual IT budget", "monetary", None),
    ("Tech stack", "set", _opts((61, "AWS"), (62, "Azure"), (63, "GCP"), (64, "On-prem"))),
    ("Account manager", "user", None),
    ("Parent company", "org", None),
    ("Main contact", "people", None),
    ("Billing address", "address", None),
    ("Switchboard", "phone", None),
    ("Country", "varchar_auto", None),
    ("Fiscal year", "daterange", None),
    ("Support hours", "timerange", None),
    ("Onboarding call", "time", None),
    ("Contract start", "date", None),
    ("Background", "text", None),
    ("VAT id", "varchar", None),
]
PRODUCT_CUSTOM = [("Product family", "enum", _opts((71, "Licences"), (72, "Services"), (73, "Hardware")))]

DEAL_SYSTEM = [  # (id, code, name, type)
    (12450, "title", "Title", "varchar"),
    (12451, "value", "Value", "monetary"),
    (12452, "owner_id", "Owner", "user"),
    (12453, "person_id", "Contact person", "people"),
    (12454, "org_id", "Organization", "org"),
    (12455, "pipeline_id", "Pipeline", "int"),
    (12456, "stage_id", "Stage", "stage"),
    (12457, "status", "Status", "status"),
    (12458, "probability", "Probability", "double"),
    (12459, "expected_close_date", "Expected close date", "date"),
    (12460, "add_time", "Deal created", "date"),
    (12461, "update_time", "Update time", "date"),
    (12462, "won_time", "Won time", "date"),
    (12463, "lost_time", "Lost time", "date"),
    (12464, "close_time", "Deal closed on", "date"),
    (12465, "lost_reason", "Lost reason", "varchar"),
    (12466, "visible_to", "Visible to", "visible_to"),
    (12467, "label_ids", "Label", "set"),
    (12468, "stage_change_time", "Last stage change", "date"),
]
PERSON_SYSTEM = [
    (9500, "name", "Name", "varchar"),
    (9501, "owner_id", "Owner", "user"),
    (9502, "org_id", "Organization", "org"),
    (9503, "emails", "Email", "varchar"),
    (9504, "phones", "Phone", "phone"),
    (9505, "add_time", "Person created", "date"),
    (9506, "update_time", "Update time", "date"),
    (9507, "visible_to", "Visible to", "visible_to"),
    (9508, "label_ids", "Labels", "set"),
]
ORG_SYSTEM = [
    (4000, "name", "Name", "varchar"),
    (4001, "owner_id", "Owner", "user"),
    (4002, "address", "Address", "address"),
    (4003, "add_time", "Organization created", "date"),
    (4004, "update_time", "Update time", "date"),
    (4005, "visible_to", "Visible to", "visible_to"),
    (4006, "label_ids", "Labels", "set"),
]
PRODUCT_SYSTEM = [
    (7000, "name", "Name", "varchar"),
    (7001, "code", "Product code", "varchar"),
    (7002, "unit", "Unit", "varchar"),
    (7003, "tax", "Tax", "double"),
    (7004, "category", "Category", "enum"),
    (7005, "owner_id", "Owner", "user"),
    (7006, "prices", "Price", "price_list"),
    (7007, "description", "Description", "text"),
    (7008, "billing_frequency", "Billing frequency", "billing_frequency"),
]
LABELS = {
    "deal": _opts((1, "Hot"), (2, "Warm"), (3, "Cold"), colors=True),
    "person": _opts((5, "Customer"), (6, "Prospect"), colors=True),
    "organization": _opts((7, "Partner"), (8, "Key account"), colors=True),
}


def field_schema(entity: str) -> list[Obj]:
    system, custom, first_id = {
        "deal": (DEAL_SYSTEM, DEAL_CUSTOM, 12480),
        "person": (PERSON_SYSTEM, PERSON_CUSTOM, 9520),
        "organization": (ORG_SYSTEM, ORG_CUSTOM, 4020),
        "product": (PRODUCT_SYSTEM, PRODUCT_CUSTOM, 7020),
    }[entity]
    out = []
    for fid, fcode, name, kind in system:
        f = make_field(fid, fcode, name, kind, custom=False)
        if fcode == "label_ids":
            f["options"] = [dict(o) for o in LABELS[entity]]
        if fcode == "status":
            f["options"] = [{"id": s, "label": s.capitalize()} for s in ("open", "won", "lost", "deleted")]
        if fcode == "visible_to":
            f["options"] = [{"id": "1", "label": "Owner & followers"}, {"id": "3", "label": "Entire company"}]
        out.append(f)
    by_entity: dict[str, list[tuple[int, str, str, str, Any]]] = {
        "deal": [
            (12470, LEAD_SOURCE_CODE, "Lead source", "enum", _opts((11, "Website"), (12, "Referral"), (13, "Trade show"))),
            (12471, CONTRACT_CODE, "Contract length (months)", "double", None),
        ],
        "person": [(9510, LANGUAGE_CODE, "Preferred language", "varchar", None)],
        "organization": [(4010, SEGMENT_CODE, "Segment", "enum", _opts((21, "SMB"), (22, "Mid-market"), (23, "Enterprise")))],
        "product": [],
    }
    for fid, fcode, name, kind, options in by_entity[entity]:
        out.append(make_field(fid, fcode, name, kind, options=options))
    for n, (name, kind, options) in enumerate(custom):  # type: ignore[arg-type]
        out.append(make_field(first_id + n, code(entity, name), name, kind, options=options))
    if entity == "deal":  # important / required in stages of the Sales pipeline (stage ids 1-6)
        named = {f["field_name"]: f for f in out}
        named["Budget"]["_important"] = [3, 4, 5, 6]
        named["Competitors"]["_important"] = [4, 5]
        named["Decision date"]["_required"] = {"stages": [5, 6]}
        named["PO number"]["_required"] = {"stages": [], "statuses": {"1": ["won"]}}
    for f in out:
        for o in f["options"] or []:  # the spec's option keys (color, add_time, update_time: nullable)
            o.setdefault("color", None)
            o.update(add_time=None, update_time=None)
        if entity != "deal":  # only the dealFields schema has a description
            f.pop("description")
    return out


LEAD_LABELS = [
    ("f08b42a0-4e75-11ea-9643-03698ef1cfd6", "Hot", "red"),
    ("f08b42a1-4e75-11ea-9643-03698ef1cfd6", "Cold", "blue"),
    ("f08b69b0-4e75-11ea-9643-03698ef1cfd6", "Warm", "yellow"),
]
LEAD_SOURCES = [
    "Manually created",
    "Deal",
    "Web forms",
    "Prospector",
    "Leadbooster",
    "Live chat",
    "Import",
    "Website visitors",
    "Workflow automation",
    "API",
]

# (name, code, unit, tax, category, billing_frequency, cycles, {currency: price}, cost share)
PRODUCTS = [
    ("CRM seat (annual)", "SEAT-Y", "seat", 0, "Licences", "annually", None, {"EUR": 480, "USD": 520, "GBP": 420}),
    ("CRM seat (monthly)", "SEAT-M", "seat", 0, "Licences", "monthly", 12, {"EUR": 45, "USD": 49, "GBP": 39}),
    ("Onboarding package", "ONB", "package", 19, "Services", "one-time", None, {"EUR": 2500, "USD": 2700}),
    ("Premium support", "SUP-P", "month", 19, "Services", "monthly", None, {"EUR": 199, "USD": 219, "GBP": 179}),
    ("API add-on", "API", "licence", 0, "Licences", "annually", 3, {"EUR": 1200, "USD": 1300}),
    ("Training day", "TRN-D", "day", 19, "Services", "one-time", None, {"EUR": 1200, "USD": 1350, "CHF": 1300}),
    ("Data migration", "MIG", "project", 19, "Services", "one-time", None, {"EUR": 3500, "USD": 3800}),
    ("Hardware kit", "HW-KIT", "piece", 20, "Hardware", "one-time", None, {"EUR": 899, "GBP": 799, "USD": 949}),
    ("Consulting hour", "CONS-H", "hour", 19, "Services", "one-time", None, {"EUR": 150, "USD": 165, "JPY": 22000}),
    ("Analytics module", "ANL", "licence", 0, "Licences", "annually", None, {"EUR": 2400, "USD": 2600, "SEK": 27000}),
    ("Legacy connector", "LEG-CON", "licence", 0, "Licences", "one-time", None, {"EUR": 600}),
]
CATEGORY_IDS = {"Licences": 71, "Services": 72, "Hardware": 73}


def demo_filters() -> list[tuple[str, str, list[tuple[str, int, str, str | None]], list[tuple[str, int, str, str | None]]]]:
    """(name, type, and-conditions, or-conditions); a condition is (object, field_id, operator, value)."""
    return [
        ("My open deals", "deals", [("deal", 12457, "=", "open"), ("deal", 12452, "=", "1")], []),
        ("Value over 50k", "deals", [("deal", 12451, ">", "50000")], []),
        ("Closing this month", "deals", [("deal", 12457, "=", "open"), ("deal", 12459, "=", "this_month")], []),
        ("Referrals in Sales", "deals", [("deal", 12470, "=", "12"), ("deal", 12455, "=", "1")], []),
        ("Won this quarter", "deals", [("deal", 12457, "=", "won"), ("deal", 12462, "=", "this_quarter")], []),
        ("Enterprise or mid-market accounts", "deals", [], [("organization", 4010, "=", "23"), ("organization", 4010, "=", "22")]),
        ("People without email", "people", [("person", 9503, "IS NULL", None)], []),
        ("My activities this week", "activity", [("activity", 9003, "=", "1"), ("activity", 9004, "=", "this_week")], []),
        ("Hot leads", "leads", [("lead", 9109, "=", LEAD_LABELS[0][0])], []),
    ]
