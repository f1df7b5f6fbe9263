from datetime import date

import pytest

from domain.errors import InvalidInputError
from domain.periods import Period, periods_in_year, periods_of


@pytest.mark.parametrize(
    ("day", "bimonth"),
    [
        (date(2026, 1, 1), "2026-B1"),
        (date(2026, 2, 28), "2026-B1"),
        (date(2026, 3, 1), "2026-B2"),
        (date(2026, 12, 31), "2026-B6"),
    ],
)
def test_bimonths_are_two_calendar_months(day, bimonth):
    assert periods_of(day)["bimonth"] == bimonth


@pytest.mark.parametrize(
    ("text", "kind"),
    [("all", "all"), ("2026", "year"), ("2026-B3", "bimonth"), ("2026-11", "month")],
)
def test_periods_are_parsed_by_kind(text, kind):
    assert Period.parse(text).kind == kind


@pytest.mark.parametrize("text", ["2026-B7", "2026-B0", "2026-13", "26", "2026-1", "", "ALL"])
def test_a_malformed_period_is_refused(text):
    with pytest.raises(InvalidInputError):
        Period.parse(text)


def test_a_month_contains_its_last_day_and_not_the_next():
    november = Period.parse("2026-11")
    assert november.contains(date(2026, 11, 30))
    assert not november.contains(date(2026, 12, 1))


@pytest.mark.parametrize(
    ("today", "bimonth"), [(date(2026, 12, 7), "2026-B6"), (date(2027, 1, 1), "2027-B1")]
)
def test_the_current_period_is_the_bimonth_of_today(today, bimonth):
    assert Period.parse("current", today) == Period(bimonth, "bimonth")


def test_current_without_a_date_is_not_a_period():
    with pytest.raises(InvalidInputError):
        Period.parse("current")


def test_a_year_holds_itself_its_six_cycles_and_its_twelve_months():
    inside = periods_in_year(2026)
    assert (inside[0], inside[1], inside[6], inside[7], inside[-1]) == (
        "2026",
        "2026-B1",
        "2026-B6",
        "2026-01",
        "2026-12",
    )
    assert len(inside) == 19
    parsed = [Period.parse(text) for text in inside]
    assert all(any(p.contains(date(2026, m, 15)) for m in range(1, 13)) for p in parsed)
    assert not any(p.contains(date(2025, 12, 31)) for p in parsed)
