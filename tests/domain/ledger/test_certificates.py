from datetime import UTC, date, datetime, timedelta

import pytest

from domain.certificate import STATUS_LIST_LENGTH, Certificate
from domain.errors import InvalidInputError, RecordStateError
from domain.ledger import certificates
from domain.values import Actor
from tests import factories as f
from tests.factories import CHECKER, ORGANISER


@pytest.fixture
def hours(ledger, clock):
    """Two approved records and one pending, organised by 和平里社区 for one volunteer."""
    district = f.district(ledger)
    community = f.community(ledger, parent=district)
    activity = f.activity(ledger, community)
    volunteer = f.volunteer(ledger, community)
    organiser = f.organiser(ledger, community)
    clock.set(datetime(2026, 3, 20, tzinfo=UTC))
    records = []
    for day, minutes in ((3, 120), (10, 90), (17, 60)):
        start = datetime(2026, 3, day, 1, tzinfo=UTC)
        records.append(
            ledger.record_service(
                volunteer_id=volunteer,
                activity_id=activity,
                started_at=start,
                ended_at=start + timedelta(minutes=minutes),
                description="文明劝导",
                actor=organiser,
            )
        )
    for record in records[:2]:
        ledger.approve_record(record, CHECKER)
    return {
        "district": district,
        "community": community,
        "volunteer": volunteer,
        "approved": records[:2],
        "pending": records[2],
        "activity": activity,
    }


def issue(ledger, hours, records=None, issuer=None):
    return ledger.issue_certificate(
        issuer_id=issuer or hours["community"],
        volunteer_id=hours["volunteer"],
        record_ids=records or hours["approved"],
        person_in_charge="李主任",
        handler="王干事",
        contact="010-64200000",
        actor=ORGANISER,
    )


def test_a_certificate_counts_the_approved_records_it_names(ledger, hours):
    certificate = ledger.certificate(ledger.repository.get(issue(ledger, hours)).number)
    assert (certificate.total_minutes, certificate.record_minutes) == (210, [120, 90])
    assert (certificate.period_start.day, certificate.period_end.day) == (3, 10)


def test_a_certificate_number_is_upper_case_letters_and_digits(ledger, hours):
    number = ledger.repository.get(issue(ledger, hours)).number
    assert number.startswith("VC2026")
    assert number.isalnum()
    assert number.upper() == number


def test_a_pending_record_is_not_certified(ledger, hours):
    with pytest.raises(RecordStateError, match="approved"):
        issue(ledger, hours, records=[*hours["approved"], hours["pending"]])


def test_an_organisation_above_the_organiser_may_certify(ledger, hours):
    assert issue(ledger, hours, issuer=hours["district"])


def test_an_organisation_that_did_not_organise_the_service_cannot_certify(ledger, hours):
    elsewhere = f.community(ledger, name="东四社区")
    with pytest.raises(InvalidInputError, match="whoever organises"):
        issue(ledger, hours, issuer=elsewhere)


def test_a_fresh_certificate_is_valid(ledger, hours):
    number = ledger.repository.get(issue(ledger, hours)).number
    assert ledger.certificate_status(number).status == "valid"


def test_correcting_a_counted_record_supersedes_the_certificate(ledger, hours):
    number = ledger.repository.get(issue(ledger, hours)).number
    ledger.correct_record(hours["approved"][0], 100, "提前离开", CHECKER)
    status = ledger.certificate_status(number)
    assert (status.status, status.changed_records) == ("superseded", [hours["approved"][0]])


def test_a_revoked_certificate_says_why(ledger, hours):
    number = ledger.repository.get(issue(ledger, hours)).number
    ledger.revoke_certificate(number, "记录有误，重新出具", ORGANISER)
    status = ledger.certificate_status(number)
    assert (status.status, status.reason) == ("revoked", "记录有误，重新出具")


def test_a_volunteers_request_is_fulfilled_by_the_issued_certificate(ledger, hours):
    me = Actor.volunteer(hours["volunteer"])
    request = ledger.request_certificate(
        volunteer_id=hours["volunteer"],
        issuer_id=hours["community"],
        period_start=date(2026, 3, 1),
        period_end=date(2026, 3, 31),
        actor=me,
    )
    ledger.issue_certificate(
        issuer_id=hours["community"],
        volunteer_id=hours["volunteer"],
        record_ids=hours["approved"],
        person_in_charge="李主任",
        handler="王干事",
        contact="010-64200000",
        actor=ORGANISER,
        request_id=request,
    )
    assert ledger.certificate_request(request).outcome == "fulfilled"


def test_each_certificate_has_its_own_slot_in_the_status_lists(ledger, hours):
    first, second = (ledger.repository.get(issue(ledger, hours)) for _ in "12")
    assert None not in (first.status_slot, second.status_slot)
    assert first.status_slot != second.status_slot


class Draws:
    """``secrets.randbelow`` that draws status indexes from ``indexes`` in turn."""

    def __init__(self, *indexes):
        self.indexes, self.numbers = list(indexes), 0

    def __call__(self, bound):
        if bound == STATUS_LIST_LENGTH:
            return self.indexes.pop(0) if len(self.indexes) > 1 else self.indexes[0]
        self.numbers += 1
        return self.numbers


def test_a_taken_status_index_is_not_drawn_for_another_certificate(ledger, hours, monkeypatch):
    monkeypatch.setattr(certificates.secrets, "randbelow", Draws(7, 7, 9))
    first, second = (ledger.repository.get(issue(ledger, hours)) for _ in "12")
    assert (first.status_slot, second.status_slot) == ((0, 7), (0, 9))


def test_when_a_list_seems_full_the_next_list_is_drawn_from(ledger, hours, monkeypatch):
    monkeypatch.setattr(certificates.secrets, "randbelow", Draws(7))
    first, second = (ledger.repository.get(issue(ledger, hours)) for _ in "12")
    assert (first.status_slot, second.status_slot) == ((0, 7), (1, 7))


def test_a_certificate_issued_before_status_lists_has_no_slot():
    state = {"number": "VC2026123456782"}
    Certificate.Issued.upcast_v1_v2(state)
    assert (state["status_list"], state["status_index"]) == (None, None)
