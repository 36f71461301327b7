"""Derived deal facts on crafted data with "now" frozen: activity status, rotting, weighted totals."""

import sqlite3
from datetime import datetime
from zoneinfo import ZoneInfo

from tui.store import ingest, schema
from tui.store.derived import ActivityStatus, activity_status, is_rotten, weighted_value
from tui.store.queries.board import deal_cards, summarize

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 18, 9, 30, tzinfo=BERLIN)


def test_activity_status_uses_the_local_date_of_a_utc_due_time():
    assert activity_status(None, None, NOW) is ActivityStatus.NONE
    assert activity_status("2026-11-17", None, NOW) is ActivityStatus.OVERDUE
    assert activity_status("2026-11-18", None, NOW) is ActivityStatus.TODAY
    assert activity_status("2026-11-18", "07:00", NOW) is ActivityStatus.OVERDUE  # 08:00 Berlin, passed
    assert activity_status("2026-11-18", "12:00", NOW) is ActivityStatus.TODAY
    assert activity_status("2026-11-17", "23:30", NOW) is ActivityStatus.OVERDUE  # 00:30 today, passed
    assert activity_status("2026-11-18", "23:30", NOW) is ActivityStatus.LATER  # 00:30 tomorrow in Berlin
    assert activity_status("2026-11-19", None, NOW) is ActivityStatus.LATER


def test_rotting_and_weighted_value():
    assert is_rotten("open", True, 7, "2026-11-10T08:00:00Z", NOW)
    assert not is_rotten("open", True, 7, "2026-11-12T08:00:00Z", NOW)
    assert not is_rotten("won", True, 7, "2026-01-01T00:00:00Z", NOW)
    assert not is_rotten("open", False, 7, "2026-01-01T00:00:00Z", NOW)
    assert weighted_value(1000, 25, 80, True) == 250
    assert weighted_value(1000, None, 80, True) == 800
    assert weighted_value(1000, 25, 80, False) == 1000


def test_board_cards_and_totals_on_crafted_data():
    conn = sqlite3.connect(":memory:")
    conn.row_factory = sqlite3.Row
    schema.migrate(conn)
    ingest.upsert(conn, "pipeline", [{"id": 1, "name": "P", "is_deal_probability_enabled": True}])
    ingest.upsert(
        conn,
        "stage",
        [
            {
                "id": 1,
                "pipeline_id": 1,
                "name": "S1",
                "order_nr": 1,
                "deal_probability": 50,
                "is_deal_rot_enabled": True,
                "days_to_rotten": 5,
            },
            {"id": 2, "pipeline_id": 1, "name": "S2", "order_nr": 2, "deal_probability": 10},
        ],
    )
    base = {"pipeline_id": 1, "status": "open", "add_time": "2026-10-01T00:00:00Z"}
    ingest.upsert(
        conn,
        "deal",
        [
            {**base, "id": 1, "title": "overdue", "stage_id": 1, "value": 100, "currency": "EUR", "update_time": "2026-11-17T00:00:00Z"},
            {
                **base,
                "id": 2,
                "title": "rotting, no activity",
                "stage_id": 1,
                "value": 200,
                "currency": "EUR",
                "update_time": "2026-11-01T00:00:00Z",
                "probability": 25,
            },
            {**base, "id": 3, "title": "today", "stage_id": 1, "value": 300, "currency": "USD", "update_time": "2026-11-17T00:00:00Z"},
            {**base, "id": 4, "title": "later", "stage_id": 2, "value": 1000, "currency": "EUR", "update_time": "2026-11-01T00:00:00Z"},
            {**base, "id": 5, "title": "won", "stage_id": 2, "value": 5, "currency": "EUR", "status": "won"},
        ],
    )
    ingest.upsert(
        conn,
        "activity",
        [
            {"id": 1, "deal_id": 1, "due_date": "2026-11-16", "done": False},
            {"id": 2, "deal_id": 1, "due_date": "2026-11-25", "done": False},
            {"id": 3, "deal_id": 3, "due_date": "2026-11-18", "due_time": "15:00", "done": False},
            {"id": 4, "deal_id": 4, "due_date": "2026-12-01", "done": False},
            {"id": 5, "deal_id": 2, "due_date": "2026-11-01", "done": True},
        ],
    )
    cards = deal_cards(conn, 1, now=NOW)
    by = {c.title: c for c in cards}
    assert [c.title for c in cards] == ["overdue", "today", "later", "rotting, no activity"]
    assert by["overdue"].activity is ActivityStatus.OVERDUE and by["today"].activity is ActivityStatus.TODAY
    assert by["later"].activity is ActivityStatus.LATER and by["rotting, no activity"].activity is ActivityStatus.NONE
    assert by["rotting, no activity"].rotten and by["rotting, no activity"].rotten_days == 12
    assert not by["later"].rotten  # stage 2 does not rot
    totals = summarize(cards)
    assert totals[1].count == 3 and totals[1].totals == {"EUR": 300, "USD": 300}
    assert totals[1].weighted == {"EUR": 100 * 0.5 + 200 * 0.25, "USD": 150}
    assert totals[2].totals == {"EUR": 1000} and totals[2].weighted == {"EUR": 100}
    assert [c.title for c in deal_cards(conn, 1, now=NOW, status="won")] == ["won"]
    assert [c.title for c in deal_cards(conn, 1, now=NOW, sort="value")][0] == "later"
