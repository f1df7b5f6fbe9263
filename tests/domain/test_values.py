from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from domain.errors import InvalidInputError
from domain.values import (
    Actor,
    TimeRange,
    WeeklyRecurrence,
    is_volunteer_number,
    local_date,
    normalise_phone,
    require_aware,
    volunteer_number_from,
)

NINE = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "raw", ["13812345678", "+86 138 1234 5678", "0086-138-1234-5678", "(138) 1234-5678"]
)
def test_phone_numbers_are_normalised_to_eleven_digits(raw):
    assert normalise_phone(raw) == "13812345678"


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "138123456789", "abc", ""])
def test_a_non_mobile_number_is_refused(raw):
    with pytest.raises(InvalidInputError):
        normalise_phone(raw)


def test_a_volunteer_number_has_nine_digits_with_a_valid_check_digit():
    number = volunteer_number_from(12345678)
    assert len(number) == 9
    assert is_volunteer_number(number)


def test_a_mistyped_volunteer_number_fails_its_check_digit():
    number = volunteer_number_from(12345678)
    typo = number[:3] + str((int(number[3]) + 1) % 10) + number[4:]
    assert not is_volunteer_number(typo)


def test_a_phone_number_is_not_a_volunteer_number():
    assert not is_volunteer_number("13812345678")


def test_back_to_back_ranges_do_not_overlap():
    first = TimeRange(NINE, NINE + timedelta(hours=2))
    second = TimeRange(NINE + timedelta(hours=2), NINE + timedelta(hours=4))
    assert not first.overlaps(second)


def test_ranges_sharing_a_minute_overlap():
    first = TimeRange(NINE, NINE + timedelta(hours=2))
    second = TimeRange(NINE + timedelta(minutes=119), NINE + timedelta(hours=4))
    assert first.overlaps(second)


def test_intersection_minutes_round_down_to_whole_minutes():
    first = TimeRange(NINE, NINE + timedelta(minutes=90, seconds=59))
    shift = TimeRange(NINE - timedelta(hours=1), NINE + timedelta(hours=3))
    assert first.intersection_minutes(shift) == 90


def test_disjoint_ranges_share_no_minutes():
    first = TimeRange(NINE, NINE + timedelta(hours=1))
    later = TimeRange(NINE + timedelta(hours=2), NINE + timedelta(hours=3))
    assert first.intersection_minutes(later) == 0


def test_a_naive_datetime_is_refused_not_guessed():
    with pytest.raises(InvalidInputError, match="time zone"):
        require_aware(datetime(2026, 3, 2, 9, 0), "starts_at")  # noqa: DTZ001


def test_aware_datetimes_are_stored_in_utc():
    beijing = timezone(timedelta(hours=8))
    assert require_aware(datetime(2026, 3, 2, 17, 0, tzinfo=beijing), "at") == NINE


def test_a_range_must_end_after_it_starts():
    with pytest.raises(InvalidInputError, match="end after"):
        TimeRange.checked(NINE, NINE)


def test_the_service_date_is_the_local_date_of_the_organisation():
    late_evening_utc = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)  # 00:30 on 2 March in Beijing
    assert local_date(late_evening_utc, "Asia/Shanghai") == date(2026, 3, 2)


def test_an_unknown_actor_kind_is_refused():
    with pytest.raises(InvalidInputError):
        Actor("robot", "r2")


def test_weekly_recurrence_gives_one_range_per_matching_day_in_local_time():
    rule = WeeklyRecurrence(
        weekdays=frozenset({0, 2}),  # Monday and Wednesday
        first_day=date(2026, 3, 2),
        last_day=date(2026, 3, 15),
        start_time=time(9, 0),
        end_time=time(11, 0),
    )
    starts = [r.start for r in rule.ranges("Asia/Shanghai")]
    assert starts == [datetime(2026, 3, d, 1, 0, tzinfo=UTC) for d in (2, 4, 9, 11)]


def test_a_recurrence_ending_at_or_before_its_start_time_ends_the_next_day():
    rule = WeeklyRecurrence(
        frozenset({0}), date(2026, 3, 2), date(2026, 3, 2), time(22, 0), time(2, 0)
    )
    [night] = rule.ranges("Asia/Shanghai")
    assert night.minutes == 240


@pytest.mark.parametrize(
    ("weekdays", "first", "last"),
    [
        (frozenset(), date(2026, 3, 2), date(2026, 3, 9)),
        (frozenset({7}), date(2026, 3, 2), date(2026, 3, 9)),
        (frozenset({1}), date(2026, 3, 9), date(2026, 3, 2)),
        (frozenset({1}), date(2026, 1, 1), date(2027, 1, 2)),
    ],
)
def test_a_malformed_recurrence_is_refused(weekdays, first, last):
    rule = WeeklyRecurrence(weekdays, first, last, time(9, 0), time(10, 0))
    with pytest.raises(InvalidInputError):
        rule.ranges("Asia/Shanghai")
