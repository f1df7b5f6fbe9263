"""Where read models live: a SQLite file beside the event store, or the PostgreSQL database.

Projections write SQL with ``?`` placeholders; the PostgreSQL store translates them. Both
stores give a transaction in which a projection's view changes and its tracking position are
written together, so a crash leaves either both or neither. The stores themselves are in
``projections.sqlite_store`` and ``projections.postgres_store``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

Row = tuple[Any, ...]


class Transaction(ABC):
    """The one thing a projection writes through."""

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> None: ...

    @abstractmethod
    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]: ...

    def execute_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """The same statement once per row, in order: cheaper than as many ``execute`` calls."""
        for params in rows:
            self.execute(sql, params)

    def insert_many(
        self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> None:
        """Insert rows (values in the order of ``columns``): the cheapest way the store has."""
        marks = ", ".join("?" * len(columns))
        self.execute_many(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


class ViewStore(ABC):
    #: Appended to a SELECT that must lock the rows it reads until the transaction ends.
    row_lock = ""

    def serialise_setup(self, tx: Transaction) -> None:  # noqa: B027 - most stores need nothing
        """Make concurrent table set-ups (several processes starting at once) take turns."""

    @abstractmethod
    @contextmanager
    def transaction(self) -> Iterator[Transaction]: ...

    @contextmanager
    def batch(self, meanwhile: Callable[[], None] | None = None) -> Iterator[Transaction]:
        """A transaction for many writes and few reads: a runner's batch.

        ``meanwhile`` is called once the projections' work is done: while the store finishes
        the batch (its last writes, its commit) in another thread, if it can, else after.
        """
        with self.transaction() as tx:
            yield tx
        if meanwhile is not None:
            meanwhile()

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self.transaction() as tx:
            return tx.query(sql, params)

    @abstractmethod
    def close(self) -> None: ...


def view_store_for(store_url: str) -> ViewStore:
    """The read-model store that goes with an event store URL."""
    from projections.postgres_store import PostgresViewStore
    from projections.sqlite_store import SQLiteViewStore

    if store_url == "memory:":
        return SQLiteViewStore(":memory:")
    parts = urlsplit(store_url)
    if parts.scheme == "sqlite":
        events_file = Path(parts.path[1:] if parts.path.startswith("/") else parts.path)
        return SQLiteViewStore(str(events_file.with_name(events_file.stem + "-views.db")))
    if parts.scheme in ("postgresql", "postgres"):
        return PostgresViewStore(store_url)
    raise ValueError(f"no read-model store for {store_url!r}")
