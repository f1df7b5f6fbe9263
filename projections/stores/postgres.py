"""Read models in PostgreSQL, in the schema of the event store.

A runner writes its batches through ``batch()``: each distinct statement is prepared once per
connection, and a batch's writes go as ``EXECUTE`` statements, a thousand to a round trip,
instead of one round trip each; rows inserted many at once go by COPY. An error then surfaces
at the next read or at commit, and the whole transaction rolls back all the same.
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

from domain.storage import POSTGRES_CONNECTION, POSTGRES_RECONNECT_SECONDS, POSTGRES_WAIT_SECONDS
from projections.stores.protocol import Row, Transaction, ViewStore

if TYPE_CHECKING:
    import psycopg


@lru_cache(maxsize=512)
def _postgres_sql(sql: str) -> str:
    return sql.replace("?", "%s")


class _PostgresTransaction(Transaction):
    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.cursor.execute(_postgres_sql(sql), params)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        self.cursor.execute(_postgres_sql(sql), params)
        rows: list[Row] = self.cursor.fetchall()
        return rows

    def execute_many(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.cursor.executemany(_postgres_sql(sql), rows)

    def insert_many(
        self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> None:
        """With COPY: the server takes the rows as they stream in, at a fraction of the cost
        of one INSERT each, and the client writes them in C."""
        with self.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


@lru_cache(maxsize=512)
def _numbered_sql(sql: str) -> str:
    """``?`` placeholders as PostgreSQL's ``$1, $2 …``, for PREPARE."""
    parts = sql.split("?")
    return parts[0] + "".join(f"${i}{part}" for i, part in enumerate(parts[1:], start=1))


@lru_cache(maxsize=512)
def _execute_template(name: str, arguments: int) -> str:
    return f"EXECUTE {name}({', '.join(['%s'] * arguments)})" if arguments else f"EXECUTE {name}"


def _literal(value: Any) -> str | None:
    """The SQL literal of the commonest argument types, or None to leave it to psycopg.

    Several times faster than psycopg's client-side binding, and as safe for these types: the
    pool's sessions set ``standard_conforming_strings``, so only a quote needs doubling, and a
    NUL character (which would cut the statement short) goes to psycopg, which refuses it.
    """
    kind = type(value)
    if kind is str:
        return None if "\x00" in value else "'" + value.replace("'", "''") + "'"
    if kind is int:
        return str(value)
    if value is None:
        return "NULL"
    if kind is bool:
        return "true" if value else "false"
    return None


#: Per pooled connection: each statement's prepared name, or None if PostgreSQL cannot
#: prepare it (a parameter of undetermined type); such a statement is sent as it is.
_PREPARED: weakref.WeakKeyDictionary[Any, dict[str, str | None]] = weakref.WeakKeyDictionary()


class _PostgresBatch(_PostgresTransaction):
    """A runner's batch: writes go as prepared statements, many to a round trip.

    Each distinct statement is prepared once per connection (PREPARE); a write is then an
    ``EXECUTE name(…)`` with its arguments bound on the client, and a thousand of them go in
    one round trip. The server neither parses nor plans a write again, and the client does
    little work per write. A read first sends the writes before it, so it sees them.
    """

    flush_at = 1000

    def __init__(
        self,
        connection: psycopg.Connection[Any],
        cursor: psycopg.Cursor[Any],
        client: psycopg.ClientCursor[Any],
    ) -> None:
        super().__init__(cursor)
        self.connection = connection
        self.client = client
        self.prepared = _PREPARED.setdefault(connection, {})
        self.pending: list[str] = []
        if self.prepared:  # trust the session, not our memory of it
            cursor.execute("SELECT name FROM pg_prepared_statements")
            alive = {name for (name,) in cursor.fetchall()}
            for sql, name in list(self.prepared.items()):
                if name is not None and name not in alive:
                    del self.prepared[sql]

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        statement = self._statement(sql, params)  # first: preparing may flush ``pending``
        self.pending.append(statement)
        if len(self.pending) >= self.flush_at:
            self.flush()

    #: One queued ``EXECUTE`` a row, as any transaction does, not the cursor's executemany.
    execute_many = Transaction.execute_many

    def insert_many(
        self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
    ) -> None:
        self.flush()  # the writes before it come first
        super().insert_many(table, columns, rows)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        statement = self._statement(sql, params)
        # The pending writes and the read in one round trip; the read's rows come last.
        self.pending.append(statement)
        self.client.execute(";\n".join(self.pending))
        self.pending.clear()
        while self.client.nextset():
            pass
        rows: list[Row] = self.client.fetchall()
        return rows

    def _statement(self, sql: str, params: Sequence[Any]) -> str:
        name = self.prepared[sql] if sql in self.prepared else self._prepare(sql)
        if name is None:
            return self.client.mogrify(_postgres_sql(sql), params)
        literals = []
        for value in params:
            literal = _literal(value)
            if literal is None:  # a type psycopg knows better: let it write them all
                return self.client.mogrify(_execute_template(name, len(params)), params)
            literals.append(literal)
        return f"EXECUTE {name}({', '.join(literals)})" if literals else f"EXECUTE {name}"

    def flush(self) -> None:
        if self.pending:
            self.client.execute(";\n".join(self.pending))
            self.pending.clear()

    def _prepare(self, sql: str) -> str | None:
        import psycopg

        self.flush()
        name: str | None = "vl_" + hashlib.blake2b(sql.encode(), digest_size=8).hexdigest()
        try:
            with self.connection.transaction():  # a savepoint: a refusal leaves the batch intact
                self.cursor.execute(f"PREPARE {name} AS {_numbered_sql(sql)}")
        except psycopg.errors.DuplicatePreparedStatement:
            pass  # the name derives from the statement: it is this one
        except psycopg.Error:
            name = None  # sent as it is; if it is wrong, it fails there
        self.prepared[sql] = name
        return name


def _configure(connection: psycopg.Connection[Any]) -> None:
    # psycopg's own automatic statement preparation would answer a DROP or a ROLLBACK with
    # DEALLOCATE ALL, taking the batches' prepared statements with it.
    connection.prepare_threshold = None


class PostgresViewStore(ViewStore):
    """Read models in PostgreSQL, in the schema of the event store (``?schema=``) if named."""

    row_lock = " FOR UPDATE"

    def __init__(self, url: str, pool_size: int = 4) -> None:
        from psycopg_pool import ConnectionPool

        parts = urlsplit(url)
        schema = parse_qs(parts.query).get("schema", [None])[0]
        self.schema = schema or "public"
        self.conninfo = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        search_path = f" -c search_path={schema}" if schema else ""
        self.options = {
            **POSTGRES_CONNECTION,
            "options": "-c standard_conforming_strings=on" + search_path,
        }
        # With the database away, a caller waits POSTGRES_WAIT_SECONDS and gets PoolTimeout;
        # a connection is checked before it is lent, so one the server dropped is replaced.
        self.pool = ConnectionPool(
            self.conninfo,
            min_size=1,
            max_size=pool_size,
            kwargs=self.options,
            configure=_configure,
            check=ConnectionPool.check_connection,
            timeout=POSTGRES_WAIT_SECONDS,
            reconnect_timeout=POSTGRES_RECONNECT_SECONDS,
            open=True,
        )

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        with (
            self.pool.connection() as connection,
            connection.transaction(),
            connection.cursor() as cursor,
        ):
            yield _PostgresTransaction(cursor)

    @contextmanager
    def batch(self, meanwhile: Callable[[], None] | None = None) -> Iterator[Transaction]:
        from psycopg import ClientCursor

        with (
            self.pool.connection() as connection,
            connection.transaction(),
            connection.cursor() as cursor,
            ClientCursor(connection) as client,
        ):
            batch = _PostgresBatch(connection, cursor, client)
            yield batch
            batch.flush()
        # After the commit. Beside the last round trip, in another thread, was slower: the
        # two threads take turns at the GIL for psycopg's many small waits and results.
        if meanwhile is not None:
            meanwhile()

    def lock_key(self, name: str) -> int:
        """A stable 64-bit advisory-lock key for ``name`` within this store's schema.

        Advisory locks are per database, so the schema is part of the key: two ledgers in
        one database never block each other.
        """
        return _advisory_key("projection", self.schema, name)

    def serialise_setup(self, tx: Transaction) -> None:
        tx.query("SELECT pg_advisory_xact_lock(?)", (_advisory_key("set-up", self.schema),))

    def connect(self) -> psycopg.Connection[Any]:
        """A connection of its own, outside the pool, in autocommit mode (for session locks)."""
        import psycopg
        from psycopg.conninfo import make_conninfo

        return psycopg.connect(make_conninfo(self.conninfo, **self.options), autocommit=True)

    def close(self) -> None:
        self.pool.close()


def _advisory_key(*parts: str) -> int:
    digest = hashlib.blake2b("/".join(("volunteer-ledger", *parts)).encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)
