"""The Idempotency-Key header: a retried POST gets the first response back instead of running twice.

Keys are scoped by a hash of the Authorization header, the method and the path, so one client can
never replay another's response; the request's fingerprint is a hash of its query and body. Only
responses below 500 are kept: a server error releases the key so that a retry runs again. A claim
whose request never finished (its worker died) is taken over after ``claim_timeout``.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, TypeAlias, TypedDict, Unpack
from urllib.parse import parse_qs, unquote, urlencode, urlsplit, urlunsplit

import anyio
from psycopg import sql
from psycopg_pool import ConnectionPool
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.limits import read_body, replay_body
from api.problems import (
    ApiError,
    IdempotencyKeyInFlight,
    IdempotencyKeyReused,
    InvalidIdempotencyKey,
    api_error_response,
)

DEFAULT_TTL = timedelta(hours=24)
DEFAULT_CLAIM_TIMEOUT = timedelta(minutes=5)
_KEY = re.compile(r"[\x21-\x7e]{1,255}")
_KEPT_HEADERS = {b"content-type", b"location"}


@dataclass(frozen=True)
class StoredResponse:
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes


@dataclass(frozen=True)
class Claimed:
    """The key is new to this scope: run the request, then complete or release the claim."""


@dataclass(frozen=True)
class Replay:
    response: StoredResponse


@dataclass(frozen=True)
class Mismatch:
    """The key was used in this scope for a request with another body."""


@dataclass(frozen=True)
class InFlight:
    """The first request with this key has not finished yet."""


ClaimOutcome: TypeAlias = Claimed | Replay | Mismatch | InFlight


class IdempotencyStore(Protocol):
    def claim(self, scope: str, key: str, fingerprint: str) -> ClaimOutcome: ...
    def complete(self, scope: str, key: str, response: StoredResponse) -> None: ...
    def release(self, scope: str, key: str) -> None: ...
    def close(self) -> None: ...


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _outcome(stored: str, response: StoredResponse | None, fingerprint: str) -> ClaimOutcome:
    if stored != fingerprint:
        return Mismatch()
    return InFlight() if response is None else Replay(response)


class Timing(TypedDict, total=False):
    """How long keys live (``ttl``), when a claim is dead (``claim_timeout``), and the clock."""

    ttl: timedelta
    claim_timeout: timedelta
    clock: Callable[[], datetime]


class _Timing:
    def __init__(self, **timing: Unpack[Timing]) -> None:
        self.ttl = timing.get("ttl", DEFAULT_TTL)
        self.claim_timeout = timing.get("claim_timeout", DEFAULT_CLAIM_TIMEOUT)
        self.clock = timing.get("clock", _utc_now)

    def _moments(self) -> dict[str, float]:
        """Now; rows created before ``expired`` are gone; claims before ``stale`` are dead."""
        now = self.clock()
        return {
            "now": now.timestamp(),
            "expired": (now - self.ttl).timestamp(),
            "stale": (now - self.claim_timeout).timestamp(),
        }


_CREATE = """CREATE TABLE IF NOT EXISTS {table} (
    request_scope TEXT NOT NULL, idempotency_key TEXT NOT NULL, fingerprint TEXT NOT NULL,
    created_at {real} NOT NULL, status INTEGER, headers TEXT, body {blob},
    PRIMARY KEY (request_scope, idempotency_key))"""
_INDEX = "CREATE INDEX IF NOT EXISTS {index} ON {table} (created_at)"
_WHERE_KEY = " WHERE request_scope = %(scope)s AND idempotency_key = %(key)s"
_DELETE_STALE = (
    "DELETE FROM {table} WHERE created_at <= %(expired)s OR (request_scope = %(scope)s"
    " AND idempotency_key = %(key)s AND status IS NULL AND created_at <= %(stale)s)"
)
_INSERT = (
    "INSERT INTO {table} (request_scope, idempotency_key, fingerprint, created_at)"
    " VALUES (%(scope)s, %(key)s, %(fingerprint)s, %(now)s)"
    " ON CONFLICT (request_scope, idempotency_key) DO NOTHING"
)
_SELECT = "SELECT fingerprint, status, headers, body FROM {table}" + _WHERE_KEY
_COMPLETE = (
    "UPDATE {table} SET status = %(status)s, headers = %(headers)s, body = %(body)s"
    + _WHERE_KEY
    + " AND status IS NULL"
)
_RELEASE = "DELETE FROM {table}" + _WHERE_KEY + " AND status IS NULL"

_Run: TypeAlias = Callable[[str, dict[str, Any]], Any]


class _SqlStore(_Timing):
    """The claim protocol in SQL; subclasses supply a transaction on their database."""

    def _transaction(self) -> AbstractContextManager[_Run]:
        raise NotImplementedError

    def claim(self, scope: str, key: str, fingerprint: str) -> ClaimOutcome:
        params = {"scope": scope, "key": key, "fingerprint": fingerprint, **self._moments()}
        with self._transaction() as run:
            run(_DELETE_STALE, params)
            if run(_INSERT, params).rowcount == 1:
                return Claimed()
            row = run(_SELECT, params).fetchone()
        if row is None:  # released between our insert and our select: try again later
            return InFlight()
        stored, status, headers, body = row
        response = None
        if status is not None:
            pairs = tuple((name, value) for name, value in json.loads(headers))
            response = StoredResponse(status, pairs, bytes(body))
        return _outcome(stored, response, fingerprint)

    def complete(self, scope: str, key: str, response: StoredResponse) -> None:
        params = {"scope": scope, "key": key, "status": response.status, "body": response.body}
        params["headers"] = json.dumps(response.headers)
        with self._transaction() as run:
            run(_COMPLETE, params)

    def release(self, scope: str, key: str) -> None:
        with self._transaction() as run:
            run(_RELEASE, {"scope": scope, "key": key})


class SQLiteIdempotencyStore(_SqlStore):
    """Keys in a SQLite file (WAL), shared by the threads and processes that open it."""

    def __init__(self, path: Path | str, **timing: Unpack[Timing]) -> None:
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
            run(_INDEX.replace("{index}", "idempotency_keys_created_at"), {})

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

    def __init__(self, **timing: Unpack[Timing]) -> None:
        super().__init__(":memory:", **timing)


def _sqlite(template: str) -> str:
    named = re.sub(r"%\((\w+)\)s", r":\1", template)
    return named.replace("{table}", "idempotency_keys")


class PostgresIdempotencyStore(_SqlStore):
    """Keys in PostgreSQL, shared by every worker: the primary key makes a claim atomic."""

    def __init__(self, url: str, **timing: Unpack[Timing]) -> None:
        super().__init__(**timing)
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        schema = query.pop("schema", [None])[0]
        conninfo = urlunsplit(parts._replace(query=urlencode(query, doseq=True)))
        names = (schema, "idempotency_keys") if schema else ("idempotency_keys",)
        self._table = sql.Identifier(*names)
        self._pool: ConnectionPool = ConnectionPool(
            conninfo, min_size=1, max_size=4, open=True, kwargs={"autocommit": True}
        )
        with self._transaction() as run:
            run("SELECT pg_advisory_xact_lock(hashtext('volunteer-ledger idempotency'))", {})
            run(_CREATE.replace("{real}", "DOUBLE PRECISION").replace("{blob}", "BYTEA"), {})
            run(_INDEX.replace("{index}", "idempotency_keys_created_at"), {})

    @contextmanager
    def _transaction(self) -> Iterator[_Run]:
        with self._pool.connection() as conn, conn.transaction():
            yield lambda template, params: conn.execute(
                sql.SQL(template).format(table=self._table), params
            )

    def close(self) -> None:
        self._pool.close()


def idempotency_store_for(
    store_url: str, data_dir: Path, **timing: Unpack[Timing]
) -> IdempotencyStore:
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
    """Runs a POST with an Idempotency-Key once; a retry with the same key gets its response.

    It reads the whole body into memory to fingerprint it: add it inside ``BodySizeLimit``.
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
        outcome = await run_in_threadpool(self.store.claim, request_scope, key, fingerprint)
        if isinstance(outcome, Replay):
            await _replay(outcome.response, send)
        elif isinstance(outcome, Mismatch):
            await _problem(IdempotencyKeyReused(), scope, receive, send)
        elif isinstance(outcome, InFlight):
            await _problem(IdempotencyKeyInFlight(), scope, receive, send)
        else:
            await self._run_once(scope, replay_body(body, receive), send, request_scope, key)

    async def _run_once(
        self, scope: Scope, receive: Receive, send: Send, request_scope: str, key: str
    ) -> None:
        status: int | None = None
        kept: list[tuple[str, str]] = []
        chunks: list[bytes] = []
        finished = False

        async def capture(message: Message) -> None:
            nonlocal status, finished
            if message["type"] == "http.response.start":
                status = message["status"]
                for name, value in message.get("headers", []):
                    if name.lower() in _KEPT_HEADERS:
                        kept.append((name.decode("latin-1").lower(), value.decode("latin-1")))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                finished = not message.get("more_body", False)
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            with anyio.CancelScope(shield=True):  # a cancelled request must not keep its claim
                if status is not None and status < 500 and finished:
                    response = StoredResponse(status, tuple(kept), b"".join(chunks))
                    await run_in_threadpool(self.store.complete, request_scope, key, response)
                else:
                    await run_in_threadpool(self.store.release, request_scope, key)


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
