"""Shared fixtures: a clock the tests move by hand, and the ledger on every store."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from domain.ledger import Ledger

POSTGRES_DSN_VARIABLE = "VOLUNTEER_LEDGER_TEST_POSTGRES_DSN"


class Clock:
    """A clock that only moves when a test moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now

    def set(self, moment: datetime) -> None:
        self.now = moment


@pytest.fixture
def clock() -> Clock:
    # A Monday morning in Beijing (08:00 +08:00).
    return Clock(datetime(2026, 3, 2, 0, 0, tzinfo=UTC))


def postgres_dsn() -> str:
    dsn = os.environ.get(POSTGRES_DSN_VARIABLE)
    if not dsn:
        if os.environ.get("VOLUNTEER_LEDGER_REQUIRE_POSTGRES"):
            pytest.fail(f"{POSTGRES_DSN_VARIABLE} is unset, and CI requires PostgreSQL tests")
        pytest.skip(f"PostgreSQL tests need {POSTGRES_DSN_VARIABLE} (set by .ci/run)")
    return dsn


@pytest.fixture
def postgres_schema() -> Iterator[str]:
    """A fresh schema for one test, dropped afterwards: a store URL with ?schema=."""
    import psycopg

    dsn = postgres_dsn()
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{dsn}?schema={schema}"
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


STORES = [
    "memory",
    "sqlite",
    pytest.param("postgres", marks=pytest.mark.postgres),
]


@pytest.fixture(params=STORES)
def store_url(request: pytest.FixtureRequest, tmp_path) -> str:
    if request.param == "memory":
        return "memory:"
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/ledger.db"
    return str(request.getfixturevalue("postgres_schema"))


@pytest.fixture
def ledger(store_url: str, clock: Clock) -> Iterator[Ledger]:
    app = Ledger(store_url, clock=clock)
    try:
        yield app
    finally:
        app.close()


#: Copies of the official test vectors, with their source and licence (tests/vectors/README.md).
TEST_VECTORS = Path(__file__).resolve().parent / "vectors"
