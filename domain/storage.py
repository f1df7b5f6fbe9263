"""Where the events live: a store URL turned into the settings of the `eventsourcing` library."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from eventsourcing.persistence import PersistenceError

from domain.errors import InvalidInputError

MEMORY = "memory:"

#: How long a caller waits for a PostgreSQL connection before the store counts as unavailable
#: (a request then answers 503 instead of hanging).
POSTGRES_WAIT_SECONDS = 1.0
#: libpq settings for every PostgreSQL connection: give up connecting after 2 seconds (libpq's
#: least), and notice a peer that vanished without closing: TCP keepalives on idle
#: connections, and on busy ones data unacknowledged for 1.5 seconds (a check before a pooled
#: connection is lent then fails in time for the 2-second answer; a sound network acknowledges
#: within milliseconds).
POSTGRES_CONNECTION = {
    "connect_timeout": "2",
    "keepalives": "1",
    "keepalives_idle": "5",
    "keepalives_interval": "2",
    "keepalives_count": "3",
    "tcp_user_timeout": "1500",
}
#: How long a pool keeps reconnecting in the background after losing its connections; after
#: that the next request that needs a connection starts a new attempt. Short, so that service
#: resumes within seconds of the database coming back, however long it was away.
POSTGRES_RECONNECT_SECONDS = 5.0
#: SQLSTATE classes that say the server cannot serve now, not that the statement is wrong:
#: connection exception, insufficient resources, operator intervention, system error.
_UNAVAILABLE_CLASSES = frozenset({"08", "53", "57", "58"})


class StoreUnavailableError(PersistenceError):
    """The database cannot be reached now (refused, timed out, lost, out of connections).

    Not a ``LedgerError``: nothing is wrong with the request, and trying again later helps.
    """


def unavailable_sqlstate(sqlstate: str | None) -> bool:
    """Whether a PostgreSQL error with this SQLSTATE (None: raised by the client, as a failed
    connection or a pool timeout is) means the database cannot serve now."""
    return sqlstate is None or sqlstate[:2] in _UNAVAILABLE_CLASSES


def store_env(url: str) -> dict[str, str]:
    """Library settings for ``memory:``, ``sqlite:///path/to/file.db`` or ``postgresql://…``.

    A PostgreSQL URL may name a schema (``?schema=ledger``) to keep several ledgers in one
    database.
    """
    if url == MEMORY:
        return {"PERSISTENCE_MODULE": "eventsourcing.popo"}
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)[1:] if parts.path.startswith("/") else unquote(parts.path)
        if not path:
            raise InvalidInputError(f"the SQLite store URL {url!r} names no file")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return {
            "PERSISTENCE_MODULE": "domain.sqlite_store:SQLiteFactory",
            "SQLITE_DBNAME": path,
            "SQLITE_LOCK_TIMEOUT": "10",
        }
    if parts.scheme in ("postgresql", "postgres"):
        env = {
            "PERSISTENCE_MODULE": "domain.postgres_store:PostgresFactory",
            "POSTGRES_PRE_PING": "y",
            "POSTGRES_DBNAME": unquote(parts.path.lstrip("/")) or "postgres",
            "POSTGRES_HOST": parts.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(parts.port or 5432),
            "POSTGRES_USER": unquote(parts.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(parts.password or ""),
        }
        schema = parse_qs(parts.query).get("schema")
        if schema:
            env["POSTGRES_SCHEMA"] = schema[0]
        return env
    raise InvalidInputError(
        f"unsupported store URL {url!r}: use memory:, sqlite:///FILE or postgresql://…"
    )
