"""Which read-model store goes with an event store URL: the one module that knows every backend."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

from projections.stores.postgres import PostgresViewStore
from projections.stores.protocol import ViewStore
from projections.stores.sqlite import SQLiteViewStore

#: Read models that SQLite keeps in a file of their own, beside ``<ledger>-views.db``, as
#: ``<ledger>-views-<name>.db``. The audit trail writes a row and its indexes for every event,
#: about as much as the eleven others together: a worker that runs it alone (one process per
#: group, on two cores) then writes beside the one running the others. On one shared file the
#: two took turns on its write lock and each emptied the other's page cache with every commit
#: (at 1,000,000 events, both at once took 1.5 times the slower alone; see docs/benchmarks.md).
SQLITE_FILES_OF_THEIR_OWN = ("audit",)


def view_store_for(
    store_url: str, *, apart: Sequence[str] = SQLITE_FILES_OF_THEIR_OWN
) -> ViewStore:
    """The read-model store that goes with an event store URL. ``apart``: the read models kept
    in files of their own on SQLite (none, to keep every one in one file as before)."""
    if store_url == "memory:":
        return SQLiteViewStore(":memory:")
    parts = urlsplit(store_url)
    if parts.scheme == "sqlite":
        events_file = Path(parts.path[1:] if parts.path.startswith("/") else parts.path)
        views = events_file.with_name(events_file.stem + "-views.db")
        return SQLiteViewStore(
            str(views),
            parts={name: str(views.with_name(f"{views.stem}-{name}.db")) for name in apart},
        )
    if parts.scheme in ("postgresql", "postgres"):
        return PostgresViewStore(store_url)
    raise ValueError(f"no read-model store for {store_url!r}")
