from datetime import date

from tui import validation as v


def test_required_and_numbers():
    assert v.required("  x ") == ("x", None)
    assert v.required("  ", "Title")[1] == "Title is required"
    assert v.number("1,250.50") == (1250.5, None)
    assert v.number("12k")[1].startswith("Value must be a number")
    assert v.probability("101")[1] == "Probability must be between 0 and 100"
    assert v.probability("40") == (40, None)


def test_dates_currency_contacts():
    today = date(2026, 11, 18)
    assert v.friendly_date("+3d", today) == ("2026-11-21", None)
    assert "YYYY-MM-DD" in v.friendly_date("someday", today)[1]
    assert v.friendly_date("", today, required_=True)[1] == "A date is required"
    assert v.currency("eur", {"EUR", "USD"}) == ("EUR", None)
    assert "Unknown currency" in v.currency("XYZ", {"EUR"})[1]
    assert v.currency("EURO", set())[1].startswith("Currency is a 3-letter code")
    emails, err = v.contact_list("a@b.co (work), z@y.org (home)", "email")
    assert err is None and emails[0] == {"value": "a@b.co", "label": "work", "primary": True} and emails[1]["primary"] is False
    assert "not an e-mail" in v.contact_list("nope", "email")[1]
    assert v.contact_list("+49 30 123456 (mobile)", "phone")[0][0]["label"] == "mobile"
    assert "phone" in v.contact_list("call me", "phone")[1]
    assert v.format_contacts(emails) == "a@b.co (work), z@y.org (home)"
    assert v.duration("90") == ("01:30", None) and v.duration("1h") == ("01:00", None)
