from datetime import date

import pytest

from tui.dates import next_monday, parse_date, parse_time

WED = date(2026, 11, 18)  # a Wednesday


@pytest.mark.parametrize(
    "text,expected",
    [
        ("2026-12-01", date(2026, 12, 1)),
        ("today", WED),
        ("Tomorrow", date(2026, 11, 19)),
        ("+3d", date(2026, 11, 21)),
        ("+3", date(2026, 11, 21)),
        ("-1d", date(2026, 11, 17)),
        ("+2w", date(2026, 12, 2)),
        ("+1m", date(2026, 12, 18)),
        ("fri", date(2026, 11, 20)),
        ("friday", date(2026, 11, 20)),
        ("wed", date(2026, 11, 25)),  # the same weekday means next week's
        ("next fri", date(2026, 11, 27)),  # a week after "fri"
        ("next wed", date(2026, 12, 2)),
        ("24.12.", date(2026, 12, 24)),  # as cards show dates
        ("24.12", date(2026, 12, 24)),
        ("10.01.", date(2027, 1, 10)),  # past this year: next year's
        ("17.11.", date(2026, 11, 17)),  # yesterday stays this year
        ("24.12.2027", date(2027, 12, 24)),
        ("1.2.27", date(2027, 2, 1)),
        ("next week", date(2026, 11, 23)),
    ],
)
def test_friendly_dates(text, expected):
    assert parse_date(text, WED) == expected


@pytest.mark.parametrize("text", ["", "soon", "2026-13-01", "31/12/2026", "+d", "32.12.", "24.13."])
def test_bad_dates_explain_the_accepted_forms(text):
    with pytest.raises(ValueError) as err:
        parse_date(text, WED)
    assert "YYYY-MM-DD" in str(err.value)


def test_month_end_is_clamped():
    assert parse_date("+1m", date(2026, 1, 31)) == date(2026, 2, 28)


def test_next_monday_from_monday_is_a_week_later():
    assert next_monday(date(2026, 11, 23)) == date(2026, 11, 30)


@pytest.mark.parametrize("text,expected", [("9", "09:00"), ("9:30", "09:30"), ("1405", "14:05"), ("", None)])
def test_times(text, expected):
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "9:75", "noon"])
def test_bad_times(text):
    with pytest.raises(ValueError):
        parse_time(text)


def test_describe_says_which_date_a_word_became():
    from tui.dates import describe

    assert describe(date(2026, 11, 27), WED) == "Fri 27 Nov 2026 (in 9 days)"
    assert describe(WED, WED) == "Wed 18 Nov 2026 (today)"
