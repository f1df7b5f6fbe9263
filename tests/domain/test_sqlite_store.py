"""Group commit on SQLite: saves made at once share a transaction, each keeps its own outcome.

To make a group without relying on timing, the first save (the leader's) is held inside the
transaction until the other saves have queued behind it; they then form the next group.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from threading import Event
from typing import Any
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import IntegrityError, OperationalError, StoredEvent
from eventsourcing.utils import Environment

from domain.ledger import Ledger
from domain.ledger.command import collision_observers
from domain.sqlite_store import GroupCommitDatastore, GroupCommitter, SQLiteFactory
from domain.storage import store_env
from domain.values import Actor
from tests import factories as f

WAIT = 10.0


@pytest.fixture
def factory(tmp_path) -> Iterator[SQLiteFactory]:
    made = SQLiteFactory(Environment("Ledger", store_env(f"sqlite:///{tmp_path}/ledger.db")))
    try:
        yield made
    finally:
        made.close()


def committer_of(factory: SQLiteFactory) -> GroupCommitter:
    datastore = factory.datastore
    assert isinstance(datastore, GroupCommitDatastore)
    assert datastore.committer is not None
    return datastore.committer


def events(originator_id: UUID, *versions: int) -> list[StoredEvent]:
    return [StoredEvent(originator_id, v, "tests:Happened", f"{v}".encode()) for v in versions]


def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "the saves never queued"
        time.sleep(0.001)


@contextmanager
def leader_held_until(recorder: Any, committer: GroupCommitter, queued: int) -> Iterator[Event]:
    """The next save to lead waits, inside its transaction, until ``queued`` saves wait behind
    it. Yields an event set once the leader is waiting."""
    insert = recorder._insert_events
    holding = Event()

    def held(*args: Any, **kwargs: Any) -> Any:
        if not holding.is_set():
            holding.set()
            wait_until(lambda: committer.waiting() >= queued)
        return insert(*args, **kwargs)

    recorder._insert_events = held
    try:
        yield holding
    finally:
        del recorder._insert_events


def save_in_turn(
    pool: ThreadPoolExecutor, recorder: Any, committer: GroupCommitter, batches: list[list[Any]]
) -> list[Future[Sequence[int] | None]]:
    """Submit each batch once the one before it has queued, so a group holds them in order."""
    futures = []
    for batch in batches:
        before = committer.waiting()
        futures.append(pool.submit(recorder.insert_events, batch))
        wait_until(lambda before=before: committer.waiting() > before)
    return futures


def test_saves_made_at_once_share_one_commit_and_each_is_told_its_own_positions(factory):
    recorder = factory.application_recorder()
    committer = committer_of(factory)
    leader, others = uuid4(), [uuid4() for _ in range(20)]
    with ThreadPoolExecutor(21) as pool, leader_held_until(recorder, committer, 20) as holding:
        first = pool.submit(recorder.insert_events, events(leader, 1))
        assert holding.wait(WAIT)
        futures = {who: pool.submit(recorder.insert_events, events(who, 1, 2)) for who in others}
        positions = {who: future.result(WAIT) for who, future in futures.items()}
    assert first.result(WAIT) == [1]
    assert committer.groups == 2
    assert committer.batches == 21
    assert sorted(p for ids in positions.values() for p in ids) == list(range(2, 42))
    stored = {n.id: n.originator_id for n in recorder.select_notifications(start=1, limit=100)}
    for who, ids in positions.items():
        assert len(ids) == 2
        assert ids[1] == ids[0] + 1
        assert [stored[i] for i in ids] == [who, who]


def test_a_conflicting_save_fails_alone_and_the_rest_of_its_group_commits(factory):
    recorder = factory.application_recorder()
    committer = committer_of(factory)
    stored_before, leader, twice = uuid4(), uuid4(), uuid4()
    recorder.insert_events(events(stored_before, 1))
    good = [uuid4() for _ in range(3)]
    batches = [
        events(good[0], 1),
        events(stored_before, 2, 1),  # version 1 is stored already: a concurrent change won
        events(twice, 1),
        events(good[1], 1, 2),
        events(twice, 1),  # the same change as a save before it in this group
        events(good[2], 1),
    ]
    with (
        ThreadPoolExecutor(7) as pool,
        leader_held_until(recorder, committer, len(batches)) as holding,
    ):
        first = pool.submit(recorder.insert_events, events(leader, 1))
        assert holding.wait(WAIT)
        futures = save_in_turn(pool, recorder, committer, batches)
        outcomes: list[object] = []
        for future in futures:
            error = future.exception(WAIT)
            outcomes.append(type(error) if error else future.result())
    assert first.result(WAIT) == [2]
    assert committer.groups == 3
    assert outcomes == [[3], IntegrityError, [4], [5, 6], IntegrityError, [7]]
    notifications = recorder.select_notifications(start=1, limit=100)
    assert [n.id for n in notifications] == list(range(1, 8))
    assert [(n.originator_id, n.originator_version) for n in notifications[2:]] == [
        (good[0], 1),
        (twice, 1),
        (good[1], 1),
        (good[1], 2),
        (good[2], 1),
    ]


def test_a_failed_commit_fails_every_save_of_its_group_and_stores_none(factory, monkeypatch):
    recorder = factory.application_recorder()
    committer = committer_of(factory)

    def disk_failed(cursor: Any) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(GroupCommitter, "_commit", staticmethod(disk_failed))
    batches = [events(uuid4(), 1) for _ in range(4)]
    with (
        ThreadPoolExecutor(5) as pool,
        leader_held_until(recorder, committer, len(batches)) as holding,
    ):
        first = pool.submit(recorder.insert_events, events(uuid4(), 1))
        assert holding.wait(WAIT)
        futures = save_in_turn(pool, recorder, committer, batches)
        errors = [future.exception(WAIT) for future in futures]
    assert isinstance(first.exception(WAIT), OperationalError)
    assert all(isinstance(error, OperationalError) for error in errors)
    assert committer.groups == 2
    assert recorder.max_notification_id() is None
    monkeypatch.undo()
    assert recorder.insert_events(events(uuid4(), 1)) == [1]


def test_readers_see_a_group_whole_once_it_has_committed_and_nothing_of_it_before(
    factory, monkeypatch
):
    recorder = factory.application_recorder()
    committer = committer_of(factory)
    recorder.insert_events(events(uuid4(), 1))
    committing, go_on = Event(), Event()
    commit = GroupCommitter._commit

    def second_commit_held(cursor: Any) -> None:
        if committer.groups == 2:  # the group after the leader's
            committing.set()
            assert go_on.wait(WAIT)
        commit(cursor)

    monkeypatch.setattr(GroupCommitter, "_commit", staticmethod(second_commit_held))
    with ThreadPoolExecutor(3) as pool, leader_held_until(recorder, committer, 2) as holding:
        first = pool.submit(recorder.insert_events, events(uuid4(), 1, 2))
        assert holding.wait(WAIT)
        futures = save_in_turn(pool, recorder, committer, [events(uuid4(), 1, 2) for _ in range(2)])
        assert first.result(WAIT) == [2, 3]
        assert committing.wait(WAIT)  # both batches inserted, not yet committed
        assert recorder.max_notification_id() == 3
        assert [n.id for n in recorder.select_notifications(start=1, limit=100)] == [1, 2, 3]
        go_on.set()
        assert [future.result(WAIT) for future in futures] == [[4, 5], [6, 7]]
    assert [n.id for n in recorder.select_notifications(start=1, limit=100)] == list(range(1, 8))


def test_snapshots_are_saved_through_the_group_commit_too(factory):
    snapshots = factory.aggregate_recorder("snapshots")
    committer = committer_of(factory)
    snapshot = events(uuid4(), 50)
    assert snapshots.insert_events(snapshot) is None
    assert committer.groups == 1
    assert snapshots.select_events(snapshot[0].originator_id) == snapshot


def test_every_connection_flushes_its_commits_to_disk(factory):
    factory.application_recorder()
    pool = factory.datastore.pool
    connection = pool.get_connection(is_writer=False)
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous")
            assert cursor.fetchone()[0] == 2  # FULL
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
    finally:
        pool.put_connection(connection)


def test_a_command_whose_save_loses_in_its_group_is_tried_again_and_wins(tmp_path, clock):
    ledger = Ledger(f"sqlite:///{tmp_path}/ledger.db", clock=clock)
    collisions: list[str] = []
    collision_observers.append(lambda name, again: collisions.append(name))
    try:
        community = f.community(ledger)
        volunteer = f.volunteer(ledger, community)
        committer = ledger.factory.datastore.committer
        before = ledger.volunteer(volunteer).version

        def rename(name: str) -> None:
            ledger.change_volunteer_profile(volunteer, name=name, actor=Actor.volunteer(volunteer))

        with (
            ThreadPoolExecutor(3) as pool,
            leader_held_until(ledger.recorder, committer, 2) as holding,
        ):
            first = pool.submit(f.district, ledger, "西城区")
            assert holding.wait(WAIT)
            renames = [pool.submit(rename, name) for name in ("王晓明", "王小敏")]
            for future in [first, *renames]:
                future.result(WAIT)
    finally:
        collision_observers.pop()
        ledger.close()
    assert collisions == ["change_volunteer_profile"]
    reopened = Ledger(f"sqlite:///{tmp_path}/ledger.db", clock=clock)
    try:
        assert reopened.volunteer(volunteer).version == before + 2
    finally:
        reopened.close()


def test_a_read_that_fails_raises_the_library_s_error(factory):
    recorder = factory.application_recorder()
    with factory.datastore.transaction(commit=True) as cursor:
        cursor.execute("DROP TABLE stored_events")
    with pytest.raises(OperationalError, match="no such table"):
        recorder.select_notifications(start=1, limit=10)


def test_with_group_commit_turned_off_each_save_commits_on_its_own(tmp_path):
    env = {**store_env(f"sqlite:///{tmp_path}/ledger.db"), "SQLITE_GROUP_COMMIT": "n"}
    factory = SQLiteFactory(Environment("Ledger", env))
    try:
        recorder = factory.application_recorder()
        assert factory.datastore.committer is None
        assert recorder.insert_events(events(uuid4(), 1, 2)) == [1, 2]
        with pytest.raises(IntegrityError):
            recorder.insert_events(events(uuid4(), 1) + events(uuid4(), 1) * 2)
        assert recorder.max_notification_id() == 2
    finally:
        factory.close()


def test_a_sign_up_reads_what_it_loads_in_one_select_after_its_locks(tmp_path, clock):
    ledger = Ledger(f"sqlite:///{tmp_path}/ledger.db", clock=clock)
    try:
        community = f.community(ledger)
        shift = f.shift(ledger, f.activity(ledger, community))
        volunteer = f.volunteer(ledger, community)
        asked: list[UUID] = []
        select_events = ledger.recorder.select_events

        def counting(originator_id: UUID, **kwargs: Any) -> Any:
            asked.append(originator_id)
            return select_events(originator_id, **kwargs)

        ledger.recorder.select_events = counting  # type: ignore[method-assign]

        assert ledger.sign_up(shift, volunteer, Actor.volunteer(volunteer)) == "confirmed"
        assert asked == []  # shift and volunteer cached, the timesheet known to be new
        assert ledger.timesheet(volunteer).holds(shift)
    finally:
        ledger.close()


def test_a_sign_up_sees_a_change_another_process_stored_after_its_cached_copy(tmp_path, clock):
    url = f"sqlite:///{tmp_path}/ledger.db"
    mine, other = Ledger(url, clock=clock), Ledger(url, clock=clock)
    try:
        community = f.community(mine)
        shift = f.shift(mine, f.activity(mine, community), capacity=1)
        early, late = f.volunteer(mine, community), f.volunteer(mine, community, name="李华")
        mine.shift(shift)  # cached here with its place free
        other.sign_up(shift, early, Actor.volunteer(early))  # another process takes it

        assert mine.sign_up(shift, late, Actor.volunteer(late)) == "waitlisted"
        assert mine.shift(shift).confirmed == [early]
    finally:
        mine.close()
        other.close()
