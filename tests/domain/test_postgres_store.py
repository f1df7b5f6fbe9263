"""The PostgreSQL event store: a command's connection checked by its first lock, a save in one
round trip that still refuses a collision whole."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from domain import postgres_store
from domain.ledger import Ledger
from domain.ledger.locks import advisory_key
from domain.shift import SignUpStatus
from domain.storage import StoreUnavailableError
from domain.values import Actor
from tests import factories as f
from tests.conftest import postgres_dsn

pytestmark = pytest.mark.postgres

#: One pooled connection, so that every statement of a test meets the same one.
ONE_CONNECTION = {"POSTGRES_POOL_SIZE": "1", "POSTGRES_MAX_OVERFLOW": "0"}


@pytest.fixture
def ledger(postgres_schema: str, clock: Any) -> Iterator[Ledger]:
    app = Ledger(postgres_schema, clock=clock, env=ONE_CONNECTION)
    yield app
    app.close()


def _pool(ledger: Ledger) -> Any:
    return ledger.factory.datastore.pool  # type: ignore[attr-defined]


def _count_checks(ledger: Ledger) -> list[int]:
    """Counts the pool's checks of the connections it lends (``POSTGRES_PRE_PING``)."""
    pool, checked = _pool(ledger), [0]
    check = pool._check

    def counting(connection: Any) -> None:
        checked[0] += 1
        check(connection)

    pool._check = counting
    return checked


def _drop_pooled_connections(ledger: Ledger) -> int:
    """Ends, on the server, every idle connection of the ledger's pool (as a restart would)."""
    pids = [connection.info.backend_pid for connection in _pool(ledger)._pool]
    with psycopg.connect(postgres_dsn(), autocommit=True) as admin:
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,))
    return len(pids)


def _stored(originator_id: uuid.UUID, version: int) -> StoredEvent:
    return StoredEvent(originator_id, version, "tests:Probe", b"{}")


def test_a_sign_up_is_lent_its_connection_unchecked_because_its_lock_checks_it(ledger):
    community = f.community(ledger)
    shift = f.shift(ledger, f.activity(ledger, community), starts_in=timedelta(days=2))
    volunteer = f.volunteer(ledger, community)
    checked = _count_checks(ledger)

    ledger.sign_up(shift, volunteer, Actor.volunteer(volunteer))
    assert checked == [0]
    ledger.shift(shift)  # a load outside any command is checked as before
    assert checked == [1]


def test_a_sign_up_whose_pooled_connection_the_server_dropped_runs_on_a_new_one(ledger):
    community = f.community(ledger)
    shift = f.shift(ledger, f.activity(ledger, community), starts_in=timedelta(days=2))
    volunteer = f.volunteer(ledger, community)
    assert _drop_pooled_connections(ledger) == 1

    status = ledger.sign_up(shift, volunteer, Actor.volunteer(volunteer))

    assert status == SignUpStatus.CONFIRMED
    assert ledger.shift(shift).confirmed == [volunteer]


def test_a_save_returns_the_positions_it_stored_in_order(ledger):
    before = ledger.recorder.max_notification_id() or 0
    first, second = uuid.uuid4(), uuid.uuid4()

    positions = ledger.recorder.insert_events([_stored(first, 1), _stored(second, 1)])

    assert positions == [before + 1, before + 2]
    assert ledger.recorder.max_notification_id() == before + 2


def test_a_save_that_collides_stores_none_of_its_events_and_leaves_the_connection_usable(
    ledger,
):
    taken, fresh = uuid.uuid4(), uuid.uuid4()
    for version in range(1, 7):  # psycopg prepares a statement it has run a few times
        ledger.recorder.insert_events([_stored(taken, version)])

    with pytest.raises(IntegrityError):
        ledger.recorder.insert_events([_stored(fresh, 1), _stored(taken, 6)])

    assert ledger.recorder.select_events(fresh) == []
    positions = ledger.recorder.insert_events([_stored(fresh, 1)])  # the one connection again
    assert positions == [ledger.recorder.max_notification_id()]
    assert [e.originator_version for e in ledger.recorder.select_events(fresh)] == [1]


def _locked(id: uuid.UUID) -> bool:
    """Whether some session holds the advisory lock of an aggregate id (its 64-bit key is
    shown in two unsigned halves)."""
    key = advisory_key(id) & 0xFFFF_FFFF_FFFF_FFFF
    with psycopg.connect(postgres_dsn(), autocommit=True) as other:
        row = other.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND classid::bigint = %s AND objid::bigint = %s AND objsubid = 1",
            (key >> 32, key & 0xFFFF_FFFF),
        ).fetchone()
    assert row is not None
    return bool(row[0])


def test_a_save_that_collides_keeps_the_locks_for_the_retry_and_one_that_lands_releases_them(
    ledger,
):
    taken, fresh = uuid.uuid4(), uuid.uuid4()
    ledger.recorder.insert_events([_stored(taken, 1)])
    with ledger.holding([taken]):
        assert _locked(taken)
        with pytest.raises(IntegrityError):
            ledger.recorder.insert_events([_stored(taken, 1)])
        assert _locked(taken)

        ledger.recorder.insert_events([_stored(fresh, 1)])
        assert not _locked(taken)  # released with the commit, before the command ends
    assert not _locked(taken)


def test_a_command_that_stores_nothing_releases_its_locks_when_it_ends(ledger):
    shift = uuid.uuid4()
    with ledger.holding([shift]):
        assert _locked(shift)
    assert not _locked(shift)


def test_a_sign_up_whose_connection_took_the_whole_wait_to_fail_is_not_tried_again(
    ledger, monkeypatch
):
    community = f.community(ledger)
    shift = f.shift(ledger, f.activity(ledger, community), starts_in=timedelta(days=2))
    volunteer = f.volunteer(ledger, community)
    _drop_pooled_connections(ledger)
    ticks = iter(range(0, 1000, 2))  # each reading of the clock two seconds after the last
    monkeypatch.setattr(postgres_store, "monotonic", lambda: next(ticks))
    requests = _pool(ledger).get_stats()["requests_num"]

    with pytest.raises(StoreUnavailableError):
        ledger.sign_up(shift, volunteer, Actor.volunteer(volunteer))
    assert _pool(ledger).get_stats()["requests_num"] == requests + 1


def test_a_sign_up_reads_its_cached_shift_s_new_events_with_its_lock(postgres_schema, clock):
    mine, other = (Ledger(postgres_schema, clock=clock, env=ONE_CONNECTION) for _ in range(2))
    try:
        community = f.community(mine)
        shift = f.shift(mine, f.activity(mine, community), capacity=1)
        early, late = f.volunteer(mine, community), f.volunteer(mine, community, name="李华")
        mine.shift(shift)  # cached here at its first version
        other.sign_up(shift, early, Actor.volunteer(early))  # another worker takes the place
        asked: list[uuid.UUID] = []
        select_events = mine.recorder.select_events

        def counting(originator_id, **kwargs):
            asked.append(originator_id)
            return select_events(originator_id, **kwargs)

        mine.recorder.select_events = counting  # type: ignore[method-assign]

        assert mine.sign_up(shift, late, Actor.volunteer(late)) == SignUpStatus.WAITLISTED
        assert shift not in asked  # read in the round trip of the lock, after it
    finally:
        mine.close()
        other.close()


def test_a_save_larger_than_its_scalar_rows_returns_its_positions_in_order(ledger):
    before = ledger.recorder.max_notification_id() or 0
    many = uuid.uuid4()
    count = postgres_store.SCALAR_ROWS + 4

    positions = ledger.recorder.insert_events([_stored(many, v) for v in range(1, count + 1)])

    assert positions == list(range(before + 1, before + count + 1))
    stored = ledger.recorder.select_events(many)
    assert [e.originator_version for e in stored] == list(range(1, count + 1))


def test_a_sign_up_reads_the_volunteer_s_missing_timesheet_with_its_locks(ledger):
    community = f.community(ledger)
    shift = f.shift(ledger, f.activity(ledger, community), starts_in=timedelta(days=2))
    volunteer = f.volunteer(ledger, community)
    asked: list[uuid.UUID] = []
    select_events = ledger.recorder.select_events

    def counting(originator_id, **kwargs):
        asked.append(originator_id)
        return select_events(originator_id, **kwargs)

    ledger.recorder.select_events = counting  # type: ignore[method-assign]

    assert ledger.sign_up(shift, volunteer, Actor.volunteer(volunteer)) == SignUpStatus.CONFIRMED
    assert asked == []  # shift and volunteer cached, the timesheet known to be new
    assert ledger.timesheet(volunteer).holds(shift)
