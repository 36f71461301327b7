import sqlite3

from tui.models import Activity, Deal, Note, Organization, Person, User
from tui.store import ingest, schema


def _conn():
    conn = sqlite3.connect(":memory:")
    conn.row_factory = sqlite3.Row
    schema.migrate(conn)
    return conn


def test_models_tolerate_nulls_and_keep_extras():
    deal = Deal.model_validate({"id": 1, "title": "T", "value": None, "label_ids": None, "custom_fields": None, "brand_new": {"x": 1}})
    assert deal.label_ids == [] and deal.custom_fields == {}
    assert deal.to_api()["brand_new"] == {"x": 1}
    person = Person.model_validate(
        {"id": 2, "name": "Zoë", "emails": [{"value": "a@b.c", "primary": False}, {"value": "z@b.c", "primary": True}], "phones": None}
    )
    assert person.primary_email == "z@b.c" and person.primary_phone is None
    assert Organization.model_validate({"id": 3, "name": "O", "address": "Main St 1"}).address.value == "Main St 1"
    note = Note.model_validate({"id": 4, "content": None, "pinned_to_deal_flag": 1, "active_flag": "1"})
    assert note.pinned_to_deal_flag is True and note.content == ""
    act = Activity.model_validate({"id": 5, "subject": None, "due_time": "", "participants": [{"person_id": 9, "primary": True}]})
    assert act.due_time is None and act.primary_person_id == 9
    assert User.model_validate({"id": 1, "name": "Ana María López", "is_you": 1}).initials == "AL"


def test_upsert_normalises_times_and_removes_deleted():
    conn = _conn()
    ingest.upsert(
        conn,
        "deal",
        [
            {"id": 1, "title": "A", "value": 10, "currency": "EUR", "status": "open", "update_time": "2026-11-01T10:00:00Z"},
            {"id": 2, "title": "B", "status": "open"},
        ],
    )
    ingest.upsert(
        conn, "note", [{"id": 7, "content": "<p>x</p>", "deal_id": 1, "add_time": "2026-11-01 10:00:00", "pinned_to_deal_flag": True}]
    )
    row = conn.execute("SELECT * FROM notes").fetchone()
    assert row["add_time"] == "2026-11-01T10:00:00Z" and row["pinned_deal"] == 1
    ingest.upsert(conn, "deal", [{"id": 2, "title": "B", "is_deleted": True}])
    assert [r["id"] for r in conn.execute("SELECT id FROM deals")] == [1]
    assert ingest.load(conn, "deal", 1)["currency"] == "EUR"


def test_activity_person_is_the_primary_participant():
    conn = _conn()
    ingest.upsert(
        conn,
        "activity",
        [
            {
                "id": 1,
                "subject": "Call",
                "participants": [{"person_id": 4, "primary": False}, {"person_id": 5, "primary": True}],
                "done": False,
            }
        ],
    )
    ingest.upsert(conn, "person", [{"id": 5, "name": "P", "emails": [{"value": "p@x.io", "primary": True}], "phones": []}])
    assert conn.execute("SELECT person_id FROM activities").fetchone()[0] == 5
    assert conn.execute("SELECT primary_email FROM persons").fetchone()[0] == "p@x.io"


def test_migrate_is_idempotent_and_versioned():
    conn = _conn()
    assert schema.migrate(conn) == schema.SCHEMA_VERSION
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
