"""How the runner loads a long catch-up: query indexes deferred, each SQLite commit beside the
next read, the garbage collector paused per batch, large SQLite pages, and only the events a
group handles decoded."""

import gc
import sqlite3
import threading

import psycopg
import pytest

from domain.ledger import Ledger
from domain.organisation import Organisation
from projections import all_projections
from projections.audit.view import AuditTrail
from projections.base import Projection, on
from projections.running.runner import ProjectionRunner
from projections.stores.factory import view_store_for
from projections.stores.sqlite import SQLiteViewStore
from tests.projections.running.runner_helpers import Counting, busy_shift, districts


class Indexed(Projection):
    """Organisation names with a query index; notes at each batch whether the index is there."""

    name = "indexed"
    indexes = ("indexed_names ON indexed (name)",)

    def __init__(self, store_url):
        self.seen = []
        self.find_index = (
            "SELECT 1 FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ?"
            if store_url.startswith("postgres")
            else "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?"
        )

    def has_index(self, tx):
        return bool(tx.query(self.find_index, ("indexed_names",)))

    def create(self, tx):
        tx.execute("CREATE TABLE IF NOT EXISTS indexed (id TEXT PRIMARY KEY, name TEXT)")

    def drop(self, tx):
        tx.execute("DROP TABLE IF EXISTS indexed")

    def apply_batch(self, tx, events):
        self.seen.append(self.has_index(tx))
        super().apply_batch(tx, events)

    @on(Organisation.Created)
    def _created(self, tx, e, position):
        tx.execute("INSERT INTO indexed (id, name) VALUES (?, ?)", (str(e.originator_id), e.name))


def index_built(views, indexed):
    with views.transaction() as tx:
        return indexed.has_index(tx)


def test_a_long_catch_up_loads_without_the_query_indexes_and_builds_them_at_its_end(
    ledger, views, store_url
):
    districts(ledger, 6)
    indexed = Indexed(store_url)
    runner = ProjectionRunner(ledger, views, [indexed], batch_size=2, bulk_lag=3)
    runner.catch_up()
    assert indexed.seen == [False, False, False]
    assert index_built(views, indexed)
    assert views.query("SELECT COUNT(*) FROM indexed") == [(6,)]


def test_a_short_catch_up_keeps_the_query_indexes(ledger, views, store_url):
    districts(ledger, 6)
    indexed = Indexed(store_url)
    ProjectionRunner(ledger, views, [indexed], batch_size=2).catch_up()
    assert indexed.seen == [True, True, True]


def test_a_catch_up_shorter_than_what_is_folded_keeps_the_query_indexes(ledger, views, store_url):
    districts(ledger, 6)
    indexed = Indexed(store_url)
    runner = ProjectionRunner(ledger, views, [indexed], batch_size=2, bulk_lag=3)
    runner.catch_up()
    districts(ledger, 4)  # past bulk_lag, but fewer than the six folded
    indexed.seen.clear()
    runner.catch_up()
    assert indexed.seen == [True, True]


def test_a_long_catch_up_stopped_halfway_builds_the_indexes_when_it_is_resumed(
    ledger, views, store_url
):
    districts(ledger, 6)
    stop = threading.Event()
    first = ProjectionRunner(ledger, views, [Indexed(store_url)], batch_size=2, bulk_lag=3)
    first.catch_up(on_batch=lambda name, size: stop.set(), stop=stop)
    indexed = Indexed(store_url)
    assert not index_built(views, indexed)
    ProjectionRunner(ledger, views, [indexed], batch_size=2, bulk_lag=3).catch_up()
    assert index_built(views, indexed)
    assert views.query("SELECT COUNT(*) FROM indexed") == [(6,)]


def test_indexes_a_failed_last_batch_would_have_built_are_built_by_the_next(
    ledger, views, store_url
):
    districts(ledger, 6)
    indexed = Indexed(store_url)
    runner = ProjectionRunner(ledger, views, [indexed], batch_size=2, bulk_lag=3)

    def refuse_the_last(tx, events):
        if len(indexed.seen) == 2:
            indexed.seen.append("refused")
            raise RuntimeError("refused")
        Indexed.apply_batch(indexed, tx, events)

    indexed.apply_batch = refuse_the_last
    with pytest.raises(RuntimeError, match="refused"):
        runner.catch_up()
    assert not index_built(views, indexed)
    runner.catch_up()
    assert index_built(views, indexed)
    assert views.query("SELECT COUNT(*) FROM indexed") == [(6,)]


def test_what_a_batch_does_meanwhile_runs_once_and_sees_the_batch_committed(views):
    with views.transaction() as tx:
        tx.execute("CREATE TABLE committed_rows (n INTEGER)")
    ran = []
    with views.batch(meanwhile=lambda: ran.append("meanwhile")) as tx:
        tx.execute("INSERT INTO committed_rows VALUES (1)")
    assert ran == ["meanwhile"]
    assert views.query("SELECT n FROM committed_rows") == [(1,)]


def test_a_sqlite_batch_whose_commit_fails_is_rolled_back_and_raised(tmp_path):
    views = SQLiteViewStore(str(tmp_path / "views.db"))
    with views.transaction() as tx:
        tx.execute("CREATE TABLE parents (id INTEGER PRIMARY KEY)")
        tx.execute(
            "CREATE TABLE children (parent INTEGER "
            "REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED)"
        )
    # A deferred foreign key is checked at COMMIT: the one way to make a commit fail at will.
    with views._writer() as connection:
        connection.execute("PRAGMA foreign_keys = ON")
    ran = []
    with pytest.raises(sqlite3.IntegrityError), views.batch(meanwhile=lambda: ran.append(1)) as tx:
        tx.execute("INSERT INTO children VALUES (7)")
    assert ran == [1]
    assert views.query("SELECT COUNT(*) FROM children") == [(0,)]
    with views.batch() as tx:  # the connection is usable again
        tx.execute("INSERT INTO parents VALUES (7)")
        tx.execute("INSERT INTO children VALUES (7)")
    assert views.query("SELECT parent FROM children") == [(7,)]
    views.close()


def test_a_batch_read_ahead_is_not_used_once_a_rebuild_moved_the_position(ledger, views):
    districts(ledger, 6)
    stop = threading.Event()
    counting = Counting()
    mine = ProjectionRunner(ledger, views, [counting], batch_size=2)
    mine.catch_up(on_batch=lambda name, size: stop.set(), stop=stop)  # reads ahead 3 and 4
    other = ProjectionRunner(ledger, views, [Counting()], batch_size=2)
    other.rebuild(other.projections[0])
    mine.catch_up()
    assert views.query("SELECT n FROM counted") == [(6,)]


def test_the_garbage_collector_is_on_again_after_a_catch_up(ledger, views):
    districts(ledger, 3)
    seen = []
    ProjectionRunner(ledger, views, [Counting()], batch_size=1).catch_up(
        on_batch=lambda name, size: seen.append(gc.isenabled())
    )
    assert seen == [False, False, False]  # paused while each batch is decoded and applied
    assert gc.isenabled()


def test_the_garbage_collector_is_on_again_after_a_failed_batch(ledger, views):
    districts(ledger, 2)
    counting = Counting()
    counting.refuse = 2
    with pytest.raises(RuntimeError, match="refused"):
        ProjectionRunner(ledger, views, [counting], batch_size=1).catch_up()
    assert gc.isenabled()


def test_a_new_sqlite_read_model_file_has_large_pages_and_a_write_ahead_log(tmp_path):
    views = SQLiteViewStore(str(tmp_path / "views.db"))
    assert views.query("PRAGMA page_size") == [(16_384,)]
    assert views.query("PRAGMA journal_mode") == [("wal",)]
    views.close()


def test_a_batch_whose_writes_fail_while_it_finishes_leaves_nothing_written(views):
    with views.transaction() as tx:
        tx.execute("CREATE TABLE unique_names (name TEXT PRIMARY KEY)")

    def insert_twice():
        with views.batch(meanwhile=lambda: None) as tx:
            tx.execute("INSERT INTO unique_names (name) VALUES (?)", ("东城区",))
            tx.execute("INSERT INTO unique_names (name) VALUES (?)", ("东城区",))

    with pytest.raises((sqlite3.IntegrityError, psycopg.errors.UniqueViolation)):
        insert_twice()  # on PostgreSQL, when the last writes go
    assert views.query("SELECT COUNT(*) FROM unique_names") == [(0,)]


def test_every_projection_has_its_query_indexes_after_a_catch_up(tmp_path, clock):
    ledger = Ledger(f"sqlite:///{tmp_path}/ledger.db", clock=clock)
    views = view_store_for(f"sqlite:///{tmp_path}/ledger.db")
    busy_shift(ledger)
    runner = ProjectionRunner(ledger, views, all_projections())
    runner.catch_up()
    built = {  # in the main file, and in those of the read models kept apart
        name
        for p in runner.projections
        for (name,) in views.part_for(p.name).query(
            "SELECT name FROM sqlite_master WHERE type = 'index'"
        )
    }
    wanted = {index.split()[0] for p in runner.projections for index in p.indexes}
    assert len(wanted) >= 10
    assert wanted <= built
    views.close()
    ledger.close()


def decoded_classes(ledger, monkeypatch):
    """The classes of the events the ledger's mapper decodes from now on, in order."""
    decoded = []
    to_domain_event = ledger.mapper.to_domain_event

    def counting(notification):
        event = to_domain_event(notification)
        decoded.append(type(event))
        return event

    monkeypatch.setattr(ledger.mapper, "to_domain_event", counting)
    return decoded


def test_a_group_decodes_only_the_events_its_projections_handle(ledger, views, monkeypatch):
    busy_shift(ledger)
    districts(ledger, 4)
    stored = ledger.recorder.select_notifications(start=1, limit=1000)
    decoded = decoded_classes(ledger, monkeypatch)
    counting = Counting()
    runner = ProjectionRunner(ledger, views, [counting], batch_size=3)
    assert runner.catch_up() == len(stored)
    created = [n for n in stored if n.topic.endswith("Organisation.Created")]
    assert set(decoded) == {Organisation.Created}
    assert len(decoded) == len(created)
    assert views.query("SELECT n FROM counted") == [(len(created),)]
    assert runner.positions() == {"counted": stored[-1].id}


def test_a_group_with_the_audit_trail_decodes_every_event(ledger, views, monkeypatch):
    busy_shift(ledger)
    stored = ledger.recorder.select_notifications(start=1, limit=1000)
    decoded = decoded_classes(ledger, monkeypatch)
    ProjectionRunner(ledger, views, [Counting(), AuditTrail()], batch_size=3).catch_up()
    assert len(decoded) == len(stored)
    assert views.query("SELECT COUNT(*) FROM audit_entries") == [(len(stored),)]
