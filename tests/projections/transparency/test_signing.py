"""Signed checkpoints of the transparency log: each extends the last, and none is signed over a
tampered tree or with keys that are not the log's."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from projections.transparency.log import TransparencyLog
from projections.transparency.records import LogConfigurationError, LogIntegrityError
from tests import factories as f
from tests.projections.transparency.log_helpers import (
    IN_MEMORY,
    ORIGIN,
    SALT_KEY,
    SIGNING_KEY,
    hours_story,
    open_log,
)
from trust.checkpoint import open_checkpoint
from trust.log_store import range_nodes
from trust.merkle import verify_consistency


@pytest.fixture
def log(ledger, views):
    return open_log(ledger, views)


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


@pytest.mark.parametrize("stored_hash", ["leaf", "subtree"])
def test_signing_refuses_after_a_stored_hash_was_changed(ledger, clock, views, log, stored_hash):
    signed = odd_sized_checkpoint(ledger, clock, log)
    leaf, subtree = (0, signed.size - 1), range_nodes(0, signed.size)[0]
    tamper_node(views, *(leaf if stored_hash == "leaf" else subtree))
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


def as_built_by_format_1(views) -> None:
    """The log's meta as a version writing format-1 leaves left it: no leaf format named."""
    with views.transaction() as tx:
        tx.execute("DELETE FROM tlog_meta WHERE name = 'leaf_format'")


def test_a_log_of_format_1_leaves_is_refused_with_one_line(ledger, clock, views, log):
    hours_story(ledger, clock)
    log.catch_up()
    as_built_by_format_1(views)
    with pytest.raises(LogConfigurationError) as refused:
        open_log(ledger, views)
    assert str(refused.value) == (
        "this store's transparency log holds leaves of format 1, and this version reads and "
        "writes only format 2 (no upgrade): use a new store"
    )


@IN_MEMORY
def test_a_log_of_another_named_format_is_refused(ledger, views, log):
    with views.transaction() as tx:
        tx.execute("UPDATE tlog_meta SET value = '3' WHERE name = 'leaf_format'")
    with pytest.raises(LogConfigurationError, match="format 3"):
        open_log(ledger, views)


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
