"""Which database errors mean "the database cannot serve now" (503) rather than a bug (500)."""

from __future__ import annotations

import sqlite3

import psycopg
from eventsourcing.persistence import PersistenceError

from domain.storage import StoreUnavailableError, unavailable_sqlstate

#: SQLite's words for a database file another process holds locked, or one it cannot open.
_SQLITE_UNAVAILABLE = ("database is locked", "database table is locked", "unable to open")


def store_unavailable(exc: BaseException) -> bool:
    """Whether an error means the database cannot serve now, rather than that our SQL is wrong
    (a missing table or a syntax error stays a 500). The library's wrappers are looked through."""
    seen: BaseException | None = exc
    while isinstance(seen, PersistenceError) and not isinstance(seen, StoreUnavailableError):
        seen = seen.__cause__
    if isinstance(seen, StoreUnavailableError):
        return True
    if isinstance(seen, psycopg.OperationalError):  # psycopg_pool's PoolTimeout is one
        return unavailable_sqlstate(seen.sqlstate)
    if isinstance(seen, sqlite3.OperationalError):
        return str(seen).startswith(_SQLITE_UNAVAILABLE)
    return False
