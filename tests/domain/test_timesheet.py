from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from domain.errors import DailyCapExceededError, SignUpRefusedError, TimeAlreadyCountedError
from domain.timesheet import Timesheet
from domain.values import SYSTEM, TimeRange

NINE = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
DAY = date(2026, 3, 2)


def hours(start_offset: float, length: float) -> TimeRange:
    start = NINE + timedelta(hours=start_offset)
    return TimeRange(start, start + timedelta(hours=length))


def test_a_shift_overlapping_a_held_shift_is_refused():
    timesheet = Timesheet.open(uuid4(), SYSTEM)
    timesheet.hold_shift(uuid4(), hours(0, 2), SYSTEM)
    with pytest.raises(SignUpRefusedError, match="overlaps"):
        timesheet.hold_shift(uuid4(), hours(1, 2), SYSTEM)


def test_back_to_back_shifts_can_both_be_held():
    timesheet = Timesheet.open(uuid4(), SYSTEM)
    timesheet.hold_shift(uuid4(), hours(0, 2), SYSTEM)
    timesheet.hold_shift(uuid4(), hours(2, 2), SYSTEM)
    assert len(timesheet.shifts) == 2


def test_a_released_shift_no_longer_clashes():
    timesheet = Timesheet.open(uuid4(), SYSTEM)
    first = uuid4()
    timesheet.hold_shift(first, hours(0, 2), SYSTEM)
    timesheet.release_shift(first, SYSTEM)
    assert timesheet.clashing_shift(hours(1, 2)) is None


def test_a_moved_shift_reports_the_shift_it_now_overlaps():
    timesheet = Timesheet.open(uuid4(), SYSTEM)
    morning, afternoon = uuid4(), uuid4()
    timesheet.hold_shift(morning, hours(0, 2), SYSTEM)
    timesheet.hold_shift(afternoon, hours(4, 2), SYSTEM)
    assert timesheet.move_shift(afternoon, hours(1, 2), SYSTEM) == morning


def test_time_already_counted_is_not_counted_twice():
    timesheet = Timesheet.open(uuid4(), SYSTEM)
    timesheet.count(uuid4(), hours(0, 2), DAY, 120, cap=1440, actor=SYSTEM)
    with pytest.raises(TimeAlreadyCountedError):
        timesheet.count(uuid4(), hours(1, 2), DAY, 120, cap=1440, actor=SYSTEM)


def test_minutes_past_the_daily_cap_are_refused():
    timesheet = Timesheet.open(uuid4(), SYSTEM)
    timesheet.count(uuid4(), hours(0, 5), DAY, 300, cap=480, actor=SYSTEM)
    with pytest.raises(DailyCapExceededError, match="480"):
        timesheet.count(uuid4(), hours(6, 4), DAY, 240, cap=480, actor=SYSTEM)


def test_the_daily_cap_counts_each_service_date_apart():
    timesheet = Timesheet.open(uuid4(), SYSTEM)
    timesheet.count(uuid4(), hours(0, 5), DAY, 300, cap=480, actor=SYSTEM)
    timesheet.count(uuid4(), hours(24, 5), DAY + timedelta(days=1), 300, cap=480, actor=SYSTEM)
    assert timesheet.minutes_on(DAY) == 300


def test_a_correction_is_held_to_the_daily_cap():
    timesheet = Timesheet.open(uuid4(), SYSTEM)
    record = uuid4()
    timesheet.count(record, hours(0, 5), DAY, 300, cap=480, actor=SYSTEM)
    timesheet.count(uuid4(), hours(6, 2), DAY, 120, cap=480, actor=SYSTEM)
    with pytest.raises(DailyCapExceededError):
        timesheet.recount(record, 400, cap=480, actor=SYSTEM)


def test_uncounted_time_can_be_recorded_again():
    timesheet = Timesheet.open(uuid4(), SYSTEM)
    rejected = uuid4()
    timesheet.count(rejected, hours(0, 2), DAY, 120, cap=1440, actor=SYSTEM)
    timesheet.uncount(rejected, SYSTEM)
    timesheet.count(uuid4(), hours(0, 2), DAY, 120, cap=1440, actor=SYSTEM)
    assert timesheet.minutes_on(DAY) == 120
