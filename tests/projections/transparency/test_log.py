"""The transparency log over the event store: dense leaves, proofs that verify, honest signing."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from domain.certificate import Certificate
from domain.service_record import RecordSource, ServiceRecord
from domain.values import Actor, TimeRange
from projections.transparency.leaves import committed_fields, public_fields
from tests import factories as f
from tests.event_store_sql import EventTable
from tests.factories import ORGANISER
from tests.projections.transparency.log_helpers import (
    IN_MEMORY,
    SALT_KEY,
    hours_story,
    open_log,
    stored_ids,
)
from trust.leaf import holder_tag, open_commitments, parse_leaf
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


def by_type(log) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for leaf in log.leaves(0, 1000):
        parsed = parse_leaf(leaf.data)
        found.setdefault(parsed["type"].rpartition(":")[2], []).append(parsed)
    return found


@IN_MEMORY
def test_a_leaf_commits_to_what_a_certificate_needs_and_shows_no_one(ledger, clock, log):
    story = hours_story(ledger, clock)
    log.catch_up()
    leaves = by_type(log)
    assert set(leaves["ServiceRecord.Recorded"][0]["commitments"]) == {
        "record",
        "holder",
        "service_date",
        "minutes",
    }
    assert leaves["ServiceRecord.Recorded"][0]["public"] == {}
    approved = leaves["ServiceRecord.Approved"][0]
    assert (approved["public"], set(approved["commitments"])) == (
        {"status": "approved"},
        {"record"},
    )
    assert set(leaves["ServiceRecord.Corrected"][0]["commitments"]) == {"record", "minutes"}
    assert [leaf["public"]["status"] for leaf in leaves["ServiceRecord.Revoked"]] == ["revoked"]
    assert all(
        leaf["public"] == leaf["commitments"] == {} for leaf in leaves["Volunteer.Registered"]
    )
    text = b"".join(leaf.data for leaf in log.leaves(0, 1000)).decode()
    ids = [*story["records"], *story["volunteers"], story["activity"]]
    for secret in (
        "王秀英",
        "李建国",
        "赵刚",
        "入户探访",
        "按签到表更正",
        "138000",
        *map(str, ids),
    ):
        assert secret not in text


@IN_MEMORY
def test_a_leafs_openings_open_it_to_the_events_values(ledger, clock, log):
    story = hours_story(ledger, clock)
    log.catch_up()
    first, *_ = log.leaves_of(str(story["records"][1]))
    opened = open_commitments(parse_leaf(first.data), log.openings(first))
    assert opened == {
        "record": str(story["records"][1]),
        "holder": log.holder(str(story["volunteers"][1])),
        "service_date": opened["service_date"],
        "minutes": 90,
    }


def issued_and_revoked() -> tuple[ServiceRecord, Certificate, list]:
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
    certificate.revoke("记录有误", ORGANISER)
    (revoked,) = certificate.collect_events()
    return record, certificate, [issued, revoked]


def test_certificate_events_commit_to_their_number_holder_records_and_total():
    record, _, (issued, revoked) = issued_and_revoked()
    assert public_fields("domain.certificate:Certificate.Issued", issued) == {}
    assert committed_fields("domain.certificate:Certificate.Issued", issued, SALT_KEY) == {
        "number": "VC2026123456785",
        "holder": holder_tag(SALT_KEY, str(record.volunteer_id)),
        "record_ids": [str(record.id)],
        "total_minutes": 120,
    }
    assert committed_fields("domain.certificate:Certificate.Revoked", revoked, SALT_KEY) == {
        "number": "VC2026123456785"
    }
