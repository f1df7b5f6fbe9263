"""The transparency log over the event store: dense leaves, proofs that verify, honest signing."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from domain.certificate import Certificate
from domain.service_record import RecordSource, ServiceRecord
from domain.values import Actor, TimeRange
from projections.log_leaves import public_fields
from projections.log_records import LogConfigurationError, LogIntegrityError
from projections.transparency import TransparencyLog
from tests import factories as f
from tests.event_store_sql import EventTable
from tests.factories import ORGANISER
from trust.checkpoint import open_checkpoint
from trust.leaf import parse_leaf
from trust.log_store import range_nodes
from trust.merkle import (
    MerkleTree,
    leaf_hash,
    root_from_leaf_hashes,
    verify_consistency,
    verify_inclusion,
)

SIGNING_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
SALT_KEY = bytes(range(100, 132))
ORIGIN = "志愿服务.example/log"
#: For behaviour that does not depend on the store: run once, on the in-memory one.
IN_MEMORY = pytest.mark.parametrize("store_url", ["memory"], indirect=True)


def open_log(ledger, views, **options) -> TransparencyLog:
    options = {"salt_key": SALT_KEY, "signing_key": SIGNING_KEY, "batch_size": 7} | options
    return TransparencyLog(
        ledger.recorder,
        ledger.mapper,
        views,
        public_key=options["signing_key"].public_key(),
        origin=ORIGIN,
        **options,
    )


@pytest.fixture
def log(ledger, views):
    return open_log(ledger, views)


def served(ledger, clock, activity, volunteer, minutes: int):
    start = clock.now - timedelta(days=2)
    return ledger.record_service(
        volunteer_id=volunteer,
        activity_id=activity,
        started_at=start,
        ended_at=start + timedelta(minutes=minutes),
        description="入户探访独居老人",
        actor=ORGANISER,
    )


def hours_story(ledger, clock) -> dict:
    """A community's volunteers serve; records are approved, corrected, rejected, revoked."""
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    wang, li, zhao = (f.volunteer(ledger, community, name=n) for n in ("王秀英", "李建国", "赵刚"))
    records = [
        served(ledger, clock, activity, v, m) for v, m in ((wang, 120), (li, 90), (zhao, 45))
    ]
    clock.advance(days=1)
    records.append(served(ledger, clock, activity, wang, 60))
    for record in records[:3]:
        ledger.approve_record(record, ORGANISER)
    ledger.correct_record(records[1], 100, "按签到表更正", ORGANISER)
    ledger.reject_record(records[3], "重复录入", ORGANISER)
    ledger.revoke_record(records[0], "活动取消", ORGANISER)
    return {"records": records, "volunteers": [wang, li, zhao], "activity": activity}


def stored_ids(ledger) -> list[int]:
    return [n.id for n in ledger.recorder.select_notifications(start=None, limit=10_000)]


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
    assert [leaf.version for leaf in leaves] == [1, 2, 3]
    assert [parse_leaf(leaf.data)["type"].rpartition(".")[2] for leaf in leaves] == [
        "Recorded",
        "Approved",
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
    from projections.sqlite_store import SQLiteViewStore

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


def test_signing_twice_without_growth_returns_the_same_checkpoint(ledger, clock, log):
    hours_story(ledger, clock)
    log.catch_up()
    first = log.sign_checkpoint_if_grown()
    clock.advance(minutes=5)
    assert log.sign_checkpoint_if_grown() == first
    assert log.checkpoints() == [first]


@IN_MEMORY
def test_a_checkpoint_is_signed_for_the_origin_with_the_log_key(ledger, clock, log):
    hours_story(ledger, clock)
    signed = log.refresh()
    opened = open_checkpoint(signed.note, ORIGIN, ORIGIN, SIGNING_KEY.public_key())
    assert opened is not None
    assert (opened.size, opened.root) == (log.size(), log.root())


@IN_MEMORY
def test_each_new_checkpoint_extends_the_last(ledger, clock, log):
    hours_story(ledger, clock)
    first = log.refresh()
    f.volunteer(ledger, f.district(ledger, "朝阳区"))
    second = log.refresh()
    assert second.size == first.size + 6
    proof = log.consistency_proof(first.size, second.size)
    assert verify_consistency(first.size, second.size, first.root, second.root, proof)
    assert log.checkpoints() == [first, second]
    assert log.checkpoints(after_size=first.size) == [second]


def odd_sized_checkpoint(ledger, clock, log):
    hours_story(ledger, clock)
    log.catch_up()
    if log.size() % 2 == 0:
        f.district(ledger, "海淀区")  # one event
        log.catch_up()
    return log.sign_checkpoint_if_grown()


def tamper_node(views, level: int, idx: int) -> None:
    forged = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
    with views.transaction() as tx:
        if level == 0:
            tx.execute("UPDATE tlog_leaves SET leaf_hash = ? WHERE leaf_index = ?", (forged, idx))
        else:
            tx.execute(
                "UPDATE tlog_nodes SET hash = ? WHERE level = ? AND idx = ?", (forged, level, idx)
            )


def test_signing_refuses_after_a_stored_leaf_hash_was_changed(ledger, clock, views, log):
    signed = odd_sized_checkpoint(ledger, clock, log)
    tamper_node(views, 0, signed.size - 1)
    f.volunteer(ledger, f.district(ledger, "丰台区"))
    log.catch_up()
    with pytest.raises(LogIntegrityError):
        log.sign_checkpoint_if_grown()
    assert log.checkpoints() == [signed]


@IN_MEMORY
def test_signing_refuses_after_a_stored_subtree_hash_was_changed(ledger, clock, views, log):
    signed = odd_sized_checkpoint(ledger, clock, log)
    tamper_node(views, *range_nodes(0, signed.size)[0])
    f.volunteer(ledger, f.district(ledger, "丰台区"))
    log.catch_up()
    with pytest.raises(LogIntegrityError):
        log.sign_checkpoint_if_grown()
    assert log.checkpoints() == [signed]


@IN_MEMORY
def test_signing_refuses_when_leaves_were_deleted(ledger, clock, views, log):
    signed = odd_sized_checkpoint(ledger, clock, log)
    with views.transaction() as tx:
        tx.execute("DELETE FROM tlog_leaves WHERE leaf_index >= ?", (signed.size - 2,))
    with pytest.raises(LogIntegrityError):
        log.sign_checkpoint_if_grown()


@IN_MEMORY
def test_signing_refuses_when_the_last_checkpoint_is_not_ours(ledger, clock, views, log):
    signed = odd_sized_checkpoint(ledger, clock, log)
    with views.transaction() as tx:
        tx.execute(
            "UPDATE tlog_checkpoints SET note = ? WHERE size = ?",
            (signed.note.replace(ORIGIN, "other.example/log"), signed.size),
        )
    f.district(ledger, "石景山区")
    log.catch_up()
    with pytest.raises(LogIntegrityError):
        log.sign_checkpoint_if_grown()


@IN_MEMORY
def test_a_log_refuses_another_salt_key(ledger, views, log):
    with pytest.raises(LogConfigurationError):
        open_log(ledger, views, salt_key=bytes(32))


@IN_MEMORY
def test_a_log_refuses_another_signing_key(ledger, views, log):
    with pytest.raises(LogConfigurationError):
        open_log(ledger, views, signing_key=Ed25519PrivateKey.generate())


@IN_MEMORY
def test_a_read_only_log_neither_appends_nor_signs(ledger, clock, views, log):
    hours_story(ledger, clock)
    reader = TransparencyLog(
        ledger.recorder,
        ledger.mapper,
        views,
        salt_key=SALT_KEY,
        public_key=SIGNING_KEY.public_key(),
        origin=ORIGIN,
        read_only=True,
    )
    with pytest.raises(LogConfigurationError):
        reader.catch_up()
    with pytest.raises(LogConfigurationError):
        reader.sign_checkpoint_if_grown()
