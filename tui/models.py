"""Pydantic v2 models of the Pipedrive entities the app shows.

Shaped on the official responses: v2 for deals, persons, organizations, activities,
pipelines and stages; v1 for notes, users, activity types and currencies.

Policy: tolerant of nulls and of unknown extra fields (they are kept, so nothing the
server sends is lost when an object is stored and re-read); strict about the few fields
the app relies on (ids, and the names/titles it shows). v1 booleans arrive as 0/1 and
are coerced to bool. No textual import here (ARCHITECTURE.md, layers).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class PDModel(BaseModel):
    """Base: keep unknown fields, accept nulls, compare by value."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    def to_api(self) -> dict[str, Any]:
        """The object as the server shapes it (extras included, nothing renamed)."""
        return self.model_dump(mode="json")


def _flag(value: Any) -> bool:
    """v1 uses 0/1 (and sometimes "0"/"1") for booleans; v2 uses true/false."""
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes"}
    return bool(value)


def _active(value: Any) -> bool:
    """An `active_flag`: null or missing says nothing, so the item stays active; only an
    explicit false (0) means deactivated or deleted (tui/store/ingest.is_deleted)."""
    return True if value is None else _flag(value)


class ContactValue(PDModel):
    """One e-mail or phone of a person: {value, primary, label}."""

    value: str = ""
    primary: bool = False
    label: str | None = None

    @field_validator("value", mode="before")
    @classmethod
    def _value(cls, v: Any) -> str:
        return "" if v is None else str(v)

    @field_validator("primary", mode="before")
    @classmethod
    def _primary(cls, v: Any) -> bool:
        return _flag(v)


class Address(PDModel):
    """v2 organization address object; only `value` is required on write."""

    value: str | None = None
    country: str | None = None
    admin_area_level_1: str | None = None
    admin_area_level_2: str | None = None
    locality: str | None = None
    sublocality: str | None = None
    route: str | None = None
    street_number: str | None = None
    subpremise: str | None = None
    postal_code: str | None = None


class Pipeline(PDModel):
    id: int
    name: str
    order_nr: int = 0
    is_deleted: bool = False
    is_deal_probability_enabled: bool = False
    add_time: str | None = None
    update_time: str | None = None


class Stage(PDModel):
    id: int
    name: str
    pipeline_id: int
    order_nr: int = 0
    is_deleted: bool = False
    deal_probability: int | None = None
    is_deal_rot_enabled: bool = False
    days_to_rotten: int | None = None
    add_time: str | None = None
    update_time: str | None = None


class Deal(PDModel):
    id: int
    title: str
    creator_user_id: int | None = None
    owner_id: int | None = None
    value: float | None = 0
    currency: str | None = None
    person_id: int | None = None
    org_id: int | None = None
    pipeline_id: int | None = None
    stage_id: int | None = None
    status: str = "open"
    probability: float | None = None
    add_time: str | None = None
    update_time: str | None = None
    stage_change_time: str | None = None
    close_time: str | None = None
    won_time: str | None = None
    lost_time: str | None = None
    local_won_date: str | None = None
    local_lost_date: str | None = None
    local_close_date: str | None = None
    expected_close_date: str | None = None
    lost_reason: str | None = None
    is_archived: bool = False
    archive_time: str | None = None
    is_deleted: bool = False
    visible_to: int | None = None
    label_ids: list[int] = Field(default_factory=list)
    custom_fields: dict[str, Any] = Field(default_factory=dict)

    @field_validator("label_ids", mode="before")
    @classmethod
    def _labels(cls, v: Any) -> list[int]:
        return [] if v is None else v

    @field_validator("custom_fields", mode="before")
    @classmethod
    def _custom(cls, v: Any) -> dict[str, Any]:
        return {} if v is None else v


class Person(PDModel):
    id: int
    name: str
    first_name: str | None = None
    last_name: str | None = None
    owner_id: int | None = None
    org_id: int | None = None
    add_time: str | None = None
    update_time: str | None = None
    emails: list[ContactValue] = Field(default_factory=list)
    phones: list[ContactValue] = Field(default_factory=list)
    is_deleted: bool = False
    visible_to: int | None = None
    label_ids: list[int] = Field(default_factory=list)
    picture_id: int | None = None
    custom_fields: dict[str, Any] = Field(default_factory=dict)
    # only in accounts with Contact Sync (the v2 spec's PersonItemIm / PersonItemAddress shapes)
    im: list[ContactValue] = Field(default_factory=list)
    postal_address: Address | None = None
    birthday: str | None = None  # YYYY-MM-DD
    job_title: str | None = None
    notes: str | None = None  # Contact Sync's notes (plain text), not the v1 notes

    @field_validator("emails", "phones", "label_ids", "im", mode="before")
    @classmethod
    def _lists(cls, v: Any) -> list[Any]:
        return [] if v is None else v

    @field_validator("postal_address", mode="before")
    @classmethod
    def _postal(cls, v: Any) -> Any:
        return {"value": v} if isinstance(v, str) else v

    @field_validator("custom_fields", mode="before")
    @classmethod
    def _custom(cls, v: Any) -> dict[str, Any]:
        return {} if v is None else v

    @property
    def primary_email(self) -> str | None:
        return _primary_of(self.emails)

    @property
    def primary_phone(self) -> str | None:
        return _primary_of(self.phones)


def _primary_of(values: list[ContactValue]) -> str | None:
    for item in values:
        if item.primary and item.value:
            return item.value
    for item in values:
        if item.value:
            return item.value
    return None


class Organization(PDModel):
    id: int
    name: str
    owner_id: int | None = None
    add_time: str | None = None
    update_time: str | None = None
    address: Address | None = None
    is_deleted: bool = False
    visible_to: int | None = None
    label_ids: list[int] = Field(default_factory=list)
    website: str | None = None
    linkedin: str | None = None
    industry: Any = None
    annual_revenue: Any = None
    employee_count: Any = None
    custom_fields: dict[str, Any] = Field(default_factory=dict)

    @field_validator("label_ids", mode="before")
    @classmethod
    def _labels(cls, v: Any) -> list[int]:
        return [] if v is None else v

    @field_validator("custom_fields", mode="before")
    @classmethod
    def _custom(cls, v: Any) -> dict[str, Any]:
        return {} if v is None else v

    @field_validator("address", mode="before")
    @classmethod
    def _address(cls, v: Any) -> Any:
        if isinstance(v, str):  # tolerate a flat string address
            return {"value": v}
        return v


class Participant(PDModel):
    person_id: int
    primary: bool = False


class Attendee(PDModel):
    """One attendee of a v2 activity (`include_fields=attendees`; calendar sync)."""

    email: str | None = None
    name: str | None = None
    status: str | None = None
    is_organizer: bool = False
    person_id: int | None = None
    user_id: int | None = None

    @field_validator("is_organizer", mode="before")
    @classmethod
    def _organizer(cls, v: Any) -> bool:
        return _flag(v)


class Activity(PDModel):
    id: int
    subject: str = ""
    type: str = "task"
    owner_id: int | None = None
    creator_user_id: int | None = None
    is_deleted: bool = False
    add_time: str | None = None
    update_time: str | None = None
    deal_id: int | None = None
    lead_id: str | None = None
    person_id: int | None = None
    org_id: int | None = None
    project_id: int | None = None
    due_date: str | None = None
    due_time: str | None = None
    duration: str | None = None
    busy: bool | None = None
    done: bool = False
    marked_as_done_time: str | None = None
    location: dict[str, Any] | None = None
    participants: list[Participant] = Field(default_factory=list)
    attendees: list[Attendee] = Field(default_factory=list)
    conference_meeting_client: str | None = None
    conference_meeting_url: str | None = None
    conference_meeting_id: str | None = None
    public_description: str | None = None
    priority: int | None = None
    note: str | None = None

    @field_validator("subject", mode="before")
    @classmethod
    def _subject(cls, v: Any) -> str:
        return "" if v is None else str(v)

    @field_validator("participants", "attendees", mode="before")
    @classmethod
    def _participants(cls, v: Any) -> list[Any]:
        return [] if v is None else v

    @field_validator("due_time", "duration", mode="before")
    @classmethod
    def _blank_time(cls, v: Any) -> Any:
        return None if v in ("", None) else v

    @property
    def primary_person_id(self) -> int | None:
        for p in self.participants:
            if p.primary:
                return p.person_id
        return self.person_id


class ActivityType(PDModel):
    id: int
    name: str
    key_string: str
    order_nr: int = 0
    icon_key: str | None = None
    active_flag: bool = True
    color: str | None = None
    is_custom_flag: bool = False
    add_time: str | None = None
    update_time: str | None = None

    @field_validator("is_custom_flag", mode="before")
    @classmethod
    def _flags(cls, v: Any) -> bool:
        return _flag(v)

    @field_validator("active_flag", mode="before")
    @classmethod
    def _active_flag(cls, v: Any) -> bool:
        return _active(v)


class Note(PDModel):
    """v1 note. `content` is HTML sanitised by the server; show it via tui.notes_html."""

    id: int
    content: str = ""
    deal_id: int | None = None
    person_id: int | None = None
    org_id: int | None = None
    lead_id: str | None = None
    project_id: int | None = None
    user_id: int | None = None
    last_update_user_id: int | None = None
    active_flag: bool = True
    add_time: str | None = None  # v1: "YYYY-MM-DD HH:MM:SS" UTC
    update_time: str | None = None
    pinned_to_deal_flag: bool = False
    pinned_to_person_flag: bool = False
    pinned_to_organization_flag: bool = False
    pinned_to_lead_flag: bool = False

    @field_validator("content", mode="before")
    @classmethod
    def _content(cls, v: Any) -> str:
        return "" if v is None else str(v)

    @field_validator("active_flag", mode="before")
    @classmethod
    def _active_flag(cls, v: Any) -> bool:
        return _active(v)

    @field_validator(
        "pinned_to_deal_flag",
        "pinned_to_person_flag",
        "pinned_to_organization_flag",
        "pinned_to_lead_flag",
        mode="before",
    )
    @classmethod
    def _flags(cls, v: Any) -> bool:
        return _flag(v)


class File(PDModel):
    """v1 file attached to a deal, person or organization (`name` is the visible name,
    `file_name` the stored one). Times are v1's "YYYY-MM-DD HH:MM:SS" UTC."""

    id: int
    name: str | None = None
    file_name: str | None = None
    file_size: int = 0
    file_type: str | None = None
    user_id: int | None = None
    deal_id: int | None = None
    person_id: int | None = None
    org_id: int | None = None
    active_flag: bool = True
    add_time: str | None = None
    update_time: str | None = None

    @field_validator("file_size", mode="before")
    @classmethod
    def _size(cls, v: Any) -> int:
        return 0 if v is None else int(v)

    @field_validator("active_flag", mode="before")
    @classmethod
    def _active_flag(cls, v: Any) -> bool:
        return _active(v)


class User(PDModel):
    id: int
    name: str
    email: str | None = None
    default_currency: str | None = None
    locale: str | None = None
    lang: int | None = None
    timezone_name: str | None = None
    timezone_offset: str | None = None
    active_flag: bool = True
    is_deleted: bool = False
    is_you: bool = False
    role_id: int | None = None
    icon_url: str | None = None
    # /users/me only
    company_id: int | None = None
    company_name: str | None = None
    company_domain: str | None = None

    @field_validator("is_you", "is_deleted", mode="before")
    @classmethod
    def _flags(cls, v: Any) -> bool:
        return _flag(v)

    @field_validator("active_flag", mode="before")
    @classmethod
    def _active_flag(cls, v: Any) -> bool:
        return _active(v)

    @property
    def initials(self) -> str:
        parts = [p for p in self.name.split() if p]
        if not parts:
            return "?"
        if len(parts) == 1:
            return parts[0][:2].upper()
        return (parts[0][0] + parts[-1][0]).upper()


class Product(PDModel):
    """v2 product of the catalogue: one price per currency in `prices`."""

    id: int
    name: str
    code: str | None = None
    unit: str | None = None
    tax: float | None = 0
    description: str | None = None
    is_deleted: bool = False
    is_linkable: bool = True
    owner_id: int | None = None
    add_time: str | None = None
    update_time: str | None = None
    prices: list[dict[str, Any]] = Field(default_factory=list)
    custom_fields: dict[str, Any] = Field(default_factory=dict)

    @field_validator("prices", mode="before")
    @classmethod
    def _prices(cls, v: Any) -> list[Any]:
        return [] if v is None else v

    @field_validator("custom_fields", mode="before")
    @classmethod
    def _custom(cls, v: Any) -> dict[str, Any]:
        return {} if v is None else v


class DealProduct(PDModel):
    """v2 product attached to a deal (GET /deals/{id}/products): its `sum` is Pipedrive's."""

    id: int
    deal_id: int
    product_id: int
    name: str = ""
    quantity: float = 1
    item_price: float = 0
    discount: float = 0
    discount_type: str = "percentage"
    tax: float = 0
    tax_method: str | None = None
    is_enabled: bool = True
    sum: float = 0
    currency: str | None = None
    order_nr: int | None = None
    comments: str | None = None
    add_time: str | None = None
    update_time: str | None = None

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, v: Any) -> str:
        return "" if v is None else str(v)


class Currency(PDModel):
    id: int | None = None
    code: str
    name: str = ""
    decimal_points: int = 2
    symbol: str | None = None
    active_flag: bool = True
    is_custom_flag: bool = False

    @field_validator("is_custom_flag", mode="before")
    @classmethod
    def _flags(cls, v: Any) -> bool:
        return _flag(v)

    @field_validator("active_flag", mode="before")
    @classmethod
    def _active_flag(cls, v: Any) -> bool:
        return _active(v)


class LeadValue(PDModel):
    """A lead's value: {amount, currency} (v1 leads)."""

    amount: float | None = None
    currency: str | None = None


class CallLog(PDModel):
    """v1 call log. Its id is a string; Pipedrive records a done `call` activity with it."""

    id: str
    outcome: str
    activity_id: int | None = None
    deal_id: int | None = None
    person_id: int | None = None
    org_id: int | None = None
    lead_id: str | None = None
    subject: str | None = None
    duration: str | None = None
    to_phone_number: str | None = None
    from_phone_number: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    user_id: int | None = None
    note: str | None = None


class Lead(PDModel):
    """v1 lead. Its id is a UUID string (not an integer like every other entity's)."""

    id: str
    title: str
    owner_id: int | None = None
    creator_id: int | None = None
    label_ids: list[str] = Field(default_factory=list)
    person_id: int | None = None
    organization_id: int | None = None
    source_name: str | None = None
    origin: str | None = None
    is_archived: bool = False
    was_seen: bool = False
    value: LeadValue | None = None
    expected_close_date: str | None = None
    next_activity_id: int | None = None
    add_time: str | None = None
    update_time: str | None = None
    visible_to: str | None = None

    @field_validator("label_ids", mode="before")
    @classmethod
    def _labels(cls, v: Any) -> list[str]:
        return [] if v is None else v

    @field_validator("is_archived", "was_seen", mode="before")
    @classmethod
    def _flags(cls, v: Any) -> bool:
        return _flag(v)

    @field_validator("visible_to", mode="before")
    @classmethod
    def _visible(cls, v: Any) -> Any:
        return None if v is None else str(v)


class LeadLabel(PDModel):
    id: str
    name: str
    color: str | None = None
    add_time: str | None = None
    update_time: str | None = None


class FilterCondition(PDModel):
    object: str
    field_id: str
    operator: str
    value: Any = None
    extra_value: Any = None
    field_code: str | None = None

    @field_validator("field_id", mode="before")
    @classmethod
    def _field_id(cls, v: Any) -> str:
        return str(v)


class FilterGroup(PDModel):
    glue: str = "and"
    conditions: list[FilterCondition] = Field(default_factory=list)

    @field_validator("conditions", mode="before")
    @classmethod
    def _conditions(cls, v: Any) -> list[Any]:
        return [] if v is None else v


class FilterConditions(PDModel):
    glue: str = "and"
    conditions: list[FilterGroup] = Field(default_factory=list)


class Filter(PDModel):
    """v1 saved filter; `conditions` only from GET /filters/{id}."""

    id: int
    name: str
    type: str
    active_flag: bool = True
    user_id: int | None = None
    visible_to: str | None = None
    add_time: str | None = None
    update_time: str | None = None
    conditions: FilterConditions | None = None

    @field_validator("active_flag", mode="before")
    @classmethod
    def _flags(cls, v: Any) -> bool:
        return _flag(v)

    @field_validator("visible_to", mode="before")
    @classmethod
    def _visible(cls, v: Any) -> Any:
        return None if v is None else str(v)


__all__ = [
    "Activity",
    "ActivityType",
    "Address",
    "ContactValue",
    "Currency",
    "Deal",
    "DealProduct",
    "File",
    "Filter",
    "Lead",
    "LeadLabel",
    "Note",
    "Organization",
    "Participant",
    "Person",
    "Pipeline",
    "PDModel",
    "Product",
    "Stage",
    "User",
]
