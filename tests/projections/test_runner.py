import gc
import sqlite3
import threading

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError

from domain.ledger import Ledger
from domain.organisation import Organisation
from domain.values import Actor
from projections import all_projections
from projections.base import Projection, on
from projections.runner import ProjectionRunner
from projections.sqlite_store import SQLiteViewStore
from projections.store import view_store_for
from projections.synthetic import generate
from projections.views.shift_board import ShiftBoard
from tests import factories as f
from tests.projections.read_models import contents, other_views


def busy_shift(ledger, signups=3, capacity=2):
    community = f.community(ledger)
    shift = f.shift(ledger, f.activity(ledger, community), capacity=capacity)
    volunteers = [f.volunteer(ledger, community, name=f"志愿者{i}") for i in range(signups)]
    for v in volunteers:
        ledger.sign_up(shift, v, Actor.volunteer(v))
    return shift, volunteers


def board(views, shift):
    return views.query(
        "SELECT capacity, confirmed, waitlisted, status FROM board_shifts WHERE id = ?",
        (str(shift),),
    )[0]


def test_catching_up_applies_every_stored_event(ledger, views, runner):
    shift, _ = busy_shift(ledger)
    runner.catch_up()
    assert board(views, shift) == (2, 2, 1, "scheduled")
    assert {p.position for p in runner.progress()} == {ledger.recorder.max_notification_id()}


def test_a_second_catch_up_applies_nothing(ledger, views, runner):
    busy_shift(ledger)
    runner.catch_up()
    assert runner.catch_up() == 0


def test_a_new_runner_resumes_where_the_last_stopped(ledger, views, runner):
    shift, volunteers = busy_shift(ledger)
    runner.catch_up()
    ledger.cancel_sign_up(shift, volunteers[0], "有事", Actor.volunteer(volunteers[0]))
    restarted = ProjectionRunner(ledger, views, all_projections())
    assert restarted.catch_up() > 0
    assert board(views, shift) == (2, 2, 0, "scheduled")


def test_small_batches_give_the_same_read_model(ledger, views):
    shift, _ = busy_shift(ledger, signups=5, capacity=3)
    ProjectionRunner(ledger, views, all_projections(), batch_size=2).catch_up()
    assert board(views, shift) == (3, 3, 2, "scheduled")


def test_a_rebuild_replays_to_the_same_read_model(ledger, views, runner):
    shift, _ = busy_shift(ledger)
    runner.catch_up()
    before = board(views, shift)
    shift_board = next(p for p in runner.projections if isinstance(p, ShiftBoard))
    runner.rebuild(shift_board)
    assert views.query("SELECT COUNT(*) FROM board_shifts") == [(0,)]
    runner.catch_up()
    assert board(views, shift) == before


def test_waiting_for_a_position_catches_up_to_it(ledger, views, runner):
    busy_shift(ledger)
    position = ledger.last_position
    assert runner.wait_for(position, timeout=2) >= position


def test_a_runner_that_leaves_the_work_to_workers_only_waits_for_them(ledger, views):
    busy_shift(ledger)
    waiting = ProjectionRunner(ledger, views, all_projections(), catch_up_on_wait=False)
    assert waiting.wait_for(ledger.last_position, timeout=0.1) == 0
    ProjectionRunner(ledger, views, all_projections()).catch_up()  # as a worker would
    assert waiting.wait_for(ledger.last_position, timeout=1) == ledger.last_position


def test_a_follower_processes_new_events_by_itself(ledger, views, runner):
    runner.follow(interval=0.01)
    try:
        shift, _ = busy_shift(ledger)
        runner.wait_for(ledger.last_position, timeout=5)
        assert board(views, shift)[1:3] == (2, 1)
    finally:
        runner.stop()


def test_a_projection_with_a_new_version_is_rebuilt(ledger, views, runner):
    shift, _ = busy_shift(ledger)
    runner.catch_up()

    class ShiftBoardV2(ShiftBoard):
        version = 2

    upgraded = ProjectionRunner(ledger, views, [ShiftBoardV2()])
    assert upgraded.position(upgraded.projections[0]) == 0
    upgraded.catch_up()
    assert board(views, shift) == (2, 2, 1, "scheduled")


def test_the_roster_keeps_the_waitlist_order(ledger, views, runner):
    shift, volunteers = busy_shift(ledger, signups=4, capacity=1)
    ledger.change_capacity(shift, 2, f.ORGANISER)
    runner.catch_up()
    roster = views.query(
        "SELECT volunteer_id, status FROM board_roster WHERE shift_id = ? ORDER BY status, seq",
        (str(shift),),
    )
    assert roster == [
        (str(volunteers[0]), "confirmed"),
        (str(volunteers[1]), "confirmed"),
        (str(volunteers[2]), "waitlisted"),
        (str(volunteers[3]), "waitlisted"),
    ]


def test_one_shared_batch_gives_the_same_read_models_as_one_projection_at_a_time(
    ledger, views, store_url, tmp_path
):
    generate(ledger, 800)
    busy_shift(ledger)
    ProjectionRunner(ledger, views, all_projections(), batch_size=200).catch_up()
    with other_views(store_url, tmp_path) as alone:
        for projection in all_projections():
            ProjectionRunner(ledger, alone, [projection], batch_size=130).catch_up()
        assert contents(views, all_projections()) == contents(alone, all_projections())


def test_a_projection_behind_the_others_catches_up_alone_then_joins_them(ledger, views, runner):
    busy_shift(ledger)
    runner.catch_up()
    shift_board = next(p for p in runner.projections if isinstance(p, ShiftBoard))
    runner.rebuild(shift_board)
    busy_shift(ledger)
    batches = []
    runner.catch_up(on_batch=lambda name, events: batches.append(name))
    assert batches == ["shift_board", *(p.name for p in runner.projections)]
    assert {p.position for p in runner.progress()} == {ledger.recorder.max_notification_id()}


def test_a_batch_leaves_out_projections_another_runner_has_moved(ledger, views, runner):
    shift, _ = busy_shift(ledger)
    rival = ProjectionRunner(ledger, views, all_projections())
    stale = [rival.positions()]  # read just before the runner moves every projection
    runner.catch_up()
    rival.positions = lambda: stale.pop() if stale else ProjectionRunner.positions(rival)
    assert rival.catch_up() == 0
    assert board(views, shift) == (2, 2, 1, "scheduled")


def test_a_failing_batch_leaves_neither_view_changes_nor_position(ledger, views):
    f.community(ledger)
    failing = ProjectionRunner(ledger, views, [NamesTwice()])
    with pytest.raises(Exception, match=r"(?i)unique|duplicate"):
        failing.catch_up()
    assert failing.position(failing.projections[0]) == 0
    assert views.query("SELECT COUNT(*) FROM names_twice") == [(0,)]


def test_a_statement_the_store_cannot_prepare_is_still_applied(ledger, views):
    f.community(ledger, name="东四社区")
    ProjectionRunner(ledger, views, [UntypedNames()]).catch_up()
    names = {name for (name,) in views.query("SELECT name FROM untyped_names")}
    assert names == {"东城区", "东四社区"}


def test_a_read_only_runner_changes_no_read_model(ledger, views, runner):
    shift, _ = busy_shift(ledger)
    runner.catch_up()

    class ShiftBoardV2(ShiftBoard):
        version = 2

    reader = ProjectionRunner(ledger, views, [ShiftBoardV2()], prepare=False)
    assert [(p.name, p.lag) for p in reader.progress()] == [("shift_board", 0)]
    assert board(views, shift) == (2, 2, 1, "scheduled")


def test_awkward_values_are_written_as_they_are(ledger, views):
    f.district(ledger, name="O'Brien \\ 区 -- '); DROP TABLE x; --")
    ProjectionRunner(ledger, views, [Values()]).catch_up()
    assert views.query("SELECT name, big, absent, ratio, day FROM odd_values") == [
        ("O'Brien \\ 区 -- '); DROP TABLE x; --", 2**62, None, 1.5, "2026-03-02")
    ]


def test_a_sqlite_reader_does_not_wait_for_a_batch_in_progress(tmp_path):
    views = SQLiteViewStore(str(tmp_path / "views.db"))
    with views.transaction() as tx:
        tx.execute("CREATE TABLE shifts_seen (id INTEGER)")
        tx.execute("INSERT INTO shifts_seen VALUES (1)")
    seen = []
    with views.batch() as tx:
        tx.execute("INSERT INTO shifts_seen VALUES (2)")
        reader = threading.Thread(
            target=lambda: seen.append(views.query("SELECT COUNT(*) FROM shifts_seen"))
        )
        reader.start()
        reader.join(timeout=2)
        assert seen == [[(1,)]]  # at once, as last committed
    views.close()


@pytest.mark.postgres
def test_a_gap_in_the_positions_is_passed_over(postgres_schema, clock):
    ledger = Ledger(postgres_schema, clock=clock)
    views = view_store_for(postgres_schema)
    try:
        shift, _ = busy_shift(ledger)
        first = next(iter(ledger.events.get(shift)))
        with pytest.raises(IntegrityError):
            ledger.events.put([first])  # refused, but its notification id is spent
        busy_shift(ledger)
        head = ledger.recorder.max_notification_id()
        assert len(ledger.recorder.select_notifications(start=1, limit=10_000)) < head
        runner = ProjectionRunner(ledger, views, all_projections(), batch_size=7)
        runner.catch_up()
        assert {p.position for p in runner.progress()} == {head}
        assert board(views, shift) == (2, 2, 1, "scheduled")
    finally:
        views.close()
        ledger.close()


def test_memory_kept_through_a_failed_batch_is_forgotten(ledger, views):
    f.community(ledger)  # a district and a community
    counting = Counting()
    runner = ProjectionRunner(ledger, views, [counting], batch_size=1)
    counting.refuse = 2  # the second organisation
    with pytest.raises(RuntimeError, match="refused"):
        runner.catch_up()
    counting.refuse = None
    runner.catch_up()
    assert views.query("SELECT n FROM counted") == [(2,)]


def test_memory_is_forgotten_when_another_runner_moved_the_position(ledger, views):
    f.district(ledger)
    mine = ProjectionRunner(ledger, views, [Counting()])
    mine.catch_up()
    f.district(ledger, name="西城区")
    ProjectionRunner(ledger, views, [Counting()]).catch_up()
    f.district(ledger, name="朝阳区")
    mine.catch_up()
    assert views.query("SELECT n FROM counted") == [(3,)]


def test_memory_is_kept_from_one_batch_to_the_next(ledger, views):
    f.community(ledger)
    counting = Counting()
    ProjectionRunner(ledger, views, [counting], batch_size=1).catch_up()
    assert counting.reads == 1


def test_many_rows_written_at_once_are_seen_by_the_batch_and_committed(views):
    with views.transaction() as tx:
        tx.execute("CREATE TABLE many_rows (n INTEGER, name TEXT)")
    with views.batch() as tx:
        tx.execute_many("INSERT INTO many_rows (n, name) VALUES (?, ?)", [(1, "甲"), (2, None)])
        assert tx.query("SELECT COUNT(*) FROM many_rows") == [(2,)]
    assert views.query("SELECT n, name FROM many_rows ORDER BY n") == [(1, "甲"), (2, None)]


def test_rows_inserted_at_once_keep_awkward_values_and_follow_earlier_writes(views):
    awkward = "O'Brien \\ 区\t--\n\\N"
    with views.transaction() as tx:
        tx.execute("CREATE TABLE inserted_rows (n BIGINT PRIMARY KEY, name TEXT)")
    with views.batch() as tx:
        tx.execute("INSERT INTO inserted_rows (n, name) VALUES (?, ?)", (1, "first"))
        tx.insert_many("inserted_rows", ("n", "name"), [(2**62, awkward), (3, None)])
        tx.execute("UPDATE inserted_rows SET name = ? WHERE n = ?", ("third", 3))
    assert views.query("SELECT n, name FROM inserted_rows ORDER BY n") == [
        (1, "first"),
        (3, "third"),
        (2**62, awkward),
    ]


class Counting(Projection):
    """Counts organisations with the running count kept in memory between batches: a count
    that outlived a failed batch, or another runner's batches, would come out too high or low.
    ``refuse`` names the count at which a batch fails, after the memory has moved."""

    name = "counted"

    def __init__(self):
        self.count = None
        self.reads = 0
        self.refuse = None

    def create(self, tx):
        tx.execute("CREATE TABLE IF NOT EXISTS counted (n INTEGER NOT NULL)")

    def drop(self, tx):
        tx.execute("DROP TABLE IF EXISTS counted")

    def forget(self):
        self.count = None

    @on(Organisation.Created)
    def _created(self, tx, e, position):
        if self.count is None:
            self.reads += 1
            rows = tx.query("SELECT n FROM counted")
            self.count = rows[0][0] if rows else 0
        self.count += 1
        if self.count == self.refuse:
            raise RuntimeError("refused")
        tx.execute("DELETE FROM counted")
        tx.execute("INSERT INTO counted (n) VALUES (?)", (self.count,))


class NamesTwice(Projection):
    """Inserts each organisation's name twice: the second insert breaks the primary key."""

    name = "names_twice"

    def create(self, tx):
        tx.execute("CREATE TABLE IF NOT EXISTS names_twice (name TEXT PRIMARY KEY)")

    def drop(self, tx):
        tx.execute("DROP TABLE IF EXISTS names_twice")

    @on(Organisation.Created)
    def _created(self, tx, e, position):
        tx.execute("INSERT INTO names_twice (name) VALUES (?)", (e.name,))
        tx.execute("INSERT INTO names_twice (name) VALUES (?)", (e.name,))


class Values(Projection):
    """Writes one row of awkward values for each organisation."""

    name = "odd_values"

    def create(self, tx):
        tx.execute(
            "CREATE TABLE IF NOT EXISTS odd_values (name TEXT, big BIGINT, absent TEXT, "
            "ratio REAL, day TEXT)"
        )

    def drop(self, tx):
        tx.execute("DROP TABLE IF EXISTS odd_values")

    @on(Organisation.Created)
    def _created(self, tx, e, position):
        tx.execute(
            "INSERT INTO odd_values (name, big, absent, ratio, day) VALUES (?, ?, ?, ?, ?)",
            (e.name, 2**62, None, 1.5, "2026-03-02"),
        )


class UntypedNames(Projection):
    """A statement whose second parameter has no type PostgreSQL could infer."""

    name = "untyped_names"

    def create(self, tx):
        tx.execute("CREATE TABLE IF NOT EXISTS untyped_names (name TEXT NOT NULL)")

    def drop(self, tx):
        tx.execute("DROP TABLE IF EXISTS untyped_names")

    @on(Organisation.Created)
    def _created(self, tx, e, position):
        tx.execute(
            "INSERT INTO untyped_names (name) SELECT ? WHERE ? IS NOT NULL", (e.name, e.kind)
        )


@pytest.mark.postgres
def test_postgresql_gives_the_same_read_models_as_sqlite(postgres_schema, clock, tmp_path):
    ledger = Ledger(postgres_schema, clock=clock)
    postgres, sqlite = view_store_for(postgres_schema), SQLiteViewStore(str(tmp_path / "v.db"))
    try:
        generate(ledger, 800)
        for views in (postgres, sqlite):
            ProjectionRunner(ledger, views, all_projections(), batch_size=250).catch_up()
        assert contents(postgres, all_projections()) == contents(sqlite, all_projections())
    finally:
        postgres.close()
        sqlite.close()
        ledger.close()


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


def districts(ledger, count):
    for n in range(count):
        f.district(ledger, name=f"第{n}区")


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
    views._connection().execute("PRAGMA foreign_keys = ON")
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
    built = {name for (name,) in views.query("SELECT name FROM sqlite_master WHERE type = 'index'")}
    wanted = {index.split()[0] for p in runner.projections for index in p.indexes}
    assert len(wanted) >= 10
    assert wanted <= built
    views.close()
    ledger.close()
