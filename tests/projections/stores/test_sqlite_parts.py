"""Read models kept in SQLite files of their own: written apart, read together."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.ledger import Ledger
from projections import all_projections
from projections.running.runner import ProjectionRunner
from projections.stores.factory import view_store_for
from projections.stores.sqlite import SQLiteViewStore
from tests.projections.running.runner_helpers import busy_shift


def tables_in(file: Path) -> set[str]:
    connection = sqlite3.connect(file)
    try:
        return {name for (name,) in connection.execute("SELECT name FROM sqlite_master")}
    finally:
        connection.close()


def named(*names: str) -> list:
    return [p for p in all_projections() if p.name in names]


@pytest.fixture
def ledger(tmp_path, clock) -> Iterator[Ledger]:
    app = Ledger(f"sqlite:///{tmp_path}/ledger.db", clock=clock)
    busy_shift(app)
    yield app
    app.close()


def test_the_audit_trail_is_written_in_its_own_file_and_read_with_the_others(ledger, tmp_path):
    views = view_store_for(f"sqlite:///{tmp_path}/ledger.db")
    ProjectionRunner(ledger, views, all_projections()).catch_up()
    head = ledger.recorder.max_notification_id()

    assert "audit_entries" in tables_in(tmp_path / "ledger-views-audit.db")
    assert "audit_entries" not in tables_in(tmp_path / "ledger-views.db")
    assert "board_roster" in tables_in(tmp_path / "ledger-views.db")
    # One query reaches both files: a table wherever it lives, even joined.
    (entries,) = views.query("SELECT COUNT(*) FROM audit_entries")[0]
    assert entries > 0
    joined = views.query(
        "SELECT COUNT(*) FROM audit_entries JOIN dir_volunteers ON dir_volunteers.id = "
        "audit_entries.volunteer_id"
    )
    assert joined[0][0] > 0
    with views.read() as tx:
        assert tx.query("SELECT COUNT(*) FROM audit_subjects")[0][0] > 0
    assert set(ProjectionRunner(ledger, views, all_projections()).positions().values()) == {head}
    views.close()


def test_a_worker_of_the_audit_trail_writes_while_the_main_file_is_locked(ledger, tmp_path):
    """Two projection workers, one for the audit trail and one for the rest, do not take turns
    on one write lock: the trail commits while another writer holds the main file's."""
    url = f"sqlite:///{tmp_path}/ledger.db"
    views = view_store_for(url)
    runner = ProjectionRunner(ledger, views, named("audit"))
    other = sqlite3.connect(tmp_path / "ledger-views.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # the other worker, in the middle of a batch
    try:
        assert runner.catch_up() == ledger.recorder.max_notification_id()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert views.query("SELECT COUNT(*) FROM audit_entries")[0][0] > 0
    views.close()


def test_a_trail_left_in_the_main_file_by_the_old_layout_is_moved_to_its_own(ledger, tmp_path):
    one_file = SQLiteViewStore(str(tmp_path / "ledger-views.db"))
    ProjectionRunner(ledger, one_file, all_projections()).catch_up()
    expected = one_file.query("SELECT COUNT(*) FROM audit_entries")
    one_file.close()
    assert "audit_entries" in tables_in(tmp_path / "ledger-views.db")

    views = view_store_for(f"sqlite:///{tmp_path}/ledger.db")
    runner = ProjectionRunner(ledger, views, all_projections())
    assert "audit_entries" not in tables_in(tmp_path / "ledger-views.db")
    assert runner.positions()["audit"] == 0  # replayed into its own file
    assert runner.positions()["hours"] == ledger.recorder.max_notification_id()  # kept
    runner.catch_up()
    assert views.query("SELECT COUNT(*) FROM audit_entries") == expected
    views.close()


def test_a_rebuild_of_the_audit_trail_replays_it_in_its_own_file(ledger, tmp_path):
    views = view_store_for(f"sqlite:///{tmp_path}/ledger.db")
    runner = ProjectionRunner(ledger, views, all_projections())
    runner.catch_up()
    expected = views.query("SELECT COUNT(*) FROM audit_entries")
    runner.rebuild(next(p for p in runner.projections if p.name == "audit"))
    assert runner.positions()["audit"] == 0
    assert views.query("SELECT COUNT(*) FROM audit_entries") == [(0,)]
    runner.catch_up()
    assert views.query("SELECT COUNT(*) FROM audit_entries") == expected
    views.close()


def test_an_in_memory_store_has_no_files_apart():
    with pytest.raises(ValueError, match="no other files"):
        SQLiteViewStore(":memory:", parts={"audit": "elsewhere.db"})
