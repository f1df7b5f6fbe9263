"""Aggregates loaded through the cache stay current across workers and keep no erased data."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import uuid4

import pytest

from domain.ledger import Ledger
from domain.ledger.repository import copy_aggregate
from domain.values import SYSTEM, Actor
from tests import factories as f
from tests.conftest import Clock
from vault import MemoryKeyStore, Vault

MASTER = bytes(range(32))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def two_workers(request, tmp_path, clock: Clock) -> Iterator[tuple[Ledger, Ledger]]:
    """Two ledgers on one store and one key store, as two API workers have (their vaults keep
    no key in memory, whose documented lifetime would hide what the aggregate cache keeps)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/ledger.db"
    else:
        url = str(request.getfixturevalue("postgres_schema"))
    keys = MemoryKeyStore()
    workers = [
        Ledger(url, clock=clock, sealer=Vault(MASTER, keys, cache_seconds=0)) for _ in range(2)
    ]
    try:
        yield workers[0], workers[1]
    finally:
        for worker in workers:
            worker.close()


@pytest.fixture
def sealed(clock: Clock) -> Iterator[Ledger]:
    ledger = Ledger("memory:", clock=clock, sealer=Vault(MASTER, MemoryKeyStore()))
    try:
        yield ledger
    finally:
        ledger.close()


def test_a_shift_cached_by_one_worker_shows_the_sign_ups_another_worker_saved(two_workers):
    first, second = two_workers
    community = f.community(first)
    shift = f.shift(first, f.activity(first, community), capacity=1)
    early, late = f.volunteer(first, community), f.volunteer(first, community, name="李华")
    assert first.shift(shift).confirmed == []  # now cached by the first worker
    second.sign_up(shift, early, Actor.volunteer(early))
    assert first.shift(shift).confirmed == [early]
    first.sign_up(shift, late, Actor.volunteer(late))
    assert second.shift(shift).waitlist == [late]


def test_a_volunteer_erased_by_another_worker_reads_as_erased_where_it_was_cached(two_workers):
    first, second = two_workers
    volunteer = f.volunteer(first, f.community(first), name="王小明")
    assert first.volunteer(volunteer).name == "王小明"  # now cached by the first worker
    pseudonym = second.erase_volunteer(volunteer, "本人申请注销", SYSTEM)
    erased = first.volunteer(volunteer)
    assert (erased.name, erased.phone, erased.birth_date) == (pseudonym, None, None)


def test_an_activity_s_contact_is_unreadable_in_every_worker_once_its_key_is_destroyed(
    two_workers,
):
    first, second = two_workers
    activity = first.create_activity(
        title="文明劝导",
        category="文明劝导",
        organisation_id=f.community(first),
        location="和平里",
        actor=f.ORGANISER,
        contact="李老师 13911112222",
    )
    assert first.activity(activity).contact == "李老师 13911112222"
    second.forget(activity)
    assert first.activity(activity).contact is None


def test_forgetting_a_person_drops_what_the_cache_held_of_them(sealed):
    volunteer = f.volunteer(sealed, f.community(sealed), name="王小明")
    assert sealed.volunteer(volunteer).name == "王小明"  # now cached
    sealed.forget(volunteer)  # as when an erasure's process stopped after its save
    assert sealed.volunteer(volunteer).name is None


def test_a_change_to_a_loaded_copy_never_reaches_the_cache(sealed):
    community = f.community(sealed)
    shift = f.shift(sealed, f.activity(sealed, community))
    volunteer = f.volunteer(sealed, community)
    loaded = sealed.shift(shift)
    loaded.sign_up(volunteer, now=sealed.now(), actor=Actor.volunteer(volunteer))
    assert sealed.shift(shift).confirmed == []


@pytest.mark.parametrize("size", ["0", "1"])
def test_commands_keep_their_rules_with_the_cache_off_or_tiny(clock, size):
    ledger = Ledger("memory:", clock=clock, env={"AGGREGATE_CACHE_MAXSIZE": size})
    try:
        community = f.community(ledger)
        shift = f.shift(ledger, f.activity(ledger, community), capacity=1)
        volunteers = [f.volunteer(ledger, community, name=f"志愿者{i}") for i in range(3)]
        outcomes = [ledger.sign_up(shift, v, Actor.volunteer(v)) for v in volunteers]
        assert [str(o) for o in outcomes] == ["confirmed", "waitlisted", "waitlisted"]
        assert ledger.shift(shift).waitlist == volunteers[1:]
    finally:
        ledger.close()


def test_a_copy_for_a_command_equals_the_cached_aggregate_and_shares_nothing_mutable(sealed):
    community = f.community(sealed)
    shift = sealed.shift(f.shift(sealed, f.activity(sealed, community)))
    shift.sign_up(f.volunteer(sealed, community), now=sealed.now(), actor=SYSTEM)
    copied = copy_aggregate(shift)
    assert vars(copied) == vars(shift)
    copied.confirmed.append(uuid4())
    assert copied.confirmed != shift.confirmed


def _sign_up_elsewhere(ledger: Ledger, shift, community) -> None:
    someone = f.volunteer(ledger, community, name="李华")
    ledger.sign_up(shift, someone, Actor.volunteer(someone))


def test_events_read_beside_a_command_s_locks_are_used_once_and_only_from_their_version(
    two_workers,
):
    mine, other = two_workers
    community = f.community(mine)
    shift = f.shift(mine, f.activity(mine, community))
    version = mine.shift(shift).version  # cached here
    _sign_up_elsewhere(other, shift, community)
    repository = mine.repository

    with repository.prefetched({shift: (version, [])}):  # read before the other's sign-up
        assert mine.shift(shift).version == version
        assert mine.shift(shift).version > version  # used once: then the store is asked
    with repository.prefetched({shift: (version - 1, [])}):
        assert mine.shift(shift).version > version  # not from the cached version: ignored
