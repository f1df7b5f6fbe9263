"""Login throttling per account and address, and the request body size limit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from api.limits import BodySizeLimit, LoginThrottle, PostgresLoginThrottle
from api.problems import TooManyRequests, install_problem_handlers
from tests.conftest import Clock

WINDOW = timedelta(minutes=15)
HOME = "203.0.113.7"
CAFE = "198.51.100.20"


Throttle = LoginThrottle | PostgresLoginThrottle


@pytest.fixture(params=["memory", pytest.param("postgres", marks=pytest.mark.postgres)])
def throttle(request: pytest.FixtureRequest) -> Iterator[Callable[..., Throttle]]:
    """Makes throttles of one kind: in this process's memory, or shared in PostgreSQL (where
    every throttle made counts the same failures, as every API worker's does)."""
    made: list[PostgresLoginThrottle] = []

    def make(clock: Clock, **limits: int) -> Throttle:
        if request.param == "memory":
            return LoginThrottle(max_failures=5, window=WINDOW, clock=clock, **limits)
        url = request.getfixturevalue("postgres_schema")
        made.append(PostgresLoginThrottle(url, 5, WINDOW, clock, **limits))
        return made[-1]

    yield make
    for shared in made:
        shared.close()


def fail(limiter: Throttle, account: str, address: str, times: int) -> None:
    for _ in range(times):
        limiter.failed(account, address)


def test_an_account_may_keep_trying_below_the_limit(
    clock: Clock, throttle: Callable[..., Throttle]
) -> None:
    limiter = throttle(clock)
    fail(limiter, "wangfang", HOME, 4)
    limiter.check("wangfang", HOME)


def test_an_account_is_blocked_after_five_failures(
    clock: Clock, throttle: Callable[..., Throttle]
) -> None:
    limiter = throttle(clock)
    fail(limiter, "wangfang", HOME, 5)
    with pytest.raises(TooManyRequests) as refused:
        limiter.check("wangfang", HOME)
    assert refused.value.retry_after == 15 * 60


def test_retry_after_counts_down_from_the_oldest_counted_failure(
    clock: Clock, throttle: Callable[..., Throttle]
) -> None:
    limiter = throttle(clock)
    limiter.failed("wangfang", HOME)
    clock.advance(minutes=5)
    fail(limiter, "wangfang", HOME, 4)
    with pytest.raises(TooManyRequests) as refused:
        limiter.check("wangfang", HOME)
    assert refused.value.retry_after == 10 * 60


def test_an_account_is_let_in_again_when_the_window_has_passed(
    clock: Clock, throttle: Callable[..., Throttle]
) -> None:
    limiter = throttle(clock)
    fail(limiter, "wangfang", HOME, 5)
    clock.advance(minutes=15)
    limiter.check("wangfang", HOME)


def test_failures_from_several_addresses_count_against_one_account(
    clock: Clock, throttle: Callable[..., Throttle]
) -> None:
    limiter = throttle(clock)
    fail(limiter, "wangfang", HOME, 3)
    fail(limiter, "wangfang", CAFE, 2)
    with pytest.raises(TooManyRequests):
        limiter.check("wangfang", "192.0.2.1")


def test_account_names_count_together_whatever_their_case_and_spaces(
    clock: Clock, throttle: Callable[..., Throttle]
) -> None:
    limiter = throttle(clock)
    fail(limiter, "WangFang ", HOME, 5)
    with pytest.raises(TooManyRequests):
        limiter.check("wangfang", CAFE)


def test_another_account_at_the_same_address_is_not_blocked_by_the_account_limit(
    clock: Clock, throttle: Callable[..., Throttle]
) -> None:
    limiter = throttle(clock)
    fail(limiter, "wangfang", HOME, 5)
    limiter.check("lilei", HOME)


def test_an_address_is_blocked_after_its_own_limit_across_accounts(
    clock: Clock, throttle: Callable[..., Throttle]
) -> None:
    limiter = throttle(clock, max_address_failures=20)
    for number in range(20):
        limiter.failed(f"guess{number}", HOME)
    with pytest.raises(TooManyRequests):
        limiter.check("lilei", HOME)
    limiter.check("lilei", CAFE)


def test_an_ipv6_client_is_counted_by_its_64_prefix(
    clock: Clock, throttle: Callable[..., Throttle]
) -> None:
    limiter = throttle(clock, max_address_failures=2)
    limiter.failed("a", "2001:db8:1:2::1")
    limiter.failed("b", "2001:db8:1:2:ffff::9")
    with pytest.raises(TooManyRequests):
        limiter.check("c", "2001:db8:1:2::abcd")
    limiter.check("c", "2001:db8:1:3::1")


def test_a_success_clears_the_accounts_failures(
    clock: Clock, throttle: Callable[..., Throttle]
) -> None:
    limiter = throttle(clock)
    fail(limiter, "wangfang", HOME, 4)
    limiter.succeeded("wangfang", HOME)
    fail(limiter, "wangfang", HOME, 4)
    limiter.check("wangfang", HOME)


def test_a_success_does_not_clear_the_addresss_failures(
    clock: Clock, throttle: Callable[..., Throttle]
) -> None:
    limiter = throttle(clock, max_address_failures=3)
    fail(limiter, "guess", HOME, 3)
    limiter.succeeded("wangfang", HOME)
    with pytest.raises(TooManyRequests):
        limiter.check("wangfang", HOME)


def test_stale_entries_are_forgotten(clock: Clock, throttle: Callable[..., Throttle]) -> None:
    limiter = throttle(clock)
    fail(limiter, "wangfang", HOME, 2)
    fail(limiter, "lilei", CAFE, 1)
    assert limiter.tracked() == 4
    clock.advance(minutes=15)
    assert limiter.tracked() == 0


def test_memory_stays_bounded_under_a_flood_of_names(clock: Clock) -> None:
    limiter = LoginThrottle(max_failures=5, window=WINDOW, clock=clock, max_keys=100)
    for number in range(1000):
        limiter.failed(f"guess{number}", f"10.0.{number // 256}.{number % 256}")
    assert limiter.tracked() == 200


def make_app(max_bytes: int) -> tuple[FastAPI, list[bytes]]:
    app = FastAPI()
    received: list[bytes] = []

    @app.post("/notes")
    async def take_note(request: Request) -> dict[str, int]:
        received.append(await request.body())
        return {"bytes": len(received[-1])}

    app.add_middleware(BodySizeLimit, max_bytes=max_bytes)
    install_problem_handlers(app)
    return app, received


def test_a_body_at_the_limit_is_accepted() -> None:
    app, received = make_app(max_bytes=16)
    response = TestClient(app).post("/notes", content=b"x" * 16)
    assert response.status_code == 200
    assert received == [b"x" * 16]


def test_a_declared_body_over_the_limit_is_refused_before_the_app_runs() -> None:
    app, received = make_app(max_bytes=16)
    response = TestClient(app).post("/notes", content=b"x" * 17)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/payload-too-large"
    assert received == []


def test_a_streamed_body_over_the_limit_is_refused() -> None:
    app, received = make_app(max_bytes=16)
    response = TestClient(app).post("/notes", content=iter([b"x" * 10, b"y" * 10]))
    assert response.status_code == 413
    assert response.json()["status"] == 413
    assert received == []


def test_a_streamed_body_within_the_limit_reaches_the_app_whole() -> None:
    app, received = make_app(max_bytes=16)
    response = TestClient(app).post("/notes", content=iter([b"x" * 8, b"y" * 8]))
    assert response.status_code == 200
    assert received == [b"x" * 8 + b"y" * 8]


def test_a_refused_body_still_gets_a_request_id() -> None:
    app, _ = make_app(max_bytes=16)
    response = TestClient(app).post("/notes", content=b"x" * 17)
    assert response.headers["x-request-id"]


@pytest.mark.postgres
def test_workers_sharing_postgresql_count_the_same_failures(clock: Clock, postgres_schema) -> None:
    workers = [PostgresLoginThrottle(postgres_schema, 5, WINDOW, clock) for _ in range(2)]
    try:
        fail(workers[0], "wangfang", HOME, 3)
        fail(workers[1], "wangfang", CAFE, 2)
        for worker in workers:
            with pytest.raises(TooManyRequests):
                worker.check("wangfang", "192.0.2.1")
        workers[1].succeeded("wangfang", CAFE)
        workers[0].check("wangfang", HOME)
    finally:
        for worker in workers:
            worker.close()


@pytest.mark.postgres
def test_a_failed_login_is_stored_without_the_name_typed(postgres_schema, clock):
    import psycopg

    throttle = PostgresLoginThrottle(postgres_schema, 5, WINDOW, clock, account_secret=b"k" * 32)
    try:
        throttle.failed("13911112222", "203.0.113.9")
    finally:
        throttle.close()
    dsn, _, schema = postgres_schema.partition("?schema=")
    with psycopg.connect(dsn) as conn:
        keys = [row[0] for row in conn.execute(f"SELECT key FROM {schema}.login_failures")]
    assert len(keys) == 2
    assert not any("13911112222" in key for key in keys)
