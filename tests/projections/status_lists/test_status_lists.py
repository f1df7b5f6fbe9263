"""The status lists' read model: a certificate's bit is set once it is revoked."""

import pytest

from projections.status_lists.queries import revocation_list
from tests import factories as f
from tests.factories import CHECKER, ORGANISER


@pytest.fixture
def certify(ledger):
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    volunteer = f.volunteer(ledger, community)
    organiser = f.organiser(ledger, community)

    def issue(days_ago=1):
        record = f.record_by_hand(ledger, volunteer, activity, organiser, days_ago=days_ago)
        ledger.approve_record(record, CHECKER)
        certificate_id = ledger.issue_certificate(
            issuer_id=community,
            volunteer_id=volunteer,
            record_ids=[record],
            person_in_charge="李主任",
            handler="王干事",
            contact="010-64200000",
            actor=ORGANISER,
        )
        return ledger.repository.get(certificate_id)

    return issue


def test_a_list_with_no_certificate_is_not_there(runner, views):
    runner.catch_up()
    assert revocation_list(views, 0) is None


def test_a_list_of_certificates_none_revoked_has_no_bit_set(ledger, runner, views, certify):
    certificate = certify()
    runner.catch_up()
    state = revocation_list(views, 0)
    assert state is not None
    assert (state.revoked, state.changed_at) == ([], certificate.created_on)


def test_revoking_sets_the_certificates_bit_and_dates_the_list(ledger, runner, views, certify):
    kept, revoked = certify(1), certify(2)
    ledger.revoke_certificate(revoked.number, "记录有误", ORGANISER)
    runner.catch_up()
    state = revocation_list(views, 0)
    assert state is not None
    assert state.revoked == [revoked.status_index]
    assert state.changed_at == ledger.certificate(revoked.number).modified_on
    assert kept.status_index not in state.revoked
