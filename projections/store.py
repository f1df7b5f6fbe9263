"""Where read models live: a SQLite file beside the event store, or the PostgreSQL database.

Projections write SQL with ``?`` placeholders; the PostgreSQL store translates them. Both
stores give a transaction in which a projection's view changes and its tracking position are
written together, so a crash leaves either both or neither.
"""

from __future__ import annotations

import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

Row = tuple[Any, ...]


class Transaction(ABC):
    """The one thing a projection writes through."""

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...

    @abstractmethod
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...


class ViewStore(ABC):
    #: Appended to a SELECT that must lock the rows it reads until the transaction ends.
    row_lock = ""

    @abstractmethod
    @contextmanager
    def transaction(self) -> Iterator[Transaction]: ...

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self.transaction() as tx:
            return tx.query(sql, params)

    @abstractmethod
    def close(self) -> None: ...


class _SQLiteTransaction(Transaction):
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.connection.execute(sql, tuple(params))

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return [tuple(row) for row in self.connection.execute(sql, tuple(params)).fetchall()]


class SQLiteViewStore(ViewStore):
    """Read models in a SQLite file (``:memory:`` for tests), one connection per thread."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._local = threading.local()
        self._memory: sqlite3.Connection | None = None
        self._lock = threading.RLock()
        if path == ":memory:":
            self._memory = sqlite3.connect(":memory:", check_same_thread=False)
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            with self.transaction() as tx:
                tx.query("PRAGMA journal_mode=WAL")

    def _connection(self) -> sqlite3.Connection:
        if self._memory is not None:
            return self._memory
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            connection.execute("PRAGMA synchronous=NORMAL")
            self._local.connection = connection
        return connection

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        with self._lock if self._memory is not None else _nothing():
            connection = self._connection()
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield _SQLiteTransaction(connection)
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def close(self) -> None:
        if self._memory is not None:
            self._memory.close()
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()


@contextmanager
def _nothing() -> Iterator[None]:
    yield


class _PostgresTransaction(Transaction):
    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.cursor.execute(sql.replace("?", "%s"), tuple(params))

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        self.cursor.execute(sql.replace("?", "%s"), tuple(params))
        return [tuple(row) for row in self.cursor.fetchall()]


class PostgresViewStore(ViewStore):
    """Read models in PostgreSQL, in the schema of the event store (``?schema=``) if named."""

    row_lock = " FOR UPDATE"

    def __init__(self, url: str, pool_size: int = 4) -> None:
        from psycopg_pool import ConnectionPool

        parts = urlsplit(url)
        schema = parse_qs(parts.query).get("schema", [None])[0]
        conninfo = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        options = {"options": f"-c search_path={schema}"} if schema else {}
        self.pool = ConnectionPool(
            conninfo, min_size=1, max_size=pool_size, kwargs=options, open=True
        )

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        with (
            self.pool.connection() as connection,
            connection.transaction(),
            connection.cursor() as cursor,
        ):
            yield _PostgresTransaction(cursor)

    def close(self) -> None:
        self.pool.close()


def view_store_for(store_url: str) -> ViewStore:
    """The read-model store that goes with an event store URL."""
    if store_url == "memory:":
        return SQLiteViewStore(":memory:")
    parts = urlsplit(store_url)
    if parts.scheme == "sqlite":
        events_file = Path(parts.path[1:] if parts.path.startswith("/") else parts.path)
        return SQLiteViewStore(str(events_file.with_name(events_file.stem + "-views.db")))
    if parts.scheme in ("postgresql", "postgres"):
        return PostgresViewStore(store_url)
    raise ValueError(f"no read-model store for {store_url!r}")
