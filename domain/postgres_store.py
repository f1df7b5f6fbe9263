"""The event store on PostgreSQL, made to give up quickly when the database cannot be reached.

The library's PostgreSQL recorders retry a failed connection ten times, each try waiting for
the pool; with the database gone a request would hang for many seconds. Here a connection that
cannot be had, or is lost, raises ``StoreUnavailableError`` at once instead: it is not one of
the errors the recorders retry, and the API answers it with 503 and Retry-After. The pool
checks a connection before lending it (a connection the server dropped is replaced, not
failed on), and connects and waits with the bounds in ``domain.storage``.

A command runs on one connection (``PostgresFactory.holding``): every load and the save of the
command use it, instead of borrowing a connection (and checking it) for each statement. On it
the command holds session-level advisory locks on the aggregates it names (``pg_advisory_lock``,
in ascending order of key), from before its first load until its save has committed, so that
writers to one shift queue across workers and machines (``domain.ledger.locks``). The locks
are released with the save's commit (below), or at the latest before the connection goes back
to the pool; if that fails, the connection is closed, which releases them too.

Round trips a command saves (each is a wait for the server, and a sign-up is a few of them):
- a command that locks is lent its connection unchecked: taking the first lock is the check.
  If that statement finds the connection broken (the server dropped it while it was idle),
  the connection goes back to the pool, which discards it, and the locks are taken on a
  checked one, as the pool's own check would have done (unless the failure took the whole
  wait for a connection, as a peer gone silent does: then the store is unavailable);
- a save sends its transaction (``BEGIN``, the library's lock timeout and ``NOTIFY`` as one
  ``SELECT set_config(...), pg_notify(...)``, its ``LOCK TABLE ... IN EXCLUSIVE MODE`` that
  keeps notification ids in commit order, the ``INSERT`` and ``COMMIT``) in one pipeline with
  one wait, where the library waits twice (once for the
  insert, then for the commit), so the table lock, which every writer queues for, is also
  held one round trip less. A save that collides is rolled back and raises the
  ``IntegrityError`` the command retries, as before;
- the save of a command that holds advisory locks releases them in the same pipeline, after
  its ``COMMIT``: a command ends with its save (``domain.ledger.command``), and the next
  writer of the shift need not wait for one more round trip. If the insert fails, the server
  skips the unlock with the rest of the pipeline, so the locks stay held for the retry; a
  command whose save never succeeds releases them when it ends, as before;
- the locks are one statement, and what the command will load is read in their pipeline by
  one more (``PostgresFactory.holding``, ``LedgerRepository.prefetched``): the events stored
  after the cached versions of the locked aggregates and of those it names as read
  (``@command(reads=...)``), and whether each one not cached exists. That select is a later
  statement than the locks, with a snapshot of its own, so it reads what a load just after
  the locks would.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from time import monotonic
from typing import Any
from uuid import UUID

from eventsourcing.persistence import (
    ApplicationRecorder,
    InterfaceError,
    OperationalError,
    StoredEvent,
)
from eventsourcing.postgres import (
    ConnectionPool,
    PostgresApplicationRecorder,
    PostgresDatastore,
)
from eventsourcing.postgres import PostgresFactory as LibraryPostgresFactory
from eventsourcing.utils import Environment, EnvType, retry

from domain.storage import (
    POSTGRES_CONNECTION,
    POSTGRES_RECONNECT_SECONDS,
    POSTGRES_WAIT_SECONDS,
    StoreUnavailableError,
    unavailable_sqlstate,
)

#: The connection a command in this thread or task runs on, and the pool it was borrowed from.
_pinned: ContextVar[tuple[ConnectionPool[Any], Any] | None] = ContextVar(
    "pinned_connection", default=None
)


@dataclass
class _Locks:
    """The advisory locks of the command running on a connection, until they are released."""

    connection: Any
    held: bool = True


#: The locks of the command running in this thread or task, if it took any.
_locks: ContextVar[_Locks | None] = ContextVar("advisory_locks", default=None)


#: Set while a command borrows the connection it takes its locks on: the lock is the check.
_unchecked: ContextVar[bool] = ContextVar("lent_unchecked", default=False)


class _PinningPool(ConnectionPool[Any]):
    """The library's pool, lending the command's own connection while a command holds one,
    and lending without a check to a caller whose first statement checks the connection."""

    def _check_connection(self, conn: Any) -> None:
        if not _unchecked.get():
            super()._check_connection(conn)

    @contextmanager
    def connection(self, timeout: float | None = None) -> Iterator[Any]:
        pinned = _pinned.get()
        if pinned is not None and pinned[0] is self:
            yield pinned[1]
            return
        with super().connection(timeout) as connection:
            yield connection


class _FailFastDatastore(PostgresDatastore):
    @contextmanager
    def get_connection(self) -> Iterator[Any]:
        try:
            with super().get_connection() as connection:
                yield connection
        except OperationalError as error:
            if unavailable_sqlstate(getattr(error.__cause__, "sqlstate", None)):
                raise StoreUnavailableError(str(error)) from error
            raise

    @contextmanager
    def holding(self, keys: Sequence[int], reads: _Reads | None = None) -> Iterator[Read]:
        """Run the block on one connection, holding an advisory lock on each key; yields the
        events ``reads`` asked for, read in the round trip of the locks."""
        keys = sorted(set(keys))
        read: Read = {}
        with ExitStack() as stack:
            if keys:
                connection, read = self._locked_connection(keys, reads, stack)
            else:
                connection = stack.enter_context(self.get_connection())
                read = _lock(connection, keys, reads)
            locks = _Locks(connection, held=bool(keys))
            token, locks_token = _pinned.set((self.pool, connection)), _locks.set(locks)
            try:
                yield read
            finally:
                _locks.reset(locks_token)
                _pinned.reset(token)
                if locks.held:
                    _unlock_all(connection)

    def _locked_connection(
        self, keys: Sequence[int], reads: _Reads | None, stack: ExitStack
    ) -> tuple[Any, Read]:
        """A connection holding the locks of ``keys``, kept open by ``stack``, and what
        ``reads`` asked for: lent unchecked, the first lock statement checking it; if that
        finds it broken, a checked one."""
        with ExitStack() as attempt:
            token = _unchecked.set(True)
            try:
                connection = attempt.enter_context(self.get_connection())
            finally:
                _unchecked.reset(token)
            started = monotonic()
            try:
                read = _lock(connection, keys, reads)
            except Exception:
                # A peer gone silent takes its TCP timeout to fail: then the wait is spent.
                if not connection.broken or monotonic() - started >= POSTGRES_WAIT_SECONDS:
                    raise
            else:
                stack.push(attempt.pop_all())
                return connection, read
        # The broken connection has gone back to the pool, which discards it.
        connection = stack.enter_context(self.get_connection())
        return connection, _lock(connection, keys, reads)


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


#: Events read with a command's locks, in the shape of ``LedgerRepository.prefetched``: by
#: aggregate id, the version they follow and the events after it, or None and at most the
#: first event of an aggregate read as not cached.
Read = dict[UUID, tuple[int | None, list[StoredEvent]]]

# Statements take their rows as scalar parameters, one statement text for each number of rows:
# psycopg dumps a list as an array in Python, element by element (about 30 µs of processor
# time a list, where a scalar costs a few). A save of more events than ``SCALAR_ROWS`` sends
# them as arrays (one statement for any number, and far from PostgreSQL's 65,535 parameters).

#: The most events a save sends as scalar parameters.
SCALAR_ROWS = 16


@lru_cache(maxsize=16)
def _rows(count: int, row: str) -> str:
    """``VALUES row, row, ...``: ``count`` rows of placeholders."""
    return "VALUES " + ", ".join([row] * count)


def _lock_statement(count: int) -> str:
    """Takes the advisory lock of each key given, in the order given (ascending)."""
    return f"SELECT pg_advisory_lock(key) FROM ({_rows(count, '(%s::bigint)')}) AS k(key)"


@dataclass(frozen=True)
class _Reads:
    """What to read after the locks, from this table (``_read_statement``): the events after
    each of ``versions``, and the first event of each of ``probes``."""

    table: str
    versions: Mapping[UUID, int]
    probes: Sequence[UUID] = ()


@lru_cache(maxsize=64)
def _read_statement(table: str, count: int) -> str:
    """One select of ``count`` aggregates' events: for each, those after a version, up to a
    limit (none for the events after a cached version, one for a probe)."""
    return (
        "SELECT e.originator_id, e.originator_version, e.topic, e.state "
        f"FROM ({_rows(count, '(%s::uuid, %s::bigint, %s::bigint)')}) AS r(id, after, most) "
        f"CROSS JOIN LATERAL (SELECT * FROM {table} WHERE originator_id = r.id "
        "AND originator_version > r.after ORDER BY originator_version LIMIT r.most) AS e"
    )


def _lock(connection: Any, keys: Sequence[int], reads: _Reads | None) -> Read:
    """Take the locks, then read: in one pipeline, so one wait for the server. The read is a
    later statement than the locks, with a snapshot of its own, so it sees every save
    committed before the locks were granted, as a load after the locks would."""
    if reads is None or not (reads.versions or reads.probes):
        if keys:
            connection.execute(_lock_statement(len(keys)), keys, prepare=True)
        return {}
    wanted: list[tuple[UUID, int, int | None]] = [
        *((id, version, None) for id, version in reads.versions.items()),
        *((id, 0, 1) for id in reads.probes),
    ]
    statement = _read_statement(reads.table, len(wanted))
    with connection.pipeline():
        if keys:
            connection.execute(_lock_statement(len(keys)), keys, prepare=True)
        cursor = connection.execute(
            statement, [value for row in wanted for value in row], prepare=True
        )
    found: dict[UUID, list[StoredEvent]] = {}
    for row in cursor.fetchall():
        found.setdefault(row["originator_id"], []).append(
            StoredEvent(
                originator_id=row["originator_id"],
                originator_version=row["originator_version"],
                topic=row["topic"],
                state=bytes(row["state"]),
            )
        )
    read: Read = {id: (version, found.get(id, [])) for id, version in reads.versions.items()}
    read.update((id, (None, found.get(id, []))) for id in reads.probes)
    return read


def _unlock_all(connection: Any) -> None:
    """Release the session's advisory locks; if that fails, close the session, which does.
    Never raises: the command's save has already committed or failed on its own."""
    try:
        connection.execute("SELECT pg_advisory_unlock_all()")
    except Exception:
        connection.close()


class _OneTripRecorder(PostgresApplicationRecorder):
    """The library's recorder, saving with one wait for the server (see the module docstring)."""

    _statements: _SaveStatements | None = None

    def _insert_stored_events(
        self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> None:
        """The library's statements of a save (its table lock with its lock timeout, the
        notification of listeners, the insert), in three statements where it sends four, made
        once as text, and the rows sent as scalar parameters rather than an array of a
        composite type, which psycopg dumps field by field in Python."""
        statements = self._statements
        if statements is None:
            statements = self._statements = _SaveStatements.of(self)
        curs.execute(
            statements.prepare,
            (f"{self.datastore.lock_timeout}s", self.channel_name),
            prepare=True,
        )
        curs.execute(statements.lock_table, prepare=True)
        if len(stored_events) > SCALAR_ROWS:
            curs.execute(
                statements.insert_arrays(),
                (
                    [event.originator_id for event in stored_events],
                    [event.originator_version for event in stored_events],
                    [event.topic for event in stored_events],
                    [event.state for event in stored_events],
                ),
                prepare=True,
            )
            return
        curs.execute(
            statements.insert(len(stored_events)),
            [
                value
                for event in stored_events
                for value in (
                    event.originator_id,
                    event.originator_version,
                    event.topic,
                    event.state,
                )
            ],
            prepare=True,
        )

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(
        self, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        if self.datastore.enable_db_functions or not stored_events:
            ids: Sequence[int] | None = super().insert_events(stored_events, **kwargs)
            return ids
        with self.datastore.get_connection() as conn:
            try:
                return self._insert_in_one_trip(conn, stored_events, **kwargs)
            except Exception:
                # The transaction stopped at the failed statement: end it (only a warning
                # if the server ended it already), never hiding the failure.
                with suppress(Exception):
                    conn.execute("ROLLBACK")
                raise

    def _insert_in_one_trip(
        self, conn: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
    ) -> Sequence[int] | None:
        failure: Exception | None = None
        try:
            with conn.pipeline() as pipeline, conn.cursor() as curs:
                curs.execute("BEGIN")
                self._insert_stored_events(curs, stored_events, **kwargs)
                locks = _locks.get()
                releasing = locks is not None and locks.held and locks.connection is conn
                with conn.cursor() as ending:
                    ending.execute("COMMIT")
                    if releasing:  # skipped by the server if the insert fails
                        ending.execute("SELECT pg_advisory_unlock_all()")
                try:
                    pipeline.sync()
                except Exception as error:
                    failure = error
                else:
                    if releasing:
                        assert locks is not None
                        locks.held = False
                    return self._fetch_ids_after_insert_events(curs, stored_events)
        except Exception:
            # Leaving the pipeline reports the statements the failure skipped ("pipeline
            # aborted"); the failure itself is what the caller needs.
            if failure is None:
                raise
        assert failure is not None
        raise failure


@dataclass(frozen=True)
class _SaveStatements:
    """A save's statements after ``BEGIN``: the lock timeout of the transaction and the
    notification in one, the table lock, and the insert returning the notification ids."""

    prepare: str
    lock_table: str
    table: str
    id_type: str

    @classmethod
    def of(cls, recorder: PostgresApplicationRecorder) -> _SaveStatements:
        datastore = recorder.datastore
        table = f"{_quoted(datastore.schema)}.{_quoted(recorder.events_table_name)}"
        return cls(
            prepare="SELECT set_config('lock_timeout', %s, true), pg_notify(%s, '')",
            lock_table=f"LOCK TABLE {table} IN EXCLUSIVE MODE",
            table=table,
            id_type=_quoted(datastore.originator_id_type),
        )

    def insert(self, count: int) -> str:
        """The insert of ``count`` events, returning their notification ids in order."""
        return _insert_statement(self.table, self.id_type, count)

    def insert_arrays(self) -> str:
        """The insert of any number of events, given as four arrays (a large save)."""
        return (
            f"INSERT INTO {self.table} (originator_id, originator_version, topic, state) "
            f"SELECT * FROM unnest(%s::{self.id_type}[], %s::bigint[], %s::text[], "
            "%s::bytea[]) RETURNING notification_id"
        )


@lru_cache(maxsize=64)
def _insert_statement(table: str, id_type: str, count: int) -> str:
    rows = _rows(count, f"(%s::{id_type}, %s::bigint, %s::text, %s::bytea)")
    return (
        f"INSERT INTO {table} (originator_id, originator_version, topic, state) {rows} "
        "RETURNING notification_id"
    )


class PostgresFactory(LibraryPostgresFactory):
    """The library's factory, with a datastore that fails fast (``PERSISTENCE_MODULE`` names it)
    and the recorder that saves in one round trip."""

    application_recorder_class = _OneTripRecorder

    def __init__(self, env: Environment | EnvType | None) -> None:
        super().__init__(env)
        # The library builds its datastore from the environment in this constructor and has
        # no hook for the class; the subclass adds behaviour only, no state.
        self.datastore.__class__ = _FailFastDatastore
        pool = self.datastore.pool
        pool.__class__ = _PinningPool
        assert isinstance(pool.kwargs, dict)  # the library passes a dict
        pool.kwargs.update(POSTGRES_CONNECTION)
        pool.timeout = POSTGRES_WAIT_SECONDS
        pool.reconnect_timeout = POSTGRES_RECONNECT_SECONDS

    def application_recorder(self) -> ApplicationRecorder:
        recorder = super().application_recorder()
        if isinstance(recorder, PostgresApplicationRecorder):
            table = f"{_quoted(self.datastore.schema)}.{_quoted(recorder.events_table_name)}"
            self._events_table = table
        return recorder

    @contextmanager
    def holding(
        self,
        keys: Sequence[int],
        versions: Mapping[UUID, int] | None = None,
        probes: Sequence[UUID] = (),
    ) -> Iterator[Read]:
        """A command's connection and advisory locks (see the module docstring), and, read
        with the locks, the events stored after these versions of cached aggregates and the
        first event of each of ``probes`` (``LedgerRepository.prefetched``)."""
        datastore = self.datastore
        assert isinstance(datastore, _FailFastDatastore)
        table = getattr(self, "_events_table", None)
        reads = None
        if table is not None and (versions or probes):
            reads = _Reads(table, versions or {}, probes)
        with datastore.holding(keys, reads) as read:
            yield read
