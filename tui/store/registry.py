"""One home for the Pipedrive contract of every entity the cache holds.

Each entry says where the entity lives on the API (version, path, how it is updated), where
it lives in the cache (table, key, the columns screens filter and sort by), its pydantic
model (what a page is validated against before ingest; named, imported only when needed:
pydantic costs ~110 ms of start-up), and, for entities edited through
the outbox, the defaults of an optimistic create and the field that identifies a create
whose answer was lost. sync.py, ingest.py, edits.py and outbox.py all read it.

Adding an entity: one entry here, one model in tui/models.py, one query module in
tui/store/queries/ (and a table in schema.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tui.store.rows import active, address_text, flag, lead_columns, norm_time, primary_contact, primary_participant

Row = dict[str, Any]

# Pipedrive sends an item's mail figures, its files', followers' and participants' counts only
# when asked (include_fields); the store fetches each again only when its own figures differ
# from what they were at the last fetch (tui/store/mail.py, files.py, follower_store.py)
FILES_FIGURE = "files_count"  # the Files section fetches an item's files again when it changes
MAIL_FIGURES = {
    "deal": "email_messages_count,last_incoming_mail_time,last_outgoing_mail_time",
    "person": "email_messages_count,last_incoming_mail_time,last_outgoing_mail_time",
    "organization": "email_messages_count",
}
PARTY_FIGURES = {"deal": "followers_count,participants_count", "person": "followers_count", "organization": "followers_count"}


def included(entity: str) -> str:
    """The include_fields an item is listed with: every figure the store compares."""
    return ",".join((FILES_FIGURE, MAIL_FIGURES[entity], PARTY_FIGURES[entity]))


@dataclass(frozen=True)
class Entity:
    name: str
    table: str
    columns: Callable[[dict[str, Any]], Row]  # the cache row (without `data`) of a server object
    model: str  # the pydantic model's name in tui/models.py (loaded lazily)
    path: str | None = None  # the API collection, e.g. /api/v2/deals
    key: str = "id"
    update_method: str = "PATCH"  # v1 notes are PUT
    editable: bool = False  # changed through the outbox
    identity: str | None = None  # compared to find a create whose answer was lost
    ref_key: str | None = None  # how other rows point at it (deal_id, ...)
    defaults: dict[str, Any] = field(default_factory=dict)  # an optimistic create starts from these
    synced: bool = False  # listed with updated_since (v2) by the sync
    parent_key: str | None = None  # items under a parent's path (/deals/{deal_id}/products)
    single_get: bool = True  # GET {path}/{id} exists (the conflict check reads it)
    list_params: dict[str, Any] = field(default_factory=dict)  # sent with every listing (include_fields=...)

    @property
    def version(self) -> str:
        return "v1" if self.path and self.path.startswith("/api/v1") else "v2"

    @property
    def resource(self) -> str:
        return (self.path or "").rsplit("/", 1)[-1]

    def path_for(self, parent_id: Any = None) -> str:
        """The collection's path; items of a parent get its id filled in."""
        path = self.path or ""
        return path.format(**{self.parent_key: parent_id}) if self.parent_key else path


ENTITIES: tuple[Entity, ...] = (
    Entity(
        "user",
        "users",
        lambda o: {
            "id": o["id"],
            "name": o.get("name") or "",
            "email": o.get("email"),
            "is_you": flag(o.get("is_you")),
            "active": active(o.get("active_flag")),
        },
        "User",
        "/api/v1/users",
    ),
    Entity(
        "currency",
        "currencies",
        lambda o: {
            "code": o["code"],
            "name": o.get("name"),
            "symbol": o.get("symbol"),
            "decimal_points": o.get("decimal_points") if o.get("decimal_points") is not None else 2,
            "active": active(o.get("active_flag")),
        },
        "Currency",
        "/api/v1/currencies",
        key="code",
    ),
    Entity(
        "activity_type",
        "activity_types",
        lambda o: {
            "id": o["id"],
            "key_string": o["key_string"],
            "name": o.get("name") or o["key_string"],
            "icon_key": o.get("icon_key"),
            "active": active(o.get("active_flag")),
            "order_nr": o.get("order_nr") or 0,
        },
        "ActivityType",
        "/api/v1/activityTypes",
    ),
    Entity(
        "pipeline",
        "pipelines",
        lambda o: {
            "id": o["id"],
            "name": o.get("name") or "",
            "order_nr": o.get("order_nr") or 0,
            "probability_enabled": flag(o.get("is_deal_probability_enabled")),
            "is_deleted": flag(o.get("is_deleted")),
        },
        "Pipeline",
        "/api/v2/pipelines",
    ),
    Entity(
        "stage",
        "stages",
        lambda o: {
            "id": o["id"],
            "pipeline_id": o["pipeline_id"],
            "name": o.get("name") or "",
            "order_nr": o.get("order_nr") or 0,
            "deal_probability": o.get("deal_probability"),
            "rot_enabled": flag(o.get("is_deal_rot_enabled")),
            "days_to_rotten": o.get("days_to_rotten"),
            "is_deleted": flag(o.get("is_deleted")),
        },
        "Stage",
        "/api/v2/stages",
    ),
    Entity(
        "organization",
        "organizations",
        lambda o: {
            "id": o["id"],
            "name": o.get("name") or "",
            "owner_id": o.get("owner_id"),
            "address": address_text(o),
            "add_time": norm_time(o.get("add_time")),
            "update_time": norm_time(o.get("update_time")),
        },
        "Organization",
        "/api/v2/organizations",
        editable=True,
        identity="name",
        ref_key="org_id",
        synced=True,
        list_params={"include_fields": included("organization")},
        defaults={"name": "", "owner_id": None, "address": None, "label_ids": [], "custom_fields": {}, "is_deleted": False},
    ),
    Entity(
        "person",
        "persons",
        lambda o: {
            "id": o["id"],
            "name": o.get("name") or "",
            "org_id": o.get("org_id"),
            "owner_id": o.get("owner_id"),
            "primary_email": primary_contact(o.get("emails")),
            "primary_phone": primary_contact(o.get("phones")),
            "add_time": norm_time(o.get("add_time")),
            "update_time": norm_time(o.get("update_time")),
        },
        "Person",
        "/api/v2/persons",
        editable=True,
        identity="name",
        ref_key="person_id",
        synced=True,
        list_params={"include_fields": included("person")},
        defaults={
            "name": "",
            "owner_id": None,
            "org_id": None,
            "emails": [],
            "phones": [],
            "label_ids": [],
            "custom_fields": {},
            "is_deleted": False,
        },
    ),
    Entity(
        "deal",
        "deals",
        lambda o: {
            "id": o["id"],
            "title": o.get("title") or "",
            "value": o.get("value") or 0,
            "currency": o.get("currency"),
            "status": o.get("status") or "open",
            "pipeline_id": o.get("pipeline_id"),
            "stage_id": o.get("stage_id"),
            "owner_id": o.get("owner_id"),
            "person_id": o.get("person_id"),
            "org_id": o.get("org_id"),
            "probability": o.get("probability"),
            "expected_close_date": o.get("expected_close_date"),
            "add_time": norm_time(o.get("add_time")),
            "update_time": norm_time(o.get("update_time")),
            "stage_change_time": norm_time(o.get("stage_change_time")),
            "won_time": norm_time(o.get("won_time")),
            "lost_time": norm_time(o.get("lost_time")),
            "close_time": norm_time(o.get("close_time")),
            "lost_reason": o.get("lost_reason"),
        },
        "Deal",
        "/api/v2/deals",
        editable=True,
        identity="title",
        ref_key="deal_id",
        synced=True,
        list_params={"include_fields": included("deal")},
        defaults={
            "title": "",
            "value": 0,
            "currency": None,
            "status": "open",
            "pipeline_id": None,
            "stage_id": None,
            "owner_id": None,
            "person_id": None,
            "org_id": None,
            "probability": None,
            "expected_close_date": None,
            "label_ids": [],
            "custom_fields": {},
            "is_deleted": False,
        },
    ),
    Entity(
        "activity",
        "activities",
        lambda o: {
            "id": o["id"],
            "subject": o.get("subject") or "",
            "type": o.get("type") or "task",
            "owner_id": o.get("owner_id"),
            "deal_id": o.get("deal_id"),
            "person_id": primary_participant(o),
            "org_id": o.get("org_id"),
            "lead_id": o.get("lead_id"),
            "due_date": o.get("due_date"),
            "due_time": o.get("due_time") or None,
            "duration": o.get("duration") or None,
            "done": flag(o.get("done")),
            "marked_as_done_time": norm_time(o.get("marked_as_done_time")),
            "add_time": norm_time(o.get("add_time")),
            "update_time": norm_time(o.get("update_time")),
        },
        "Activity",
        "/api/v2/activities",
        editable=True,
        identity="subject",
        synced=True,
        list_params={"include_fields": "attendees"},  # Pipedrive sends attendees only when asked
        defaults={
            "subject": "",
            "type": "task",
            "owner_id": None,
            "deal_id": None,
            "person_id": None,
            "org_id": None,
            "due_date": None,
            "due_time": None,
            "duration": None,
            "done": False,
            "participants": [],
            "note": None,
            "is_deleted": False,
        },
    ),
    Entity(
        "product",
        "products",
        lambda o: {
            "id": o["id"],
            "name": o.get("name") or "",
            "code": o.get("code") or None,
            "unit": o.get("unit") or None,
            "tax": o.get("tax") or 0,
            "linkable": flag(o.get("is_linkable", True)),
            "add_time": norm_time(o.get("add_time")),
            "update_time": norm_time(o.get("update_time")),
        },
        "Product",
        "/api/v2/products",
        synced=True,
    ),
    Entity(
        "deal_product",
        "deal_products",
        lambda o: {
            "id": o["id"],
            "deal_id": o.get("deal_id"),
            "product_id": o.get("product_id"),
            "name": o.get("name") or "",
            "quantity": o.get("quantity") or 0,
            "item_price": o.get("item_price") or 0,
            "discount": o.get("discount") or 0,
            "tax": o.get("tax") or 0,
            "sum": o.get("sum") or 0,
            "enabled": flag(o.get("is_enabled", True)),
            "order_nr": o.get("order_nr") or 0,
            "update_time": norm_time(o.get("update_time")),
        },
        "DealProduct",
        "/api/v2/deals/{deal_id}/products",
        editable=True,
        identity="name",
        parent_key="deal_id",
        single_get=False,
        defaults={
            "name": "",
            "quantity": 1,
            "item_price": 0,
            "discount": 0,
            "discount_type": "percentage",
            "tax": 0,
            "is_enabled": True,
            "sum": 0,
            "comments": "",
        },
    ),
    Entity(
        "note",
        "notes",
        lambda o: {
            "id": o["id"],
            "content": o.get("content") or "",
            "deal_id": o.get("deal_id"),
            "person_id": o.get("person_id"),
            "org_id": o.get("org_id"),
            "lead_id": o.get("lead_id"),
            "user_id": o.get("user_id"),
            "pinned_deal": flag(o.get("pinned_to_deal_flag")),
            "pinned_lead": flag(o.get("pinned_to_lead_flag")),
            "pinned_person": flag(o.get("pinned_to_person_flag")),
            "pinned_org": flag(o.get("pinned_to_organization_flag")),
            "add_time": norm_time(o.get("add_time")),
            "update_time": norm_time(o.get("update_time")),
        },
        "Note",
        "/api/v1/notes",
        update_method="PUT",
        editable=True,
        identity="content",
        defaults={
            "content": "",
            "deal_id": None,
            "person_id": None,
            "org_id": None,
            "user_id": None,
            "pinned_to_deal_flag": False,
            "pinned_to_person_flag": False,
            "pinned_to_organization_flag": False,
            "active_flag": True,
        },
    ),
    # Files (v1): listed per deal/person/organization when shown (tui/store/files.py), never
    # synced; uploaded by the outbox's 'upload' operation (tui/store/file_upload.py), deleted
    # like any item (DELETE /v1/files/{id}).
    Entity(
        "file",
        "files",
        lambda o: {
            "id": o["id"],
            "name": o.get("name") or o.get("file_name") or "",
            "file_size": o.get("file_size") or 0,
            "deal_id": o.get("deal_id"),
            "person_id": o.get("person_id"),
            "org_id": o.get("org_id"),
            "user_id": o.get("user_id"),
            "add_time": norm_time(o.get("add_time")),
            "update_time": norm_time(o.get("update_time")),
        },
        "File",
        "/api/v1/files",
        editable=True,
        identity="name",
    ),
    # Leads: v1, keyed by a UUID string (a TEXT key; see tui/store/leads.py for why and how)
    Entity("lead", "leads", lead_columns, "Lead", "/api/v1/leads", editable=True, identity="title", ref_key="lead_id"),
    Entity(
        "lead_label",
        "lead_labels",
        lambda o: {"id": o["id"], "name": o.get("name") or "", "color": o.get("color")},
        "LeadLabel",
        "/api/v1/leadLabels",
    ),
    Entity(
        "call_log",
        "call_logs",
        lambda o: {
            "id": o["id"],
            "deal_id": o.get("deal_id"),
            "person_id": o.get("person_id"),
            "org_id": o.get("org_id"),
            "lead_id": o.get("lead_id"),
            "activity_id": o.get("activity_id"),
            "outcome": o.get("outcome") or "",
            "subject": o.get("subject"),
            "start_time": norm_time(o.get("start_time")),
            "duration": int(o["duration"]) if str(o.get("duration") or "").isdigit() else None,
            "to_phone_number": o.get("to_phone_number"),
        },
        "CallLog",
        "/api/v1/callLogs",
        identity="subject",
    ),
    Entity(
        "filter",
        "filters",
        lambda o: {
            "id": o["id"],
            "name": o.get("name") or "",
            "type": o.get("type") or "",
            "user_id": o.get("user_id"),
            "update_time": norm_time(o.get("update_time")),
        },
        "Filter",
        "/api/v1/filters",
    ),
)

REGISTRY: dict[str, Entity] = {e.name: e for e in ENTITIES}
EDITABLE: tuple[str, ...] = tuple(e.name for e in ENTITIES if e.editable)
TABLES: dict[str, str] = {e.name: e.table for e in ENTITIES}
REF_KEYS: dict[str, str] = {e.name: e.ref_key for e in ENTITIES if e.ref_key}


def entity(name: str) -> Entity:
    return REGISTRY[name]


def table_of(name: str) -> str:
    return REGISTRY[name].table


# The kinds the live refresh asks /v1/recents about: the registry's, and saved filters.
RECENT_NAMES = {
    "deal": "deal",
    "person": "person",
    "organization": "organization",
    "activity": "activity",
    "note": "note",
    "pipeline": "pipeline",
    "stage": "stage",
    "user": "user",
    "activity_type": "activityType",
    "product": "product",
}
RECENT_ITEMS = ",".join([*RECENT_NAMES.values(), "filter"])
RECENT_KIND = {item: entity for entity, item in RECENT_NAMES.items()}  # "activityType" -> "activity_type"

# v1 answers carry the objects an item points at (deal, person, ...): derived data, never stored
V1_RELATED = ("deal", "person", "organization", "user", "project", "task", "lead")


def strip_related(obj: dict[str, Any]) -> dict[str, Any]:
    """A v1 item without the related objects its answer carries."""
    for key in V1_RELATED:
        obj.pop(key, None)
    return obj
