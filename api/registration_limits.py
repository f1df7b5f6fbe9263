"""Self-registrations per client address: nobody tests phone numbers one after another.

A registration that reaches the ledger tells whether its phone was free (201) or taken (409),
so each such attempt counts against the client's address, whatever its outcome: at most
``VOLUNTEER_LEDGER_REGISTRATIONS_PER_ADDRESS`` in an hour, then 429 with ``Retry-After``. The
same machinery as the login throttle (``api.limits``): counts in this process's memory for the
embedded shape, or in PostgreSQL beside a PostgreSQL ledger so that every worker shares them.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from api.limits import RecentTimes, address_key
from api.problems import TooManyRequests

REGISTRATION_WINDOW = timedelta(hours=1)
_REFUSAL = "Too many registrations from this address; try again later."


def _utc_now() -> datetime:
    return datetime.now(UTC)


class RegistrationThrottle:
    """At most ``per_address`` registrations from one address (an IPv6 client by its /64) within
    ``window``. Counts live in this process's memory; a restart forgets them. Memory stays
    bounded: stale addresses are pruned, and past ``max_keys`` the longest-quiet are dropped."""

    def __init__(
        self,
        per_address: int = 10,
        window: timedelta = REGISTRATION_WINDOW,
        clock: Callable[[], datetime] = _utc_now,
        *,
        max_keys: int = 100_000,
    ) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._attempts = RecentTimes(per_address, window, max_keys)

    def admit(self, address: str) -> None:
        """Count one registration from the address; ``TooManyRequests`` (not counted) when
        the address has used its budget."""
        key = address_key(address)
        with self._lock:
            now = self._clock()
            wait = self._attempts.blocked_for(key, now)
            if wait <= 0:
                self._attempts.add(key, now)
        if wait > 0:
            raise TooManyRequests(retry_after=math.ceil(wait), detail=_REFUSAL)

    def tracked(self) -> int:
        """How many addresses are counted now (for tests and metrics)."""
        with self._lock:
            self._attempts.prune(self._clock())
            return len(self._attempts)

    def close(self) -> None:
        """Nothing to release: the counts are in memory."""


class PostgresRegistrationThrottle:
    """``RegistrationThrottle``'s rule with the attempts kept in PostgreSQL
    (``registration_attempts``: one row per attempt), so that N API workers do not allow N
    times the budget. An admission locks its address for the transaction, so attempts sent at
    once to several workers are counted one after another; rows older than the window are
    deleted as new ones come."""

    def __init__(
        self,
        url: str,
        per_address: int = 10,
        window: timedelta = REGISTRATION_WINDOW,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        from psycopg import sql

        from api.postgres_pool import bounded_pool, conninfo_and_schema

        self._limit = per_address
        self._window = window
        self._clock = clock
        conninfo, schema = conninfo_and_schema(url)
        name = "registration_attempts"
        table = sql.Identifier(*((schema, name) if schema else (name,)))
        self._sql = {
            name: sql.SQL(template).format(table=table).as_string(None)
            for name, template in _ATTEMPT_SQL.items()
        }
        self._pool: Any = bounded_pool(conninfo)
        with self._pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('volunteer-ledger registrations'))")
            conn.execute(self._sql["create"])
            conn.execute(self._sql["index"])

    def admit(self, address: str) -> None:
        """Count one registration from the address; ``TooManyRequests`` (not counted) when
        the address has used its budget."""
        key = address_key(address)
        now = self._clock()
        with self._pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"registration:{key}",))
            rows = conn.execute(
                self._sql["recent"], (key, now - self._window, self._limit)
            ).fetchall()
            wait = 0.0
            if len(rows) >= self._limit:
                oldest: datetime = rows[-1][0]  # the oldest of the last ``limit`` decides
                wait = max(0.0, (oldest + self._window - now).total_seconds())
            if wait <= 0:
                conn.execute(self._sql["add"], (key, now))
                conn.execute(self._sql["prune"], (now - self._window,))
        if wait > 0:
            raise TooManyRequests(retry_after=math.ceil(wait), detail=_REFUSAL)

    def tracked(self) -> int:
        """How many addresses are counted now (for tests and metrics)."""
        with self._pool.connection() as conn:
            row = conn.execute(self._sql["tracked"], (self._clock() - self._window,)).fetchone()
        return int(row[0])

    def close(self) -> None:
        self._pool.close()


_ATTEMPT_SQL = {
    "create": "CREATE TABLE IF NOT EXISTS {table} (key TEXT NOT NULL, at TIMESTAMPTZ NOT NULL)",
    "index": "CREATE INDEX IF NOT EXISTS registration_attempts_key ON {table} (key, at)",
    "recent": "SELECT at FROM {table} WHERE key = %s AND at > %s ORDER BY at DESC LIMIT %s",
    "add": "INSERT INTO {table} (key, at) VALUES (%s, %s)",
    "prune": "DELETE FROM {table} WHERE at <= %s",
    "tracked": "SELECT COUNT(DISTINCT key) FROM {table} WHERE at > %s",
}


def registration_throttle_for(
    store_url: str, *, per_address: int, clock: Callable[[], datetime] | None = None
) -> RegistrationThrottle | PostgresRegistrationThrottle:
    """Attempts counted in PostgreSQL beside a PostgreSQL ledger, else in this process."""
    clock = clock or _utc_now
    if urlsplit(store_url).scheme in ("postgresql", "postgres"):
        return PostgresRegistrationThrottle(store_url, per_address, clock=clock)
    return RegistrationThrottle(per_address, clock=clock)
