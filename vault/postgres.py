"""The key tables in the ledger's PostgreSQL schema (see ``vault.stores`` for what they hold).

A deleted row stays in the table's dead space and in PostgreSQL's write-ahead log until they
are reused; ``destroy`` vacuums the key table at once so the space is reclaimed, but backups
and WAL archives made before keep the wrapped key (useless without the master key).
"""

from __future__ import annotations

import random
import time
from datetime import UTC, datetime
from typing import Any

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool

from vault.stores import refuse_mismatch

_CREATION_ATTEMPTS = 8


class PostgresKeyStore:
    """``conninfo``: a libpq connection string; ``schema``: the ledger's schema, if any."""

    def __init__(
        self,
        conninfo: str,
        schema: str | None = None,
        *,
        wait_seconds: float = 5.0,
        reconnect_seconds: float = 300.0,
        **connection: Any,
    ) -> None:
        """``wait_seconds``: how long a caller waits for a connection before the pool gives
        up (``PoolTimeout``, a ``psycopg.OperationalError``); ``connection``: libpq settings."""
        self._pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            conninfo,
            min_size=1,
            max_size=4,
            kwargs={"autocommit": True, **connection},
            open=True,
            timeout=wait_seconds,
            reconnect_timeout=reconnect_seconds,
            check=ConnectionPool.check_connection,
        )
        prefix = [schema] if schema else []
        self._keys = sql.Identifier(*prefix, "vault_keys")
        self._links = sql.Identifier(*prefix, "vault_links")
        self._meta = sql.Identifier(*prefix, "vault_meta")
        self._create_tables()

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
                with self._pool.connection() as conn:
                    for statement in statements:
                        conn.execute(statement)
                return
            except (
                psycopg.errors.UniqueViolation,
                psycopg.errors.DuplicateTable,
                psycopg.errors.InternalError_,
            ):
                # Another process created them at the same moment: the next try finds them.
                if attempt == _CREATION_ATTEMPTS:
                    raise
                time.sleep(0.05 * attempt * (1 + random.random()))

    def key_of(self, subject: str) -> tuple[str, bytes] | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                sql.SQL(
                    "SELECT key_id, wrapped FROM {} WHERE subject = %s"
                    " ORDER BY created_at, key_id LIMIT 1"
                ).format(self._keys),
                (subject,),
            ).fetchone()
        return (row[0], bytes(row[1])) if row else None

    def add(self, key_id: str, subject: str, wrapped: bytes) -> None:
        with self._pool.connection() as conn:
            conn.execute(
                sql.SQL(
                    "INSERT INTO {} (key_id, subject, wrapped, created_at) VALUES (%s, %s, %s, %s)"
                ).format(self._keys),
                (key_id, subject, wrapped, datetime.now(UTC)),
            )

    def get(self, key_id: str) -> tuple[str, bytes] | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                sql.SQL("SELECT subject, wrapped FROM {} WHERE key_id = %s").format(self._keys),
                (key_id,),
            ).fetchone()
        return (row[0], bytes(row[1])) if row else None

    def destroy(self, subject: str) -> int:
        with self._pool.connection() as conn:
            deleted = conn.execute(
                sql.SQL("DELETE FROM {} WHERE subject = %s").format(self._keys), (subject,)
            ).rowcount
            conn.execute(sql.SQL("VACUUM {}").format(self._keys))
        return deleted

    def link(self, id: str, subject: str) -> None:
        with self._pool.connection() as conn:
            conn.execute(
                sql.SQL(
                    "INSERT INTO {} (id, subject) VALUES (%s, %s) ON CONFLICT DO NOTHING"
                ).format(self._links),
                (id, subject),
            )

    def linked(self, id: str) -> str | None:
        with self._pool.connection() as conn:
            row = conn.execute(
                sql.SQL("SELECT subject FROM {} WHERE id = %s").format(self._links), (id,)
            ).fetchone()
        return str(row[0]) if row else None

    def check_fingerprint(self, name: str, value: str) -> None:
        with self._pool.connection() as conn:
            conn.execute(
                sql.SQL(
                    "INSERT INTO {} (name, value) VALUES (%s, %s) ON CONFLICT DO NOTHING"
                ).format(self._meta),
                (name, value),
            )
            row = conn.execute(
                sql.SQL("SELECT value FROM {} WHERE name = %s").format(self._meta), (name,)
            ).fetchone()
        if row is None or row[0] != value:
            raise refuse_mismatch(name)

    def close(self) -> None:
        self._pool.close()
