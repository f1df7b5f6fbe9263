"""The second-party standing of a record, as a queue shows it, agrees with the rule itself."""

import pytest

from domain.second_party import SecondPartyReason, second_party
from domain.service_record import RecordSource, ServiceRecord
from domain.values import Actor
from tests.domain.test_service_record import CHECKER, ORGANISER, a_record, owner

THIRD = Actor.account("third")


def standing(record: ServiceRecord):
    assert record.recorded_by is not None
    return second_party(
        record.source,
        record.recorded_by,
        record.corrected_by,
        confirmed=record.confirmed_by is not None,
    )


def by_hand() -> ServiceRecord:
    return a_record()


def from_attendance() -> ServiceRecord:
    return a_record(source=RecordSource.ATTENDANCE)


def corrected() -> ServiceRecord:
    record = a_record(source=RecordSource.ATTENDANCE)
    record.correct(90, "少记了半小时", CHECKER)
    return record


def confirmed() -> ServiceRecord:
    record = a_record()
    record.confirm(owner(record))
    return record


def confirmed_then_corrected() -> ServiceRecord:
    record = confirmed()
    record.correct(100, "按签到表更正", ORGANISER)
    return record


CASES = {
    "by hand": (by_hand, SecondPartyReason.RECORDED_BY_HAND),
    "from attendance": (from_attendance, SecondPartyReason.FROM_ATTENDANCE),
    "corrected": (corrected, SecondPartyReason.CORRECTED),
    "confirmed": (confirmed, SecondPartyReason.CONFIRMED_BY_VOLUNTEER),
    "confirmed, then corrected": (confirmed_then_corrected, SecondPartyReason.CORRECTED),
}


@pytest.mark.parametrize("case", CASES)
def test_the_reason_names_what_stands_as_the_second_party(case):
    make, reason = CASES[case]
    assert standing(make()).reason == reason


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("actor", [ORGANISER, CHECKER, THIRD], ids=str)
def test_who_may_approve_alone_is_who_the_record_lets_approve(case, actor):
    record = CASES[case][0]()
    assert standing(record).may_approve_alone(str(actor)) == (not record.lacks_second_party(actor))
