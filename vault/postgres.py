"""The key tables in the ledger's PostgreSQL schema (see ``vault.stores`` for what they hold).

A deleted row stays in the table's dead space and in PostgreSQL's write-ahead log until they
are reused; ``destroy`` vacuums the key table at once so the space is reclaimed, but backups
and WAL archives made before keep the wrapped key (useless without the master key).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from vault.stores import refuse_mismatch

_CREATION_ATTEMPTS = 8


class PostgresKeyStore:
    """``connect()`` lends a connection in autocommit mode (the ledger's own kind of pool, so
    that the keys fail fast and come back with the events); ``schema``: the ledger's schema."""

    def __init__(
        self,
        connect: Callable[[], AbstractContextManager[psycopg.Connection[Any]]],
        schema: str | None = None,
        *,
        on_close: Callable[[], None] = lambda: None,
    ) -> None:
        self._connect = connect
        self._on_close = on_close
        prefix = [schema] if schema else []
        self._keys = sql.Identifier(*prefix, "vault_keys")
        self._links = sql.Identifier(*prefix, "vault_links")
        self._meta = sql.Identifier(*prefix, "vault_meta")
        self._create_tables()

    def _row(self, statement: sql.Composed, values: tuple[Any, ...]) -> dict[str, Any] | None:
        with self._connect() as conn, conn.cursor(row_factory=dict_row) as cursor:
            cursor.execute(statement, values)
            return cursor.fetchone()

    def _execute(self, statement: sql.Composed, values: tuple[Any, ...] = ()) -> int:
        with self._connect() as conn, conn.cursor() as cursor:
            cursor.execute(statement, values)
            return cursor.rowcount

    def _create_tables(self) -> None:
        statements = [
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} (key_id text PRIMARY KEY, subject text NOT NULL,"
                " wrapped bytea NOT NULL, created_at timestamptz NOT NULL)"
            ).format(self._keys),
            sql.SQL("CREATE INDEX IF NOT EXISTS vault_keys_subject ON {} (subject)").format(
                self._keys
            ),
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} (id text PRIMARY KEY, subject text NOT NULL)"
            ).format(self._links),
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} (name text PRIMARY KEY, value text NOT NULL)"
            ).format(self._meta),
        ]
        for attempt in range(1, _CREATION_ATTEMPTS + 1):
            try:
                for statement in statements:
                    self._execute(statement)
                return
            except Exception:  # psycopg's errors, or the connection lender's wrappers of them
                # Another process created them at the same moment: the next try finds them.
                if attempt == _CREATION_ATTEMPTS:
                    raise
                time.sleep(0.05 * attempt * (1 + random.random()))

    def key_of(self, subject: str) -> tuple[str, bytes] | None:
        row = self._row(
            sql.SQL(
                "SELECT key_id, wrapped FROM {} WHERE subject = %s"
                " ORDER BY created_at, key_id LIMIT 1"
            ).format(self._keys),
            (subject,),
        )
        return (row["key_id"], bytes(row["wrapped"])) if row else None

    def add(self, key_id: str, subject: str, wrapped: bytes) -> None:
        self._execute(
            sql.SQL(
                "INSERT INTO {} (key_id, subject, wrapped, created_at) VALUES (%s, %s, %s, %s)"
            ).format(self._keys),
            (key_id, subject, wrapped, datetime.now(UTC)),
        )

    def get(self, key_id: str) -> tuple[str, bytes] | None:
        row = self._row(
            sql.SQL("SELECT subject, wrapped FROM {} WHERE key_id = %s").format(self._keys),
            (key_id,),
        )
        return (row["subject"], bytes(row["wrapped"])) if row else None

    def destroy(self, subject: str) -> int:
        deleted = self._execute(
            sql.SQL("DELETE FROM {} WHERE subject = %s").format(self._keys), (subject,)
        )
        self._execute(sql.SQL("VACUUM {}").format(self._keys))
        return deleted

    def link(self, id: str, subject: str) -> None:
        self._execute(
            sql.SQL("INSERT INTO {} (id, subject) VALUES (%s, %s) ON CONFLICT DO NOTHING").format(
                self._links
            ),
            (id, subject),
        )

    def link_all(self, links: Iterable[tuple[str, str]]) -> None:
        statement = sql.SQL(
            "INSERT INTO {} (id, subject) VALUES (%s, %s) ON CONFLICT DO NOTHING"
        ).format(self._links)
        with self._connect() as conn, conn.transaction(), conn.cursor() as cursor:
            cursor.executemany(statement, list(links))

    def linked(self, id: str) -> str | None:
        row = self._row(sql.SQL("SELECT subject FROM {} WHERE id = %s").format(self._links), (id,))
        return str(row["subject"]) if row else None

    def check_fingerprint(self, name: str, value: str) -> None:
        self._execute(
            sql.SQL("INSERT INTO {} (name, value) VALUES (%s, %s) ON CONFLICT DO NOTHING").format(
                self._meta
            ),
            (name, value),
        )
        row = self._row(sql.SQL("SELECT value FROM {} WHERE name = %s").format(self._meta), (name,))
        if row is None or row["value"] != value:
            raise refuse_mismatch(name)

    def ping(self) -> None:
        self._row(sql.SQL("SELECT 1 AS one").format(), ())

    def close(self) -> None:
        self._on_close()
