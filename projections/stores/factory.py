"""Which read-model store goes with an event store URL: the one module that knows every backend."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from projections.stores.postgres import PostgresViewStore
from projections.stores.protocol import ViewStore
from projections.stores.sqlite import SQLiteViewStore


def view_store_for(store_url: str) -> ViewStore:
    """The read-model store that goes with an event store URL."""
    if store_url == "memory:":
        return SQLiteViewStore(":memory:")
    parts = urlsplit(store_url)
    if parts.scheme == "sqlite":
        events_file = Path(parts.path[1:] if parts.path.startswith("/") else parts.path)
        return SQLiteViewStore(str(events_file.with_name(events_file.stem + "-views.db")))
    if parts.scheme in ("postgresql", "postgres"):
        return PostgresViewStore(store_url)
    raise ValueError(f"no read-model store for {store_url!r}")
