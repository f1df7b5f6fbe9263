"""Read models in a SQLite file, WAL so that reads never wait: one connection writes, a few read.

Writes (a runner's batches, a projection's set-up) take turns on the store's one writing
connection: SQLite lets one transaction write at a time anyway. Reads check a connection out of
a bounded pool shared by the threads (``projections.stores.sqlite_pool``), so a server whose
worker threads come and go keeps a fixed number of files and page caches open.

A runner writes its batches through ``batch()``: the writing connection gets a larger page cache
and fewer, larger WAL checkpoints, and each batch commits in a thread of its own while the runner
reads the next (SQLite writes the pages out without holding the GIL).

Some read models may live in files of their own (``parts``): a projection worker that runs them
then writes beside the workers that write the main file instead of taking turns with them on
its one write lock and each emptying the other's page cache. Every reading connection attaches
those files, so a query names a table wherever it lives; the runner writes each projection
through ``part_for`` its name.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from domain.storage import StoreUnavailableError
from projections.stores.protocol import Row, Transaction, ViewStore
from projections.stores.sqlite_pool import WAIT_SECONDS, ReaderPool

#: The page cache of a runner's SQLite connection (KiB), and its WAL checkpoint interval.
#: 16 MiB. Over a million events (the audit trail remembering 20,000 subjects), side by side
#: on this 2-core machine: 16 MiB, 177 s and 67 processor seconds, a peak of 154 MiB (131 at
#: 100,000 events); 64 MiB, 170 s, 63 and 251 MiB; 256 MiB (and 100,000 subjects), 180 s, 66
#: and 496 MiB (220 at 100,000). The catch-up is bound by its Python work, not by the pages
#: it reads back; a small cache is full early, and the worker's memory then stays flat however
#: large the read models grow.
RUNNER_CACHE_KIB = 16 * 1024
RUNNER_CHECKPOINT_PAGES = 10_000
#: The page size of a new read-model file (bytes).
PAGE_SIZE = 16_384
#: Reading connections at most, by default: a few more than the cores, since a read also
#: waits for the disk and for the GIL between SQLite's steps; more would only hold more caches.
READERS = min(16, (os.cpu_count() or 1) + 4)


class _SQLiteTransaction(Transaction):
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.cursor = connection.cursor()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.cursor.execute(sql, params if isinstance(params, tuple | list) else tuple(params))

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        self.cursor.execute(sql, params if isinstance(params, tuple | list) else tuple(params))
        return self.cursor.fetchall()

    def execute_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.cursor.executemany(sql, rows)


class SQLiteViewStore(ViewStore):
    """Read models in a SQLite file (``:memory:`` for tests): one writing connection, and at
    most ``readers`` reading ones shared by the threads.

    ``parts`` maps the names of projections whose tables live in another file to that file
    (several projections may share one); SQLite attaches at most ten files to a connection.
    """

    def __init__(
        self, path: str, readers: int = READERS, *, parts: Mapping[str, str] | None = None
    ) -> None:
        self.path = path
        self._memory: sqlite3.Connection | None = None
        self._lock = threading.RLock()  # the writing connection's (or the in-memory one's)
        self._writing: sqlite3.Connection | None = None
        self._tuned = False  # whether the writing connection has a runner's settings
        if path == ":memory:" and parts:
            raise ValueError("an in-memory read-model store has no other files")
        #: One store per other file (made now, so that the file is in WAL before it is
        #: attached), and which of them holds each projection named in ``parts``.
        self._files = {
            file: SQLiteViewStore(file, 1) for file in dict.fromkeys((parts or {}).values())
        }
        self._parts = {name: self._files[file] for name, file in (parts or {}).items()}
        self._readers = ReaderPool(self._connect_reader, readers)
        if path == ":memory:":
            self._memory = sqlite3.connect(":memory:", check_same_thread=False)
            self._memory.execute("PRAGMA secure_delete=ON")
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            # Outside any transaction: inside one, SQLite refuses (or quietly ignores) the
            # switch. WAL lets the API read while a runner writes; it stays set in the file.
            # The page size counts only for a new file, before WAL: 16 KiB pages, a quarter as
            # many to write out per batch, made a catch-up of a million events about 8 % faster.
            with self._writer() as connection:
                connection.execute(f"PRAGMA page_size={PAGE_SIZE}")
                connection.execute("PRAGMA journal_mode=WAL")

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(
            self.path,
            timeout=WAIT_SECONDS,
            isolation_level=None,
            cached_statements=1024,
            # Used by one thread at a time, but not always the same one: the pool's readers
            # go from thread to thread, and a batch commits in a thread of its own.
            check_same_thread=False,
        )
        connection.execute("PRAGMA synchronous=NORMAL")
        # Deleted and overwritten content is zeroed, so that an erased person's data does
        # not linger in free pages (see ``scrub`` for the WAL).
        connection.execute("PRAGMA secure_delete=ON")
        return connection

    def _connect_reader(self) -> sqlite3.Connection:
        connection = self._connect()
        for number, file in enumerate(self._files):
            connection.execute(f"ATTACH DATABASE ? AS part_{number}", (file,))
        return connection

    def part_for(self, name: str) -> ViewStore:
        return self._parts.get(name, self)

    @contextmanager
    def _writer(self) -> Iterator[sqlite3.Connection]:
        """The writing connection (the in-memory one), this thread's until the block ends."""
        if not self._lock.acquire(timeout=WAIT_SECONDS):
            raise StoreUnavailableError(
                f"the read models were not free to write in {WAIT_SECONDS:g} s"
            )
        try:
            if self._memory is not None:
                yield self._memory
                return
            if self._writing is None:
                self._writing = self._connect()
            yield self._writing
        finally:
            self._lock.release()

    @contextmanager
    def _reader(self) -> Iterator[sqlite3.Connection]:
        if self._memory is not None:
            with self._writer() as connection:
                yield connection
        else:
            with self._readers.connection() as connection:
                yield connection

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        with self._write() as tx:
            yield tx

    @contextmanager
    def _write(self, meanwhile: Callable[[], None] | None = None) -> Iterator[Transaction]:
        """A write transaction; ``meanwhile`` runs while it commits (see ``_commit_while``)."""
        with self._writer() as connection:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield _SQLiteTransaction(connection)
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            if meanwhile is None:
                connection.execute("COMMIT")
            else:
                _commit_while(connection, meanwhile)

    @contextmanager
    def read(self) -> Iterator[Transaction]:
        """Reads in a deferred transaction: in WAL mode it waits for no writer, and sees one
        snapshot of each file from its first step to its last.

        (A write transaction begins IMMEDIATE, taking the write lock at once; a reader that did
        the same would queue behind a runner's batches, and could starve while it catches up.)
        """
        with self._reader() as connection:
            connection.execute("BEGIN")
            try:
                yield _SQLiteTransaction(connection)
            finally:
                connection.execute("COMMIT")

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self.read() as tx:
            return tx.query(sql, params)

    @contextmanager
    def batch(self, meanwhile: Callable[[], None] | None = None) -> Iterator[Transaction]:
        if self._memory is None and not self._tuned:
            # For the runner: a larger page cache keeps the indexes it updates at random (ids
            # are UUIDs) in memory, and fewer, larger checkpoints write each page back once
            # for many batches. Only on the writing connection, not the API's readers.
            with self._writer() as connection:
                connection.execute(f"PRAGMA cache_size=-{RUNNER_CACHE_KIB}")
                connection.execute(f"PRAGMA wal_autocheckpoint={RUNNER_CHECKPOINT_PAGES}")
                self._tuned = True
        # The in-memory store's one connection commits, then ``meanwhile`` runs, outside the
        # lock: it would read from the same connection.
        beside_commit = meanwhile if self._memory is None else None
        with self._write(beside_commit) as tx:
            yield tx
        if meanwhile is not None and beside_commit is None:
            meanwhile()

    def scrub(self) -> None:
        """Copy the WAL into the file and truncate it: old versions of pages stay in the WAL
        until then, even those whose content was deleted."""
        if self._memory is None:
            with self._writer() as connection:
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            for part in self._files.values():
                part.scrub()

    def close(self) -> None:
        """Close every connection (a reader in use, when its read ends)."""
        self._readers.close()
        with self._lock:
            for connection in (self._memory, self._writing):
                if connection is not None:
                    connection.close()
            self._writing = None
        for part in self._files.values():
            part.close()


def _commit_while(connection: sqlite3.Connection, meanwhile: Callable[[], None]) -> None:
    """COMMIT in another thread while ``meanwhile`` runs in this one, which waits for it.

    Writing a batch's pages out is one long call that releases the GIL: a runner reading and
    decoding its next batch meanwhile saves most of that time. The connection is used by
    nobody else until the commit ends, and a commit that fails is rolled back and raised.
    """
    try:
        _beside(lambda: connection.execute("COMMIT"), meanwhile)
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


def _beside(work: Callable[[], object], meanwhile: Callable[[], None]) -> None:
    """Run ``work`` in a thread of its own while ``meanwhile`` runs in this one; return when both
    have ended, raising what ``work`` raised."""
    failed: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as error:  # raised again in the caller's thread
            failed.append(error)

    thread = threading.Thread(target=run, name="views-finish")
    thread.start()
    try:
        meanwhile()
    finally:
        thread.join()
    if failed:
        raise failed[0]
