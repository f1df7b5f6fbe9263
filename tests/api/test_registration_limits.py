"""Self-registrations are limited per client address, in memory or shared in PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest

from api.problems import TooManyRequests
from api.registration_limits import (
    PostgresRegistrationThrottle,
    RegistrationThrottle,
    registration_throttle_for,
)
from api.settings import Settings
from tests.conftest import Clock

HOME = "203.0.113.7"
CAFE = "198.51.100.20"
HOUR = timedelta(hours=1)

Throttle = RegistrationThrottle | PostgresRegistrationThrottle


@pytest.fixture(params=["memory", pytest.param("postgres", marks=pytest.mark.postgres)])
def throttle(request: pytest.FixtureRequest) -> Iterator[Callable[..., Throttle]]:
    """Makes throttles of one kind: in memory, or in PostgreSQL (where every throttle made
    counts the same attempts, as every API worker's does)."""
    made: list[Throttle] = []

    def make(clock: Clock, per_address: int = 3) -> Throttle:
        if request.param == "memory":
            made.append(RegistrationThrottle(per_address, HOUR, clock))
        else:
            url = request.getfixturevalue("postgres_schema")
            made.append(PostgresRegistrationThrottle(url, per_address, HOUR, clock))
        return made[-1]

    yield make
    for each in made:
        each.close()


def admit(limiter: Throttle, address: str, times: int) -> None:
    for _ in range(times):
        limiter.admit(address)


def test_an_address_may_register_up_to_its_budget(clock, throttle):
    limiter = throttle(clock)
    admit(limiter, HOME, 3)


def test_an_address_is_refused_past_its_budget_until_the_hour_is_over(clock, throttle):
    limiter = throttle(clock)
    admit(limiter, HOME, 3)
    with pytest.raises(TooManyRequests) as refused:
        limiter.admit(HOME)
    assert refused.value.retry_after == 3600


def test_retry_after_counts_down_from_the_oldest_counted_attempt(clock, throttle):
    limiter = throttle(clock)
    limiter.admit(HOME)
    clock.advance(minutes=20)
    admit(limiter, HOME, 2)
    with pytest.raises(TooManyRequests) as refused:
        limiter.admit(HOME)
    assert refused.value.retry_after == 40 * 60


def test_an_address_may_register_again_once_the_hour_has_passed(clock, throttle):
    limiter = throttle(clock)
    admit(limiter, HOME, 3)
    clock.advance(hours=1)
    limiter.admit(HOME)


def test_a_refused_attempt_does_not_count(clock, throttle):
    limiter = throttle(clock)
    admit(limiter, HOME, 3)
    clock.advance(minutes=59)
    with pytest.raises(TooManyRequests):
        limiter.admit(HOME)
    clock.advance(minutes=1)
    limiter.admit(HOME)


def test_another_address_keeps_its_budget(clock, throttle):
    limiter = throttle(clock)
    admit(limiter, HOME, 3)
    limiter.admit(CAFE)


def test_an_ipv6_client_is_counted_by_its_64_prefix(clock, throttle):
    limiter = throttle(clock, per_address=2)
    limiter.admit("2001:db8:1:2::1")
    limiter.admit("2001:db8:1:2:ffff::9")
    with pytest.raises(TooManyRequests):
        limiter.admit("2001:db8:1:2::abcd")
    limiter.admit("2001:db8:1:3::1")


def test_stale_addresses_are_forgotten(clock, throttle):
    limiter = throttle(clock)
    limiter.admit(HOME)
    limiter.admit(CAFE)
    clock.advance(hours=1)
    limiter.admit("192.0.2.1")
    assert limiter.tracked() == 1


@pytest.mark.postgres
def test_workers_on_postgresql_share_one_budget(clock, postgres_schema):
    first = PostgresRegistrationThrottle(postgres_schema, 3, HOUR, clock)
    second = PostgresRegistrationThrottle(postgres_schema, 3, HOUR, clock)
    try:
        admit(first, HOME, 2)
        second.admit(HOME)
        with pytest.raises(TooManyRequests):
            first.admit(HOME)
    finally:
        first.close()
        second.close()


def test_the_budget_is_ten_an_hour_unless_set():
    assert Settings().registrations_per_address == 10


def test_the_throttle_follows_the_store(tmp_path):
    throttle = registration_throttle_for(f"sqlite:///{tmp_path}/l.db", per_address=1)
    assert isinstance(throttle, RegistrationThrottle)
