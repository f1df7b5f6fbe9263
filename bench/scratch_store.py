"""A throwaway event store for a benchmark: a SQLite file in a temporary folder, or a PostgreSQL
schema of its own (``VOLUNTEER_LEDGER_TEST_POSTGRES_DSN``), dropped afterwards."""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg


@contextmanager
def scratch_store(kind: str) -> Iterator[str]:
    """The URL of an empty store of ``kind`` (``sqlite`` or ``postgres``) while in use."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    dsn = os.environ.get("VOLUNTEER_LEDGER_TEST_POSTGRES_DSN")
    if not dsn:
        sys.exit("the PostgreSQL run needs VOLUNTEER_LEDGER_TEST_POSTGRES_DSN")
    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{dsn}?schema={schema}"
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
