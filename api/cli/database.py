"""Connecting the command to a PostgreSQL store: one line, not a trace, when it cannot."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from api.cli.errors import CliError
from api.postgres_pool import conninfo_and_schema
from domain.storage import POSTGRES_CONNECTION


def is_postgres(store: str) -> bool:
    return urlsplit(store).scheme in ("postgresql", "postgres")


def where(store: str) -> str:
    """A PostgreSQL store URL without its user and password: ``host:port/db``."""
    parts = urlsplit(store)
    try:
        port = parts.port or 5432
    except ValueError:
        raise CliError(
            f"not a valid database URL: the port of {parts.hostname} is not a number"
        ) from None
    return f"{parts.hostname}:{port}{parts.path}"


def connect(store: str, *, autocommit: bool = False) -> Any:
    """A psycopg connection to a ``postgresql://`` store, in its ``?schema=`` if it names one;
    ``CliError`` naming the server (never the password) when it cannot be reached."""
    import psycopg
    from psycopg.conninfo import make_conninfo

    location = where(store)
    conninfo, schema = conninfo_and_schema(store)
    options = {"options": f"-c search_path={schema}"} if schema else {}
    try:
        return psycopg.connect(
            make_conninfo(conninfo, **POSTGRES_CONNECTION, **options), autocommit=autocommit
        )
    except psycopg.Error as error:
        lines = str(error).strip().splitlines()
        raise CliError(
            f"cannot reach the database at {location}: "
            f"{lines[0] if lines else type(error).__name__}"
        ) from None
