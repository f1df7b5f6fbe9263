"""What a read-model store offers: the bottom of ``projections.stores``, importing no backend.

Read models live in a SQLite file beside the event store, or in the PostgreSQL database.
Projections write SQL with ``?`` placeholders; the PostgreSQL store translates them. Both
stores give a transaction in which a projection's view changes and its tracking position are
written together, so a crash leaves either both or neither. The stores themselves are in
``projections.stores.sqlite`` and ``projections.stores.postgres``; ``projections.stores.factory``
chooses one for a store URL.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

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

    def part_for(self, name: str) -> ViewStore:
        """The store that holds the tables and the position of the projection of this name:
        this one, unless some read models live apart (``SQLiteViewStore``'s ``parts``).
        Queries through this store see them all."""
        return self

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

    @contextmanager
    def read(self) -> Iterator[Transaction]:
        """A transaction for several queries and no writes (which, where a store has read
        models apart, sees them all)."""
        with self.transaction() as tx:
            yield tx

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self.read() as tx:
            return tx.query(sql, params)

    def scrub(self) -> None:  # noqa: B027 - a store that keeps no old page versions needs nothing
        """Let go of the old versions of what was changed or deleted, where the store keeps
        them beside the live rows (SQLite's WAL): called after a person's erasure."""

    @abstractmethod
    def close(self) -> None: ...
