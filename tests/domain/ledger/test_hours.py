from datetime import timedelta

import pytest

from domain.errors import (
    AttendanceError,
    DailyCapExceededError,
    InvalidInputError,
    TimeAlreadyCountedError,
    VolunteerOutOfReachError,
)
from domain.ledger import Ledger
from domain.policy import Policy
from domain.service_record import RecordStatus
from domain.values import Actor
from tests import factories as f
from tests.domain.ledger.recording import manual_record, record_by_hand
from tests.factories import ORGANISER


def test_checking_in_and_out_makes_a_pending_record_of_time_within_the_shift(ledger, clock, served):
    _, shift, volunteer = served
    me = Actor.volunteer(volunteer)
    clock.set(f.at(ledger, shift, -20))  # early arrival does not count
    ledger.check_in(shift, volunteer, me)
    clock.set(f.at(ledger, shift, 95.5))
    record_id = ledger.check_out(shift, volunteer, me)
    record = ledger.service_record(record_id)
    assert (record.minutes, record.status, record.needs_review) == (95, RecordStatus.PENDING, False)


def test_check_in_is_closed_well_before_the_shift(ledger, clock, served):
    _, shift, volunteer = served
    clock.set(f.at(ledger, shift, -60))
    with pytest.raises(AttendanceError, match="check-in is open"):
        ledger.check_in(shift, volunteer, Actor.volunteer(volunteer))


def test_only_a_confirmed_volunteer_checks_in(ledger, clock, served):
    activity, shift, _ = served
    stranger = f.volunteer(ledger, ledger.activity(activity).organisation_id, name="路人")
    clock.set(f.at(ledger, shift, 0))
    with pytest.raises(AttendanceError, match="no confirmed place"):
        ledger.check_in(shift, stranger, Actor.volunteer(stranger))


def test_a_forgotten_check_out_is_closed_at_the_end_plus_grace_and_flagged(ledger, clock, served):
    _, shift, volunteer = served
    clock.set(f.at(ledger, shift, 0))
    ledger.check_in(shift, volunteer, Actor.volunteer(volunteer))
    clock.set(f.at(ledger, shift, 600))
    [record_id] = ledger.close_overdue_attendance(shift, ORGANISER)
    record = ledger.service_record(record_id)
    assert (record.minutes, record.needs_review) == (120, True)
    assert ledger.attendance(shift, volunteer).checked_out_at == f.at(ledger, shift, 150)


def test_a_very_late_check_out_counts_no_more_than_the_shift(ledger, clock, served):
    _, shift, volunteer = served
    me = Actor.volunteer(volunteer)
    clock.set(f.at(ledger, shift, 0))
    ledger.check_in(shift, volunteer, me)
    clock.set(f.at(ledger, shift, 24 * 60))
    record = ledger.service_record(ledger.check_out(shift, volunteer, me))
    assert (record.minutes, record.needs_review) == (120, True)


def test_an_organiser_records_attendance_from_a_sign_in_sheet(ledger, clock, served):
    _, shift, volunteer = served
    clock.set(f.at(ledger, shift, 300))
    record_id = ledger.record_attendance(
        shift,
        volunteer,
        checked_in_at=f.at(ledger, shift, 10),
        checked_out_at=f.at(ledger, shift, 100),
        actor=ORGANISER,
    )
    assert ledger.service_record(record_id).minutes == 90


def test_a_sign_in_sheet_cannot_record_time_still_to_come(ledger, clock, served):
    _, shift, volunteer = served
    clock.set(f.at(ledger, shift, 30))
    with pytest.raises(InvalidInputError, match="to come"):
        ledger.record_attendance(
            shift,
            volunteer,
            checked_in_at=f.at(ledger, shift, 0),
            checked_out_at=f.at(ledger, shift, 120),
            actor=ORGANISER,
        )


def test_a_no_show_can_be_marked_and_undone(ledger, clock, served):
    _, shift, volunteer = served
    clock.set(f.at(ledger, shift, 30))
    ledger.mark_no_show(shift, volunteer, "未到岗", ORGANISER)
    ledger.undo_no_show(shift, volunteer, "迟到但已到岗", ORGANISER)
    ledger.check_in(shift, volunteer, ORGANISER)
    assert ledger.attendance(shift, volunteer).checked_in_at == f.at(ledger, shift, 30)


def test_a_no_show_cannot_be_marked_before_the_shift(ledger, served):
    _, shift, volunteer = served
    with pytest.raises(AttendanceError, match="started"):
        ledger.mark_no_show(shift, volunteer, "未到岗", ORGANISER)


def test_a_manual_record_counts_its_whole_minutes(ledger, clock, served):
    activity, _, volunteer = served
    record = ledger.service_record(manual_record(ledger, clock, activity, volunteer, hours=1.5))
    assert (record.minutes, record.source, record.beneficiary) == (90, "manual", "赵奶奶")


def test_the_same_time_cannot_be_recorded_twice(ledger, clock, served):
    activity, _, volunteer = served
    manual_record(ledger, clock, activity, volunteer)
    start = ledger.now() - timedelta(hours=4)
    with pytest.raises(TimeAlreadyCountedError):
        ledger.record_service(
            volunteer_id=volunteer,
            activity_id=activity,
            started_at=start,
            ended_at=start + timedelta(hours=1),
            description="重复",
            actor=ORGANISER,
        )


def test_rejected_time_can_be_recorded_again(ledger, clock, served):
    activity, _, volunteer = served
    first = manual_record(ledger, clock, activity, volunteer, hours_ago=5)
    ledger.reject_record(first, "时间有误", ORGANISER)
    start = ledger.now() - timedelta(hours=5)
    again = ledger.record_service(
        volunteer_id=volunteer,
        activity_id=activity,
        started_at=start,
        ended_at=start + timedelta(hours=1),
        description="更正后重新录入",
        actor=ORGANISER,
    )
    assert ledger.service_record(again).minutes == 60


def test_the_daily_cap_is_configurable(store_url, clock):

    ledger = Ledger(store_url, clock=clock, policy=Policy(daily_cap_minutes=8 * 60))
    try:
        community = f.community(ledger)
        activity = f.activity(ledger, community)
        volunteer = f.volunteer(ledger, community)
        organiser = f.organiser(ledger, community)
        clock.set(clock.now.replace(hour=14))  # 22:00 in Beijing
        start = ledger.now() - timedelta(hours=12)
        with pytest.raises(DailyCapExceededError):
            ledger.record_service(
                volunteer_id=volunteer,
                activity_id=activity,
                started_at=start,
                ended_at=start + timedelta(hours=9),
                description="全天值守",
                actor=organiser,
            )
    finally:
        ledger.close()


# Whom an organiser may record hours for.


def test_an_organiser_cannot_record_hours_for_a_stranger_and_nothing_is_stored(ledger, clock):
    district = f.district(ledger)
    hepingli = f.community(ledger, district, name="和平里社区")
    dongsi = f.community(ledger, district, name="东四社区")
    activity = f.activity(ledger, hepingli)
    stranger = f.volunteer(ledger, dongsi, name="李春花")
    organiser = f.organiser(ledger, hepingli)
    position = ledger.recorder.max_notification_id()
    with pytest.raises(VolunteerOutOfReachError):
        record_by_hand(ledger, clock, activity, stranger, organiser)
    assert ledger.recorder.max_notification_id() == position


def test_an_organiser_records_hours_for_a_volunteer_of_an_organisation_below_theirs(ledger, clock):
    district = f.district(ledger)
    community = f.community(ledger, district)
    activity = f.activity(ledger, district)
    volunteer = f.volunteer(ledger, community)
    record_id = record_by_hand(ledger, clock, activity, volunteer, f.organiser(ledger, district))
    assert ledger.service_record(record_id).volunteer_id == volunteer


def test_an_organiser_records_hours_for_a_volunteer_from_elsewhere_on_a_shift_of_the_activity(
    ledger, clock
):
    district = f.district(ledger)
    hepingli = f.community(ledger, district, name="和平里社区")
    dongsi = f.community(ledger, district, name="东四社区")
    activity = f.activity(ledger, hepingli)
    shift = f.shift(ledger, activity)
    guest = f.volunteer(ledger, dongsi, name="李春花")
    ledger.sign_up(shift, guest, Actor.volunteer(guest))
    record_id = record_by_hand(ledger, clock, activity, guest, f.organiser(ledger, hepingli))
    assert ledger.service_record(record_id).volunteer_id == guest


def test_a_place_on_a_shift_of_another_activity_does_not_reach(ledger, clock):
    district = f.district(ledger)
    hepingli = f.community(ledger, district, name="和平里社区")
    dongsi = f.community(ledger, district, name="东四社区")
    activity = f.activity(ledger, hepingli)
    other_shift = f.shift(ledger, f.activity(ledger, hepingli, title="义诊"))
    guest = f.volunteer(ledger, dongsi, name="李春花")
    ledger.sign_up(other_shift, guest, Actor.volunteer(guest))
    with pytest.raises(VolunteerOutOfReachError):
        record_by_hand(ledger, clock, activity, guest, f.organiser(ledger, hepingli))


def test_a_check_out_before_the_shift_starts_is_refused_and_the_check_in_stands(
    ledger, clock, served
):
    _, shift, volunteer = served
    me = Actor.volunteer(volunteer)
    clock.set(f.at(ledger, shift, -20))
    ledger.check_in(shift, volunteer, me)
    clock.set(f.at(ledger, shift, -10))
    with pytest.raises(AttendanceError, match="has not started"):
        ledger.check_out(shift, volunteer, me)
    clock.set(f.at(ledger, shift, 60))
    record_id = ledger.check_out(shift, volunteer, me)
    assert ledger.service_record(record_id).minutes == 60


def test_attendance_that_served_no_time_is_recorded_from_the_sheet_instead(ledger, clock, served):
    _, shift, volunteer = served
    me = Actor.volunteer(volunteer)
    clock.set(f.at(ledger, shift, 119.5))
    ledger.check_in(shift, volunteer, me)
    clock.set(f.at(ledger, shift, 120))
    assert ledger.check_out(shift, volunteer, me) is None
    record_id = ledger.record_attendance(
        shift,
        volunteer,
        checked_in_at=f.at(ledger, shift, 0),
        checked_out_at=f.at(ledger, shift, 90),
        actor=ORGANISER,
    )
    assert ledger.service_record(record_id).minutes == 90


def test_attendance_that_served_no_time_can_be_marked_a_no_show(ledger, clock, served):
    _, shift, volunteer = served
    me = Actor.volunteer(volunteer)
    clock.set(f.at(ledger, shift, 119.5))
    ledger.check_in(shift, volunteer, me)
    clock.set(f.at(ledger, shift, 120))
    ledger.check_out(shift, volunteer, me)
    ledger.mark_no_show(shift, volunteer, "签到后即离开", ORGANISER)
    assert ledger.attendance(shift, volunteer).is_no_show


def test_a_sheet_for_attendance_with_a_record_names_the_record(ledger, clock, served):
    _, shift, volunteer = served
    me = Actor.volunteer(volunteer)
    clock.set(f.at(ledger, shift, 0))
    ledger.check_in(shift, volunteer, me)
    clock.set(f.at(ledger, shift, 60))
    record_id = ledger.check_out(shift, volunteer, me)
    with pytest.raises(AttendanceError, match="correct the service record") as refused:
        ledger.record_attendance(
            shift,
            volunteer,
            checked_in_at=f.at(ledger, shift, 0),
            checked_out_at=f.at(ledger, shift, 30),
            actor=ORGANISER,
        )
    assert refused.value.context["service_record_id"] == str(record_id)
