"""A key store of each kind: in memory, in a SQLite file, in a PostgreSQL schema."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from vault import KeyStore, MemoryKeyStore, SQLiteKeyStore
from vault.postgres import PostgresKeyStore


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def key_store(request: pytest.FixtureRequest, tmp_path) -> Iterator[KeyStore]:
    store: KeyStore
    if request.param == "memory":
        store = MemoryKeyStore()
    elif request.param == "sqlite":
        store = SQLiteKeyStore(tmp_path / "ledger.db")
    else:
        url = str(request.getfixturevalue("postgres_schema"))
        schema = parse_qs(urlsplit(url).query)["schema"][0]
        store = PostgresKeyStore(url.split("?")[0], schema)
    try:
        yield store
    finally:
        store.close()
