"""The MCP server's write tools: each validates its arguments as the app's forms do
(tui/validation.py, tui/custom_values.py, tui/numbers.py) and becomes a proposal
(tui/store/proposals.py). Nothing is queued for Pipedrive until a person approves it.

A bad argument raises FieldError naming the field."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from typing import Any

from tui import custom_values
from tui import validation as v
from tui.config_values import AGENT_WRITE_TOOLS
from tui.notes_html import html_to_text, strip_control, text_to_html
from tui.store.queries import agent as agent_q
from tui.store.queries import custom, entities
from tui.store.store import Store

NOTE_LIMIT = 100_000  # characters


class FieldError(ValueError):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.field = name


@dataclass
class Draft:
    """A validated change, ready to become a proposal."""

    tool: str
    op: str  # create | update
    entity: str
    entity_id: int | None
    fields: dict[str, Any]
    summary: str
    diff: list[list[Any]] = field(default_factory=list)


def _check(result: tuple[Any, str | None], name: str) -> Any:
    value, error = result
    if error:
        raise FieldError(name, error)
    return value


def _text(value: Any, name: str, limit: int = 255, *, required: bool = True) -> str | None:
    if value is None or not str(value).strip():
        if required:
            raise FieldError(name, "is required")
        return None
    text = strip_control(str(value)).strip()
    if len(text) > limit:
        raise FieldError(name, f"takes at most {limit} characters ({len(text)} given)")
    return text


async def _label(store: Store, kind: str, entity_id: Any, name: str) -> str:
    table = {"deal": "deals", "person": "persons", "organization": "organizations", "activity": "activities", "lead": "leads"}[kind]
    if kind != "lead" and not isinstance(entity_id, int):
        raise FieldError(name, f"a {kind} id (a whole number), not {entity_id!r}")
    if not await store.read(agent_q.exists, table, entity_id):
        raise FieldError(name, f"no {kind} {entity_id} in the cache (search finds ids)")
    label: str = await store.read(entities.label_of, kind, entity_id) if kind != "lead" else str(entity_id)
    return label


async def _targets(store: Store, deal_id: Any, person_id: Any, org_id: Any, lead_id: Any = None) -> tuple[dict[str, Any], str]:
    links: dict[str, Any] = {}
    names = []
    for key, kind, value in (("deal_id", "deal", deal_id), ("person_id", "person", person_id), ("org_id", "organization", org_id)):
        if value is not None:
            names.append(f"{kind} “{await _label(store, kind, value, key)}”")
            links[key] = value
    if lead_id is not None:
        names.append(f"lead {await _label(store, 'lead', str(lead_id), 'lead_id')}")
        links["lead_id"] = str(lead_id)
    return links, ", ".join(names)


def _number(value: Any, name: str, *, minimum: float | None = None, maximum: float | None = None) -> float | None:
    """A JSON number as it is; a text as the user's locale writes it (tui/numbers.py)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise FieldError(name, "a number, not true/false")
    if isinstance(value, (int, float)):
        number = float(value)
        if minimum is not None and number < minimum or maximum is not None and number > maximum:
            raise FieldError(name, f"from {minimum:g} to {maximum:g}" if maximum is not None else f"at least {minimum:g}")
        return number
    found = _check(v.number(str(value), name, minimum=minimum, maximum=maximum), name)
    return None if found is None else float(found)


def _date(store: Store, value: Any, name: str, *, required: bool = False) -> str | None:
    return _check(v.friendly_date(str(value or ""), store.clock.today(), required_=required), name)  # type: ignore[no-any-return]


def _to_utc(day: str, hhmm: str | None, tz: Any) -> tuple[str, str | None]:
    """Local date + HH:MM -> (UTC date, UTC HH:MM), as the activity form stores them."""
    if not hhmm:
        return day, None
    local = datetime.combine(date.fromisoformat(day), time.fromisoformat(hhmm), tzinfo=tz)
    utc = local.astimezone(timezone.utc)
    return utc.date().isoformat(), utc.strftime("%H:%M")


# -- notes and activities ------------------------------------------------------------------------


async def add_note(store: Store, text: str, deal_id: Any = None, person_id: Any = None, org_id: Any = None, lead_id: Any = None) -> Draft:
    body = _text(text, "text", NOTE_LIMIT)
    links, names = await _targets(store, deal_id, person_id, org_id, lead_id)
    if not links:
        raise FieldError("deal_id", "a note belongs to a deal, a person, an organization or a lead: give one of their ids")
    html = text_to_html(body or "")
    return Draft("add_note", "create", "note", None, {"content": html, **links}, f"Add a note to {names}", [["note", "", body]])


async def _activity_fields(
    store: Store, subject: Any, type_: Any, due_date: Any, due_time: Any, duration: Any, note: Any
) -> tuple[dict[str, Any], list[list[Any]]]:
    subject_ = _text(subject, "subject")
    types = dict(await store.read(entities.activity_types))
    kind = str(type_ or "call")
    if types and kind not in types:
        raise FieldError("type", f"one of {', '.join(sorted(types))}, not {kind!r}")
    day = _date(store, due_date, "due_date", required=True)
    hhmm = _check(v.time_of_day(str(due_time or "")), "due_time")
    length = _check(v.duration(str(duration or "")), "duration")
    note_ = _text(note, "note", NOTE_LIMIT, required=False)
    assert day is not None
    utc_day, utc_time = _to_utc(day, hhmm, store.clock.zone)
    fields: dict[str, Any] = {"subject": subject_, "type": kind, "due_date": utc_day}
    if utc_time:
        fields["due_time"] = utc_time
    if length:
        fields["duration"] = length
    if note_:
        fields["note"] = note_
    diff: list[list[Any]] = [["subject", "", subject_], ["type", "", types.get(kind, kind)], ["due", "", f"{day} {hhmm or '(all day)'}"]]
    if length:
        diff.append(["duration", "", length])
    if note_:
        diff.append(["note", "", note_])
    return fields, diff


def _link_activity(fields: dict[str, Any], links: dict[str, Any]) -> None:
    for key in ("deal_id", "org_id", "lead_id"):
        if key in links:
            fields[key] = links[key]
    if "person_id" in links:
        fields["participants"] = [{"person_id": links["person_id"], "primary": True}]


async def schedule_activity(
    store: Store,
    subject: str,
    due_date: str,
    type: str = "call",
    due_time: str | None = None,
    duration: str | None = None,
    note: str | None = None,
    deal_id: Any = None,
    person_id: Any = None,
    org_id: Any = None,
) -> Draft:
    fields, diff = await _activity_fields(store, subject, type, due_date, due_time, duration, note)
    links, names = await _targets(store, deal_id, person_id, org_id)
    _link_activity(fields, links)
    where = f" for {names}" if names else ""
    return Draft("schedule_activity", "create", "activity", None, fields, f"Schedule “{fields['subject']}”{where}", diff)


async def log_call(
    store: Store,
    subject: str,
    note: str | None = None,
    duration: str | None = None,
    deal_id: Any = None,
    person_id: Any = None,
    org_id: Any = None,
) -> Draft:
    links, names = await _targets(store, deal_id, person_id, org_id)
    if not links:
        raise FieldError("deal_id", "a call is logged on a deal, a person or an organization: give one of their ids")
    now = store.clock.now().strftime("%H:%M")
    fields, diff = await _activity_fields(store, subject, "call", "today", now, duration, note)
    fields["done"] = True
    _link_activity(fields, links)
    diff.append(["done", "", "yes"])
    return Draft("log_call", "create", "activity", None, fields, f"Log a call “{fields['subject']}” with {names}", diff)


async def complete_activity(store: Store, activity_id: Any, done: bool = True) -> Draft:
    label = await _label(store, "activity", activity_id, "activity_id")
    was = await store.read(entities.activity_done, activity_id)
    if was == done:
        raise FieldError("done", f"activity {activity_id} is already {'done' if done else 'not done'}")
    verb = "Mark done" if done else "Mark not done"
    diff = [["done", "yes" if was else "no", "yes" if done else "no"]]
    return Draft("complete_activity", "update", "activity", activity_id, {"done": bool(done)}, f"{verb}: “{label}”", diff)


# -- deals -----------------------------------------------------------------------------------------


async def _deal(store: Store, deal_id: Any) -> tuple[str, entities.DealDetail]:
    label = await _label(store, "deal", deal_id, "deal_id")
    detail = await store.read(entities.deal_detail, deal_id, store.clock.now())
    assert detail is not None
    return label, detail


async def move_stage(store: Store, deal_id: Any, stage: Any) -> Draft:
    label, detail = await _deal(store, deal_id)
    stages = detail.stages
    wanted = None
    if isinstance(stage, int) and not isinstance(stage, bool):
        wanted = next((s for s in stages if s[0] == stage), None)
    elif isinstance(stage, str):
        wanted = next((s for s in stages if s[1].casefold() == stage.strip().casefold()), None)
    if wanted is None:
        names = ", ".join(f"{sid} {name}" for sid, name in stages)
        raise FieldError("stage", f"a stage of the deal's pipeline “{detail.pipeline_name}” by id or name ({names}), not {stage!r}")
    current = detail.deal.get("stage_id")
    if wanted[0] == current:
        raise FieldError("stage", f"the deal is already in {wanted[1]}")
    before = next((name for sid, name in stages if sid == current), str(current))
    return Draft(
        "move_stage", "update", "deal", deal_id, {"stage_id": wanted[0]}, f"Move “{label}” to {wanted[1]}", [["stage", before, wanted[1]]]
    )


async def mark_won(store: Store, deal_id: Any) -> Draft:
    label, detail = await _deal(store, deal_id)
    if detail.deal.get("status") == "won":
        raise FieldError("deal_id", f"deal {deal_id} is already won")
    return Draft(
        "mark_won", "update", "deal", deal_id, {"status": "won"}, f"Mark “{label}” won", [["status", detail.deal.get("status"), "won"]]
    )


async def mark_lost(store: Store, deal_id: Any, reason: str) -> Draft:
    label, detail = await _deal(store, deal_id)
    why = _text(reason, "reason")
    if detail.deal.get("status") == "lost":
        raise FieldError("deal_id", f"deal {deal_id} is already lost")
    diff = [["status", detail.deal.get("status"), "lost"], ["lost reason", detail.deal.get("lost_reason") or "", why]]
    return Draft("mark_lost", "update", "deal", deal_id, {"status": "lost", "lost_reason": why}, f"Mark “{label}” lost: {why}", diff)


# -- fields, creates -------------------------------------------------------------------------------

STANDARD = {
    "deal": ("title", "value", "currency", "expected_close_date", "probability"),
    "person": ("name", "emails", "phones"),
    "organization": ("name", "address"),
}


async def _standard(store: Store, entity: str, name: str, value: Any) -> Any:
    if name in ("title", "name"):
        return _text(value, name)
    if name == "value":
        return _number(value, name, minimum=0)
    if name == "probability":
        return _number(value, name, minimum=0, maximum=100)
    if name == "currency":
        return _check(v.currency(str(value or ""), await store.read(entities.currency_codes)), name)
    if name == "expected_close_date":
        return _date(store, value, name)
    if name in ("emails", "phones"):
        items = value if isinstance(value, list) else [value] if value else []
        text = ", ".join(str(i.get("value") if isinstance(i, dict) else i) for i in items)
        return _check(v.contact_list(text, "email" if name == "emails" else "phone"), name)
    if name == "address":
        return _text(value, name, 500, required=False)
    raise FieldError(name, "unknown field")


async def _custom(store: Store, entity: str, name: str, value: Any) -> tuple[str, Any, str]:
    defs = await store.read(custom.field_defs, entity)
    fd = next((d for d in defs if d.code == name or d.name.casefold() == name.strip().casefold()), None)
    if fd is None:
        known = ", ".join([*STANDARD[entity], *(d.name for d in defs if d.editable)])
        raise FieldError(name, f"no such {entity} field (known: {known})")
    given = _given(fd, value)
    if fd.type == "double" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return fd.code, float(value), fd.name  # a JSON number as it is (a text is read in the user's locale)
    parsed = _check(
        custom_values.parse(
            fd, given, today=store.clock.today(), zone=str(store.clock.zone), currencies=await store.read(entities.currency_codes)
        ),
        name,
    )
    if fd.type == "monetary" and isinstance(value, dict) and isinstance(value.get("value"), (int, float)) and parsed:
        parsed["value"] = float(value["value"])
    return fd.code, parsed, fd.name


async def _changes(store: Store, entity: str, fields: dict[str, Any], old: dict[str, Any]) -> tuple[dict[str, Any], list[list[Any]]]:
    if not isinstance(fields, dict) or not fields:
        raise FieldError("fields", 'an object of field name -> new value, e.g. {"title": "Bigger deal"}')
    out: dict[str, Any] = {}
    diff: list[list[Any]] = []
    customs: dict[str, Any] = {}
    for name, value in fields.items():
        if name in STANDARD[entity]:
            new = await _standard(store, entity, name, value)
            out[name] = new
            diff.append([name, _shown(old.get(name)), _shown(new)])
        else:
            code, new, label = await _custom(store, entity, name, value)
            customs[code] = new
            diff.append([label, _shown((old.get("custom_fields") or {}).get(code)), _shown(new)])
    if customs:
        out["custom_fields"] = customs
    return out, diff


def _option(fd: custom_values.FieldDef, value: Any) -> Any:
    if isinstance(value, str):
        return next((oid for oid, label in fd.options if label.casefold() == value.strip().casefold()), value)
    return value


def _given(fd: custom_values.FieldDef, value: Any) -> dict[str, Any]:
    """An agent's value as the form's inputs (custom_values.parse takes those)."""
    if fd.type == "enum":
        return {"choice": _option(fd, value)}
    if fd.type == "set":
        return {"choices": [_option(fd, x) for x in (value if isinstance(value, list) else [value] if value is not None else [])]}
    if fd.type in ("user", "people", "org"):
        return {"choice": value}
    if isinstance(value, dict):  # monetary {"value", "currency"}, ranges {"value", "until"}
        return {
            **{k: "" if x is None else str(x) for k, x in value.items()},
            "text": "" if value.get("value") is None else str(value["value"]),
        }
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {"text": format(value, "f").rstrip("0").rstrip(".") if isinstance(value, float) else str(value)}
    return {"text": "" if value is None else str(value)}


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(i.get("value") if isinstance(i, dict) else i) for i in value)
    if isinstance(value, dict):
        return " ".join(str(x) for x in value.values())
    return str(value)


async def update_fields(store: Store, entity: str, entity_id: Any, fields: dict[str, Any]) -> Draft:
    if entity not in STANDARD:
        raise FieldError("entity", f"one of {', '.join(STANDARD)}, not {entity!r}")
    label = await _label(store, entity, entity_id, "entity_id")
    old = await store.read(entities.entity_data, entity, entity_id) or {}
    changes, diff = await _changes(store, entity, fields, old)
    same = [row[0] for row in diff if row[1] == row[2]]
    if len(same) == len(diff):
        raise FieldError("fields", f"nothing would change ({', '.join(same)} already hold these values)")
    names = ", ".join(row[0] for row in diff if row[1] != row[2])
    return Draft("update_fields", "update", entity, entity_id, changes, f"Change {names} of {entity} “{label}”", diff)


async def create_person(store: Store, name: str, emails: Any = None, phones: Any = None, org_id: Any = None) -> Draft:
    out, diff = await _changes(store, "person", {k: val for k, val in (("name", name), ("emails", emails), ("phones", phones)) if val}, {})
    if org_id is not None:
        diff.append(["organization", "", await _label(store, "organization", org_id, "org_id")])
        out["org_id"] = org_id
    out = {k: val for k, val in out.items() if val not in (None, [])}
    return Draft("create_person", "create", "person", None, out, f"Create person “{out['name']}”", diff)


async def create_organization(store: Store, name: str, address: str | None = None) -> Draft:
    out, diff = await _changes(store, "organization", {k: val for k, val in (("name", name), ("address", address)) if val}, {})
    out = {k: val for k, val in out.items() if val is not None}
    return Draft("create_organization", "create", "organization", None, out, f"Create organization “{out['name']}”", diff)


async def create_deal(
    store: Store,
    title: str,
    value: Any = None,
    currency: str | None = None,
    stage_id: Any = None,
    person_id: Any = None,
    org_id: Any = None,
    expected_close_date: str | None = None,
) -> Draft:
    given = {"title": title, "value": value, "currency": currency, "expected_close_date": expected_close_date}
    out, diff = await _changes(store, "deal", {k: val for k, val in given.items() if val not in (None, "")}, {})
    if stage_id is not None:
        stages = dict(await store.read(agent_q.stage_names))
        if stage_id not in stages:
            raise FieldError("stage_id", f"no stage {stage_id} (list_pipelines shows them)")
        out["stage_id"] = stage_id
        diff.append(["stage", "", stages[stage_id]])
    for key, kind in (("person_id", "person"), ("org_id", "organization")):
        value_ = person_id if key == "person_id" else org_id
        if value_ is not None:
            diff.append([kind, "", await _label(store, kind, value_, key)])
            out[key] = value_
    out.setdefault("value", 0)
    out = {k: val for k, val in out.items() if val is not None}
    return Draft("create_deal", "create", "deal", None, out, f"Create deal “{out['title']}”", diff)


TOOLS = {
    "add_note": add_note,
    "schedule_activity": schedule_activity,
    "complete_activity": complete_activity,
    "log_call": log_call,
    "move_stage": move_stage,
    "mark_won": mark_won,
    "mark_lost": mark_lost,
    "update_fields": update_fields,
    "create_person": create_person,
    "create_organization": create_organization,
    "create_deal": create_deal,
}
assert tuple(TOOLS) == AGENT_WRITE_TOOLS  # the names [profiles.X] mcp_auto_approve accepts

__all__ = ["Draft", "FieldError", "TOOLS", "html_to_text"]
