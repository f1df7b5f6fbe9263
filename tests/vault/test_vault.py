"""Sealing and opening under a subject's data key; destroying the key; refusing broken seals."""

from __future__ import annotations

import os
from uuid import uuid4

import pytest

from vault import (
    KEY_CACHE_SECONDS,
    MasterKeyMismatchError,
    MemoryKeyStore,
    SealBrokenError,
    SQLiteKeyStore,
    Vault,
)

MASTER = bytes(range(32))
ASSOCIATED = b"domain.volunteer:Volunteer.Registered|id|1|name"


class Ticking:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_sealed_value_opens_with_the_same_associated_data(key_store):
    vault = Vault(MASTER, key_store)
    envelope = vault.seal(uuid4(), "王小明".encode(), ASSOCIATED)
    assert vault.open(envelope, ASSOCIATED) == "王小明".encode()


def test_an_envelope_shows_neither_the_value_nor_the_key(key_store):
    vault = Vault(MASTER, key_store)
    subject = uuid4()
    envelope = vault.seal(subject, b"13800138000", ASSOCIATED)
    assert set(envelope) == {"subject", "key", "nonce", "data"}
    assert envelope["subject"] == str(subject)
    assert "13800138000" not in str(envelope)


def test_an_envelope_moved_to_another_field_is_refused(key_store):
    vault = Vault(MASTER, key_store)
    envelope = vault.seal(uuid4(), b"13800138000", ASSOCIATED)
    with pytest.raises(SealBrokenError):
        vault.open(envelope, ASSOCIATED.replace(b"name", b"phone"))


def test_an_envelope_relabelled_with_another_subject_is_refused(key_store):
    vault = Vault(MASTER, key_store)
    envelope = vault.seal(uuid4(), b"13800138000", ASSOCIATED)
    other = vault.seal(uuid4(), b"x", ASSOCIATED)
    with pytest.raises(SealBrokenError):
        vault.open({**envelope, "subject": other["subject"]}, ASSOCIATED)


def test_altered_data_is_refused(key_store):
    vault = Vault(MASTER, key_store)
    envelope = vault.seal(uuid4(), b"13800138000", ASSOCIATED)
    flipped = ("A" if envelope["data"][0] != "A" else "B") + envelope["data"][1:]
    with pytest.raises(SealBrokenError):
        vault.open({**envelope, "data": flipped}, ASSOCIATED)


def test_a_key_wrapped_by_another_master_key_is_refused():
    keys = MemoryKeyStore()
    envelope = Vault(MASTER, keys).seal(uuid4(), b"13800138000", ASSOCIATED)
    keys.meta.clear()  # as if the store had forgotten which master key it knows
    with pytest.raises(SealBrokenError):
        Vault(os.urandom(32), keys).open(envelope, ASSOCIATED)


def test_a_store_refuses_a_master_key_other_than_its_own(key_store):
    Vault(MASTER, key_store)
    with pytest.raises(MasterKeyMismatchError):
        Vault(os.urandom(32), key_store)


def test_a_store_refuses_an_id_secret_other_than_its_own(key_store):
    vault = Vault(MASTER, key_store)
    vault.check_id_secret(b"s" * 32)
    with pytest.raises(MasterKeyMismatchError):
        vault.check_id_secret(b"t" * 32)


def test_after_forgetting_a_subject_its_values_open_as_none(key_store):
    vault = Vault(MASTER, key_store)
    subject = uuid4()
    envelope = vault.seal(subject, b"13800138000", ASSOCIATED)
    assert vault.forget(subject) == 1
    assert vault.open(envelope, ASSOCIATED) is None


def test_forgetting_one_subject_keeps_the_others(key_store):
    vault = Vault(MASTER, key_store)
    kept = vault.seal(uuid4(), b"13900139000", ASSOCIATED)
    vault.forget(uuid4())
    assert vault.open(kept, ASSOCIATED) == b"13900139000"


def test_a_subject_has_one_key_for_all_its_values(key_store):
    vault = Vault(MASTER, key_store)
    subject = uuid4()
    first = vault.seal(subject, b"a", ASSOCIATED)
    second = Vault(MASTER, key_store).seal(subject, b"b", ASSOCIATED)
    assert first["key"] == second["key"]


def test_another_process_reads_a_forgotten_key_until_its_cache_expires(key_store):
    clock = Ticking()
    writer, reader = Vault(MASTER, key_store), Vault(MASTER, key_store, clock=clock)
    subject = uuid4()
    envelope = writer.seal(subject, b"13800138000", ASSOCIATED)
    assert reader.open(envelope, ASSOCIATED) == b"13800138000"
    writer.forget(subject)
    assert reader.open(envelope, ASSOCIATED) == b"13800138000"  # its cached copy
    clock.now += KEY_CACHE_SECONDS
    assert reader.open(envelope, ASSOCIATED) is None


def test_on_sqlite_a_destroyed_key_leaves_no_copy_in_the_file_or_its_log(tmp_path):
    path = tmp_path / "ledger.db"
    keys = SQLiteKeyStore(path)
    vault = Vault(MASTER, keys)
    subject = uuid4()
    envelope = vault.seal(subject, b"13800138000", ASSOCIATED)
    found = keys.get(envelope["key"])
    assert found is not None
    vault.forget(subject)
    files = [p for p in tmp_path.iterdir() if p.name.startswith("ledger.db")]
    assert all(found[1] not in p.read_bytes() for p in files)


def test_links_remember_whose_data_an_aggregate_holds(key_store):
    vault = Vault(MASTER, key_store)
    record, person = uuid4(), uuid4()
    vault.link(record, person)
    vault.link(record, uuid4())  # the first link stays
    assert Vault(MASTER, key_store).subject_linked_to(record) == person
    assert vault.subject_linked_to(uuid4()) is None


def test_links_made_all_at_once_are_remembered_as_those_made_one_by_one(key_store):
    vault = Vault(MASTER, key_store)
    record, attendance, person, earlier = uuid4(), uuid4(), uuid4(), uuid4()
    vault.link(record, earlier)
    vault.link_all([(record, person), (attendance, person)])  # the first link of record stays
    again = Vault(MASTER, key_store)
    assert again.subject_linked_to(record) == earlier
    assert again.subject_linked_to(attendance) == person


def test_the_cache_keeps_at_most_its_size_of_keys():
    keys = MemoryKeyStore()
    vault = Vault(MASTER, keys, cache_size=1)
    first, second = uuid4(), uuid4()
    sealed = vault.seal(first, b"13800138000", ASSOCIATED)
    vault.seal(second, b"13900139000", ASSOCIATED)  # pushes the first key out
    keys.destroy(str(first))  # behind the vault's back, as another process does
    assert vault.open(sealed, ASSOCIATED) is None
