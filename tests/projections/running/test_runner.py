import threading

import pytest
from eventsourcing.persistence import IntegrityError

from bench.synthetic import generate
from domain.ledger import Ledger
from domain.organisation import Organisation
from domain.values import Actor
from projections import all_projections
from projections.base import Projection, on
from projections.running.runner import ProjectionRunner
from projections.shift_board.view import ShiftBoard
from projections.stores.factory import view_store_for
from projections.stores.sqlite import SQLiteViewStore
from tests import factories as f
from tests.projections.read_models import contents, other_views
from tests.projections.running.runner_helpers import Counting, busy_shift, written_position


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
    position = written_position(ledger)
    assert runner.wait_for(position, timeout=2) >= position


def test_a_runner_that_leaves_the_work_to_workers_only_waits_for_them(ledger, views):
    busy_shift(ledger)
    position = written_position(ledger)
    waiting = ProjectionRunner(ledger, views, all_projections(), catch_up_on_wait=False)
    assert waiting.wait_for(position, timeout=0.1) == 0
    ProjectionRunner(ledger, views, all_projections()).catch_up()  # as a worker would
    assert waiting.wait_for(position, timeout=1) == position


def test_a_follower_processes_new_events_by_itself(ledger, views, runner):
    runner.follow(interval=0.01)
    try:
        shift, _ = busy_shift(ledger)
        runner.wait_for(written_position(ledger), timeout=5)
        assert board(views, shift)[1:3] == (2, 1)
    finally:
        runner.stop()


def test_a_projection_with_a_new_version_is_rebuilt(ledger, views, runner):
    shift, _ = busy_shift(ledger)
    runner.catch_up()

    class ShiftBoardV2(ShiftBoard):
        version = ShiftBoard.version + 1

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
        version = ShiftBoard.version + 1

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
