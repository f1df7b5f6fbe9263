"""A bounded set of SQLite reader connections, shared by whichever threads read.

A connection kept per thread (a ``threading.local``) outlives its thread: a server's worker
threads come and go with the load, and in CPython 3.11 a ``sqlite3.Connection`` left behind by
an ended thread sits in a reference cycle until a full garbage collection, its file open and its
page cache held. Here a read checks a connection out for the length of its transaction and
puts it back, so the files open stay at most ``size`` however many threads there have been.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from domain.storage import StoreUnavailableError

#: How long a read waits for a connection to come free before the store counts as busy (s).
WAIT_SECONDS = 30.0


class ReaderPool:
    """At most ``size`` connections made by ``connect``, each used by one thread at a time.

    The most recently returned connection is handed out first: under light load one or two
    connections, their caches warm, do all the reading, and the others are opened only when
    that many reads run at once. They stay open until ``close``.
    """

    def __init__(
        self, connect: Callable[[], sqlite3.Connection], size: int, wait: float = WAIT_SECONDS
    ) -> None:
        if size < 1:
            raise ValueError(f"a reader pool needs at least one connection, not {size}")
        self.size = size
        self._connect = connect
        self._wait = wait
        self._idle: list[sqlite3.Connection] = []
        self._opened = 0
        self._closed = False
        self._returned = threading.Condition()

    @contextmanager
    def connection(self) -> Iterator[sqlite3.Connection]:
        """A connection of this thread's alone until the block ends; it must leave no
        transaction open."""
        connection = self._check_out()
        try:
            yield connection
        finally:
            self._put_back(connection)

    def _check_out(self) -> sqlite3.Connection:
        with self._returned:
            if not self._returned.wait_for(
                lambda: self._closed or self._idle or self._opened < self.size, self._wait
            ):
                raise StoreUnavailableError(
                    f"no read-model connection came free in {self._wait:g} s"
                )
            if self._closed:
                raise sqlite3.ProgrammingError("the read-model store is closed")
            if self._idle:
                return self._idle.pop()
            self._opened += 1  # taken before connecting, so that no other thread overshoots
        try:
            return self._connect()
        except BaseException:
            self._forget()
            raise

    def _put_back(self, connection: sqlite3.Connection) -> None:
        if connection.in_transaction:  # a read that failed half-way: never hand that on
            connection.rollback()
        with self._returned:
            if self._closed:
                connection.close()
                self._opened -= 1
            else:
                self._idle.append(connection)
            self._returned.notify()

    def _forget(self) -> None:
        with self._returned:
            self._opened -= 1
            self._returned.notify()

    @property
    def opened(self) -> int:
        """How many connections are open now, idle or in use."""
        with self._returned:
            return self._opened

    def close(self) -> None:
        """Close the idle connections now, and those in use as they come back."""
        with self._returned:
            self._closed = True
            for connection in self._idle:
                connection.close()
            self._opened -= len(self._idle)
            self._idle.clear()
            self._returned.notify_all()
