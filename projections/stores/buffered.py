"""A table's writes during one batch, kept in memory and written at its end in few statements.

Most service records are recorded and approved (or corrected) within one batch: held here, such
a record is one insert with its final values instead of an insert and an update for each event.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from projections.stores.protocol import Transaction


class BufferedTable:
    """Rows inserted into one table, and changes to its older rows, until ``write``.

    A change to a row inserted in this batch is made to that row in memory. The changes to an
    older row become one UPDATE: the last value set in each column, and all the text appended
    to each, in order. That is the same result because a change sets a column or appends to
    it and reads no other. The first column is the key. Nothing held is visible to SQL until
    ``write``: a projection must not read a table it buffers.
    """

    def __init__(self, table: str, columns: Sequence[str]) -> None:
        self.table = table
        self.columns = tuple(columns)
        self.key = columns[0]
        self.index = {column: i for i, column in enumerate(columns)}
        self.set_sql = {column: f"{column} = ?" for column in columns}
        self.append_sql = {column: f"{column} = {column} || ?" for column in columns}
        self.inserted: dict[Any, list[Any]] = {}
        #: The changes to older rows, by key: each assignment (``status = ?``) and its value.
        self.changed: dict[Any, dict[str, Any]] = {}

    def insert(self, *row: Any) -> None:
        """A new row, its values in the order of the columns."""
        if row[0] in self.inserted:  # as the table's primary key would refuse it
            raise ValueError(f"{self.table}: {row[0]!r} inserted twice")
        self.inserted[row[0]] = list(row)

    def update(self, key: Any, **values: Any) -> None:
        """Set these columns of the row with this key."""
        row = self.inserted.get(key)
        if row is None:
            changes = self.changed.setdefault(key, {})
            for column, value in values.items():
                changes[self.set_sql[column]] = value
        else:
            for column, value in values.items():
                row[self.index[column]] = value

    def values_set(self, key: Any) -> dict[str, Any]:
        """The columns set (not appended to) on the older row with this key, and their values."""
        changes = self.changed.get(key, {})
        return {c: changes[sql] for c, sql in self.set_sql.items() if sql in changes}

    def append(self, key: Any, column: str, text: str) -> None:
        """Add text to the end of a text column of the row with this key."""
        row = self.inserted.get(key)
        if row is None:
            changes = self.changed.setdefault(key, {})
            assignment = self.append_sql[column]
            changes[assignment] = changes.get(assignment, "") + text
        else:
            row[self.index[column]] += text

    def write(self, tx: Transaction) -> None:
        """Insert the new rows, update the older ones (one statement per set of columns
        changed), and start empty again."""
        if self.inserted:
            tx.insert_many(self.table, self.columns, self.inserted.values())
        updates: dict[tuple[str, ...], list[list[Any]]] = {}
        for key, changes in self.changed.items():
            assignments = tuple(sorted(changes))
            updates.setdefault(assignments, []).append([*map(changes.get, assignments), key])
        for assignments, rows in updates.items():
            tx.execute_many(
                f"UPDATE {self.table} SET {', '.join(assignments)} WHERE {self.key} = ?", rows
            )
        self.clear()

    def clear(self) -> None:
        """Drop whatever is held (what a failed batch left behind)."""
        self.inserted.clear()
        self.changed.clear()
