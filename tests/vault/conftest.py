"""A key store of each kind: in memory, in a SQLite file, in a PostgreSQL schema."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from api.personal_data import key_store_for
from vault import KeyStore, MemoryKeyStore, SQLiteKeyStore


@pytest.fixture(params=["memory", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def key_store(request: pytest.FixtureRequest, tmp_path) -> Iterator[KeyStore]:
    store: KeyStore
    if request.param == "memory":
        store = MemoryKeyStore()
    elif request.param == "sqlite":
        store = SQLiteKeyStore(tmp_path / "ledger.db")
    else:
        store = key_store_for(str(request.getfixturevalue("postgres_schema")))
    try:
        yield store
    finally:
        store.close()
