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
are released before the connection goes back to the pool; if that fails, the connection is
closed, which releases them too.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from eventsourcing.persistence import OperationalError
from eventsourcing.postgres import ConnectionPool, PostgresDatastore
from eventsourcing.postgres import PostgresFactory as LibraryPostgresFactory
from eventsourcing.utils import Environment, EnvType

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


class _PinningPool(ConnectionPool[Any]):
    """The library's pool, lending the command's own connection while a command holds one."""

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
    def holding(self, keys: Sequence[int]) -> Iterator[None]:
        """Run the block on one connection, holding an advisory lock on each key."""
        with self.get_connection() as connection:
            token = _pinned.set((self.pool, connection))
            try:
                for key in sorted(set(keys)):
                    connection.execute("SELECT pg_advisory_lock(%s)", (key,))
                yield
            finally:
                _pinned.reset(token)
                if keys:
                    _unlock_all(connection)


def _unlock_all(connection: Any) -> None:
    """Release the session's advisory locks; if that fails, close the session, which does.
    Never raises: the command's save has already committed or failed on its own."""
    try:
        connection.execute("SELECT pg_advisory_unlock_all()")
    except Exception:
        connection.close()


class PostgresFactory(LibraryPostgresFactory):
    """The library's factory, with a datastore that fails fast (``PERSISTENCE_MODULE`` names it)."""

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

    @contextmanager
    def holding(self, keys: Sequence[int]) -> Iterator[None]:
        """A command's connection and advisory locks (see the module docstring)."""
        datastore = self.datastore
        assert isinstance(datastore, _FailFastDatastore)
        with datastore.holding(keys):
            yield
