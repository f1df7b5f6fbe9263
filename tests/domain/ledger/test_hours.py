from datetime import timedelta

import pytest

from domain.errors import (
    AttendanceError,
    DailyCapExceededError,
    InvalidInputError,
    SecondPartyRequiredError,
    SelfApprovalError,
    TimeAlreadyCountedError,
    VolunteerOutOfReachError,
)
from domain.ledger import Ledger
from domain.policy import Policy
from domain.service_record import RecordStatus, ServiceRecord
from domain.values import Actor
from tests import factories as f
from tests.factories import CHECKER, ORGANISER


@pytest.fixture
def served(ledger):
    """A community, an activity, a two-hour shift tomorrow and a confirmed volunteer."""
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    shift = f.shift(ledger, activity, hours=2)
    volunteer = f.volunteer(ledger, community)
    ledger.sign_up(shift, volunteer, Actor.volunteer(volunteer))
    return activity, shift, volunteer


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


def manual_record(ledger, clock, activity, volunteer, *, hours_ago: float = 5, hours: float = 2):
    clock.advance(days=3)
    start = ledger.now() - timedelta(hours=hours_ago)
    return ledger.record_service(
        volunteer_id=volunteer,
        activity_id=activity,
        started_at=start,
        ended_at=start + timedelta(hours=hours),
        description="入户走访独居老人",
        beneficiary="赵奶奶",
        actor=ORGANISER,
    )


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
    from domain.ledger import Ledger
    from domain.policy import Policy

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


def test_an_approved_record_can_be_corrected_and_both_figures_stay_in_history(
    ledger, clock, served
):
    activity, _, volunteer = served
    record_id = manual_record(ledger, clock, activity, volunteer, hours=2)
    ledger.approve_record(record_id, CHECKER)
    ledger.correct_record(record_id, 90, "提前半小时离开", ORGANISER)
    history = ledger.history(record_id)
    assert [type(e).__name__ for e in history] == ["Recorded", "Approved", "Corrected"]
    assert (history[0].minutes, history[-1].minutes) == (120, 90)
    assert ledger.timesheet(volunteer).minutes_on(history[0].service_date) == 90


def test_a_revoked_record_frees_its_time(ledger, clock, served):
    activity, _, volunteer = served
    record_id = manual_record(ledger, clock, activity, volunteer)
    ledger.approve_record(record_id, CHECKER)
    ledger.revoke_record(record_id, "经核查系虚报", ORGANISER)
    record = ledger.service_record(record_id)
    assert record.status == RecordStatus.REVOKED
    assert ledger.timesheet(volunteer).minutes_on(record.service_date) == 0


def test_an_organiser_who_is_also_the_volunteer_cannot_approve(ledger, clock, served):
    activity, _, volunteer = served
    record_id = manual_record(ledger, clock, activity, volunteer)
    with pytest.raises(SelfApprovalError):
        ledger.approve_record(record_id, Actor.account("organiser-wang", volunteer_id=volunteer))


def test_a_volunteers_correction_request_is_resolved_by_an_organiser(ledger, clock, served):
    activity, _, volunteer = served
    record_id = manual_record(ledger, clock, activity, volunteer, hours=1)
    ledger.approve_record(record_id, CHECKER)
    ledger.request_correction(record_id, 90, "实际服务一个半小时", Actor.volunteer(volunteer))
    ledger.accept_correction_request(record_id, "核对属实", ORGANISER)
    assert ledger.service_record(record_id).minutes == 90


# Whom an organiser may record hours for.


def record_by_hand(ledger, clock, activity, volunteer, actor):
    clock.advance(days=3)
    start = ledger.now() - timedelta(hours=5)
    return ledger.record_service(
        volunteer_id=volunteer,
        activity_id=activity,
        started_at=start,
        ended_at=start + timedelta(hours=2),
        description="入户走访独居老人",
        actor=actor,
    )


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


# The second-party rule, through the application service.


def test_the_recorder_of_a_manual_record_cannot_approve_it(ledger, clock, served):
    activity, _, volunteer = served
    record_id = manual_record(ledger, clock, activity, volunteer)
    with pytest.raises(SecondPartyRequiredError):
        ledger.approve_record(record_id, ORGANISER)
    assert ledger.service_record(record_id).status == RecordStatus.PENDING


def test_the_volunteers_confirmation_lets_the_recorder_approve(ledger, clock, served):
    activity, _, volunteer = served
    record_id = manual_record(ledger, clock, activity, volunteer)
    ledger.confirm_record(record_id, Actor.volunteer(volunteer))
    ledger.approve_record(record_id, ORGANISER)
    assert ledger.service_record(record_id).status == RecordStatus.APPROVED


def test_the_organiser_who_checked_the_volunteer_out_approves_the_record(ledger, clock, served):
    _, shift, volunteer = served
    clock.set(f.at(ledger, shift, 0))
    ledger.check_in(shift, volunteer, Actor.volunteer(volunteer))
    clock.set(f.at(ledger, shift, 100))
    record_id = ledger.check_out(shift, volunteer, ORGANISER)
    ledger.approve_record(record_id, ORGANISER)
    assert ledger.service_record(record_id).status == RecordStatus.APPROVED


def test_whoever_accepted_a_correction_request_cannot_approve_alone(ledger, clock, served):
    activity, _, volunteer = served
    record_id = manual_record(ledger, clock, activity, volunteer, hours=1)
    ledger.request_correction(record_id, 90, "实际服务一个半小时", Actor.volunteer(volunteer))
    ledger.accept_correction_request(record_id, "核对属实", CHECKER)
    with pytest.raises(SecondPartyRequiredError):
        ledger.approve_record(record_id, CHECKER)


def test_a_deployment_with_one_organiser_approves_alone_and_the_event_says_so(store_url, clock):
    ledger = Ledger(store_url, clock=clock, policy=Policy(single_organiser_approval=True))
    try:
        community = f.community(ledger)
        activity = f.activity(ledger, community)
        volunteer = f.volunteer(ledger, community)
        record_id = record_by_hand(
            ledger, clock, activity, volunteer, f.organiser(ledger, community)
        )
        recorder = Actor.account(ledger.account_for_login("organiser-li").id)
        ledger.approve_record(record_id, recorder)
        approval = ledger.history(record_id)[-1]
        assert (type(approval), approval.single_organiser) == (ServiceRecord.Approved, True)
    finally:
        ledger.close()


def test_an_approval_stored_before_version_2_reads_as_not_single_organiser(ledger, clock, served):
    activity, _, volunteer = served
    record_id = manual_record(ledger, clock, activity, volunteer)
    f.approve_as_version_1(ledger, record_id, CHECKER)
    approval = ledger.history(record_id)[-1]
    assert (type(approval), approval.single_organiser) == (ServiceRecord.Approved, False)
    assert ledger.service_record(record_id).status == RecordStatus.APPROVED


def snapshot_as_version_1(ledger, record_id) -> None:
    """Store a snapshot of the record as the ledger took them before ``ServiceRecord`` had a
    version 2: without a class version, and knowing nothing of who made the minutes."""
    record = ledger.service_record(record_id)
    stored = ledger.snapshots.mapper.to_stored_event(ServiceRecord.Snapshot.take(record))
    state = ledger.snapshots.mapper.transcoder.decode(stored.state)
    aggregate_state = state["state"]
    for name in ("class_version", "recorded_by", "corrected_by", "confirmed_by"):
        del aggregate_state[name]
    ledger.snapshots.recorder.insert_events(
        [
            type(stored)(
                originator_id=stored.originator_id,
                originator_version=stored.originator_version,
                topic=stored.topic,
                state=ledger.snapshots.mapper.transcoder.encode(state),
            )
        ]
    )


def test_a_manual_record_snapshotted_before_version_2_needs_the_volunteers_confirmation(
    ledger, clock, served
):
    activity, _, volunteer = served
    record_id = manual_record(ledger, clock, activity, volunteer)
    snapshot_as_version_1(ledger, record_id)
    assert ledger.service_record(record_id).recorded_by is None
    with pytest.raises(SecondPartyRequiredError):
        ledger.approve_record(record_id, CHECKER)
    ledger.confirm_record(record_id, Actor.volunteer(volunteer))
    ledger.approve_record(record_id, CHECKER)
    assert ledger.service_record(record_id).status == RecordStatus.APPROVED


# A raise of approved minutes needs a second party too.


def corrected_date(ledger, record_id):
    return ledger.service_record(record_id).service_date


def approved_record(ledger, clock, served, *, hours: float = 1):
    activity, _, volunteer = served
    record_id = manual_record(ledger, clock, activity, volunteer, hours=hours)
    ledger.approve_record(record_id, CHECKER)
    return record_id, volunteer


def test_raising_approved_minutes_directly_is_refused_and_nothing_is_stored(ledger, clock, served):
    record_id, volunteer = approved_record(ledger, clock, served, hours=1)
    position = ledger.recorder.max_notification_id()
    with pytest.raises(SecondPartyRequiredError, match="raising approved minutes"):
        ledger.correct_record(record_id, 480, "补录", ORGANISER)
    assert ledger.recorder.max_notification_id() == position
    assert ledger.timesheet(volunteer).minutes_on(corrected_date(ledger, record_id)) == 60


def test_a_raise_the_volunteer_asked_for_counts_once_an_organiser_accepts_it(ledger, clock, served):
    record_id, volunteer = approved_record(ledger, clock, served, hours=1)
    ledger.request_correction(record_id, 90, "实际服务一个半小时", Actor.volunteer(volunteer))
    ledger.accept_correction_request(record_id, "核对签到表属实", ORGANISER)
    corrected = ledger.history(record_id)[-1]
    assert (type(corrected), corrected.minutes, corrected.single_organiser) == (
        ServiceRecord.Corrected,
        90,
        False,
    )
    assert ledger.timesheet(volunteer).minutes_on(corrected_date(ledger, record_id)) == 90


def test_accepting_more_minutes_than_requested_is_refused_and_nothing_is_stored(
    ledger, clock, served
):
    record_id, volunteer = approved_record(ledger, clock, served, hours=1)
    ledger.request_correction(record_id, 90, "实际服务一个半小时", Actor.volunteer(volunteer))
    position = ledger.recorder.max_notification_id()
    with pytest.raises(SecondPartyRequiredError, match="more minutes than the volunteer asked"):
        ledger.accept_correction_request(record_id, "按签到表核定", ORGANISER, minutes=480)
    assert ledger.recorder.max_notification_id() == position
    assert ledger.service_record(record_id).requested_minutes == 90


def test_a_deployment_with_one_organiser_raises_approved_minutes_and_the_event_says_so(
    store_url, clock
):
    ledger = Ledger(store_url, clock=clock, policy=Policy(single_organiser_approval=True))
    try:
        community = f.community(ledger)
        activity = f.activity(ledger, community)
        volunteer = f.volunteer(ledger, community)
        organiser = f.organiser(ledger, community)
        record_id = record_by_hand(ledger, clock, activity, volunteer, organiser)
        ledger.approve_record(record_id, organiser)
        ledger.correct_record(record_id, 150, "补录漏记时间", organiser)
        corrected = ledger.history(record_id)[-1]
        assert (type(corrected), corrected.minutes, corrected.single_organiser) == (
            ServiceRecord.Corrected,
            150,
            True,
        )
        assert ledger.timesheet(volunteer).minutes_on(corrected_date(ledger, record_id)) == 150
    finally:
        ledger.close()


def test_a_correction_stored_before_version_2_reads_as_not_single_organiser(ledger, clock, served):
    record_id, _ = approved_record(ledger, clock, served, hours=2)
    f.correct_as_version_1(ledger, record_id, 90, "提前离开", ORGANISER)
    corrected = ledger.history(record_id)[-1]
    assert (type(corrected), corrected.minutes, corrected.single_organiser) == (
        ServiceRecord.Corrected,
        90,
        False,
    )
    assert ledger.service_record(record_id).minutes == 90


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
