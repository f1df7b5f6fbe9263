"""The event store on SQLite, with group commit: saves made at the same moment share one fsync.

With ``synchronous=FULL`` (set on every connection here, so that durability does not hang on how
SQLite was compiled) each commit waits for the disk to flush the write-ahead log, and that
flush, not the insert, is most of a save's cost. The library commits each save on its own,
one after another behind its pool's writer lock. Here a save hands its stored events to the
datastore's ``GroupCommitter`` and waits:

- if no commit is in progress, the caller becomes the *leader*: it takes every batch queued so
  far (its own among them) and writes them in one transaction (``BEGIN IMMEDIATE``), each
  batch inside its own ``SAVEPOINT``, in the order they arrived; then it commits once;
- a batch that fails (an ``IntegrityError`` on ``(originator_id, originator_version)``: a
  concurrent change won) is rolled back to its savepoint and fails alone, with the library's
  error; the rest of the group goes on, and no row id is lost (SQLite gives the next batch the
  id the rolled-back one had). A group of one batch has no savepoint: if it fails, its
  transaction is rolled back and nothing is committed;
- callers that arrive while a group is committing queue for the next group, which one of them
  leads as soon as the commit returns;
- nobody returns before the ``COMMIT`` holding their events has returned: a caller is told its
  notification ids, or its error, only then. If the ``COMMIT`` itself fails, every batch of the
  group fails with that error and none is stored.

Readers see a group all at once, when it commits (WAL snapshots), so the notification log never
shows a gap that later fills, and positions grow in the order of the commits (within a group,
in the order the batches were queued). The snapshot store shares the datastore and its groups.
"""

from __future__ import annotations

import copy
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import (
    ApplicationRecorder,
    DatabaseError,
    DataError,
    IntegrityError,
    InterfaceError,
    InternalError,
    NotSupportedError,
    OperationalError,
    PersistenceError,
    ProgrammingError,
    StoredEvent,
)
from eventsourcing.sqlite import (
    SQLiteAggregateRecorder,
    SQLiteApplicationRecorder,
    SQLiteConnection,
    SQLiteConnectionPool,
    SQLiteCursor,
    SQLiteDatastore,
    SQLiteProcessRecorder,
)
from eventsourcing.sqlite import SQLiteFactory as LibrarySQLiteFactory
from eventsourcing.utils import Environment, EnvType, strtobool

if TYPE_CHECKING:
    from domain.ledger.repository import Read

#: The library's error for each ``sqlite3`` error (subclasses first), as its transactions map them.
_ERRORS: tuple[tuple[type[sqlite3.Error], type[PersistenceError]], ...] = (
    (sqlite3.InterfaceError, InterfaceError),
    (sqlite3.DataError, DataError),
    (sqlite3.OperationalError, OperationalError),
    (sqlite3.IntegrityError, IntegrityError),
    (sqlite3.InternalError, InternalError),
    (sqlite3.ProgrammingError, ProgrammingError),
    (sqlite3.NotSupportedError, NotSupportedError),
    (sqlite3.DatabaseError, DatabaseError),
)


def translated(error: Exception) -> Exception:
    """The library's error for an ``sqlite3`` error (others as they are)."""
    if isinstance(error, sqlite3.Error):
        for raw, ours in _ERRORS:
            if isinstance(error, raw):
                new: Exception = ours(error)
                break
        else:
            new = PersistenceError(error)
        new.__cause__ = error
        return new
    return error


def _version(event: StoredEvent) -> int:
    return event.originator_version


def _held_lock() -> Any:
    lock = threading.Lock()
    lock.acquire()
    return lock


@dataclass(eq=False)
class _Batch:
    """One save waiting for its group: the events and, once committed or failed, the outcome."""

    recorder: SQLiteAggregateRecorder
    stored_events: Sequence[StoredEvent]
    kwargs: dict[str, Any]
    ids: Sequence[int] | None = None
    error: BaseException | None = None
    #: Whether ``ids`` or ``error`` is final; ``done`` once its group's commit has returned.
    settled: bool = False
    done: bool = False
    #: Held until its caller is woken: to return (``done``), or to lead the next group.
    wake: Any = field(default_factory=_held_lock)

    def outcome(self) -> Sequence[int] | None:
        if self.error is not None:
            raise self.error
        return self.ids


class GroupCommitter:
    """Writes the batches of concurrent saves in shared transactions (see the module docstring).

    A waiting caller sleeps on a lock of its own and is woken once: when its group has
    committed, or when it is to lead the next group (the first one queued after a commit).
    """

    def __init__(self, pool: SQLiteConnectionPool) -> None:
        self.pool = pool
        self._mutex = threading.Lock()
        self._queue: list[_Batch] = []
        self._leading = False
        #: How many groups have been committed (or tried), and how many batches they held.
        self.groups = 0
        self.batches = 0

    def waiting(self) -> int:
        """How many batches are queued for the next group."""
        with self._mutex:
            return len(self._queue)

    def insert(
        self,
        recorder: SQLiteAggregateRecorder,
        stored_events: Sequence[StoredEvent],
        kwargs: dict[str, Any],
    ) -> Sequence[int] | None:
        """Store one save's events in the next group; its notification ids once committed."""
        batch = _Batch(recorder, stored_events, kwargs)
        with self._mutex:
            self._queue.append(batch)
            follows, self._leading = self._leading, True
        if follows:
            batch.wake.acquire()
            if batch.done:
                return batch.outcome()
        with self._mutex:
            group, self._queue = self._queue, []
        try:
            self._write(group)
        finally:
            with self._mutex:
                for queued in group:
                    queued.done = True
                self.groups += 1
                self.batches += len(group)
                following = self._queue[0] if self._queue else None
                self._leading = following is not None
            if following is not None:  # first: the disk waits for nobody's answer
                following.wake.release()
            for queued in group:
                if queued is not batch:
                    queued.wake.release()
        return batch.outcome()

    def _write(self, group: list[_Batch]) -> None:
        """Write the group in one transaction; each batch gets its ids or its error."""
        try:
            connection = self.pool.get_connection(is_writer=True)
        except Exception as error:
            _fail(group, error)
            return
        try:
            self._transaction(connection, group)
        finally:
            self.pool.put_connection(connection)

    def _transaction(self, connection: SQLiteConnection, group: list[_Batch]) -> None:
        cursor = connection.cursor()
        with cursor:
            try:
                cursor.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as error:
                _fail(group, error)
                return
            try:
                written = self._insert(cursor, group)
                self._commit(cursor)
            except BaseException as error:
                self._roll_back(connection)
                _fail(group, error)
                if isinstance(error, sqlite3.Error):
                    return
                raise
        for batch, ids in written:
            batch.ids = ids
            batch.settled = True

    @staticmethod
    def _insert(
        cursor: SQLiteCursor, group: list[_Batch]
    ) -> list[tuple[_Batch, Sequence[int] | None]]:
        """Each batch in its savepoint; a batch that fails is undone and settled with its
        error. The ids of the others, to hand out once the transaction has committed. A group
        of one batch needs no savepoint: if it fails, the whole transaction is rolled back."""
        if len(group) == 1:
            batch = group[0]
            return [
                (batch, batch.recorder._insert_events(cursor, batch.stored_events, **batch.kwargs))
            ]
        written: list[tuple[_Batch, Sequence[int] | None]] = []
        for batch in group:
            cursor.execute("SAVEPOINT batch")
            try:
                ids = batch.recorder._insert_events(cursor, batch.stored_events, **batch.kwargs)
            except Exception as error:
                cursor.execute("ROLLBACK TO batch")
                _fail([batch], error)
            else:
                written.append((batch, ids))
            cursor.execute("RELEASE batch")
        return written

    @staticmethod
    def _commit(cursor: SQLiteCursor) -> None:
        cursor.execute("COMMIT")

    @staticmethod
    def _roll_back(connection: SQLiteConnection) -> None:
        try:
            connection.rollback()
        except sqlite3.Error:  # pragma: no cover - the connection is unusable: drop it
            connection.close()


def _fail(batches: list[_Batch], error: BaseException) -> None:
    """Settle the batches not settled yet with the library's error, each with its own copy (the
    callers raise it in their own threads, and a raised exception keeps its traceback)."""
    for batch in batches:
        if not batch.settled:
            batch.error = _own_copy(error)
            batch.settled = True


def _own_copy(error: BaseException) -> BaseException:
    if isinstance(error, sqlite3.Error):
        return translated(error)  # a new error each time
    try:
        copied = copy.copy(error)
    except Exception:  # pragma: no cover - an error that cannot be copied is shared
        return error
    copied.__cause__ = error
    return copied


class _DurablePool(SQLiteConnectionPool):
    """The library's pool, its connections set to flush every commit to disk."""

    def _create_connection(self) -> SQLiteConnection:
        connection = super()._create_connection()
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=FULL")
        return connection


class GroupCommitDatastore(SQLiteDatastore):
    """The library's datastore, with a ``GroupCommitter`` for the saves of its recorders."""

    def __init__(self, db_name: str, *, group_commit: bool = True, **kwargs: Any) -> None:
        super().__init__(db_name, **kwargs)
        # The library builds its pool in this constructor and has no hook for the class; the
        # subclass adds behaviour only, no state.
        self.pool.__class__ = _DurablePool
        #: None with group commit turned off: each save then commits on its own, as the
        #: library's recorders do.
        self.committer = GroupCommitter(self.pool) if group_commit else None

    @contextmanager
    def transaction(self, *, commit: bool) -> Iterator[SQLiteCursor]:
        """For writing, the library's transaction; for reading, a cursor in autocommit mode.

        Every read of the library's recorders is one ``SELECT``, which SQLite runs in a read
        transaction of its own, on one snapshot: the library's ``BEGIN`` and ``ROLLBACK``
        around it were two more statements for each load, and nothing more.
        """
        if commit:
            with super().transaction(commit=True) as cursor:
                yield cursor
            return
        with self.get_connection(commit=False) as connection:
            cursor = connection.cursor()
            try:
                with cursor:
                    yield cursor
            except sqlite3.Error as error:
                raise translated(error) from error


class _GroupCommitting(SQLiteAggregateRecorder):
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        datastore = self.datastore
        if not isinstance(datastore, GroupCommitDatastore) or datastore.committer is None:
            return super().insert_events(stored_events, **kwargs)
        return datastore.committer.insert(self, stored_events, kwargs)


class GroupCommitAggregateRecorder(_GroupCommitting):
    """The library's aggregate recorder (snapshots), saving through the group commit."""


class GroupCommitApplicationRecorder(_GroupCommitting, SQLiteApplicationRecorder):
    """The library's application recorder (events), saving through the group commit."""


class GroupCommitProcessRecorder(_GroupCommitting, SQLiteProcessRecorder):
    """The library's process recorder (events and tracking), saving through the group commit."""


class SQLiteFactory(LibrarySQLiteFactory):
    """The library's factory, its recorders saving through one ``GroupCommitter`` per store
    (``PERSISTENCE_MODULE`` names it). ``SQLITE_GROUP_COMMIT=n`` in the environment (or
    ``LEDGER_SQLITE_GROUP_COMMIT``) turns group commit off: each save commits on its own."""

    SQLITE_GROUP_COMMIT = "SQLITE_GROUP_COMMIT"

    aggregate_recorder_class = GroupCommitAggregateRecorder
    application_recorder_class = GroupCommitApplicationRecorder
    process_recorder_class = GroupCommitProcessRecorder

    #: The application recorder's events table, once made (``read_after`` reads it).
    _events_table: str | None = None

    def application_recorder(self) -> ApplicationRecorder:
        recorder = super().application_recorder()
        if isinstance(recorder, SQLiteApplicationRecorder):
            self._events_table = recorder.events_table_name
        return recorder

    def read_after(self, versions: Mapping[UUID, int], probes: Sequence[UUID]) -> Read:
        """In one ``SELECT`` (one snapshot): the events stored after each of ``versions``, and
        the first event of each of ``probes`` (whether it exists), in the shape of
        ``LedgerRepository.prefetched``. Nothing (an empty read) before the recorder is made."""
        table = self._events_table
        if table is None or not (versions or probes):
            return {}
        parts: list[str] = []
        params: list[Any] = []
        columns = "originator_id, originator_version, topic, state"
        for id, version in versions.items():
            parts.append(
                f"SELECT {columns} FROM {table} WHERE originator_id=? AND originator_version>?"
            )
            params += (id.hex, version)
        for id in probes:
            parts.append(
                f"SELECT * FROM (SELECT {columns} FROM {table} WHERE originator_id=? "
                "ORDER BY originator_version LIMIT 1)"
            )
            params.append(id.hex)
        found: dict[str, list[StoredEvent]] = {}
        with self.datastore.transaction(commit=False) as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for row in cursor.fetchall():
                found.setdefault(row["originator_id"], []).append(
                    StoredEvent(
                        originator_id=UUID(row["originator_id"]),
                        originator_version=row["originator_version"],
                        topic=row["topic"],
                        state=row["state"],
                    )
                )
        read: dict[UUID, tuple[int | None, Sequence[StoredEvent]]] = {}
        for id, version in versions.items():
            events = found.get(id.hex, [])
            events.sort(key=_version)
            read[id] = (version, events)
        for id in probes:
            read[id] = (None, found.get(id.hex, []))
        return read

    def __init__(self, env: Environment | EnvType | None) -> None:
        super().__init__(env)
        library = self.datastore
        self.datastore = GroupCommitDatastore(
            library.pool.db_name,
            lock_timeout=library.pool.lock_timeout,
            single_row_tracking=library.single_row_tracking,
            originator_id_type=library.originator_id_type,
            group_commit=strtobool(self.env.get(self.SQLITE_GROUP_COMMIT) or "y"),
        )
        library.close()  # it has opened no connection yet
