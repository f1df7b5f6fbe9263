"""The transparency log over the event store: dense leaves, proofs that verify, honest signing."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from domain.certificate import Certificate
from domain.service_record import RecordSource, ServiceRecord
from domain.values import Actor, TimeRange
from projections.transparency.leaves import public_fields
from tests import factories as f
from tests.event_store_sql import EventTable
from tests.factories import ORGANISER
from tests.projections.transparency.log_helpers import (
    IN_MEMORY,
    hours_story,
    open_log,
    stored_ids,
)
from trust.leaf import parse_leaf
from trust.merkle import (
    MerkleTree,
    leaf_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)


@pytest.fixture
def log(ledger, views):
    return open_log(ledger, views)


def test_every_event_gets_one_leaf_in_the_store_order(ledger, clock, log):
    hours_story(ledger, clock)
    appended = log.catch_up()
    leaves = log.leaves(0, 1000)
    assert appended == len(leaves) == log.size() > 35
    assert [leaf.index for leaf in leaves] == list(range(len(leaves)))
    assert [leaf.position for leaf in leaves] == stored_ids(ledger)
    assert all(leaf.hash == leaf_hash(leaf.data) for leaf in leaves)


@IN_MEMORY
def test_an_aggregates_leaves_are_found_by_its_id(ledger, clock, log):
    story = hours_story(ledger, clock)
    log.catch_up()
    leaves = log.leaves_of(str(story["records"][1]))
    assert [leaf.version for leaf in leaves] == [1, 2, 3, 4, 5]
    assert [parse_leaf(leaf.data)["type"].rpartition(".")[2] for leaf in leaves] == [
        "Recorded",
        "Approved",
        "CorrectionRequested",
        "CorrectionRequestAccepted",
        "Corrected",
    ]


@IN_MEMORY
def test_the_root_is_the_merkle_root_of_the_leaf_hashes(ledger, clock, log):
    hours_story(ledger, clock)
    log.catch_up()
    hashes = [leaf.hash for leaf in log.leaves(0, 1000)]
    for size in range(len(hashes) + 1):
        assert log.root(size) == root_from_leaf_hashes(hashes[:size])


def test_every_inclusion_and_consistency_proof_verifies(ledger, clock, log):
    hours_story(ledger, clock)
    log.catch_up()
    hashes = [leaf.hash for leaf in log.leaves(0, 1000)]
    roots = [root_from_leaf_hashes(hashes[:size]) for size in range(len(hashes) + 1)]
    with log.tree() as tree:  # one transaction for some 1,500 proofs
        for size in range(1, len(hashes) + 1):
            for index in range(size):
                proof = tree.inclusion_proof(index, size)
                assert verify_inclusion(hashes[index], index, size, proof, roots[size])
            for old in range(1, size + 1):
                proof = tree.consistency_proof(old, size)
                assert verify_consistency(old, size, roots[old], roots[size], proof)
    assert log.inclusion_proof(3, 20) == MerkleTree(hashes).inclusion_proof(3, 20)
    assert log.consistency_proof(7, 20) == MerkleTree(hashes).consistency_proof(7, 20)


def test_catching_up_twice_appends_nothing(ledger, clock, log):
    hours_story(ledger, clock)
    log.catch_up()
    assert log.catch_up() == 0
    assert log.size() == len(stored_ids(ledger))


@IN_MEMORY
def test_a_second_process_resumes_where_the_first_stopped(ledger, clock, views, log):
    hours_story(ledger, clock)
    log.catch_up()
    f.volunteer(ledger, f.district(ledger, "西城区"))
    other = open_log(ledger, views)
    assert other.catch_up() == 6
    assert log.catch_up() == 0
    assert [leaf.position for leaf in log.leaves(0, 1000)] == stored_ids(ledger)


def test_two_processes_catching_up_at_once_append_each_event_once(ledger, clock, views):
    hours_story(ledger, clock)
    logs = [open_log(ledger, views, batch_size=3) for _ in range(3)]
    threads = [threading.Thread(target=log.catch_up) for log in logs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [leaf.position for leaf in logs[0].leaves(0, 1000)] == stored_ids(ledger)
    hashes = [leaf.hash for leaf in logs[0].leaves(0, 1000)]
    assert logs[0].root() == root_from_leaf_hashes(hashes)


@IN_MEMORY
def test_a_rebuild_with_the_same_key_reproduces_every_leaf(ledger, clock, log, tmp_path):
    from projections.stores.sqlite import SQLiteViewStore

    hours_story(ledger, clock)
    log.catch_up()
    fresh = SQLiteViewStore(str(tmp_path / "rebuilt-views.db"))
    try:
        rebuilt = open_log(ledger, fresh, batch_size=500)
        rebuilt.catch_up()
        assert rebuilt.leaves(0, 1000) == log.leaves(0, 1000)
        assert rebuilt.root() == log.root()
    finally:
        fresh.close()


def test_leaves_with_gaps_in_the_positions_stay_dense(store_url, ledger, clock, views, log):
    if store_url == "memory:":
        pytest.skip("the in-memory store numbers its events without gaps")
    table = EventTable(store_url)
    try:
        community = f.community(ledger)
        before = max(stored_ids(ledger))
        if table.postgres:  # a rolled-back insert spends ids, as a failed command would
            table.open_gap(before, 3)
            f.volunteer(ledger, community)
        else:
            f.volunteer(ledger, community)
            table.open_gap(before, 3)
        f.volunteer(ledger, community)
    finally:
        table.close()
    positions = stored_ids(ledger)
    assert before + 1 not in positions
    log.catch_up()
    leaves = log.leaves(0, 1000)
    assert [leaf.position for leaf in leaves] == positions
    assert [leaf.index for leaf in leaves] == list(range(len(positions)))
    assert log.root() == root_from_leaf_hashes(leaf.hash for leaf in leaves)


@IN_MEMORY
def test_a_leaf_shows_what_a_certificate_needs_and_nothing_personal(ledger, clock, log):
    story = hours_story(ledger, clock)
    log.catch_up()
    leaves = [parse_leaf(leaf.data) for leaf in log.leaves(0, 1000)]
    by_type = {}
    for leaf in leaves:
        by_type.setdefault(leaf["type"].rpartition(":")[2], []).append(leaf)
    recorded = by_type["ServiceRecord.Recorded"][0]["public"]
    assert recorded["record_id"] == str(story["records"][0])
    assert recorded["minutes"] == 120
    assert recorded["volunteer_id"] == str(story["volunteers"][0])
    assert set(recorded) == {
        "record_id",
        "activity_id",
        "organisation_id",
        "service_date",
        "minutes",
        "volunteer_id",
    }
    assert by_type["ServiceRecord.Approved"][0]["public"] == {
        "record_id": str(story["records"][0]),
        "status": "approved",
    }
    assert by_type["ServiceRecord.Corrected"][0]["public"] == {
        "record_id": str(story["records"][1]),
        "minutes": 100,
        "previous_minutes": 90,
    }
    assert [leaf["public"]["status"] for leaf in by_type["ServiceRecord.Revoked"]] == ["revoked"]
    assert all(leaf["public"] == {} for leaf in by_type["Volunteer.Registered"])
    text = b"".join(leaf.data for leaf in log.leaves(0, 1000)).decode()
    for personal in ("王秀英", "李建国", "赵刚", "入户探访", "按签到表更正", "138000"):
        assert personal not in text


def test_certificate_events_show_their_number_records_and_total():
    record = ServiceRecord.record(
        id=uuid4(),
        volunteer_id=uuid4(),
        activity_id=uuid4(),
        organisation_id=uuid4(),
        shift_id=None,
        source=RecordSource.MANUAL,
        time=TimeRange(datetime(2026, 3, 1, 1, tzinfo=UTC), datetime(2026, 3, 1, 3, tzinfo=UTC)),
        service_date=date(2026, 3, 1),
        minutes=120,
        description="社区义诊",
        beneficiary="张大爷",
        needs_review=False,
        actor=ORGANISER,
    )
    record.approve(Actor.account("organiser-zhou"))
    certificate = Certificate.issue(
        number="VC2026123456785",
        volunteer_id=record.volunteer_id,
        issuer_id=record.organisation_id,
        records=[record],
        person_in_charge="周建华",
        handler="刘芳",
        contact="010-64000000",
        issued_on=date(2026, 3, 5),
        issued_at=datetime(2026, 3, 5, 2, 30, tzinfo=UTC),
        actor=ORGANISER,
    )
    (issued,) = certificate.collect_events()
    public = public_fields("domain.certificate:Certificate.Issued", issued)
    assert public == {
        "certificate_id": str(certificate.id),
        "number": "VC2026123456785",
        "volunteer_id": str(record.volunteer_id),
        "record_ids": [str(record.id)],
        "total_minutes": 120,
        "issuer_id": str(record.organisation_id),
    }
    certificate.revoke("记录有误", ORGANISER)
    (revoked,) = certificate.collect_events()
    revoked_public = public_fields("domain.certificate:Certificate.Revoked", revoked)
    assert revoked_public["certificate_id"] == str(certificate.id)
