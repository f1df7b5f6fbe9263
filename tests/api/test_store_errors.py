"""A database that cannot serve now is a 503 with Retry-After; a database error that is a bug
stays a 500."""

from __future__ import annotations

import sqlite3
from datetime import date

import psycopg
import psycopg.errors
import pytest
from eventsourcing.persistence import OperationalError, ProgrammingError
from fastapi import FastAPI
from fastapi.testclient import TestClient
from psycopg_pool import PoolTimeout

from api.problems import install_problem_handlers
from api.store_errors import store_unavailable
from domain.ledger import Ledger
from domain.storage import StoreUnavailableError


def wrapped(cause: Exception, wrapper: type[Exception] = OperationalError) -> Exception:
    """An error as the event-sourcing library raises it: its own class, the driver's as cause."""
    try:
        raise wrapper(str(cause)) from cause
    except Exception as error:
        return error


UNAVAILABLE = {
    "store unavailable": StoreUnavailableError("couldn't get a connection after 1.00 sec"),
    "pool timeout": PoolTimeout("couldn't get a connection after 1.00 sec"),
    "connection refused": psycopg.OperationalError("connection failed: Connection refused"),
    "server shutting down": psycopg.errors.AdminShutdown("terminating connection"),
    "too many connections": psycopg.errors.TooManyConnections("too many clients already"),
    "wrapped lost connection": wrapped(psycopg.OperationalError("server closed the connection")),
    "sqlite locked": sqlite3.OperationalError("database is locked"),
    "wrapped sqlite locked": wrapped(sqlite3.OperationalError("database is locked")),
}
BUGS = {
    "missing table": psycopg.errors.UndefinedTable('relation "nope" does not exist'),
    "syntax error": psycopg.errors.SyntaxError("syntax error at or near"),
    "deadlock": psycopg.errors.DeadlockDetected("deadlock detected"),
    "sqlite missing table": sqlite3.OperationalError("no such table: nope"),
    "wrapped sqlite missing table": wrapped(sqlite3.OperationalError("no such table: nope")),
    "wrapped programming error": wrapped(psycopg.ProgrammingError("bad"), ProgrammingError),
    "not a database error": RuntimeError("database is locked"),
}


@pytest.mark.parametrize("error", UNAVAILABLE.values(), ids=UNAVAILABLE.keys())
def test_errors_that_mean_the_database_cannot_serve_now_count_as_unavailable(error):
    assert store_unavailable(error)


@pytest.mark.parametrize("error", BUGS.values(), ids=BUGS.keys())
def test_database_errors_that_are_bugs_do_not_count_as_unavailable(error):
    assert not store_unavailable(error)


def client_raising(error: Exception) -> TestClient:
    app = FastAPI()

    @app.get("/thing")
    def thing() -> None:
        raise error

    install_problem_handlers(app)
    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize("error", UNAVAILABLE.values(), ids=UNAVAILABLE.keys())
def test_an_unavailable_database_is_a_503_problem_with_retry_after(error):
    response = client_raising(error).get("/thing")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/store-unavailable"
    assert int(response.headers["retry-after"]) > 0
    assert response.headers["x-request-id"]


@pytest.mark.parametrize("error", BUGS.values(), ids=BUGS.keys())
def test_a_database_error_that_is_a_bug_is_a_500(error):
    response = client_raising(error).get("/thing")
    assert response.status_code == 500
    assert response.json()["type"] == "/problems/internal"


def test_a_sqlite_ledger_locked_by_another_process_raises_an_unavailable_error(tmp_path):
    store = f"sqlite:///{tmp_path}/ledger.db"
    ledger = Ledger(store, env={"SQLITE_LOCK_TIMEOUT": "0"})
    organisation = ledger.create_organisation(name="和平里社区", kind="community")
    holder = sqlite3.connect(tmp_path / "ledger.db", isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        with pytest.raises(OperationalError) as raised:
            ledger.register_volunteer(
                name="王小明",
                phone="13911110001",
                birth_date=date(1990, 5, 4),
                home_organisation_id=organisation,
                privacy_consent=True,
                password_hash="x",
            )
        assert store_unavailable(raised.value)
    finally:
        holder.close()
        ledger.close()
