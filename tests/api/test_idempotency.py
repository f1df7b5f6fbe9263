"""Idempotency-Key: a retried POST is answered from the first run, on every store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Response
from fastapi.testclient import TestClient

from api.idempotency import (
    IdempotencyMiddleware,
    IdempotencyStore,
    InMemoryIdempotencyStore,
    Remembered,
    SQLiteIdempotencyStore,
    StoredResponse,
    idempotency_store_for,
)
from api.problems import install_problem_handlers
from domain.ledger.receipts import current_request
from tests.conftest import Clock

CREATED = StoredResponse(201, (("content-type", "application/json"),), b'{"id": 1}')
KEY = "3f0c2a9e-7b1d-4c55-9a0e-2b8f6d1c4e77"
FIRST = Remembered("body-1", CREATED)


# --- the store, on memory, SQLite and PostgreSQL -------------------------------------------


@pytest.fixture
def store(store_url: str, tmp_path: Path, clock: Clock) -> Iterator[IdempotencyStore]:
    opened = idempotency_store_for(store_url, tmp_path, clock=clock)
    try:
        yield opened
    finally:
        opened.close()


def test_a_new_key_has_no_answer(store: IdempotencyStore) -> None:
    assert store.lookup("scope", KEY) is None


def test_a_remembered_answer_is_found_with_its_requests_fingerprint(
    store: IdempotencyStore,
) -> None:
    store.remember("scope", KEY, FIRST)
    assert store.lookup("scope", KEY) == FIRST


def test_the_first_answer_is_kept(store: IdempotencyStore) -> None:
    store.remember("scope", KEY, FIRST)
    store.remember("scope", KEY, Remembered("body-1", StoredResponse(201, (), b'{"id": 2}')))
    assert store.lookup("scope", KEY) == FIRST


def test_the_same_key_in_another_scope_is_another_key(store: IdempotencyStore) -> None:
    store.remember("alice", KEY, FIRST)
    assert store.lookup("bob", KEY) is None


def test_an_answer_is_forgotten_after_a_day(store: IdempotencyStore, clock: Clock) -> None:
    store.remember("scope", KEY, FIRST)
    clock.advance(hours=23, minutes=59)
    assert store.lookup("scope", KEY) == FIRST
    clock.advance(minutes=1)
    assert store.lookup("scope", KEY) is None


def test_remembering_after_a_day_replaces_the_forgotten_answer(
    store: IdempotencyStore, clock: Clock
) -> None:
    store.remember("scope", KEY, FIRST)
    clock.advance(hours=24)
    later = Remembered("body-2", CREATED)
    store.remember("scope", KEY, later)
    assert store.lookup("scope", KEY) == later


@pytest.mark.parametrize(
    "store_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_second_worker_sees_the_first_workers_answers(
    store: IdempotencyStore, store_url: str, tmp_path: Path, clock: Clock
) -> None:
    store.remember("scope", KEY, FIRST)
    other = idempotency_store_for(store_url, tmp_path, clock=clock)
    try:
        assert other.lookup("scope", KEY) == FIRST
    finally:
        other.close()


def test_a_sqlite_ledger_keeps_its_answers_in_a_sibling_file(tmp_path: Path) -> None:
    store = idempotency_store_for(f"sqlite:///{tmp_path}/data/ledger.db", Path("unused"))
    try:
        assert isinstance(store, SQLiteIdempotencyStore)
        assert (tmp_path / "data" / "idempotency.db").exists()
    finally:
        store.close()


def test_an_unknown_store_url_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no idempotency store"):
        idempotency_store_for("mysql://localhost/ledger", tmp_path)


# --- the middleware --------------------------------------------------------------------------


class Shifts:
    """A tiny app whose POST handlers count their runs."""

    def __init__(self, store: IdempotencyStore) -> None:
        self.runs: list[Any] = []
        self.app = FastAPI()
        self.client = TestClient(self.app)
        self.nested: list[Any] = []

        @self.app.post("/shifts", status_code=201)
        def schedule(body: dict[str, str], response: Response) -> dict[str, int]:
            self.runs.append(body)
            response.headers["Location"] = f"/shifts/{len(self.runs)}"
            response.headers["X-Debug"] = "not kept"
            return {"id": len(self.runs)}

        @self.app.post("/flaky", status_code=201)
        def flaky() -> dict[str, int]:
            self.runs.append("flaky")
            if len(self.runs) == 1:
                raise RuntimeError("the database went away")
            return {"id": len(self.runs)}

        @self.app.post("/unavailable", status_code=201)
        def unavailable(response: Response) -> dict[str, int]:
            self.runs.append("unavailable")
            if len(self.runs) == 1:
                response.status_code = 503
            return {"id": len(self.runs)}

        @self.app.post("/slow", status_code=201)
        def slow() -> dict[str, int]:
            self.runs.append(current_request())
            if len(self.runs) == 1:  # a retry arrives while the first is still running
                self.nested.append(self.client.post("/slow", headers={"Idempotency-Key": KEY}))
            return {"id": len(self.runs)}

        @self.app.post("/credential")
        def credential(response: Response) -> dict[str, str]:
            self.runs.append("credential")
            response.headers["Cache-Control"] = "no-store"
            return {"access_token": f"secret-{len(self.runs)}"}

        @self.app.get("/shifts")
        def board() -> dict[str, int]:
            self.runs.append("board")
            return {"count": len(self.runs)}

        self.app.add_middleware(IdempotencyMiddleware, store=store)
        install_problem_handlers(self.app)

    def post(self, path: str = "/shifts", key: str | None = KEY, **kwargs: Any) -> Any:
        headers = kwargs.pop("headers", {})
        if key is not None:
            headers["Idempotency-Key"] = key
        return self.client.post(path, headers=headers, **kwargs)


@pytest.fixture
def shifts(clock: Clock) -> Shifts:
    return Shifts(InMemoryIdempotencyStore(clock=clock))


def test_a_retry_gets_the_first_response_without_running_again(shifts: Shifts) -> None:
    first = shifts.post(json={"activity": "社区图书角"})
    retry = shifts.post(json={"activity": "社区图书角"})
    assert len(shifts.runs) == 1
    assert retry.status_code == first.status_code == 201
    assert retry.content == first.content
    assert retry.headers["location"] == first.headers["location"] == "/shifts/1"
    assert retry.headers["content-type"] == "application/json"


def test_only_a_replayed_response_says_so(shifts: Shifts) -> None:
    first = shifts.post(json={"activity": "社区图书角"})
    retry = shifts.post(json={"activity": "社区图书角"})
    assert "idempotent-replayed" not in first.headers
    assert retry.headers["idempotent-replayed"] == "true"


def test_a_replay_leaves_out_headers_that_are_not_kept(shifts: Shifts) -> None:
    shifts.post(json={"activity": "社区图书角"})
    assert "x-debug" not in shifts.post(json={"activity": "社区图书角"}).headers


def test_the_same_key_with_another_body_is_refused(shifts: Shifts) -> None:
    shifts.post(json={"activity": "社区图书角"})
    response = shifts.post(json={"activity": "敬老院探访"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/idempotency-key-reused"
    assert len(shifts.runs) == 1


def test_the_same_key_with_another_query_is_refused(shifts: Shifts) -> None:
    shifts.post(json={"activity": "社区图书角"}, params={"notify": "sms"})
    response = shifts.post(json={"activity": "社区图书角"}, params={"notify": "app"})
    assert response.status_code == 422


def test_the_same_key_from_another_caller_runs_again(shifts: Shifts) -> None:
    shifts.post(json={"activity": "社区图书角"}, headers={"Authorization": "Bearer alice"})
    other = shifts.post(json={"activity": "社区图书角"}, headers={"Authorization": "Bearer bob"})
    assert "idempotent-replayed" not in other.headers
    assert len(shifts.runs) == 2


def test_a_request_without_a_key_runs_every_time(shifts: Shifts) -> None:
    shifts.post(key=None, json={"activity": "社区图书角"})
    shifts.post(key=None, json={"activity": "社区图书角"})
    assert len(shifts.runs) == 2


def test_a_get_with_a_key_is_not_affected(shifts: Shifts) -> None:
    shifts.client.get("/shifts", headers={"Idempotency-Key": KEY})
    response = shifts.client.get("/shifts", headers={"Idempotency-Key": KEY})
    assert response.json() == {"count": 2}


@pytest.mark.parametrize("key", ["", "x" * 256, "has space", "tab\tinside"])
def test_an_invalid_key_is_refused(shifts: Shifts, key: str) -> None:
    response = shifts.post(key=key, json={"activity": "社区图书角"})
    assert response.status_code == 422
    assert response.json()["type"] == "/problems/invalid-idempotency-key"
    assert shifts.runs == []


def test_a_key_of_255_visible_characters_is_accepted(shifts: Shifts) -> None:
    assert shifts.post(key="~" * 255, json={"activity": "社区图书角"}).status_code == 201


def test_a_server_error_is_not_kept_so_a_retry_runs_again(shifts: Shifts) -> None:
    assert shifts.post("/flaky").status_code == 500
    retry = shifts.post("/flaky")
    assert retry.status_code == 201
    assert "idempotent-replayed" not in retry.headers
    assert shifts.runs == ["flaky", "flaky"]


def test_a_server_error_response_is_not_kept_so_a_retry_runs_again(shifts: Shifts) -> None:
    assert shifts.post("/unavailable").status_code == 503
    assert shifts.post("/unavailable").status_code == 201
    assert shifts.runs == ["unavailable", "unavailable"]


def test_a_client_error_is_kept_and_replayed(shifts: Shifts) -> None:
    first = shifts.post(json={"activity": 42})
    retry = shifts.post(json={"activity": 42})
    assert first.status_code == 422
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.content == first.content


def test_a_retry_while_the_first_is_running_runs_as_the_same_keyed_request(
    shifts: Shifts,
) -> None:
    assert shifts.post("/slow").status_code == 201
    (nested,) = shifts.nested
    assert nested.status_code == 201
    first, retry = shifts.runs
    assert first is not None
    assert retry is not None
    assert (retry.key, retry.fingerprint) == (first.key, first.fingerprint)


def test_a_handler_runs_inside_a_keyed_request_only_when_a_key_is_sent(shifts: Shifts) -> None:
    shifts.post("/slow", key=None)
    (unkeyed, *_) = shifts.runs
    assert unkeyed is None


def test_an_answer_that_carries_a_credential_is_never_kept(shifts: Shifts) -> None:
    first = shifts.post("/credential")
    retry = shifts.post("/credential")
    assert "idempotent-replayed" not in retry.headers
    assert first.json() != retry.json()


def test_the_answer_still_goes_out_when_it_cannot_be_remembered(clock: Clock) -> None:
    store = InMemoryIdempotencyStore(clock=clock)

    def broken(*args: Any) -> None:
        raise OSError("disk full")

    store.remember = broken  # type: ignore[method-assign]
    shifts = Shifts(store)
    response = shifts.post(json={"activity": "社区图书角"})
    assert (response.status_code, response.json()) == (201, {"id": 1})


def test_an_expired_key_runs_again(shifts: Shifts, clock: Clock) -> None:
    shifts.post(json={"activity": "社区图书角"})
    clock.advance(hours=24)
    response = shifts.post(json={"activity": "社区图书角"})
    assert "idempotent-replayed" not in response.headers
    assert len(shifts.runs) == 2


def test_a_shorter_lifetime_can_be_configured(clock: Clock) -> None:
    shifts = Shifts(InMemoryIdempotencyStore(ttl=timedelta(hours=1), clock=clock))
    shifts.post(json={"activity": "社区图书角"})
    clock.advance(hours=1)
    shifts.post(json={"activity": "社区图书角"})
    assert len(shifts.runs) == 2
