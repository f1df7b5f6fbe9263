"""Small PostgreSQL pools for the API's own tables (login failures, kept answers).

They are bounded like the event store's (``domain.storage``): a request waits at most
``POSTGRES_WAIT_SECONDS`` for a connection, and a lost database is a 503, not a hang.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from psycopg_pool import ConnectionPool

from domain.storage import POSTGRES_CONNECTION, POSTGRES_RECONNECT_SECONDS, POSTGRES_WAIT_SECONDS


def conninfo_and_schema(url: str) -> tuple[str, str | None]:
    """The libpq connection string of a store URL, and the schema its ``?schema=`` names."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    schema = query.pop("schema", [None])[0]
    return urlunsplit(parts._replace(query=urlencode(query, doseq=True))), schema


def bounded_pool(conninfo: str, max_size: int = 4) -> ConnectionPool:
    """An open autocommit pool that checks each connection before lending it."""
    return ConnectionPool(
        conninfo,
        min_size=1,
        max_size=max_size,
        open=True,
        kwargs={"autocommit": True, **POSTGRES_CONNECTION},
        check=ConnectionPool.check_connection,
        timeout=POSTGRES_WAIT_SECONDS,
        reconnect_timeout=POSTGRES_RECONNECT_SECONDS,
    )
