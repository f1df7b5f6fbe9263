"""Tampering with the event store by hand, with SQL, the way someone with database access could.

SQLite keeps events in ``stored_events`` with the rowid as the notification id; PostgreSQL in
``ledger_events`` with ``notification_id``. Both have originator_id, originator_version, topic
and state columns.
"""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit


class EventTable:
    def __init__(self, store_url: str) -> None:
        parts = urlsplit(store_url)
        self.postgres = parts.scheme.startswith("postgres")
        if self.postgres:
            import psycopg

            schema = parse_qs(parts.query)["schema"][0]
            dsn = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
            self.connection: Any = psycopg.connect(
                dsn, autocommit=True, options=f"-c search_path={schema}"
            )
            self.table, self.id = "ledger_events", "notification_id"
        elif parts.scheme == "sqlite":
            self.connection = sqlite3.connect(parts.path[1:], isolation_level=None)
            self.table, self.id = "stored_events", "rowid"
        else:
            raise ValueError(f"no SQL for {store_url}")

    def execute(self, sql: str, params: tuple = ()) -> list[tuple]:
        sql = sql.format(table=self.table, id=self.id)
        if self.postgres:
            sql = sql.replace("?", "%s")
        cursor = self.connection.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else []

    def ids(self) -> list[int]:
        return [row[0] for row in self.execute("SELECT {id} FROM {table} ORDER BY {id}")]

    def state(self, position: int) -> bytes:
        return bytes(self.execute("SELECT state FROM {table} WHERE {id} = ?", (position,))[0][0])

    def topic(self, position: int) -> str:
        return self.execute("SELECT topic FROM {table} WHERE {id} = ?", (position,))[0][0]

    def set_state(self, position: int, state: bytes) -> None:
        self.execute("UPDATE {table} SET state = ? WHERE {id} = ?", (state, position))

    def cast_state_to_text(self, position: int) -> None:
        """Change the type of one event's state (SQLite keeps a type per value)."""
        self.execute("UPDATE {table} SET state = CAST(state AS TEXT) WHERE {id} = ?", (position,))

    def make_states_text(self) -> None:
        """Change the state column's type to text (PostgreSQL keeps one type per column)."""
        self.execute(
            "ALTER TABLE {table} ALTER COLUMN state TYPE text USING encode(state, 'escape')"
        )

    def delete(self, position: int) -> None:
        self.execute("DELETE FROM {table} WHERE {id} = ?", (position,))

    def swap_states(self, a: int, b: int) -> None:
        state_a, state_b = self.state(a), self.state(b)
        self.set_state(a, state_b)
        self.set_state(b, state_a)

    def swap_positions(self, a: int, b: int) -> None:
        """Reorder two events: each takes the other's notification id."""
        self.execute("UPDATE {table} SET {id} = ? WHERE {id} = ?", (-1, a))
        self.execute("UPDATE {table} SET {id} = ? WHERE {id} = ?", (a, b))
        self.execute("UPDATE {table} SET {id} = ? WHERE {id} = ?", (b, -1))

    def insert_copy(self, position: int, like: int) -> None:
        """A forged event at ``position``: a copy of another under a new aggregate id."""
        new_id: Any = uuid.uuid4() if self.postgres else uuid.uuid4().hex
        self.execute(
            "INSERT INTO {table} ({id}, originator_id, originator_version, topic, state) "
            "SELECT ?, ?, originator_version, topic, state FROM {table} WHERE {id} = ?",
            (position, new_id, like),
        )

    def open_gap(self, after: int, width: int) -> None:
        """Leave ``width`` unused ids after ``after``, as rolled-back inserts do."""
        if self.postgres:
            for _ in range(width):
                with self.connection.transaction(force_rollback=True):
                    self.execute(
                        "INSERT INTO {table} (originator_id, originator_version, topic, state) "
                        "VALUES (?, 1, 'rolled.back:Event', ?)",
                        (uuid.uuid4(), b"{}"),
                    )
        else:  # SQLite has no gaps of its own: move the later events up
            moved = [i for i in self.ids() if i > after]
            for position in reversed(moved):
                self.execute(
                    "UPDATE {table} SET {id} = ? WHERE {id} = ?", (position + width, position)
                )

    def close(self) -> None:
        self.connection.close()


def views_in_wal_mode(store_url: str) -> None:
    """Put a SQLite read-model file in WAL mode before the view store first opens it.

    Works around SQLiteViewStore asking for WAL inside a transaction, which SQLite refuses on a
    file that already has content ("cannot change into wal mode from within a transaction"):
    without this, a second process cannot open the same view store.
    """
    parts = urlsplit(store_url)
    if parts.scheme != "sqlite":
        return
    events = Path(parts.path[1:])
    connection = sqlite3.connect(events.with_name(events.stem + "-views.db"))
    try:
        connection.execute("PRAGMA journal_mode=WAL")
    finally:
        connection.close()
