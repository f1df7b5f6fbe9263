"""Approval, correction and revocation of service records, through the application service."""

import pytest

from domain.errors import SecondPartyRequiredError, SelfApprovalError
from domain.ledger import Ledger
from domain.policy import Policy
from domain.service_record import RecordStatus, ServiceRecord
from domain.values import Actor
from tests import factories as f
from tests.domain.ledger.recording import manual_record, record_by_hand
from tests.factories import CHECKER, ORGANISER


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
