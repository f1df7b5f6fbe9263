"""The event store on PostgreSQL, made to give up quickly when the database cannot be reached.

The library's PostgreSQL recorders retry a failed connection ten times, each try waiting for
the pool; with the database gone a request would hang for many seconds. Here a connection that
cannot be had, or is lost, raises ``StoreUnavailableError`` at once instead: it is not one of
the errors the recorders retry, and the API answers it with 503 and Retry-After. The pool
checks a connection before lending it (a connection the server dropped is replaced, not
failed on), and connects and waits with the bounds in ``domain.storage``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from eventsourcing.persistence import OperationalError
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.postgres import PostgresFactory as LibraryPostgresFactory
from eventsourcing.utils import Environment, EnvType

from domain.storage import (
    POSTGRES_CONNECTION,
    POSTGRES_RECONNECT_SECONDS,
    POSTGRES_WAIT_SECONDS,
    StoreUnavailableError,
    unavailable_sqlstate,
)


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


class PostgresFactory(LibraryPostgresFactory):
    """The library's factory, with a datastore that fails fast (``PERSISTENCE_MODULE`` names it)."""

    def __init__(self, env: Environment | EnvType | None) -> None:
        super().__init__(env)
        # The library builds its datastore from the environment in this constructor and has
        # no hook for the class; the subclass adds behaviour only, no state.
        self.datastore.__class__ = _FailFastDatastore
        pool = self.datastore.pool
        assert isinstance(pool.kwargs, dict)  # the library passes a dict
        pool.kwargs.update(POSTGRES_CONNECTION)
        pool.timeout = POSTGRES_WAIT_SECONDS
        pool.reconnect_timeout = POSTGRES_RECONNECT_SECONDS
