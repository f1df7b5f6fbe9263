from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from domain.errors import (
    InvalidInputError,
    NotOwnRecordError,
    RecordStateError,
    SecondPartyRequiredError,
    SelfApprovalError,
)
from domain.service_record import STATUS_AFTER, RecordSource, RecordStatus, ServiceRecord
from domain.values import Actor, TimeRange

START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
ORGANISER = Actor.account("organiser")
CHECKER = Actor.account("checker")


def a_record(
    minutes: int = 120, source: RecordSource = RecordSource.MANUAL, actor: Actor = ORGANISER
) -> ServiceRecord:
    return ServiceRecord.record(
        id=uuid4(),
        volunteer_id=uuid4(),
        activity_id=uuid4(),
        organisation_id=uuid4(),
        shift_id=None,
        source=source,
        time=TimeRange(START, START + timedelta(minutes=minutes)),
        service_date=date(2026, 3, 2),
        minutes=minutes,
        description="走访慰问独居老人",
        beneficiary="赵奶奶",
        needs_review=False,
        actor=actor,
    )


def approved(minutes: int = 120) -> ServiceRecord:
    record = a_record(minutes)
    record.approve(CHECKER)
    return record


def owner(record: ServiceRecord) -> Actor:
    return Actor.volunteer(record.volunteer_id)


def test_a_new_record_is_pending():
    assert a_record().status == RecordStatus.PENDING


def test_a_record_of_no_minutes_is_refused():
    with pytest.raises(InvalidInputError, match="no minutes"):
        a_record(minutes=0)


def test_a_pending_record_can_be_rejected_with_a_reason():
    record = a_record()
    record.reject("时间与签到表不符", ORGANISER)
    assert record.status == RecordStatus.REJECTED


def test_a_rejected_record_cannot_be_approved():
    record = a_record()
    record.reject("重复录入", ORGANISER)
    with pytest.raises(RecordStateError, match="rejected"):
        record.approve(CHECKER)


def test_approving_twice_is_refused():
    with pytest.raises(RecordStateError):
        approved().approve(CHECKER)


def test_nobody_approves_their_own_record():
    record = a_record()
    organiser_who_volunteered = Actor.account("organiser-wang", volunteer_id=record.volunteer_id)
    with pytest.raises(SelfApprovalError):
        record.approve(organiser_who_volunteered)


def test_nobody_corrects_their_own_record():
    record = approved()
    with pytest.raises(SelfApprovalError):
        record.correct(180, "多算了", owner(record))


def test_a_correction_keeps_the_previous_figure_in_the_history():
    record = approved(120)
    record.correct(90, "提前离开", ORGANISER)
    corrected = record.collect_events()[-1]
    assert (corrected.minutes, corrected.previous_minutes, record.minutes) == (90, 120, 90)


def test_a_correction_to_the_same_minutes_is_refused():
    with pytest.raises(InvalidInputError, match="already"):
        approved(120).correct(120, "核对", ORGANISER)


def test_only_an_approved_record_can_be_revoked():
    with pytest.raises(RecordStateError, match="pending"):
        a_record().revoke("虚报", ORGANISER)


def test_a_revoked_record_no_longer_counts():
    record = approved()
    record.revoke("经核查系虚报", ORGANISER)
    assert not record.counts


@pytest.mark.parametrize(
    "decide",
    [
        lambda record: record.approve(CHECKER),
        lambda record: record.reject("重复录入", ORGANISER),
        lambda record: (record.approve(CHECKER), record.revoke("虚报", ORGANISER)),
    ],
    ids=["approved", "rejected", "revoked"],
)
def test_read_models_learn_the_status_a_decision_leaves_a_record_in(decide):
    record = a_record()
    decide(record)
    [last] = record.collect_events()[-1:]
    assert STATUS_AFTER[type(last)] == record.status


def test_a_volunteer_can_ask_to_correct_their_own_record():
    record = approved(60)
    record.request_correction(120, "签退时系统故障", owner(record))
    assert record.requested_minutes == 120


def test_only_the_records_volunteer_can_ask_for_a_correction():
    record = approved(60)
    with pytest.raises(NotOwnRecordError):
        record.request_correction(120, "代为申请", Actor.volunteer(uuid4()))


def test_a_second_open_correction_request_is_refused():
    record = approved(60)
    record.request_correction(120, "签退时系统故障", owner(record))
    with pytest.raises(RecordStateError, match="already open"):
        record.request_correction(90, "再次申请", owner(record))


def test_accepting_a_request_applies_the_requested_minutes():
    record = approved(60)
    record.request_correction(120, "签退时系统故障", owner(record))
    record.accept_correction_request(None, "核对签到表属实", ORGANISER)
    assert (record.minutes, record.has_open_correction_request) == (120, False)


def test_an_organiser_may_accept_a_request_with_other_minutes():
    record = approved(60)
    record.request_correction(120, "签退时系统故障", owner(record))
    record.accept_correction_request(100, "按签到表核定", ORGANISER)
    assert record.minutes == 100


def test_a_declined_request_leaves_the_minutes_alone():
    record = approved(60)
    record.request_correction(120, "签退时系统故障", owner(record))
    record.decline_correction_request("签到表显示60分钟", ORGANISER)
    assert (record.minutes, record.has_open_correction_request) == (60, False)


def test_a_volunteer_cannot_accept_their_own_request():
    record = approved(60)
    record.request_correction(120, "签退时系统故障", owner(record))
    with pytest.raises(SelfApprovalError):
        record.accept_correction_request(None, "同意", owner(record))


def test_resolving_without_an_open_request_is_refused():
    with pytest.raises(RecordStateError, match="no open correction request"):
        approved().decline_correction_request("无", ORGANISER)


# The second-party rule.


def last_approval(record: ServiceRecord) -> ServiceRecord.Approved:
    [approval] = [e for e in record.collect_events() if isinstance(e, ServiceRecord.Approved)]
    return approval


def test_whoever_recorded_a_record_by_hand_may_not_approve_it():
    with pytest.raises(SecondPartyRequiredError):
        a_record().approve(ORGANISER)


def test_another_organiser_approves_a_record_entered_by_hand():
    record = a_record()
    record.approve(CHECKER)
    assert (record.status, last_approval(record).single_organiser) == (RecordStatus.APPROVED, False)


def test_the_recorder_approves_once_the_volunteer_has_confirmed_the_minutes():
    record = a_record()
    record.confirm(owner(record))
    record.approve(ORGANISER)
    assert record.status == RecordStatus.APPROVED


def test_a_correction_after_the_confirmation_needs_a_new_confirmation():
    record = a_record(120)
    record.confirm(owner(record))
    record.correct(90, "提前离开", CHECKER)
    with pytest.raises(SecondPartyRequiredError):
        record.approve(ORGANISER)
    record.confirm(owner(record))
    record.approve(ORGANISER)
    assert record.status == RecordStatus.APPROVED


def test_the_organiser_who_checked_the_volunteer_out_approves_the_attendance_record():
    record = a_record(source=RecordSource.ATTENDANCE)
    record.approve(ORGANISER)
    assert record.status == RecordStatus.APPROVED


def test_whoever_corrected_a_record_may_not_approve_it_alone():
    record = a_record(120, source=RecordSource.ATTENDANCE)
    record.correct(90, "核对签到表", ORGANISER)
    with pytest.raises(SecondPartyRequiredError):
        record.approve(ORGANISER)


def test_the_recorder_approves_what_another_organiser_corrected_from_attendance():
    record = a_record(120, source=RecordSource.ATTENDANCE)
    record.correct(90, "核对签到表", CHECKER)
    record.approve(ORGANISER)
    assert record.status == RecordStatus.APPROVED


def test_only_the_records_volunteer_confirms_it():
    record = a_record()
    with pytest.raises(NotOwnRecordError):
        record.confirm(Actor.volunteer(uuid4()))


def test_an_organiser_cannot_confirm_for_the_volunteer():
    record = a_record()
    with pytest.raises(NotOwnRecordError):
        record.confirm(ORGANISER)


def test_only_a_pending_record_is_confirmed():
    record = approved()
    with pytest.raises(RecordStateError, match="approved"):
        record.confirm(owner(record))


def test_confirming_the_same_minutes_twice_is_refused():
    record = a_record()
    record.confirm(owner(record))
    with pytest.raises(RecordStateError, match="already confirmed"):
        record.confirm(owner(record))


def test_a_confirmation_records_the_minutes_it_saw():
    record = a_record(75)
    record.confirm(owner(record))
    confirmed = record.collect_events()[-1]
    assert (type(confirmed), confirmed.minutes) == (ServiceRecord.Confirmed, 75)


def test_the_single_organiser_setting_lets_the_recorder_approve_alone_and_says_so():
    record = a_record()
    record.approve(ORGANISER, single_organiser_allowed=True)
    assert (record.status, last_approval(record).single_organiser) == (RecordStatus.APPROVED, True)


def test_an_approval_with_a_second_party_is_not_single_organiser_even_where_allowed():
    record = a_record()
    record.approve(CHECKER, single_organiser_allowed=True)
    assert last_approval(record).single_organiser is False


def test_the_single_organiser_setting_does_not_let_anyone_approve_their_own_record():
    record = a_record()
    with pytest.raises(SelfApprovalError):
        record.approve(owner(record), single_organiser_allowed=True)


# A raise of approved minutes needs a second party too.


def last_correction(record: ServiceRecord) -> ServiceRecord.Corrected:
    return [e for e in record.collect_events() if isinstance(e, ServiceRecord.Corrected)][-1]


def test_raising_the_minutes_of_an_approved_record_directly_is_refused():
    record = approved(60)
    with pytest.raises(SecondPartyRequiredError, match="the volunteer asks for the correction"):
        record.correct(480, "补录", ORGANISER)
    assert (record.minutes, record.collect_events()[-1].__class__) == (60, ServiceRecord.Approved)


def test_lowering_the_minutes_of_an_approved_record_needs_no_second_party():
    record = approved(120)
    record.correct(90, "提前离开", ORGANISER)
    assert (record.minutes, last_correction(record).single_organiser) == (90, False)


def test_raising_the_minutes_of_a_pending_record_is_left_to_its_approval():
    record = a_record(60)
    record.correct(90, "按签到表更正", CHECKER)
    assert (record.minutes, record.status) == (90, RecordStatus.PENDING)


def test_the_single_organiser_setting_lets_an_organiser_raise_approved_minutes_and_says_so():
    record = approved(60)
    record.correct(90, "补录", ORGANISER, single_organiser_allowed=True)
    assert (record.minutes, last_correction(record).single_organiser) == (90, True)


def test_accepting_the_requested_raise_of_an_approved_record_needs_nobody_else():
    record = approved(60)
    record.request_correction(120, "签退时系统故障", owner(record))
    record.accept_correction_request(None, "核对签到表属实", ORGANISER)
    assert (record.minutes, last_correction(record).single_organiser) == (120, False)


def test_accepting_a_request_with_more_minutes_than_requested_is_refused():
    record = approved(60)
    record.request_correction(120, "签退时系统故障", owner(record))
    with pytest.raises(SecondPartyRequiredError, match="more minutes than the volunteer asked"):
        record.accept_correction_request(480, "按签到表核定", ORGANISER)
    assert (record.minutes, record.requested_minutes) == (60, 120)


def test_the_single_organiser_setting_lets_a_request_be_accepted_with_more_and_says_so():
    record = approved(60)
    record.request_correction(120, "签退时系统故障", owner(record))
    record.accept_correction_request(150, "按签到表核定", ORGANISER, single_organiser_allowed=True)
    assert (record.minutes, last_correction(record).single_organiser) == (150, True)


def test_accepting_more_than_requested_but_less_than_approved_needs_nobody_else():
    record = approved(120)
    record.request_correction(60, "提前离开", owner(record))
    record.accept_correction_request(90, "按签到表核定", ORGANISER)
    assert (record.minutes, last_correction(record).single_organiser) == (90, False)
