"""The replay check on its own: what it says about the log's tables, keys and checkpoints."""

from __future__ import annotations

import pytest

from projections.transparency.audit import audit_log
from tests import factories as f
from tests.projections.transparency.log_helpers import ORIGIN, SALT_KEY, SIGNING_KEY, open_log

pytestmark = pytest.mark.parametrize("store_url", ["memory"], indirect=True)


def audit(ledger, views, salt_key=SALT_KEY):
    return audit_log(
        ledger.recorder,
        ledger.mapper,
        views,
        salt_key=salt_key,
        public_key=SIGNING_KEY.public_key(),
        origin=ORIGIN,
        batch_size=4,
    )


@pytest.fixture
def signed(ledger, views):
    log = open_log(ledger, views)
    f.volunteer(ledger, f.community(ledger))
    log.refresh()
    f.volunteer(ledger, f.district(ledger, "通州区"))
    log.refresh()
    return log


def test_an_untouched_log_passes_with_every_checkpoint_checked(ledger, views, signed):
    report = audit(ledger, views)
    assert report.ok
    assert (report.events, report.leaves, report.checkpoints) == (16, 16, 2)


def test_events_after_the_last_leaf_are_counted_not_blamed(ledger, views, signed):
    f.district(ledger, "顺义区")
    report = audit(ledger, views)
    assert report.ok
    assert report.unlogged == 1


def test_another_salt_key_is_one_problem_not_one_per_event(ledger, views, signed):
    report = audit(ledger, views, salt_key=bytes(32))
    assert [str(p) for p in report.problems] == [
        "the salt key is not the one the log was built with: nothing compared"
    ]


def test_a_log_of_format_1_leaves_is_one_problem_and_nothing_compared(ledger, views, signed):
    with views.transaction() as tx:
        tx.execute("DELETE FROM tlog_meta WHERE name = 'leaf_format'")
    report = audit(ledger, views)
    assert [str(p) for p in report.problems] == [
        "this store's transparency log holds leaves of format 1, and this version reads and "
        "writes only format 2 (no upgrade): use a new store: nothing compared"
    ]


def test_a_changed_row_of_the_log_itself_is_found(ledger, views, signed):
    with views.transaction() as tx:
        tx.execute("UPDATE tlog_leaves SET leaf = leaf || ' ' WHERE leaf_index = 5")
    report = audit(ledger, views)
    assert not report.ok
    assert str(report.problems[0]).startswith("position 6 (leaf 5): the log's stored leaf hash")


def test_an_altered_checkpoint_row_is_found(ledger, views, signed):
    with views.transaction() as tx:
        tx.execute("UPDATE tlog_checkpoints SET root = ? WHERE size = 10", ("A" * 43 + "=",))
    report = audit(ledger, views)
    assert [str(p) for p in report.problems] == [
        "the checkpoint of size 10 was altered: its row differs from its signed note"
    ]


def test_a_store_without_a_log_is_one_problem(ledger, views):
    f.district(ledger)
    report = audit(ledger, views)
    assert [str(p) for p in report.problems] == [
        "this store has no transparency log (no tlog_* tables)"
    ]
