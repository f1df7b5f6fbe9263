"""Keyed requests: each command of a request is carried out once, its receipt saved with it."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from uuid import UUID

import pytest

from domain.errors import PhoneInUseError, RequestKeyReusedError
from domain.ledger import Clash, Ledger
from domain.ledger.receipts import decode_result, encode_result, keyed_request
from domain.receipt import Receipt
from domain.shift import SignUpStatus
from domain.values import Actor
from tests import factories as f
from tests.factories import ADMIN


def stored_events(ledger: Ledger) -> int:
    return ledger.recorder.max_notification_id() or 0


def create_district(ledger: Ledger, name: str = "东城区") -> UUID:
    return ledger.create_organisation(name=name, kind="district", actor=ADMIN)


def test_a_command_run_again_under_the_same_key_returns_its_first_result(ledger):
    with keyed_request("alice/key-1", "body-1"):
        first = create_district(ledger)
    stored = stored_events(ledger)
    with keyed_request("alice/key-1", "body-1"):
        again = create_district(ledger)
    assert again == first
    assert stored_events(ledger) == stored


def written_district(ledger: Ledger):
    return ledger.create_organisation.written(name="东城区", kind="district", actor=ADMIN)


def test_a_replayed_command_reports_a_position_that_includes_its_events(ledger):
    with keyed_request("alice/key-1", "body-1"):
        first = written_district(ledger)
    with keyed_request("alice/key-1", "body-1"):
        again = written_district(ledger)
    assert first.position is not None
    assert again.position is not None
    assert again.position >= first.position


def test_a_replayed_command_reports_the_value_it_kept(ledger):
    with keyed_request("alice/key-1", "body-1"):
        first = written_district(ledger)
    with keyed_request("alice/key-1", "body-1"):
        again = written_district(ledger)
    assert again.value == first.value


def test_the_receipt_is_saved_in_the_same_write_as_the_commands_events(ledger):
    before = stored_events(ledger)
    with keyed_request("alice/key-1", "body-1"):
        create_district(ledger)
    written = ledger.recorder.select_notifications(start=before + 1, limit=10)
    assert [n.topic.rsplit(":", 1)[-1] for n in written] == [
        "Organisation.Created",
        "Receipt.Issued",
    ]


def test_the_same_key_with_other_content_is_refused(ledger):
    with keyed_request("alice/key-1", "body-1"):
        create_district(ledger)
    before = stored_events(ledger)
    with keyed_request("alice/key-1", "body-2"), pytest.raises(RequestKeyReusedError):
        create_district(ledger, name="西城区")
    assert stored_events(ledger) == before


def test_the_same_key_for_another_command_is_refused(ledger):
    with keyed_request("alice/key-1", "body-1"):
        district = create_district(ledger)
    with keyed_request("alice/key-1", "body-1"), pytest.raises(RequestKeyReusedError):
        ledger.rename_organisation(district, "西城区", actor=ADMIN, reason="区划调整")


def test_keys_of_other_senders_are_other_requests(ledger):
    with keyed_request("alice/key-1", "body-1"):
        first = create_district(ledger)
    with keyed_request("bob/key-1", "body-1"):
        second = create_district(ledger, name="西城区")
    assert first != second


def test_a_refused_command_leaves_no_receipt_and_runs_again_when_retried(ledger):
    community = f.community(ledger)
    taken = f.next_phone()
    f.volunteer(ledger, community, phone=taken)
    with keyed_request("alice/key-1", "body-1"), pytest.raises(PhoneInUseError):
        f.volunteer(ledger, community, phone=taken)
    assert ledger._receipt(Receipt.id_for("alice/key-1", 1)) is None


def test_a_request_that_stopped_between_two_commands_runs_only_the_second_when_retried(ledger):
    with keyed_request("alice/key-1", "body-1"):
        district = create_district(ledger)
    with keyed_request("alice/key-1", "body-1"):
        again = create_district(ledger)
        community = ledger.create_organisation(
            name="和平里社区", kind="community", parent_id=district, actor=ADMIN
        )
    assert again == district
    assert ledger.organisation(community).parent_id == district


@pytest.mark.parametrize(
    "store_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_copies_of_one_request_running_at_once_carry_it_out_once(store_url, clock):
    ledgers = [Ledger(store_url, clock=clock) for _ in range(4)]

    def run(ledger: Ledger) -> UUID:
        with keyed_request("alice/key-1", "body-1"):
            return create_district(ledger)

    try:
        with ThreadPoolExecutor(max_workers=4) as pool:
            ids = set(pool.map(run, ledgers * 2))
        assert len(ids) == 1
        created = [
            n
            for n in ledgers[0].recorder.select_notifications(start=1, limit=100)
            if n.topic.endswith("Organisation.Created")
        ]
        assert len(created) == 1
    finally:
        for ledger in ledgers:
            ledger.close()


def test_a_sign_ups_status_comes_back_as_a_status(ledger):
    community = f.community(ledger)
    shift = f.shift(ledger, f.activity(ledger, community), capacity=1)
    volunteer = f.volunteer(ledger, community)
    with keyed_request("v/key-1", "body-1"):
        first = ledger.sign_up(shift, volunteer, Actor.volunteer(volunteer))
    with keyed_request("v/key-1", "body-1"):
        again = ledger.sign_up(shift, volunteer, Actor.volunteer(volunteer))
    assert again is SignUpStatus.CONFIRMED
    assert first is SignUpStatus.CONFIRMED


def test_a_reschedules_clashes_come_back_as_clashes(ledger, clock):
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    moved = f.shift(ledger, activity, starts_in=timedelta(days=1))
    other = f.shift(ledger, activity, starts_in=timedelta(days=2))
    volunteer = f.volunteer(ledger, community)
    for shift in (moved, other):
        ledger.sign_up(shift, volunteer, Actor.volunteer(volunteer))
    target = ledger.shift(other)
    for _ in range(2):
        with keyed_request("o/key-1", "body-1"):
            clashes = ledger.reschedule_shift(
                moved,
                starts_at=target.starts_at,
                ends_at=target.ends_at,
                reason="场地调整",
                actor=ADMIN,
            )
        assert clashes == [Clash(volunteer, other)]


@pytest.mark.parametrize(
    "result",
    [None, 7, "vc123", UUID(int=5), [UUID(int=1), UUID(int=2)], SignUpStatus.WAITLISTED],
)
def test_results_keep_their_type_through_a_receipt(result):
    decoded = decode_result(encode_result(result))
    assert (decoded, type(decoded)) == (result, type(result))


def test_a_result_of_an_unlisted_type_is_refused_rather_than_misread():
    with pytest.raises(TypeError, match="RESULT_TYPES"):
        encode_result(Actor.volunteer(UUID(int=1)))
