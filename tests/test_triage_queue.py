"""Triage queue: membership and order on crafted data with a frozen clock, thresholds per
pipeline, owners, snoozes; the preview; the [triage] config; `fri 10:00` parsing."""

import sqlite3
from datetime import date

import pytest

from tests.conftest import FROZEN_NOW
from tui.config import Config, TriageSettings
from tui.dates import parse_when
from tui.store import edits, ingest, schema, snoozes
from tui.store.queries import triage as q

NOW = FROZEN_NOW  # Wed 18 Nov 2026 09:30 Berlin (08:30 UTC)
RECENT = "2026-11-18T07:00:00Z"


def _conn() -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.row_factory = sqlite3.Row
    schema.migrate(conn)
    ingest.upsert(conn, "user", [{"id": 1, "name": "Me", "is_you": True}, {"id": 2, "name": "Sam"}])
    ingest.upsert(conn, "pipeline", [{"id": 1, "name": "Sales"}, {"id": 2, "name": "Partners"}])
    ingest.upsert(
        conn,
        "stage",
        [
            {"id": 11, "pipeline_id": 1, "name": "Lead", "order_nr": 1, "is_deal_rot_enabled": True, "days_to_rotten": 10},
            {"id": 12, "pipeline_id": 1, "name": "Proposal", "order_nr": 2},
            {"id": 21, "pipeline_id": 2, "name": "Intro", "order_nr": 1},
        ],
    )
    return conn


def _deal(conn, did, *, activity="2026-11-25", **over):
    deal = {
        "id": did,
        "title": f"Deal {did}",
        "status": "open",
        "pipeline_id": 1,
        "stage_id": 12,
        "owner_id": 1,
        "value": 1000,
        "currency": "EUR",
        "add_time": "2026-11-01T08:00:00Z",
        "update_time": RECENT,
        "stage_change_time": "2026-11-10T08:00:00Z",
        "expected_close_date": "2026-12-31",
        **over,
    }
    ingest.upsert(conn, "deal", [deal])
    if activity:
        day, _, time = activity.partition(" ")
        ingest.upsert(
            conn,
            "activity",
            [
                {
                    "id": did * 10,
                    "subject": f"Next for {did}",
                    "type": "call",
                    "deal_id": did,
                    "due_date": day,
                    "due_time": time or None,
                    "done": False,
                    "owner_id": 1,
                }
            ],
        )


def _queue(conn, **kw):
    return q.queue(conn, now=NOW, owner_id=kw.pop("owner_id", 1), **kw)


def _reasons(conn, **kw) -> dict[int, list[str]]:
    return {r.id: [x.kind for x in r.reasons] for r in _queue(conn, **kw).rows}


def test_each_rule_alone_and_healthy_deals_stay_out():
    conn = _conn()
    _deal(conn, 1)  # healthy
    _deal(conn, 2, activity="2026-11-15")  # overdue 3 days
    _deal(conn, 3, activity=None)  # no next activity
    _deal(conn, 4, stage_id=11, update_time="2026-11-01T08:00:00Z", stage_change_time="2026-11-01T08:00:00Z")
    _deal(conn, 5, expected_close_date="2026-11-10")  # close date passed
    _deal(conn, 6, stage_change_time="2026-09-01T08:00:00Z")  # 78 days in its stage
    _deal(conn, 7, activity="2026-11-18")  # all day today: not overdue
    _deal(conn, 8, activity="2026-11-18 07:00")  # 08:00 Berlin, passed: overdue today
    _deal(conn, 9, activity=None, status="won")  # closed deals never
    _deal(conn, 10, activity="2026-11-18 23:30")  # 00:30 tomorrow in Berlin
    got = _reasons(conn)
    assert got == {2: ["overdue"], 3: ["no_activity"], 4: ["rotting"], 5: ["close_passed"], 6: ["stuck"], 8: ["overdue"]}
    rows = {r.id: r for r in _queue(conn).rows}
    assert rows[2].reasons[0].days == 3 and rows[8].reasons[0].days == 0
    assert rows[4].reasons[0].days == 7  # 17 days untouched, rots after 10
    assert rows[5].reasons[0].days == 8 and rows[6].reasons[0].days == 78
    assert rows[2].reasons[0].text == "next activity overdue by 3 days"


def test_order_overdue_first_then_no_activity_then_the_rest_with_rules_combined():
    conn = _conn()
    _deal(conn, 1, stage_change_time="2026-08-01T08:00:00Z")  # stuck 109d
    _deal(conn, 2, expected_close_date="2026-11-01")  # close passed 17d
    _deal(conn, 3, activity=None, update_time="2026-11-17T07:00:00Z")  # no activity
    _deal(conn, 4, activity="2026-11-17", stage_change_time="2026-08-01T08:00:00Z")  # overdue 1d + stuck
    _deal(conn, 5, activity="2026-11-02")  # overdue 16d
    _deal(
        conn, 6, activity=None, stage_id=11, update_time="2026-11-01T08:00:00Z", stage_change_time="2026-11-01T08:00:00Z"
    )  # no activity + rotting
    _deal(conn, 7, stage_id=11, update_time="2026-10-20T08:00:00Z", stage_change_time="2026-10-20T08:00:00Z")
    got = _reasons(conn)
    assert list(got) == [5, 4, 6, 3, 7, 2, 1]
    assert got[4] == ["overdue", "stuck"] and got[6] == ["no_activity", "rotting"] and got[7] == ["rotting"]


def test_owner_switch():
    conn = _conn()
    _deal(conn, 1, activity=None)
    _deal(conn, 2, activity=None, owner_id=2)
    assert list(_reasons(conn, owner_id=1)) == [1]
    assert list(_reasons(conn, owner_id=2)) == [2]
    assert set(_reasons(conn, owner_id=None)) == {1, 2}


def test_stuck_threshold_per_pipeline_and_off():
    conn = _conn()
    _deal(conn, 1, stage_change_time="2026-10-29T08:00:00Z")  # 20 days, pipeline 1
    _deal(conn, 2, pipeline_id=2, stage_id=21, stage_change_time="2026-10-29T08:00:00Z")  # 20 days, pipeline 2
    _deal(conn, 3, stage_change_time=None, add_time="2026-08-01T08:00:00Z")  # never moved: since added
    assert list(_reasons(conn, stuck_days=30)) == [3]
    assert set(_reasons(conn, stuck_days=30, stuck_by_pipeline={2: 14})) == {2, 3}
    assert set(_reasons(conn, stuck_days=19)) == {1, 2, 3}
    assert set(_reasons(conn, stuck_days=19, stuck_by_pipeline={1: 0})) == {2}  # 0 = off for pipeline 1
    assert _reasons(conn, stuck_days=0) == {}
    assert TriageSettings(30, {2: 14}).stuck_after(2) == 14 and TriageSettings(30, {2: 14}).stuck_after(1) == 30


def test_snoozed_deals_leave_the_queue_until_their_date():
    conn = _conn()
    _deal(conn, 1, activity=None)
    _deal(conn, 2, activity=None)
    _deal(conn, 3, activity=None)
    assert snoozes.set_snooze(conn, 1, date(2026, 11, 20)) is None
    snoozes.set_snooze(conn, 2, "2026-11-18")  # until today: due again
    queue = _queue(conn)
    assert [r.id for r in queue.rows] == [2, 3]
    assert [(r.id, r.snoozed_until) for r in queue.snoozed] == [(1, "2026-11-20")]
    assert snoozes.set_snooze(conn, 1, date(2026, 11, 27)) == "2026-11-20"
    assert snoozes.clear_snooze(conn, 1) and not snoozes.clear_snooze(conn, 1)
    assert [r.id for r in _queue(conn).rows] == [1, 2, 3]


def test_a_local_touch_stops_rotting_at_once():
    """Marking an activity done, adding a note or a queued edit of the deal resets the rot
    period (Pipedrive's rule) before the server's update_time shows it."""
    conn = _conn()
    for did in (1, 2, 3):
        _deal(conn, did, stage_id=11, update_time="2026-11-01T08:00:00Z", stage_change_time="2026-11-01T08:00:00Z")
    assert _reasons(conn) == {1: ["rotting"], 2: ["rotting"], 3: ["rotting"]}
    ingest.upsert(
        conn,
        "activity",
        [
            {
                "id": 99,
                "subject": "Called",
                "deal_id": 1,
                "due_date": "2026-11-17",
                "done": True,
                "marked_as_done_time": "2026-11-17T12:00:00Z",
            }
        ],
    )
    ingest.upsert(conn, "note", [{"id": 5, "content": "<p>hi</p>", "deal_id": 2, "add_time": "2026-11-16 12:00:00"}])
    edits.update(conn, "deal", 3, {"expected_close_date": "2027-01-15"})  # queued for the server
    assert _reasons(conn) == {}


def test_preview_has_fields_last_note_activities_and_contacts():
    conn = _conn()
    ingest.upsert(conn, "organization", [{"id": 7, "name": "Acme [bold]AG[/]", "address": {"value": "Berlin"}}])
    ingest.upsert(
        conn,
        "person",
        [
            {
                "id": 8,
                "name": "Anna",
                "org_id": 7,
                "phones": [{"value": "+49 30 1", "primary": True}],
                "emails": [{"value": "anna@acme.test", "primary": True}],
            }
        ],
    )
    _deal(conn, 1, person_id=8, org_id=7, activity="2026-11-20 09:00")
    ingest.upsert(
        conn,
        "activity",
        [
            {
                "id": 2,
                "subject": "Intro call",
                "type": "call",
                "deal_id": 1,
                "done": True,
                "due_date": "2026-11-02",
                "marked_as_done_time": "2026-11-02T10:00:00Z",
            }
        ],
    )
    ingest.upsert(
        conn,
        "note",
        [
            {"id": 1, "content": "<p>old</p>", "deal_id": 1, "add_time": "2026-10-01 10:00:00"},
            {"id": 2, "content": "<p>Wants <b>pricing</b></p>", "deal_id": 1, "user_id": 1, "add_time": "2026-11-16 10:00:00"},
        ],
    )
    p = q.preview(conn, 1, NOW)
    assert (p.title, p.stage, p.pipeline, p.stage_position, p.days_in_stage) == ("Deal 1", "Proposal", "Sales", (2, 2), 8)
    assert (p.person, p.person_phone, p.person_email, p.org, p.org_address) == (
        "Anna",
        "+49 30 1",
        "anna@acme.test",
        "Acme [bold]AG[/]",
        "Berlin",
    )
    assert p.last_note == "<p>Wants <b>pricing</b></p>" and p.last_note_author == "Me"
    assert (p.next_activity.subject, p.next_activity.day, p.next_activity.time) == ("Next for 1", date(2026, 11, 20), "10:00")
    assert p.last_activity.subject == "Intro call" and p.last_activity.done
    assert q.preview(conn, 404, NOW) is None


def test_fix_helpers():
    conn = _conn()
    ingest.upsert(conn, "organization", [{"id": 7, "name": "Acme"}])
    ingest.upsert(conn, "person", [{"id": 8, "name": "Anna"}])
    _deal(conn, 1, stage_id=11, person_id=8, org_id=7)
    _deal(conn, 2, person_id=404)  # a deleted person is not linked to the next activity
    assert q.next_stage(conn, 1) == (11, 12, "Proposal")
    assert q.next_stage(conn, 2) is None  # the last stage
    d = q.schedule_defaults(conn, 1)
    assert (d.type, d.subject, d.person_id, d.org_id) == ("call", "Next for 1", 8, 7)
    assert q.schedule_defaults(conn, 2).person_id is None
    assert q.next_activity_id(conn, 1) == (10, "Next for 1")
    assert q.close_date(conn, 1) == "2026-12-31"


def test_migration_adds_the_snooze_table_to_a_version_1_cache():
    conn = sqlite3.connect(":memory:")
    conn.executescript(schema.MIGRATIONS[0])
    conn.execute("PRAGMA user_version = 1")
    assert schema.migrate(conn) == 1
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    conn.execute("INSERT INTO triage_snoozes (deal_id, until, created_at) VALUES (1, '2026-11-20', 'x')")


def test_config_triage_section(tmp_path):
    (tmp_path / "config.toml").write_text('[triage]\nstuck_days = 21\n\n[triage.pipelines]\n1 = 14\n"2" = 0\n')
    config = Config.load(tmp_path)
    assert config.triage == TriageSettings(21, {1: 14, 2: 0})
    config.save(tmp_path)
    assert Config.load(tmp_path).triage == TriageSettings(21, {1: 14, 2: 0})
    assert Config.load(tmp_path / "missing").triage == TriageSettings(30, {})
    for bad, words in (
        ('[triage]\nstuck_days = "30"\n', "stuck_days must be a whole number"),
        ("[triage]\nstuck_days = -1\n", "stuck_days must be a whole number"),
        ("[triage]\nstuck = 3\n", "unknown key 'stuck' in [triage]"),
        ("[triage.pipelines]\nsales = 3\n", "keys are pipeline ids"),
        ("[triage.pipelines]\n1 = 2.5\n", "[triage.pipelines] 1 must be"),
        ("triage = 3\n", "[triage] must be a table"),
    ):
        (tmp_path / "config.toml").write_text(bad)
        config = Config.load(tmp_path)  # the bad value is said, and its default used
        assert config.triage == TriageSettings(30, {})
        assert len(config.problems) == 1 and words in config.problems[0].message, config.problems


def test_when_field_takes_a_date_and_a_time():
    today = date(2026, 11, 18)
    assert parse_when("+2d", today) == (date(2026, 11, 20), None)
    assert parse_when("fri 10:00", today) == (date(2026, 11, 20), "10:00")
    assert parse_when("next fri 9:30", today) == (date(2026, 11, 27), "09:30")
    assert parse_when("24.12. 14:00", today) == (date(2026, 12, 24), "14:00")
    assert parse_when("fri 2pm", today) == (date(2026, 11, 20), "14:00")
    assert parse_when("16:00", today) == (today, "16:00")
    for bad in ("", "whenever", "fri 25:00", "13pm"):
        with pytest.raises(ValueError):
            parse_when(bad, today)
