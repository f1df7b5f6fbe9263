"""Limits on what one client may ask: failed logins per account and address, and body size."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import threading
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import PayloadTooLarge, TooManyRequests, api_error_response


def _utc_now() -> datetime:
    return datetime.now(UTC)


class RecentTimes:
    """The most recent times per key (failures, attempts), oldest key first, each key's deque
    newest last."""

    def __init__(self, limit: int, window: timedelta, max_keys: int) -> None:
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._by_key: dict[str, deque[datetime]] = {}

    def add(self, key: str, now: datetime) -> None:
        times = self._by_key.pop(key, None) or deque(maxlen=self.limit)
        times.append(now)
        self._by_key[key] = times  # re-inserted: the dict stays ordered by latest failure
        self.prune(now)
        while len(self._by_key) > self.max_keys:
            del self._by_key[next(iter(self._by_key))]

    def clear(self, key: str) -> None:
        self._by_key.pop(key, None)

    def blocked_for(self, key: str, now: datetime) -> float:
        """Seconds until the key may try again; 0 when it may now."""
        times = self._by_key.get(key)
        if times is None or len(times) < self.limit:
            return 0.0
        # The deque holds exactly the last `limit` failures: the oldest decides.
        return max(0.0, (times[0] + self.window - now).total_seconds())

    def prune(self, now: datetime) -> None:
        while self._by_key:
            key = next(iter(self._by_key))
            if self._by_key[key][-1] + self.window > now:
                break
            del self._by_key[key]

    def __len__(self) -> int:
        return len(self._by_key)


class LoginThrottle:
    """Refuses logins after too many failures, per account name and per client address.

    An account is blocked after ``max_failures`` failures within ``window``; an address (an
    IPv6 client by its /64) after ``max_address_failures``. A success clears the account's count,
    not the address's. Counts live in this process's memory, which suits the embedded shape (one
    process; several workers need PostgreSQL, where ``PostgresLoginThrottle`` shares them); a
    restart forgets them. Memory stays bounded: stale entries are pruned, and past ``max_keys``
    the longest-quiet ones are dropped.
    """

    def __init__(
        self,
        max_failures: int = 5,
        window: timedelta = timedelta(minutes=15),
        clock: Callable[[], datetime] = _utc_now,
        *,
        max_address_failures: int = 20,
        max_keys: int = 100_000,
        account_secret: bytes = b"",
    ) -> None:
        self._clock = clock
        self._account_secret = account_secret
        self._lock = threading.Lock()
        self._accounts = RecentTimes(max_failures, window, max_keys)
        self._addresses = RecentTimes(max_address_failures, window, max_keys)

    def check(self, account: str, address: str) -> None:
        """Raise ``TooManyRequests`` while the account or the address is blocked."""
        with self._lock:
            now = self._clock()
            wait = max(
                self._accounts.blocked_for(account_key(self._account_secret, account), now),
                self._addresses.blocked_for(address_key(address), now),
            )
        if wait > 0:
            raise TooManyRequests(
                retry_after=math.ceil(wait), detail="Too many failed logins; try again later."
            )

    def failed(self, account: str, address: str) -> None:
        with self._lock:
            now = self._clock()
            self._accounts.add(account_key(self._account_secret, account), now)
            self._addresses.add(address_key(address), now)

    def succeeded(self, account: str, address: str) -> None:
        with self._lock:
            self._accounts.clear(account_key(self._account_secret, account))

    def tracked(self) -> int:
        """How many accounts and addresses are counted now (for tests and metrics)."""
        with self._lock:
            now = self._clock()
            self._accounts.prune(now)
            self._addresses.prune(now)
            return len(self._accounts) + len(self._addresses)


class PostgresLoginThrottle:
    """``LoginThrottle``'s rules with the failures kept in PostgreSQL, so that every API worker
    counts the same failures: with a count per process, N workers would allow N times the
    attempts. A failure is a row (kind, key, time); a check reads at most the last ``limit``
    rows of its key within the window, through an index; failures older than the window are
    deleted as new ones come."""

    def __init__(
        self,
        url: str,
        max_failures: int = 5,
        window: timedelta = timedelta(minutes=15),
        clock: Callable[[], datetime] = _utc_now,
        *,
        max_address_failures: int = 20,
        account_secret: bytes = b"",
    ) -> None:
        from psycopg import sql

        from api.postgres_pool import bounded_pool, conninfo_and_schema

        self._limits = {"account": max_failures, "address": max_address_failures}
        self._account_secret = account_secret
        self._window = window
        self._clock = clock
        conninfo, schema = conninfo_and_schema(url)
        table = sql.Identifier(*((schema, "login_failures") if schema else ("login_failures",)))
        self._sql = {
            name: sql.SQL(template).format(table=table).as_string(None)
            for name, template in _FAILURE_SQL.items()
        }
        self._pool: Any = bounded_pool(conninfo)
        with self._pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('volunteer-ledger logins'))")
            conn.execute(self._sql["create"])
            conn.execute(self._sql["index"])

    def check(self, account: str, address: str) -> None:
        """Raise ``TooManyRequests`` while the account or the address is blocked."""
        now = self._clock()
        with self._pool.connection() as conn:
            wait = max(
                self._blocked_for(conn, "account", account_key(self._account_secret, account), now),
                self._blocked_for(conn, "address", address_key(address), now),
            )
        if wait > 0:
            raise TooManyRequests(
                retry_after=math.ceil(wait), detail="Too many failed logins; try again later."
            )

    def _blocked_for(self, conn: Any, kind: str, key: str, now: datetime) -> float:
        limit = self._limits[kind]
        rows = conn.execute(self._sql["recent"], (kind, key, now - self._window, limit)).fetchall()
        if len(rows) < limit:
            return 0.0
        oldest: datetime = rows[-1][0]  # the oldest of the last ``limit`` decides
        return max(0.0, (oldest + self._window - now).total_seconds())

    def failed(self, account: str, address: str) -> None:
        now = self._clock()
        with self._pool.connection() as conn, conn.transaction():
            conn.execute(
                self._sql["add"], ("account", account_key(self._account_secret, account), now)
            )
            conn.execute(self._sql["add"], ("address", address_key(address), now))
            conn.execute(self._sql["prune"], (now - self._window,))

    def succeeded(self, account: str, address: str) -> None:
        with self._pool.connection() as conn:
            conn.execute(
                self._sql["clear"], ("account", account_key(self._account_secret, account))
            )

    def tracked(self) -> int:
        """How many accounts and addresses are counted now (for tests and metrics)."""
        with self._pool.connection() as conn:
            row = conn.execute(self._sql["tracked"], (self._clock() - self._window,)).fetchone()
        return int(row[0])

    def close(self) -> None:
        self._pool.close()


_FAILURE_SQL = {
    "create": "CREATE TABLE IF NOT EXISTS {table} "
    "(kind TEXT NOT NULL, key TEXT NOT NULL, at TIMESTAMPTZ NOT NULL)",
    "index": "CREATE INDEX IF NOT EXISTS login_failures_key ON {table} (kind, key, at)",
    "recent": "SELECT at FROM {table} WHERE kind = %s AND key = %s AND at > %s "
    "ORDER BY at DESC LIMIT %s",
    "add": "INSERT INTO {table} (kind, key, at) VALUES (%s, %s, %s)",
    "prune": "DELETE FROM {table} WHERE at <= %s",
    "clear": "DELETE FROM {table} WHERE kind = %s AND key = %s",
    "tracked": "SELECT COUNT(DISTINCT (kind, key)) FROM {table} WHERE at > %s",
}


def login_throttle_for(
    store_url: str, *, max_failures: int, max_address_failures: int, account_secret: bytes
) -> LoginThrottle | PostgresLoginThrottle:
    """Failures counted in PostgreSQL beside a PostgreSQL ledger, else in this process."""
    if urlsplit(store_url).scheme in ("postgresql", "postgres"):
        return PostgresLoginThrottle(
            store_url,
            max_failures=max_failures,
            max_address_failures=max_address_failures,
            account_secret=account_secret,
        )
    return LoginThrottle(
        max_failures=max_failures,
        max_address_failures=max_address_failures,
        account_secret=account_secret,
    )


def account_key(secret: bytes, account: str) -> str:
    """The key an account name counts under: keyed with a secret (HMAC-SHA256), so that a
    stored failure does not hold the phone number or name someone typed, nor a hash of it
    that could be tested against every phone number."""
    name = account.strip().casefold().encode()
    return hmac.new(secret, name, hashlib.sha256).hexdigest()


def address_key(address: str) -> str:
    """The key an address counts under: an IPv6 client by its /64, which one subscriber holds."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


class BodySizeLimit:
    """Refuses request bodies over ``max_bytes`` with a 413 problem, before the app runs.

    A declared Content-Length is checked up front. A body without one (chunked) is read into
    memory, at most ``max_bytes``, and handed on to the app once complete.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        page: Callable[[Scope, int], Response | None] | None = None,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.page = page  # the answer for a page's form, where people read it (api.pages)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        length = headers.get("content-length")
        if length is not None and length.isdigit():
            if int(length) > self.max_bytes:
                await self._refuse(scope, receive, send)
            else:
                await self.app(scope, receive, send)
            return
        if length is None and "transfer-encoding" not in headers:
            # A request with neither header has no body (RFC 9112, 6.3): most GETs.
            await self.app(scope, receive, send)
            return
        try:
            body = await read_body(receive, self.max_bytes)
        except PayloadTooLarge:
            await self._refuse(scope, receive, send)
            return
        if body is not None:
            await self.app(scope, replay_body(body, receive), send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        page = self.page(scope, self.max_bytes) if self.page is not None else None
        if page is not None:
            await page(scope, receive, send)
            return
        error = PayloadTooLarge(f"The request body is larger than {self.max_bytes} bytes.")
        await api_error_response(error, scope["path"])(scope, receive, send)


async def read_body(receive: Receive, max_bytes: int | None = None) -> bytes | None:
    """The whole request body; None if the client went away, PayloadTooLarge past max_bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if max_bytes is not None and size > max_bytes:
            raise PayloadTooLarge()
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def replay_body(body: bytes, receive: Receive) -> Receive:
    """A receive that hands over ``body`` whole, then waits on the client as before."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed
