"""Moving a ledger from its SQLite files into an empty PostgreSQL schema, row for row.

What cannot be rebuilt is copied as it is stored, in one PostgreSQL transaction: every event
with its notification id (gaps included) and its stored bytes, the snapshots, the vault's
tables (each person's wrapped data key, the links, the key fingerprints) and the transparency
log (leaves, nodes, signed checkpoints, its key fingerprints and position). So the target
holds all of it or none of it. The read models are rebuilt afterwards, by replay.

The source is read in one SQLite read transaction per file, the log before the events, so
the copied log never runs ahead of the copied events. Stop the service before migrating:
what it writes meanwhile is not copied.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from psycopg import Connection, sql

from domain.storage import store_env
from projections.stores.protocol import ViewStore
from projections.transparency.records import TABLES
from projections.transparency.storage import LOG_NAME, LOG_VERSION, TRACKING_TABLE

#: The tables whose rows make a target "not empty": anything it holds there would be lost
#: or mixed with the copy. Empty tables (left by a service started once on it) are fine.
TABLES_OF_DATA = ("vault_keys", "vault_links", "tlog_leaves", "tlog_checkpoints")
EVENT_COLUMNS = ("originator_id", "originator_version", "topic", "state")
#: What the progress callback gets: rows copied, the position reached, the source's head.
Progress = Callable[[int, int, int], None]


class MigrationError(Exception):
    """The move cannot start or cannot finish: one line for the operator."""


@dataclass(frozen=True)
class SQLiteSource:
    """The ledger's SQLite file, and its read-model file beside it (which may not exist)."""

    ledger_file: Path
    views_file: Path

    @classmethod
    def of(cls, store_url: str) -> SQLiteSource:
        env = store_env(store_url)
        if "SQLITE_DBNAME" not in env:
            raise MigrationError(
                f"migrate moves a ledger out of SQLite, and this store is {_where(store_url)}"
            )
        ledger_file = Path(env["SQLITE_DBNAME"])
        if not ledger_file.is_file():
            raise MigrationError(f"there is no ledger at {ledger_file}")
        return cls(ledger_file, ledger_file.with_name(ledger_file.stem + "-views.db"))

    def read(self, path: Path) -> sqlite3.Connection:
        """A read-only connection holding one read transaction: a consistent snapshot."""
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
        connection.execute("BEGIN")
        return connection


@dataclass
class Copied:
    events: int = 0
    head: int = 0
    snapshots: int = 0
    keys: int = 0
    links: int = 0
    leaves: int = 0
    checkpoints: int = 0


def refuse_unless_empty(target: Connection[Any], events_table: str) -> None:
    """``MigrationError`` if the target schema already holds events, keys or a log."""
    for table in (events_table, *TABLES_OF_DATA):
        exists = target.execute("SELECT to_regclass(%s) IS NOT NULL", (table,)).fetchone()
        if exists and exists[0]:
            query = sql.SQL("SELECT EXISTS (SELECT 1 FROM {})").format(sql.Identifier(table))
            held = target.execute(query).fetchone()
            if held and held[0]:
                raise MigrationError(
                    f"the target is not empty (its table {table} holds rows): "
                    "migrate only into an empty database or schema"
                )


def create_log_tables(views: ViewStore) -> None:
    """The transparency log's tables, empty: the copy fills them, and the log is opened (its
    keys checked against what it recorded) only then."""
    with views.transaction() as tx:
        tx.execute(TRACKING_TABLE)
        for statement in TABLES:
            tx.execute(statement)


def copy_ledger(
    source: SQLiteSource,
    target: Connection[Any],
    tables: dict[str, str],
    *,
    on_progress: Progress | None = None,
    batch_size: int = 1000,
) -> Copied:
    """Copy the rows in one transaction of ``target``; ``tables``: the names of ``events``
    and ``snapshots`` on each side, as ``source_events`` … ``target_snapshots``."""
    copied = Copied()
    log = source.read(source.views_file) if _has_log(source.views_file) else None
    ledger = source.read(source.ledger_file)
    try:
        with target.transaction():
            refuse_unless_empty(target, tables["target_events"])
            if log is not None:
                _copy_log(log, target, copied)
            _copy_events(ledger, target, tables, copied, on_progress, batch_size)
            if tables["source_snapshots"] and tables["target_snapshots"]:
                copied.snapshots = _copy_rows(
                    ledger,
                    target,
                    tables["source_snapshots"],
                    tables["target_snapshots"],
                    EVENT_COLUMNS,
                )
            copied.keys = _copy_rows(
                ledger,
                target,
                "vault_keys",
                "vault_keys",
                ("key_id", "subject", "wrapped", "created_at"),
            )
            copied.links = _copy_rows(
                ledger, target, "vault_links", "vault_links", ("id", "subject")
            )
            _copy_meta(ledger, target, "vault_meta")
    finally:
        ledger.close()
        if log is not None:
            log.close()
    return copied


def _copy_events(
    ledger: sqlite3.Connection,
    target: Connection[Any],
    tables: dict[str, str],
    copied: Copied,
    on_progress: Progress | None,
    batch_size: int,
) -> None:
    source = tables["source_events"]
    copied.head = ledger.execute(f"SELECT COALESCE(MAX(rowid), 0) FROM {source}").fetchone()[0]
    columns = sql.SQL(", ").join(map(sql.Identifier, (*EVENT_COLUMNS, "notification_id")))
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(tables["target_events"]), columns
    )
    rows = ledger.execute(f"SELECT {', '.join(EVENT_COLUMNS)}, rowid FROM {source} ORDER BY rowid")
    with target.cursor().copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
            copied.events += 1
            if on_progress is not None and copied.events % batch_size == 0:
                on_progress(copied.events, row[-1], copied.head)
    if on_progress is not None:
        on_progress(copied.events, copied.head, copied.head)
    if copied.head:  # new events are numbered after the copied ones
        target.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'notification_id'), %s)",
            (tables["target_events"], copied.head),
        )


def _copy_log(log: sqlite3.Connection, target: Connection[Any], copied: Copied) -> None:
    _copy_meta(log, target, "tlog_meta")
    copied.leaves = _copy_rows(
        log,
        target,
        "tlog_leaves",
        "tlog_leaves",
        ("leaf_index", "position", "aggregate_id", "version", "leaf", "leaf_hash"),
    )
    _copy_rows(log, target, "tlog_nodes", "tlog_nodes", ("level", "idx", "hash"))
    copied.checkpoints = _copy_rows(
        log, target, "tlog_checkpoints", "tlog_checkpoints", ("size", "root", "note", "signed_at")
    )
    row = log.execute(
        "SELECT position FROM projection_tracking WHERE name = ?", (LOG_NAME,)
    ).fetchone()
    target.execute(
        "INSERT INTO projection_tracking (name, version, position) VALUES (%s, %s, %s) "
        "ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position",
        (LOG_NAME, LOG_VERSION, row[0] if row else 0),
    )


def _copy_rows(
    source: sqlite3.Connection,
    target: Connection[Any],
    source_table: str,
    target_table: str,
    columns: tuple[str, ...],
) -> int:
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(target_table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    count = 0
    with target.cursor().copy(statement) as copy:
        for row in source.execute(f"SELECT {', '.join(columns)} FROM {source_table}"):
            copy.write_row(row)
            count += 1
    return count


def _copy_meta(source: sqlite3.Connection, target: Connection[Any], table: str) -> None:
    """The source's fingerprints replace any the target recorded (it holds no data yet)."""
    target.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
    _copy_rows(source, target, table, table, ("name", "value"))


def _has_log(views_file: Path) -> bool:
    if not views_file.is_file():
        return False
    connection = sqlite3.connect(f"file:{views_file}?mode=ro", uri=True)
    try:
        found = connection.execute(
            "SELECT COUNT(*) FROM sqlite_master"
            " WHERE name IN ('tlog_leaves', 'projection_tracking')"
        ).fetchone()
    finally:
        connection.close()
    return bool(found and found[0] == 2)


def _where(store_url: str) -> str:
    """A store URL without its password, for messages."""
    parts = urlsplit(store_url)
    if parts.scheme in ("postgresql", "postgres"):
        return f"PostgreSQL at {parts.hostname}:{parts.port or 5432}{parts.path}"
    return store_url
