"""Where the events live: a store URL turned into the settings of the `eventsourcing` library."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from domain.errors import InvalidInputError

MEMORY = "memory:"


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
            "PERSISTENCE_MODULE": "eventsourcing.sqlite",
            "SQLITE_DBNAME": path,
            "SQLITE_LOCK_TIMEOUT": "10",
        }
    if parts.scheme in ("postgresql", "postgres"):
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
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
