"""A popular shift opens and everyone presses 报名 at once: the sign-ups queue, none gives up.

Each ledger here tries a command only once (``retry_attempts=1``), so a sign-up that collided
with another instead of waiting for it would surface as a ConcurrentUpdateError.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from uuid import UUID

import pytest

from domain.errors import ConcurrentUpdateError
from domain.ledger import Ledger
from domain.policy import Policy
from domain.shift import SignUpStatus
from domain.values import Actor
from tests import factories as f
from tests.conftest import Clock

ONCE = Policy(retry_attempts=1)
PLACES = 10
FINISHES = 60.0


def sign_up_each(ledger: Ledger, shift: UUID, volunteers: list[UUID], threads: int) -> list[str]:
    """Sign each volunteer up from a pool of threads; each outcome, or the error's name."""

    def press(volunteer: UUID) -> str:
        try:
            return str(ledger.sign_up(shift, volunteer, Actor.volunteer(volunteer)))
        except ConcurrentUpdateError as error:  # reported, not lost: the test counts it
            return type(error).__name__

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(press, volunteers))


def hot_shift(ledger: Ledger, volunteers: int) -> tuple[UUID, list[UUID]]:
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    shift = f.shift(ledger, activity, capacity=PLACES, starts_in=timedelta(days=2))
    return shift, [f.volunteer(ledger, community, name=f"志愿者{i}") for i in range(volunteers)]


def assert_first_come_first_served(ledger: Ledger, shift: UUID, outcomes: dict[UUID, str]) -> None:
    """Every sign-up answered; the places filled exactly; the waitlist in the log's order."""
    assert sorted(outcomes.values()) == ["confirmed"] * PLACES + ["waitlisted"] * (
        len(outcomes) - PLACES
    )
    state = ledger.shift(shift)
    assert len(state.confirmed) == PLACES
    assert all(outcomes[v] == str(SignUpStatus.CONFIRMED) for v in state.confirmed)
    logged = [e for e in ledger.events.get(shift) if type(e).__name__ == "VolunteerWaitlisted"]
    assert state.waitlist == [e.volunteer_id for e in logged]
    assert set(state.confirmed) | set(state.waitlist) == set(outcomes)


def test_threads_signing_up_for_one_shift_on_sqlite_queue_instead_of_giving_up(tmp_path, clock):
    ledger = Ledger(f"sqlite:///{tmp_path}/ledger.db", clock=clock, policy=ONCE)
    try:
        shift, volunteers = hot_shift(ledger, 40)
        outcomes = dict(zip(volunteers, sign_up_each(ledger, shift, volunteers, 16), strict=True))
        assert_first_come_first_served(ledger, shift, outcomes)
    finally:
        ledger.close()


@pytest.fixture
def postgres_ledger(postgres_schema: str, clock: Clock) -> Iterator[Ledger]:
    ledger = Ledger(postgres_schema, clock=clock, policy=ONCE)
    try:
        yield ledger
    finally:
        ledger.close()


def worker(
    store: str, now: datetime, shift: UUID, volunteers: list[UUID], start: object, results: object
) -> None:
    """One API worker in a process of its own: four threads sign its volunteers up."""
    ledger = Ledger(store, clock=Clock(now), policy=ONCE)
    try:
        start.wait()  # type: ignore[attr-defined]
        outcomes = sign_up_each(ledger, shift, volunteers, 4)
        results.put(list(zip(volunteers, outcomes, strict=True)))  # type: ignore[attr-defined]
    finally:
        ledger.close()


@pytest.mark.postgres
@pytest.mark.slow  # four processes start: imports and pools take most of its seconds
def test_processes_signing_up_for_one_shift_on_postgres_queue_instead_of_giving_up(
    postgres_schema, postgres_ledger, clock
):
    processes = 4
    shift, volunteers = hot_shift(postgres_ledger, 48)
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(processes + 1), context.Queue()
    workers = [
        context.Process(
            target=worker,
            args=(postgres_schema, clock.now, shift, volunteers[i::processes], start, results),
        )
        for i in range(processes)
    ]
    for process in workers:
        process.start()
    start.wait(FINISHES)
    outcomes = dict(pair for _ in workers for pair in results.get(timeout=FINISHES))
    for process in workers:
        process.join(FINISHES)
    assert [process.exitcode for process in workers] == [0] * processes
    assert_first_come_first_served(postgres_ledger, shift, outcomes)


@pytest.mark.postgres
def test_a_sign_up_in_another_worker_waits_while_one_holds_the_shift(
    postgres_schema, postgres_ledger, clock
):
    shift, [volunteer] = hot_shift(postgres_ledger, 1)
    other = Ledger(postgres_schema, clock=clock, policy=ONCE)
    done = threading.Event()

    def sign_up() -> None:
        other.sign_up(shift, volunteer, Actor.volunteer(volunteer))
        done.set()

    try:
        with postgres_ledger.holding([shift]):
            thread = threading.Thread(target=sign_up)
            thread.start()
            assert not done.wait(0.3)
        assert done.wait(FINISHES)
        thread.join(FINISHES)
    finally:
        other.close()


@pytest.mark.postgres
def test_a_command_leaves_no_advisory_lock_behind(postgres_ledger):
    shift, [volunteer] = hot_shift(postgres_ledger, 1)
    postgres_ledger.sign_up(shift, volunteer, Actor.volunteer(volunteer))
    with postgres_ledger.factory.datastore.get_connection() as connection:  # type: ignore[attr-defined]
        held = connection.execute(
            "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory'"
            " AND pid = pg_backend_pid()"
        ).fetchone()
    assert held["n"] == 0


def test_one_volunteer_signing_up_for_many_shifts_at_once_queues_on_their_timesheet(
    tmp_path, clock
):
    ledger = Ledger(f"sqlite:///{tmp_path}/ledger.db", clock=clock, policy=ONCE)
    try:
        community = f.community(ledger)
        activity = f.activity(ledger, community)
        shifts = [f.shift(ledger, activity, starts_in=timedelta(days=1 + i)) for i in range(24)]
        volunteer = f.volunteer(ledger, community, name="张敏")

        def press(shift: UUID) -> str:
            try:
                return str(ledger.sign_up(shift, volunteer, Actor.volunteer(volunteer)))
            except ConcurrentUpdateError as error:
                return type(error).__name__

        with ThreadPoolExecutor(12) as pool:
            outcomes = list(pool.map(press, shifts))
        assert outcomes == ["confirmed"] * len(shifts)
        assert all(ledger.timesheet(volunteer).holds(shift) for shift in shifts)
    finally:
        ledger.close()
