from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.activity import Activity
from domain.errors import (
    ActivityClosedError,
    CapacityError,
    InvalidInputError,
    NotSignedUpError,
    ShiftStateError,
    SignUpRefusedError,
)
from domain.organisation import Organisation
from domain.policy import Policy
from domain.shift import Phase, Shift, SignUpStatus, phase
from domain.values import Actor, TimeRange

NOW = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
ORGANISER = Actor.account("organiser")


def an_activity() -> Activity:
    organisation = Organisation.create(
        id=uuid4(), name="和平里社区", kind="community", parent=None, actor=ORGANISER
    )
    return Activity.create(
        id=uuid4(),
        title="爱心理发",
        category="爱心理发",
        organisation=organisation,
        location="社区活动室",
        description="",
        policy=Policy(),
        actor=ORGANISER,
    )


def a_shift(capacity: int = 2, activity: Activity | None = None) -> Shift:
    start = NOW + timedelta(days=1)
    return Shift.schedule(
        id=uuid4(),
        activity=activity or an_activity(),
        time=TimeRange(start, start + timedelta(hours=2)),
        capacity=capacity,
        location=None,
        required_skills=[],
        now=NOW,
        actor=ORGANISER,
    )


def test_volunteers_are_confirmed_while_places_remain():
    shift = a_shift(capacity=2)
    assert shift.sign_up(uuid4(), now=NOW, actor=ORGANISER) == SignUpStatus.CONFIRMED
    assert shift.sign_up(uuid4(), now=NOW, actor=ORGANISER) == SignUpStatus.CONFIRMED


def test_a_sign_up_for_a_full_shift_joins_the_end_of_the_waitlist():
    shift = a_shift(capacity=1)
    shift.sign_up(uuid4(), now=NOW, actor=ORGANISER)
    first, second = uuid4(), uuid4()
    shift.sign_up(first, now=NOW, actor=ORGANISER)
    shift.sign_up(second, now=NOW, actor=ORGANISER)
    assert shift.waitlist == [first, second]
    assert shift.waitlist_position(second) == 2


@pytest.mark.parametrize("capacity", [1, 2])
def test_signing_up_twice_is_refused(capacity):
    shift = a_shift(capacity=capacity)
    shift.sign_up(uuid4(), now=NOW, actor=ORGANISER)
    volunteer = uuid4()
    shift.sign_up(volunteer, now=NOW, actor=ORGANISER)
    with pytest.raises(SignUpRefusedError, match="already"):
        shift.sign_up(volunteer, now=NOW, actor=ORGANISER)


def test_a_sign_up_after_the_shift_started_is_refused():
    shift = a_shift()
    with pytest.raises(SignUpRefusedError, match="started"):
        shift.sign_up(uuid4(), now=shift.starts_at, actor=ORGANISER)


def test_a_sign_up_for_a_cancelled_shift_is_refused():
    shift = a_shift()
    shift.cancel(reason="暴雨预警", now=NOW, actor=ORGANISER)
    with pytest.raises(SignUpRefusedError, match="cancelled"):
        shift.sign_up(uuid4(), now=NOW, actor=ORGANISER)


def test_cancelling_a_shift_ends_every_sign_up():
    shift = a_shift(capacity=1)
    shift.sign_up(uuid4(), now=NOW, actor=ORGANISER)
    shift.sign_up(uuid4(), now=NOW, actor=ORGANISER)
    shift.cancel(reason="暴雨预警", now=NOW, actor=ORGANISER)
    assert (shift.confirmed, shift.waitlist) == ([], [])


def test_capacity_cannot_go_below_the_confirmed_count():
    shift = a_shift(capacity=3)
    shift.sign_up(uuid4(), now=NOW, actor=ORGANISER)
    shift.sign_up(uuid4(), now=NOW, actor=ORGANISER)
    with pytest.raises(CapacityError, match="2 confirmed"):
        shift.change_capacity(1, now=NOW, actor=ORGANISER)


def test_capacity_can_be_lowered_to_the_confirmed_count():
    shift = a_shift(capacity=3)
    shift.sign_up(uuid4(), now=NOW, actor=ORGANISER)
    shift.change_capacity(1, now=NOW, actor=ORGANISER)
    assert shift.places_left == 0


@pytest.mark.parametrize("capacity", [0, -1, 10_001])
def test_an_impossible_capacity_is_refused(capacity):
    with pytest.raises(InvalidInputError):
        a_shift(capacity=capacity)


def test_a_promoted_volunteer_moves_from_the_waitlist_to_confirmed():
    shift = a_shift(capacity=1)
    shift.sign_up(uuid4(), now=NOW, actor=ORGANISER)
    waiting = uuid4()
    shift.sign_up(waiting, now=NOW, actor=ORGANISER)
    shift.change_capacity(2, now=NOW, actor=ORGANISER)
    shift.promote(waiting, ORGANISER)
    assert shift.status_of(waiting) == SignUpStatus.CONFIRMED


def test_nobody_can_be_promoted_into_a_full_shift():
    shift = a_shift(capacity=1)
    shift.sign_up(uuid4(), now=NOW, actor=ORGANISER)
    waiting = uuid4()
    shift.sign_up(waiting, now=NOW, actor=ORGANISER)
    with pytest.raises(CapacityError):
        shift.promote(waiting, ORGANISER)


def a_full_shift_with_waitlist(waiting: int, capacity: int = 1) -> tuple[Shift, list]:
    shift = a_shift(capacity=capacity)
    for _ in range(capacity):
        shift.sign_up(uuid4(), now=NOW, actor=ORGANISER)
    in_line = [uuid4() for _ in range(waiting)]
    for volunteer in in_line:
        shift.sign_up(volunteer, now=NOW, actor=ORGANISER)
    return shift, in_line


def test_freed_places_go_to_the_first_in_line():
    shift, (first, second, third) = a_full_shift_with_waitlist(3)
    shift.change_capacity(3, now=NOW, actor=ORGANISER)
    assert shift.fill_places(lambda volunteer: True, ORGANISER) == [first, second]
    assert shift.waitlist == [third]


def test_someone_who_cannot_take_a_place_keeps_their_position_and_is_passed_over():
    shift, (suspended, second) = a_full_shift_with_waitlist(2)
    shift.change_capacity(2, now=NOW, actor=ORGANISER)
    assert shift.fill_places(lambda volunteer: volunteer != suspended, ORGANISER) == [second]
    assert shift.waitlist == [suspended]
    assert shift.waitlist_position(suspended) == 1


def test_filling_places_asks_about_nobody_once_the_shift_is_full():
    shift, (first, _second) = a_full_shift_with_waitlist(2)
    shift.change_capacity(2, now=NOW, actor=ORGANISER)
    asked = []
    shift.fill_places(lambda volunteer: asked.append(volunteer) is None, ORGANISER)
    assert asked == [first]


def test_a_full_shift_promotes_nobody():
    shift, _ = a_full_shift_with_waitlist(2)
    assert shift.fill_places(lambda volunteer: True, ORGANISER) == []


def test_cancelling_a_sign_up_that_does_not_exist_is_refused():
    with pytest.raises(NotSignedUpError):
        a_shift().cancel_sign_up(uuid4(), reason="有事", now=NOW, actor=ORGANISER)


def test_a_sign_up_cannot_be_cancelled_once_the_shift_started():
    shift = a_shift()
    volunteer = uuid4()
    shift.sign_up(volunteer, now=NOW, actor=ORGANISER)
    with pytest.raises(ShiftStateError, match="started"):
        shift.cancel_sign_up(volunteer, reason="有事", now=shift.starts_at, actor=ORGANISER)


def test_a_shift_must_start_in_the_future():
    activity = an_activity()
    with pytest.raises(InvalidInputError, match="future"):
        Shift.schedule(
            id=uuid4(),
            activity=activity,
            time=TimeRange(NOW, NOW + timedelta(hours=1)),
            capacity=1,
            location=None,
            required_skills=[],
            now=NOW,
            actor=ORGANISER,
        )


def test_a_closed_activity_takes_no_new_shifts():
    activity = an_activity()
    activity.close("项目结束", ORGANISER)
    with pytest.raises(ActivityClosedError):
        a_shift(activity=activity)


def test_rescheduling_to_the_same_times_is_refused():
    shift = a_shift()
    with pytest.raises(InvalidInputError):
        shift.reschedule(shift.time, reason="调整", now=NOW, actor=ORGANISER)


def test_a_cancelled_shift_refuses_sign_ups_before_anything_else_is_asked():
    shift = a_shift()
    shift.cancel(reason="暴雨预警", now=NOW, actor=ORGANISER)
    with pytest.raises(SignUpRefusedError, match="cancelled"):
        shift.require_open_for_sign_up(uuid4(), now=NOW)


def test_a_shift_open_for_sign_ups_passes_the_check():
    shift = a_shift()
    shift.require_open_for_sign_up(uuid4(), now=NOW)


@pytest.mark.parametrize(
    ("hours_from_start", "cancelled", "expected"),
    [
        (-1, False, Phase.SCHEDULED),
        (0, False, Phase.RUNNING),
        (1, False, Phase.RUNNING),
        (2, False, Phase.COMPLETED),
        (3, False, Phase.COMPLETED),
        (3, True, Phase.CANCELLED),
        (-1, True, Phase.CANCELLED),
    ],
)
def test_a_shift_whose_end_has_passed_is_no_longer_scheduled(hours_from_start, cancelled, expected):
    start = datetime(2026, 3, 7, 1, tzinfo=UTC)
    end = start + timedelta(hours=2)
    now = start + timedelta(hours=hours_from_start)
    assert phase(cancelled, start, end, now) is expected
