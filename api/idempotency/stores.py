"""Where keyed answers are remembered: the store protocol, and SQLite and PostgreSQL stores.

Each keeps the first complete answer to a key in a request scope, with the fingerprint of the
request it answered, for ``ttl`` (24 hours by default); ``api.idempotency`` says how they are used.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, TypeAlias
from urllib.parse import unquote, urlsplit

from psycopg import sql
from psycopg_pool import ConnectionPool

from api.postgres_pool import bounded_pool, conninfo_and_schema

DEFAULT_TTL = timedelta(hours=24)


@dataclass(frozen=True)
class StoredResponse:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


@dataclass(frozen=True)
class Remembered:
    """The first answer to a key in a scope, and the fingerprint of the request it answered."""

    fingerprint: str
    response: StoredResponse


class IdempotencyStore(Protocol):
    def lookup(self, scope: str, key: str) -> Remembered | None: ...
    def remember(self, scope: str, key: str, remembered: Remembered) -> None: ...
    def forget(self, traces: Sequence[str]) -> int: ...
    def close(self) -> None: ...


def _utc_now() -> datetime:
    return datetime.now(UTC)


_CREATE = """CREATE TABLE IF NOT EXISTS {table} (
    request_scope TEXT NOT NULL, idempotency_key TEXT NOT NULL, fingerprint TEXT NOT NULL,
    created_at {real} NOT NULL, status INTEGER NOT NULL, headers TEXT NOT NULL,
    body {blob} NOT NULL, PRIMARY KEY (request_scope, idempotency_key))"""
_INDEX = "CREATE INDEX IF NOT EXISTS {index} ON {table} (created_at)"
_DELETE_EXPIRED = "DELETE FROM {table} WHERE created_at <= %(expired)s"
_INSERT = (
    "INSERT INTO {table} (request_scope, idempotency_key, fingerprint, created_at, status,"
    " headers, body) VALUES (%(scope)s, %(key)s, %(fingerprint)s, %(now)s, %(status)s,"
    " %(headers)s, %(body)s) ON CONFLICT (request_scope, idempotency_key) DO NOTHING"
)
_SELECT = (
    "SELECT fingerprint, status, headers, body FROM {table}"
    " WHERE request_scope = %(scope)s AND idempotency_key = %(key)s AND created_at > %(expired)s"
)

_DELETE_HOLDING = "DELETE FROM {table} WHERE {holds}"


def spellings(trace: str) -> list[bytes]:
    """How a text can stand in a stored JSON answer: as UTF-8, and as ``\\uXXXX`` escapes in
    lower and upper case."""
    escaped = json.dumps(trace)[1:-1]
    upper = re.sub(r"\\u([0-9a-f]{4})", lambda m: "\\u" + m[1].upper(), escaped)
    return list(dict.fromkeys(x.encode() for x in (trace, escaped, upper)))


_Run: TypeAlias = Callable[[str, dict[str, Any]], Any]


class _SqlStore:
    """The cache in SQL; subclasses supply a transaction on their database. Rows live ``ttl``."""

    #: The condition "the answer's body holds the bytes ``%(trace)s``", in the database's SQL.
    holds = "instr(body, %(trace)s) > 0"

    def __init__(
        self, *, ttl: timedelta = DEFAULT_TTL, clock: Callable[[], datetime] = _utc_now
    ) -> None:
        self.ttl = ttl
        self.clock = clock

    def _transaction(self) -> AbstractContextManager[_Run]:
        raise NotImplementedError

    def _reading(self) -> AbstractContextManager[_Run]:
        """A read of one row: a transaction unless the backend reads consistently without."""
        return self._transaction()

    def _moments(self) -> dict[str, float]:
        now = self.clock()
        return {"now": now.timestamp(), "expired": (now - self.ttl).timestamp()}

    def lookup(self, scope: str, key: str) -> Remembered | None:
        with self._reading() as run:
            row = run(_SELECT, {"scope": scope, "key": key, **self._moments()}).fetchone()
        if row is None:
            return None
        fingerprint, status, headers, body = row
        pairs = tuple((name, value) for name, value in json.loads(headers))
        return Remembered(fingerprint, StoredResponse(status, pairs, bytes(body)))

    def remember(self, scope: str, key: str, remembered: Remembered) -> None:
        """Keep the first answer; a later one for the same key (a copy that ran at once) is
        dropped, since both came from the same receipts."""
        response = remembered.response
        params = {
            "scope": scope,
            "key": key,
            "fingerprint": remembered.fingerprint,
            "status": response.status,
            "headers": json.dumps(response.headers),
            "body": response.body,
            **self._moments(),
        }
        with self._transaction() as run:
            run(_DELETE_EXPIRED, params)
            run(_INSERT, params)

    def forget(self, traces: Sequence[str]) -> int:
        """Drop every answer whose body holds one of the traces (an erased person's id, name,
        phone …) in any JSON spelling; how many were dropped. A repeated request with such a
        key then runs again, and is refused as the ledger now stands."""
        dropped = 0
        with self._transaction() as run:
            for trace in traces:
                for spelling in spellings(trace) if trace else ():
                    deleted = run(
                        _DELETE_HOLDING.replace("{holds}", self.holds), {"trace": spelling}
                    )
                    dropped += max(deleted.rowcount, 0)
        self._scrub()
        return dropped

    def _scrub(self) -> None:
        """Let go of the old versions of deleted rows, where the database keeps them."""


class SQLiteIdempotencyStore(_SqlStore):
    """Keys in a SQLite file (WAL), shared by the threads and processes that open it."""

    def __init__(self, path: Path | str, **timing: Any) -> None:
        super().__init__(**timing)
        self.path = path
        self._lock = threading.Lock()
        self._memory: sqlite3.Connection | None = None
        if str(path) == ":memory:":
            self._memory = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        else:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA secure_delete=ON")
        with self._transaction() as run:
            run(_CREATE.replace("{real}", "REAL").replace("{blob}", "BLOB"), {})
            run(_INDEX.replace("{index}", "idempotency_responses_created_at"), {})

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        if self._memory is not None:
            with self._lock:
                yield self._memory
            return
        conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        conn.execute("PRAGMA secure_delete=ON")  # a forgotten answer's pages are zeroed
        try:
            yield conn
        finally:
            conn.close()

    @contextmanager
    def _reading(self) -> Iterator[_Run]:
        """One statement in autocommit mode: a consistent read that takes no write lock, so
        every keyed POST does not queue behind the others just to look its key up."""
        with self._connect() as conn:
            yield lambda template, params: conn.execute(_sqlite(template), params)

    @contextmanager
    def _transaction(self) -> Iterator[_Run]:
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")  # take the write lock before reading
            try:
                yield lambda template, params: conn.execute(_sqlite(template), params)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _scrub(self) -> None:
        """The WAL keeps old page versions until checkpointed and truncated."""
        if self._memory is None:
            with self._connect() as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        if self._memory is not None:
            self._memory.close()


class InMemoryIdempotencyStore(SQLiteIdempotencyStore):
    """Keys in an in-memory SQLite database of this process: for tests and memory mode."""

    def __init__(self, **timing: Any) -> None:
        super().__init__(":memory:", **timing)


def _sqlite(template: str) -> str:
    named = re.sub(r"%\((\w+)\)s", r":\1", template)
    return named.replace("{table}", "idempotency_responses")


class PostgresIdempotencyStore(_SqlStore):
    """Answers in PostgreSQL, shared by every worker."""

    holds = "position(%(trace)s IN body) > 0"

    def __init__(self, url: str, **timing: Any) -> None:
        super().__init__(**timing)
        conninfo, schema = conninfo_and_schema(url)
        names = (schema, "idempotency_responses") if schema else ("idempotency_responses",)
        self._table = sql.Identifier(*names)
        self._pool: ConnectionPool = bounded_pool(conninfo)
        with self._transaction() as run:
            run("SELECT pg_advisory_xact_lock(hashtext('volunteer-ledger idempotency'))", {})
            run(_CREATE.replace("{real}", "DOUBLE PRECISION").replace("{blob}", "BYTEA"), {})
            run(_INDEX.replace("{index}", "idempotency_responses_created_at"), {})

    @contextmanager
    def _transaction(self) -> Iterator[_Run]:
        with self._pool.connection() as conn, conn.transaction():
            yield lambda template, params: conn.execute(
                sql.SQL(template).format(table=self._table), params
            )

    def close(self) -> None:
        self._pool.close()


def idempotency_store_for(store_url: str, data_dir: Path, **timing: Any) -> IdempotencyStore:
    """The store beside the ledger's: ``memory:``, ``sqlite:///…`` or ``postgresql://…``.

    A SQLite ledger gets ``idempotency.db`` in its folder (``data_dir`` when the URL names no
    file); a PostgreSQL ledger a table in its database and ``?schema=``.
    """
    if store_url == "memory:":
        return InMemoryIdempotencyStore(**timing)
    parts = urlsplit(store_url)
    if parts.scheme == "sqlite":
        ledger = unquote(parts.path)[1:] if parts.path.startswith("/") else unquote(parts.path)
        folder = Path(ledger).parent if ledger else data_dir
        return SQLiteIdempotencyStore(folder / "idempotency.db", **timing)
    if parts.scheme in ("postgresql", "postgres"):
        return PostgresIdempotencyStore(store_url, **timing)
    raise ValueError(f"no idempotency store for {store_url!r}")
