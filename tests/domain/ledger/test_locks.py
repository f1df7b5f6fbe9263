"""The per-aggregate locks that make writers to one aggregate queue instead of colliding."""

import threading
import uuid

import pytest

from domain.ledger import command
from domain.ledger.locks import AggregateLocks, LockWaitTimeoutError, advisory_key

#: How long a test lets a blocked thread try before concluding that it waits (a bound on a
#: wait, not a measurement).
BLOCKED = 0.2
FINISHES = 10.0


def holder_in_thread(locks: AggregateLocks, ids, entered, leave) -> threading.Thread:
    def hold():
        with locks.holding(ids):
            entered.set()
            leave.wait(FINISHES)

    thread = threading.Thread(target=hold)
    thread.start()
    return thread


def test_a_second_writer_of_one_aggregate_waits_until_the_first_is_done():
    locks, shift = AggregateLocks(), uuid.uuid4()
    first_in, first_leaves, second_in = threading.Event(), threading.Event(), threading.Event()
    first = holder_in_thread(locks, [shift], first_in, first_leaves)
    first_in.wait(FINISHES)
    second = holder_in_thread(locks, [shift], second_in, threading.Event())
    assert not second_in.wait(BLOCKED)
    first_leaves.set()
    assert second_in.wait(FINISHES)
    first.join(FINISHES)
    second.join(FINISHES)


def test_writers_of_different_aggregates_do_not_wait_for_each_other():
    locks = AggregateLocks()
    entered, leave = threading.Event(), threading.Event()
    with locks.holding([uuid.uuid4()]):
        other = holder_in_thread(locks, [uuid.uuid4()], entered, leave)
        assert entered.wait(FINISHES)
        leave.set()
    other.join(FINISHES)


def test_a_writer_that_waits_past_the_limit_gives_up():
    locks, shift = AggregateLocks(wait_seconds=0.05), uuid.uuid4()
    entered, leave = threading.Event(), threading.Event()
    holder = holder_in_thread(locks, [shift], entered, leave)
    entered.wait(FINISHES)
    with pytest.raises(LockWaitTimeoutError), locks.holding([shift]):
        pass
    leave.set()
    holder.join(FINISHES)
    assert locks.in_use() == 0


def test_a_lock_is_dropped_once_nobody_holds_or_waits_for_it():
    locks = AggregateLocks()
    with locks.holding([uuid.uuid4(), uuid.uuid4()]):
        assert locks.in_use() == 2
    assert locks.in_use() == 0


def test_a_lock_is_released_when_the_block_raises():
    locks, shift = AggregateLocks(), uuid.uuid4()
    with pytest.raises(ValueError, match="refused"), locks.holding([shift]):
        raise ValueError("the command was refused")
    with locks.holding([shift]):
        assert locks.in_use() == 1


def test_writers_naming_the_same_aggregates_in_opposite_orders_never_deadlock():
    locks, a, b = AggregateLocks(wait_seconds=FINISHES), uuid.uuid4(), uuid.uuid4()
    failures = []

    def write(ids):
        try:
            for _ in range(300):
                with locks.holding(ids):
                    pass
        except LockWaitTimeoutError as error:  # a deadlock would show as this
            failures.append(error)

    threads = [threading.Thread(target=write, args=(ids,)) for ids in ([a, b], [b, a]) * 2]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_an_advisory_key_is_a_signed_64_bit_integer_that_tells_ids_apart():
    ids = [uuid.uuid4() for _ in range(1000)]
    keys = {advisory_key(id) for id in ids}
    assert len(keys) == len(ids)
    assert all(-(2**63) <= key < 2**63 for key in keys)
    assert advisory_key(ids[0]) == advisory_key(uuid.UUID(str(ids[0])))


def test_a_command_cannot_lock_a_parameter_it_does_not_have():
    with pytest.raises(TypeError, match="no parameter shift"):

        @command(locks=("shift",))
        def sign_up(self, shift_id: uuid.UUID) -> None: ...
