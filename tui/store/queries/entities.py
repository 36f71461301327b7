"""Reads for detail screens, people/organization lists and pickers."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tui.store.derived import parse_utc
from tui.store.queries.common import _like, _one
from tui.store.queries.common import label_of as label_of  # where the screens have always found it


@dataclass(slots=True)
class Ref:
    id: int
    label: str
    extra: str = ""


@dataclass(slots=True)
class DealRef(Ref):
    """A deal listed on a person or organization: `extra` is its status."""

    stage: str | None = None
    value: float = 0.0
    currency: str | None = None
    symbol: str | None = None  # the currency's symbol, from the currencies table
    decimals: int | None = None


@dataclass(slots=True)
class ActivityRow:
    id: int
    subject: str
    type: str
    due_date: str | None
    due_time: str | None
    done: bool
    deal_id: int | None
    person_id: int | None
    org_id: int | None


@dataclass(slots=True)
class NoteRow:
    id: int
    content: str
    add_time: str | None
    pinned: bool
    author: str | None


@dataclass
class DealDetail:
    deal: dict[str, Any]
    pipeline_name: str
    probability_enabled: bool
    stages: list[tuple[int, str]]
    person: Ref | None
    org: Ref | None
    owner: str | None
    days_in_stage: int | None
    custom: list[Any]  # queries.custom.CustomRow
    activities: list[ActivityRow]
    notes: list[NoteRow]
    lines: list[Any] = field(default_factory=list)  # queries.products.LineRow


@dataclass
class PersonDetail:
    person: dict[str, Any]
    org: Ref | None
    owner: str | None
    deals: list[DealRef]
    activities: list[ActivityRow]
    notes: list[NoteRow]
    custom: list[Any] = field(default_factory=list)  # queries.custom.CustomRow


@dataclass
class OrgDetail:
    org: dict[str, Any]
    owner: str | None
    people: list[Ref]
    deals: list[DealRef]
    activities: list[ActivityRow]
    notes: list[NoteRow]
    custom: list[Any] = field(default_factory=list)  # queries.custom.CustomRow


@dataclass(slots=True)
class PersonListRow:
    id: int
    name: str
    org_name: str | None
    email: str | None
    phone: str | None
    owner: str | None
    update_time: str | None


@dataclass(slots=True)
class OrgListRow:
    id: int
    name: str
    address: str | None
    people: int
    open_deals: int
    owner: str | None
    update_time: str | None


def _activities(conn: sqlite3.Connection, column: str, value: int | str) -> list[ActivityRow]:
    return [
        ActivityRow(
            r["id"], r["subject"], r["type"], r["due_date"], r["due_time"], bool(r["done"]), r["deal_id"], r["person_id"], r["org_id"]
        )
        for r in conn.execute(f"SELECT * FROM activities WHERE {column} = ? ORDER BY done, due_date, due_time", (value,))
    ]


def notes_for(conn: sqlite3.Connection, column: str, value: int | str) -> list[NoteRow]:
    pin = {"deal_id": "pinned_deal", "person_id": "pinned_person", "org_id": "pinned_org", "lead_id": "pinned_lead"}[column]
    return [
        NoteRow(r["id"], r["content"], r["add_time"], bool(r[pin]), r["author"])
        for r in conn.execute(
            f"""SELECT n.*, u.name AS author FROM notes n LEFT JOIN users u ON u.id = n.user_id
                     WHERE n.{column} = ? ORDER BY n.{pin} DESC, n.add_time DESC, n.id DESC""",
            (value,),
        )
    ]


def _custom(conn: sqlite3.Connection, entity: str, obj: dict[str, Any]) -> list[Any]:
    from tui.store.queries.custom import custom_rows

    return custom_rows(conn, entity, obj)


def _user(conn: sqlite3.Connection, user_id: int | None) -> str | None:
    return _one(conn, "SELECT name FROM users WHERE id = ?", user_id) if user_id is not None else None


def deal_detail(conn: sqlite3.Connection, deal_id: int, now: datetime) -> DealDetail | None:
    row = conn.execute("SELECT data FROM deals WHERE id = ?", (deal_id,)).fetchone()
    if row is None:
        return None
    deal = json.loads(row[0])
    pipe = conn.execute("SELECT name, probability_enabled FROM pipelines WHERE id = ?", (deal.get("pipeline_id"),)).fetchone()
    stages = [
        (r[0], r[1])
        for r in conn.execute(
            "SELECT id, name FROM stages WHERE pipeline_id = ? AND is_deleted = 0 ORDER BY order_nr, id", (deal.get("pipeline_id"),)
        )
    ]
    person = None
    if deal.get("person_id") is not None:
        name = _one(conn, "SELECT name FROM persons WHERE id = ?", deal["person_id"])
        person = Ref(deal["person_id"], name) if name is not None else None
    org = None
    if deal.get("org_id") is not None:
        name = _one(conn, "SELECT name FROM organizations WHERE id = ?", deal["org_id"])
        org = Ref(deal["org_id"], name) if name is not None else None
    changed = parse_utc(deal.get("stage_change_time") or deal.get("add_time"))
    days = int((now - changed).total_seconds() // 86400) if changed else None
    return DealDetail(
        deal,
        pipe[0] if pipe else "?",
        bool(pipe[1]) if pipe else False,
        stages,
        person,
        org,
        _user(conn, deal.get("owner_id")),
        days,
        _custom(conn, "deal", deal),
        _activities(conn, "deal_id", deal_id),
        notes_for(conn, "deal_id", deal_id),
        _lines(conn, deal_id),
    )


def _lines(conn: sqlite3.Connection, deal_id: int) -> list[Any]:
    from tui.store.queries.products import deal_lines

    return deal_lines(conn, deal_id)


def _deal_refs(conn: sqlite3.Connection, column: str, value: int) -> list[DealRef]:
    return [
        DealRef(r["id"], r["title"], r["status"], r["stage"], r["value"] or 0.0, r["currency"], r["symbol"], r["decimal_points"])
        for r in conn.execute(
            "SELECT d.id, d.title, d.status, s.name AS stage, d.value, d.currency, c.symbol, c.decimal_points"
            " FROM deals d LEFT JOIN stages s ON s.id = d.stage_id LEFT JOIN currencies c ON c.code = d.currency"
            f" WHERE d.{column} = ? ORDER BY d.status = 'open' DESC, d.update_time DESC",
            (value,),
        )
    ]


def person_detail(conn: sqlite3.Connection, person_id: int) -> PersonDetail | None:
    row = conn.execute("SELECT data FROM persons WHERE id = ?", (person_id,)).fetchone()
    if row is None:
        return None
    person = json.loads(row[0])
    org = None
    if person.get("org_id") is not None:
        name = _one(conn, "SELECT name FROM organizations WHERE id = ?", person["org_id"])
        org = Ref(person["org_id"], name) if name is not None else None
    return PersonDetail(
        person,
        org,
        _user(conn, person.get("owner_id")),
        _deal_refs(conn, "person_id", person_id),
        _activities(conn, "person_id", person_id),
        notes_for(conn, "person_id", person_id),
        _custom(conn, "person", person),
    )


def organization_detail(conn: sqlite3.Connection, org_id: int) -> OrgDetail | None:
    row = conn.execute("SELECT data FROM organizations WHERE id = ?", (org_id,)).fetchone()
    if row is None:
        return None
    org = json.loads(row[0])
    people = [
        Ref(r["id"], r["name"], r["primary_email"] or "")
        for r in conn.execute("SELECT id, name, primary_email FROM persons WHERE org_id = ? ORDER BY name", (org_id,))
    ]
    return OrgDetail(
        org,
        _user(conn, org.get("owner_id")),
        people,
        _deal_refs(conn, "org_id", org_id),
        _activities(conn, "org_id", org_id),
        notes_for(conn, "org_id", org_id),
        _custom(conn, "organization", org),
    )


PERSON_SORTS = {
    "name": "p.name COLLATE NOCASE",
    "organization": "o.name COLLATE NOCASE, p.name COLLATE NOCASE",
    "updated": "p.update_time DESC",
}
ORG_SORTS = {"name": "o.name COLLATE NOCASE", "deals": "open_deals DESC, o.name COLLATE NOCASE", "updated": "o.update_time DESC"}


_PERSON_FROM = """FROM persons p LEFT JOIN organizations o ON o.id = p.org_id LEFT JOIN users u ON u.id = p.owner_id"""
_ORG_FROM = "FROM organizations o LEFT JOIN users u ON u.id = o.owner_id"


def _person_where(text: str | None) -> tuple[str, list[Any]]:
    like = _like(text)
    if not like:
        return "", []
    return (
        """ WHERE p.name LIKE ? ESCAPE '\\' OR o.name LIKE ? ESCAPE '\\' OR p.primary_email LIKE ? ESCAPE '\\'
                OR p.primary_phone LIKE ? ESCAPE '\\'""",
        [like] * 4,
    )


def _org_where(text: str | None) -> tuple[str, list[Any]]:
    like = _like(text)
    if not like:
        return "", []
    return " WHERE o.name LIKE ? ESCAPE '\\' OR o.address LIKE ? ESCAPE '\\'", [like, like]


def person_count(conn: sqlite3.Connection, text: str | None = None) -> int:
    where, args = _person_where(text)
    if not where:
        return int(conn.execute("SELECT COUNT(*) FROM persons").fetchone()[0])
    return int(conn.execute(f"SELECT COUNT(*) {_PERSON_FROM}{where}", args).fetchone()[0])


def person_page(
    conn: sqlite3.Connection, text: str | None = None, sort: str = "name", offset: int = 0, limit: int = 200
) -> list[PersonListRow]:
    """One window of the people list (the list reads the rows in view, never all of them)."""
    where, args = _person_where(text)
    sql = f"""SELECT p.id, p.name, o.name AS org_name, p.primary_email, p.primary_phone, u.name AS owner, p.update_time
              {_PERSON_FROM}{where} ORDER BY {PERSON_SORTS.get(sort, PERSON_SORTS["name"])}, p.id LIMIT ? OFFSET ?"""
    return [PersonListRow(*r) for r in conn.execute(sql, [*args, limit, offset])]


def person_index(conn: sqlite3.Connection, text: str | None, sort: str, person_id: int) -> int | None:
    where, args = _person_where(text)
    cursor = conn.execute(f"SELECT p.id {_PERSON_FROM}{where} ORDER BY {PERSON_SORTS.get(sort, PERSON_SORTS['name'])}, p.id", args)
    cursor.row_factory = None
    return next((i for i, (pid,) in enumerate(cursor) if pid == person_id), None)


def person_rows(conn: sqlite3.Connection, text: str | None = None, sort: str = "name") -> list[PersonListRow]:
    return person_page(conn, text, sort, 0, -1)


_ORG_COLUMNS = """o.id, o.name, o.address,
                  (SELECT COUNT(*) FROM persons p WHERE p.org_id = o.id) AS people,
                  (SELECT COUNT(*) FROM deals d WHERE d.org_id = o.id AND d.status = 'open') AS open_deals,
                  u.name AS owner, o.update_time"""


def organization_count(conn: sqlite3.Connection, text: str | None = None) -> int:
    where, args = _org_where(text)
    return int(conn.execute(f"SELECT COUNT(*) {_ORG_FROM}{where}", args).fetchone()[0])


def organization_page(
    conn: sqlite3.Connection, text: str | None = None, sort: str = "name", offset: int = 0, limit: int = 200
) -> list[OrgListRow]:
    where, args = _org_where(text)
    sql = f"SELECT {_ORG_COLUMNS} {_ORG_FROM}{where} ORDER BY {ORG_SORTS.get(sort, ORG_SORTS['name'])}, o.id LIMIT ? OFFSET ?"
    return [OrgListRow(*r) for r in conn.execute(sql, [*args, limit, offset])]


def organization_index(conn: sqlite3.Connection, text: str | None, sort: str, org_id: int) -> int | None:
    where, args = _org_where(text)
    order = ORG_SORTS.get(sort, ORG_SORTS["name"])
    columns = (
        "o.id"
        if "open_deals" not in order
        else ("o.id, (SELECT COUNT(*) FROM deals d WHERE d.org_id = o.id AND d.status = 'open') AS open_deals")
    )
    cursor = conn.execute(f"SELECT {columns} {_ORG_FROM}{where} ORDER BY {order}, o.id", args)
    cursor.row_factory = None
    return next((i for i, row in enumerate(cursor) if row[0] == org_id), None)


def organization_rows(conn: sqlite3.Connection, text: str | None = None, sort: str = "name") -> list[OrgListRow]:
    return organization_page(conn, text, sort, 0, -1)


def search(conn: sqlite3.Connection, kind: str, text: str, limit: int = 8) -> list[Ref]:
    """Picker search over the cache: kind is person | organization | deal | user."""
    like = _like(text) or "%"
    if kind == "person":
        sql = """SELECT p.id, p.name, COALESCE(o.name, '') FROM persons p LEFT JOIN organizations o ON o.id = p.org_id
                  WHERE p.name LIKE ? ESCAPE '\\' ORDER BY p.name COLLATE NOCASE LIMIT ?"""
    elif kind == "organization":
        sql = "SELECT id, name, COALESCE(address, '') FROM organizations WHERE name LIKE ? ESCAPE '\\' ORDER BY name COLLATE NOCASE LIMIT ?"
    elif kind == "deal":
        sql = "SELECT id, title, status FROM deals WHERE title LIKE ? ESCAPE '\\' ORDER BY status = 'open' DESC, title LIMIT ?"
    elif kind == "user":
        sql = "SELECT id, name, COALESCE(email, '') FROM users WHERE name LIKE ? ESCAPE '\\' ORDER BY is_you DESC, name LIMIT ?"
    else:
        raise ValueError(kind)
    return [Ref(r[0], r[1], r[2]) for r in conn.execute(sql, (like, limit))]


def currency_codes(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT code FROM currencies WHERE active = 1")}


def activity_types(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in conn.execute("SELECT key_string, name FROM activity_types WHERE active = 1 ORDER BY order_nr")]


def entity_data(conn: sqlite3.Connection, entity: str, entity_id: int) -> dict[str, Any] | None:
    from tui.store import ingest

    return ingest.load(conn, entity, entity_id)


def note_content(conn: sqlite3.Connection, note_id: int) -> str | None:
    content: str | None = _one(conn, "SELECT content FROM notes WHERE id = ?", note_id)
    return content


def target_name(
    conn: sqlite3.Connection, deal_id: int | None, person_id: int | None, org_id: int | None, lead_id: str | None = None
) -> str | None:
    """The title or name of what a new note goes on."""
    if lead_id is not None:
        title: str | None = _one(conn, "SELECT title FROM leads WHERE id = ?", lead_id)
        return title
    for kind, key in (("deal", deal_id), ("person", person_id), ("organization", org_id)):
        if key is not None:
            name = label_of(conn, kind, key)
            if name:
                return name
    return None


def activity_done(conn: sqlite3.Connection, activity_id: int) -> bool | None:
    row = conn.execute("SELECT done FROM activities WHERE id = ?", (activity_id,)).fetchone()
    return None if row is None else bool(row[0])


def person_ids(conn: sqlite3.Connection, text: str | None = None) -> list[int]:
    """Every person the list shows with this filter (bulk: mark all)."""
    where, args = _person_where(text)
    return [r[0] for r in conn.execute(f"SELECT p.id {_PERSON_FROM}{where}", args)]


def organization_ids(conn: sqlite3.Connection, text: str | None = None) -> list[int]:
    where, args = _org_where(text)
    return [r[0] for r in conn.execute(f"SELECT o.id {_ORG_FROM}{where}", args)]


def owners_of(conn: sqlite3.Connection, table: str, ids: list[int]) -> dict[int, int | None]:
    """id -> owner_id of persons or organizations (bulk: what an undo puts back)."""
    if table not in ("persons", "organizations"):
        raise ValueError(table)
    out: dict[int, int | None] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = conn.execute(f"SELECT id, owner_id FROM {table} WHERE id IN ({','.join('?' * len(chunk))})", chunk)
        out.update({r[0]: r[1] for r in rows})
    return out
