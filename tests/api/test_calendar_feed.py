"""The calendar feed's events, and its secret addresses, apart from HTTP."""

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import icalendar

from api.calendar_feed import account_of_token, calendar, feed_token, token_matches

NOW = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)
KEY = b"k" * 32


def shift(**changes):
    row = {
        "shift_id": "5d6c3b2a-0000-4000-8000-000000000001",
        "title": "早高峰文明交通劝导",
        "organisation_name": "和平里社区",
        "place": "和平里北街路口",
        "starts_at": "2026-12-01T23:30:00+00:00",
        "ends_at": "2026-12-02T01:30:00+00:00",
        "state": "confirmed",
        "waitlist_position": None,
        "sequence": 0,
        "modified_at": "2026-11-20T02:00:00+00:00",
        "cancel_reason": None,
    }
    return row | changes


def event_of(row):
    [event] = icalendar.Calendar.from_ical(
        calendar([row], public_url="https://v.example", now=NOW)
    ).walk("VEVENT")
    return event


def test_a_confirmed_shift_is_an_event_with_a_reminder_an_hour_before():
    event = event_of(shift())
    [alarm] = event.walk("VALARM")
    assert str(event["STATUS"]) == "CONFIRMED"
    assert alarm.decoded("TRIGGER") == -timedelta(hours=1)
    assert event.decoded("DTEND") == datetime(2026, 12, 2, 1, 30, tzinfo=UTC)


def test_a_shift_cancelled_by_the_organiser_is_cancelled_with_its_reason_and_no_reminder():
    event = event_of(shift(state="cancelled_with_shift", sequence=1, cancel_reason="暴雨预警"))
    assert (str(event["STATUS"]), int(event["SEQUENCE"])) == ("CANCELLED", 1)
    assert "暴雨预警" in str(event["DESCRIPTION"])
    assert event.walk("VALARM") == []


def test_a_waitlisted_place_is_tentative_with_its_position():
    event = event_of(shift(state="waitlisted", waitlist_position=2))
    assert str(event["STATUS"]) == "TENTATIVE"
    assert "2" in str(event["DESCRIPTION"])


def test_a_token_names_its_account_and_matches_only_its_generation():
    account = uuid4()
    token = feed_token(KEY, account, 3)
    assert account_of_token(token) == account
    assert token_matches(KEY, token, account, 3)
    assert not token_matches(KEY, token, account, 4)
    assert not token_matches(b"o" * 32, token, account, 3)
