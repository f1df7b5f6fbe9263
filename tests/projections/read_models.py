"""Helpers for comparing read models: every row of every table, and a second, empty store."""

from __future__ import annotations

import re
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from projections.base import Projection
from projections.stores.factory import view_store_for
from projections.stores.protocol import Transaction, ViewStore
from projections.stores.sqlite import SQLiteViewStore

CREATE_TABLE = re.compile(r"CREATE TABLE IF NOT EXISTS (\w+)", re.IGNORECASE)


class _Recorder(Transaction):
    def __init__(self) -> None:
        self.statements: list[str] = []

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        self.statements.append(sql)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        self.statements.append(sql)
        return []


def tables_of(projection: Projection) -> list[str]:
    """The tables a projection creates, read from what its ``create`` executes."""
    recorder = _Recorder()
    projection.create(recorder)
    return [name for sql in recorder.statements for name in CREATE_TABLE.findall(sql)]


def contents(views: ViewStore, projections: Sequence[Projection]) -> dict[str, Counter[tuple]]:
    """Every row of every table of these projections, in no order, and their positions."""
    rows = {
        table: Counter(views.query(f"SELECT * FROM {table}"))
        for projection in projections
        for table in tables_of(projection)
    }
    # Each projection's position is in the file that holds its tables (``part_for``).
    rows["projection_tracking"] = Counter(
        row
        for p in projections
        for row in views.part_for(p.name).query(
            "SELECT name, version, position FROM projection_tracking WHERE name = ?", (p.name,)
        )
    )
    return rows


@contextmanager
def other_views(store_url: str, folder: Path) -> Iterator[ViewStore]:
    """An empty read-model store of the same kind as the one ``store_url`` goes with."""
    if store_url == "memory:":
        views: ViewStore = SQLiteViewStore(":memory:")
        yield views
        views.close()
        return
    if store_url.startswith("sqlite:"):
        views = SQLiteViewStore(str(folder / f"other-{uuid.uuid4().hex[:8]}.db"))
        yield views
        views.close()
        return
    import psycopg

    dsn = store_url.split("?")[0]
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    views = view_store_for(f"{dsn}?schema={schema}")
    try:
        yield views
    finally:
        views.close()
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
