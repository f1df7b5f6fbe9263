"""Idempotency-Key: a retried POST is answered from the first run, on every store."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Response
from fastapi.testclient import TestClient

from api.idempotency import (
    Claimed,
    IdempotencyMiddleware,
    IdempotencyStore,
    InFlight,
    InMemoryIdempotencyStore,
    Mismatch,
    Replay,
    SQLiteIdempotencyStore,
    StoredResponse,
    idempotency_store_for,
)
from api.problems import install_problem_handlers
from tests.conftest import Clock

CREATED = StoredResponse(201, (("content-type", "application/json"),), b'{"id": 1}')
KEY = "3f0c2a9e-7b1d-4c55-9a0e-2b8f6d1c4e77"


# --- the store, on memory, SQLite and PostgreSQL -------------------------------------------


@pytest.fixture
def store(store_url: str, tmp_path: Path, clock: Clock) -> Iterator[IdempotencyStore]:
    opened = idempotency_store_for(store_url, tmp_path, clock=clock)
    try:
        yield opened
    finally:
        opened.close()


def test_a_new_key_is_claimed(store: IdempotencyStore) -> None:
    assert store.claim("scope", KEY, "body-1") == Claimed()


def test_a_claimed_key_is_in_flight_until_completed(store: IdempotencyStore) -> None:
    store.claim("scope", KEY, "body-1")
    assert store.claim("scope", KEY, "body-1") == InFlight()


def test_a_completed_key_replays_its_response(store: IdempotencyStore) -> None:
    store.claim("scope", KEY, "body-1")
    store.complete("scope", KEY, CREATED)
    assert store.claim("scope", KEY, "body-1") == Replay(CREATED)


def test_a_key_used_with_another_body_is_a_mismatch(store: IdempotencyStore) -> None:
    store.claim("scope", KEY, "body-1")
    store.complete("scope", KEY, CREATED)
    assert store.claim("scope", KEY, "body-2") == Mismatch()


def test_a_released_key_can_be_claimed_again(store: IdempotencyStore) -> None:
    store.claim("scope", KEY, "body-1")
    store.release("scope", KEY)
    assert store.claim("scope", KEY, "body-1") == Claimed()


def test_release_leaves_a_completed_key_alone(store: IdempotencyStore) -> None:
    store.claim("scope", KEY, "body-1")
    store.complete("scope", KEY, CREATED)
    store.release("scope", KEY)
    assert store.claim("scope", KEY, "body-1") == Replay(CREATED)


def test_the_same_key_in_another_scope_is_another_key(store: IdempotencyStore) -> None:
    store.claim("alice", KEY, "body-1")
    store.complete("alice", KEY, CREATED)
    assert store.claim("bob", KEY, "body-1") == Claimed()


def test_a_key_expires_after_a_day(store: IdempotencyStore, clock: Clock) -> None:
    store.claim("scope", KEY, "body-1")
    store.complete("scope", KEY, CREATED)
    clock.advance(hours=23, minutes=59)
    assert store.claim("scope", KEY, "body-1") == Replay(CREATED)
    clock.advance(minutes=1)
    assert store.claim("scope", KEY, "body-2") == Claimed()


def test_a_claim_whose_request_never_finished_is_taken_over(
    store: IdempotencyStore, clock: Clock
) -> None:
    store.claim("scope", KEY, "body-1")
    clock.advance(minutes=4)
    assert store.claim("scope", KEY, "body-1") == InFlight()
    clock.advance(minutes=1)
    assert store.claim("scope", KEY, "body-1") == Claimed()


def test_only_one_of_many_concurrent_claims_wins(store: IdempotencyStore) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(lambda _: store.claim("scope", KEY, "body-1"), range(16)))
    assert outcomes.count(Claimed()) == 1
    assert outcomes.count(InFlight()) == 15


@pytest.mark.parametrize(
    "store_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_second_worker_sees_the_first_workers_keys(
    store: IdempotencyStore, store_url: str, tmp_path: Path, clock: Clock
) -> None:
    store.claim("scope", KEY, "body-1")
    store.complete("scope", KEY, CREATED)
    other = idempotency_store_for(store_url, tmp_path, clock=clock)
    try:
        assert other.claim("scope", KEY, "body-1") == Replay(CREATED)
    finally:
        other.close()


def test_a_sqlite_ledger_keeps_its_keys_in_a_sibling_file(tmp_path: Path) -> None:
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
            self.runs.append("slow")
            if len(self.runs) == 1:  # a retry arrives while the first is still running
                self.nested.append(self.client.post("/slow", headers={"Idempotency-Key": KEY}))
            return {"id": len(self.runs)}

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


def test_a_retry_while_the_first_is_running_is_a_conflict(shifts: Shifts) -> None:
    assert shifts.post("/slow").status_code == 201
    (nested,) = shifts.nested
    assert nested.status_code == 409
    assert nested.json()["type"] == "/problems/idempotency-key-in-flight"
    assert shifts.runs == ["slow"]


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
