"""Forty volunteers press 报名 for one ten-place shift at the same moment, on PostgreSQL."""

import threading
from datetime import timedelta

import pytest

from domain.errors import ConcurrentUpdateError
from domain.ledger import Ledger
from domain.shift import SignUpStatus
from domain.values import Actor
from tests import factories as f

pytestmark = pytest.mark.postgres


@pytest.fixture
def shared_ledger(postgres_schema, clock):
    ledger = Ledger(
        postgres_schema,
        clock=clock,
        env={"POSTGRES_POOL_SIZE": "10", "POSTGRES_MAX_OVERFLOW": "30"},
    )
    yield ledger
    ledger.close()


def test_concurrent_sign_ups_never_exceed_capacity(shared_ledger):
    ledger = shared_ledger
    community = f.community(ledger)
    shift = f.shift(ledger, f.activity(ledger, community), capacity=10, starts_in=timedelta(days=2))
    volunteers = [f.volunteer(ledger, community, name=f"志愿者{i}") for i in range(40)]
    barrier = threading.Barrier(len(volunteers))
    outcomes: dict = {}

    def press_sign_up(volunteer_id):
        barrier.wait()
        try:
            outcomes[volunteer_id] = ledger.sign_up(
                shift, volunteer_id, Actor.volunteer(volunteer_id)
            )
        except ConcurrentUpdateError as error:  # reported, not lost: counted below
            outcomes[volunteer_id] = error

    threads = [threading.Thread(target=press_sign_up, args=(v,)) for v in volunteers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    state = ledger.shift(shift)
    assert sorted(map(str, outcomes.values())) == ["confirmed"] * 10 + ["waitlisted"] * 30
    assert len(state.confirmed) == 10
    assert len(set(state.confirmed + state.waitlist)) == 40
    sign_up_events = list(ledger.events.get(shift))[1:]
    assert len(sign_up_events) == 40
    waitlisted_in_log = [
        e.volunteer_id for e in sign_up_events if type(e).__name__ == "VolunteerWaitlisted"
    ]
    assert state.waitlist == waitlisted_in_log  # strict order: the order the log recorded
    assert all(outcomes[v] == SignUpStatus.CONFIRMED for v in state.confirmed)

    leaving = state.confirmed[0]
    ledger.cancel_sign_up(shift, leaving, "临时有事", Actor.volunteer(leaving))
    after = ledger.shift(shift)
    assert after.confirmed == [*state.confirmed[1:], state.waitlist[0]]
    assert after.waitlist == state.waitlist[1:]


def test_processes_starting_at_once_on_a_fresh_schema_all_open_the_store(postgres_schema, clock):
    """Several API workers or projection workers start together on an empty schema: each
    creates the event tables, and none may fail because another is creating them too."""
    starters = 6
    barrier = threading.Barrier(starters)
    opened, failures = [], []

    def start():
        barrier.wait()
        try:
            opened.append(Ledger(postgres_schema, clock=clock))
        except Exception as error:  # the failure is what the test reports
            failures.append(repr(error))

    threads = [threading.Thread(target=start) for _ in range(starters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for ledger in opened:
        ledger.close()
    assert failures == []
    assert len(opened) == starters
