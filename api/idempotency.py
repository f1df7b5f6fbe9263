"""The Idempotency-Key header: a retried POST is carried out once, and answered as the first was.

Two layers keep that promise:

- **In the ledger's own atomic save.** The request runs inside ``keyed_request``, so every
  command it runs is saved together with a receipt derived from the key. A retry, after a
  time-out or after the service was killed at any instant, finds the receipt exactly when the
  command's events exist, and gets the recorded result instead of a second run; copies of the
  request running at once collide on the receipt and only one is stored. Nothing is ever "in
  flight" for a process that died.
- **A response cache.** The first complete answer below 500 is remembered (before it is sent)
  and replayed byte for byte to a retry. An answer that was never remembered (the process died
  first) is made again by running the request: its commands return their recorded results.

Keys are scoped by a hash of the Authorization header, the method and the path, so one client can
never replay another's response; the request's fingerprint is a hash of its query and body.
Responses marked ``Cache-Control: no-store`` (those carrying a credential) are never kept.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, TypeAlias
from urllib.parse import unquote, urlsplit

import anyio
from psycopg import sql
from psycopg_pool import ConnectionPool
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.limits import read_body, replay_body
from api.postgres_pool import bounded_pool, conninfo_and_schema
from api.problems import (
    ApiError,
    InvalidIdempotencyKey,
    api_error_response,
    problem_for,
    problem_response,
)
from domain.errors import RequestKeyReusedError
from domain.ledger.receipts import keyed_request

logger = logging.getLogger(__name__)

DEFAULT_TTL = timedelta(hours=24)
_KEY = re.compile(r"[\x21-\x7e]{1,255}")
_KEPT_HEADERS = {b"content-type", b"location"}


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

_Run: TypeAlias = Callable[[str, dict[str, Any]], Any]


class _SqlStore:
    """The cache in SQL; subclasses supply a transaction on their database. Rows live ``ttl``."""

    def __init__(
        self, *, ttl: timedelta = DEFAULT_TTL, clock: Callable[[], datetime] = _utc_now
    ) -> None:
        self.ttl = ttl
        self.clock = clock

    def _transaction(self) -> AbstractContextManager[_Run]:
        raise NotImplementedError

    def _moments(self) -> dict[str, float]:
        now = self.clock()
        return {"now": now.timestamp(), "expired": (now - self.ttl).timestamp()}

    def lookup(self, scope: str, key: str) -> Remembered | None:
        with self._transaction() as run:
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
        try:
            yield conn
        finally:
            conn.close()

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


class IdempotencyMiddleware:
    """Runs a POST with an Idempotency-Key once; a retry with the same key gets its answer.

    It reads the whole body into memory to fingerprint it, and holds the answer until it is
    remembered: add it inside ``BodySizeLimit``.
    """

    def __init__(self, app: ASGIApp, store: IdempotencyStore) -> None:
        self.app = app
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        key = headers.get("idempotency-key")
        if key is None:
            await self.app(scope, receive, send)
            return
        if not _KEY.fullmatch(key):
            await _problem(InvalidIdempotencyKey(), scope, receive, send)
            return
        body = await read_body(receive)
        if body is None:
            return  # the client went away before sending its request
        request_scope = _sha256(
            json.dumps([headers.get("authorization", ""), scope["method"], scope["path"]]).encode()
        )
        query: bytes = scope.get("query_string", b"")
        fingerprint = _sha256(len(query).to_bytes(8, "big") + query + body)
        remembered = await run_in_threadpool(self.store.lookup, request_scope, key)
        if remembered is None:
            body_receive = replay_body(body, receive)
            await self._run_once(scope, body_receive, send, (request_scope, key, fingerprint))
        elif remembered.fingerprint != fingerprint:
            problem = problem_for(RequestKeyReusedError)
            detail = "This Idempotency-Key was already used with a different request."
            await problem_response(problem, detail, scope["path"])(scope, receive, send)
        else:
            await _replay(remembered.response, send)

    async def _run_once(
        self, scope: Scope, receive: Receive, send: Send, keyed: tuple[str, str, str]
    ) -> None:
        """Run the request as a keyed request, remember its answer, then send it."""
        request_scope, key, fingerprint = keyed
        messages: list[Message] = []

        async def hold(message: Message) -> None:
            messages.append(message)

        with keyed_request(f"{request_scope}/{key}", fingerprint) as request:
            await self.app(scope, receive, hold)
        response = _response_of(messages)
        if response is not None and response.status < 500 and not request.reused:
            with anyio.CancelScope(shield=True):
                try:
                    remembered = Remembered(fingerprint, response)
                    await run_in_threadpool(self.store.remember, request_scope, key, remembered)
                except Exception:  # the answer still goes out; a retry makes it again
                    logger.exception("could not remember the answer to an Idempotency-Key")
        for message in messages:
            await send(message)


def _response_of(messages: list[Message]) -> StoredResponse | None:
    """The whole answer in ``messages``, if it is complete and may be kept."""
    status: int | None = None
    kept: list[tuple[str, str]] = []
    chunks: list[bytes] = []
    finished = False
    for message in messages:
        if message["type"] == "http.response.start":
            status = message["status"]
            for name, value in message.get("headers", []):
                lowered = name.lower()
                if lowered == b"cache-control" and b"no-store" in value.lower():
                    return None  # it carries a credential
                if lowered in _KEPT_HEADERS:
                    kept.append((name.decode("latin-1").lower(), value.decode("latin-1")))
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            finished = not message.get("more_body", False)
    if status is None or not finished:
        return None
    return StoredResponse(status, tuple(kept), b"".join(chunks))


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def _problem(error: ApiError, scope: Scope, receive: Receive, send: Send) -> None:
    await api_error_response(error, scope["path"])(scope, receive, send)


async def _replay(response: StoredResponse, send: Send) -> None:
    headers = [
        (name.encode("latin-1"), value.encode("latin-1")) for name, value in response.headers
    ]
    headers += [
        (b"content-length", str(len(response.body)).encode()),
        (b"idempotent-replayed", b"true"),
    ]
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})
