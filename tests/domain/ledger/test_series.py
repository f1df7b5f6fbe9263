"""A weekly series of shifts: scheduled once, changed and cancelled from a date on."""

from datetime import date, time

import pytest

from domain.errors import CapacityError, OrganisationClosedError, SeriesExistsError
from domain.values import Actor, WeeklyRecurrence
from tests import factories as f
from tests.factories import ORGANISER

WEEKENDS = WeeklyRecurrence(
    frozenset({5, 6}), date(2026, 3, 2), date(2026, 3, 15), time(9), time(11, 30)
)


@pytest.fixture
def series(ledger):
    activity = f.activity(ledger, f.community(ledger))
    return ledger.schedule_series(activity, WEEKENDS, capacity=2, actor=ORGANISER)


def days(ledger, shift_ids):
    return [ledger.shift(s).starts_at.date().day for s in shift_ids]


def test_a_series_holds_one_shift_per_matching_day(ledger, series):
    assert days(ledger, ledger.series(series).shift_ids) == [7, 8, 14, 15]


def test_the_same_series_again_is_refused_with_its_id_and_changes_nothing(ledger, series):
    activity = ledger.series(series).activity_id
    with pytest.raises(SeriesExistsError) as refused:
        ledger.schedule_series(activity, WEEKENDS, capacity=5, actor=ORGANISER)
    assert refused.value.context["series_id"] == str(series)
    assert {ledger.shift(s).capacity for s in ledger.series(series).shift_ids} == {2}


def test_capacity_changes_from_a_date_on(ledger, series):
    changed = ledger.change_series_capacity(
        series, from_day=date(2026, 3, 14), capacity=4, actor=ORGANISER
    )
    shifts = ledger.series(series).shift_ids
    assert days(ledger, changed) == [14, 15]
    assert [ledger.shift(s).capacity for s in shifts] == [2, 2, 4, 4]


def test_raising_a_series_capacity_promotes_the_waitlisted(ledger, series):
    community = ledger.activity(ledger.series(series).activity_id).organisation_id
    first = ledger.series(series).shift_ids[0]
    volunteers = [f.volunteer(ledger, community, name=n) for n in ("甲", "乙", "丙")]
    for v in volunteers:
        ledger.sign_up(first, v, Actor.volunteer(v))
    ledger.change_series_capacity(series, from_day=date(2026, 3, 2), capacity=3, actor=ORGANISER)
    assert ledger.shift(first).confirmed == volunteers


def test_a_capacity_below_a_shifts_confirmed_count_refuses_the_whole_change(ledger, series):
    community = ledger.activity(ledger.series(series).activity_id).organisation_id
    last = ledger.series(series).shift_ids[-1]
    for name in ("甲", "乙"):
        v = f.volunteer(ledger, community, name=name)
        ledger.sign_up(last, v, Actor.volunteer(v))
    with pytest.raises(CapacityError):
        ledger.change_series_capacity(
            series, from_day=date(2026, 3, 2), capacity=1, actor=ORGANISER
        )
    assert {ledger.shift(s).capacity for s in ledger.series(series).shift_ids} == {2}


def test_times_change_from_a_date_on_each_shift_on_its_own_day(ledger, series):
    ledger.change_series_times(
        series,
        from_day=date(2026, 3, 8),
        start_time=time(14),
        end_time=time(16),
        reason="改为下午",
        actor=ORGANISER,
    )
    shifts = [ledger.shift(s) for s in ledger.series(series).shift_ids]
    # 14:00 in Beijing is 06:00 UTC on the same day.
    assert [(s.starts_at.day, s.starts_at.hour) for s in shifts] == [
        (7, 1),
        (8, 6),
        (14, 6),
        (15, 6),
    ]


def test_cancelling_from_a_date_on_cancels_the_later_shifts_and_their_sign_ups(ledger, series):
    community = ledger.activity(ledger.series(series).activity_id).organisation_id
    shift_ids = ledger.series(series).shift_ids
    volunteer = f.volunteer(ledger, community)
    ledger.sign_up(shift_ids[3], volunteer, Actor.volunteer(volunteer))
    cancelled = ledger.cancel_series(
        series, from_day=date(2026, 3, 9), reason="场地施工", actor=ORGANISER
    )
    assert days(ledger, cancelled) == [14, 15]
    assert [ledger.shift(s).is_cancelled for s in shift_ids] == [False, False, True, True]
    assert not ledger.timesheet(volunteer).holds(shift_ids[3])


def test_cancelling_a_series_releases_a_volunteer_on_several_of_its_shifts(ledger, series):
    community = ledger.activity(ledger.series(series).activity_id).organisation_id
    shift_ids = ledger.series(series).shift_ids
    volunteer = f.volunteer(ledger, community)
    for shift_id in shift_ids:
        ledger.sign_up(shift_id, volunteer, Actor.volunteer(volunteer))
    ledger.cancel_series(series, from_day=date(2026, 3, 2), reason="项目暂停", actor=ORGANISER)
    assert not any(ledger.timesheet(volunteer).holds(s) for s in shift_ids)


def test_raising_a_series_capacity_promotes_one_volunteer_on_several_shifts(ledger, series):
    community = ledger.activity(ledger.series(series).activity_id).organisation_id
    shift_ids = ledger.series(series).shift_ids
    holders = [f.volunteer(ledger, community, name=n) for n in ("甲", "乙")]
    waiting = f.volunteer(ledger, community, name="丙")
    for shift_id in shift_ids:
        for v in (*holders, waiting):
            ledger.sign_up(shift_id, v, Actor.volunteer(v))
    ledger.change_series_capacity(series, from_day=date(2026, 3, 2), capacity=3, actor=ORGANISER)
    assert all(ledger.timesheet(waiting).holds(s) for s in shift_ids)


def test_a_closed_organisation_takes_no_new_series(ledger):
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    ledger.close_organisation(community, "merged into a neighbour", ORGANISER)
    with pytest.raises(OrganisationClosedError):
        ledger.schedule_series(activity, WEEKENDS, capacity=2, actor=ORGANISER)
