"""The ledger seals personal fields in the event store and opens them on reading."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from eventsourcing.persistence import MapperDeserialisationError, StoredEvent

from domain.ledger import Ledger
from domain.values import SYSTEM, Actor
from tests import factories as f
from tests.conftest import Clock
from tests.factories import CHECKER
from vault import MemoryKeyStore, Vault

MASTER = bytes(range(32))


@pytest.fixture
def sealed(clock: Clock) -> Iterator[Ledger]:
    ledger = Ledger("memory:", clock=clock, sealer=Vault(MASTER, MemoryKeyStore()))
    try:
        yield ledger
    finally:
        ledger.close()


def stored_state(ledger: Ledger, aggregate_id, version: int = 1) -> dict:
    [stored] = [
        e for e in ledger.recorder.select_events(aggregate_id) if e.originator_version == version
    ]
    return json.loads(stored.state)


def minor(ledger: Ledger):
    return ledger.register_volunteer(
        name="王小明",
        phone="13800138000",
        birth_date=date(2010, 5, 4),
        home_organisation_id=f.community(ledger),
        privacy_consent=True,
        guardian_name="王建国",
        guardian_consent=True,
    )


def test_a_registration_is_stored_with_its_personal_fields_sealed(sealed):
    state = stored_state(sealed, minor(sealed))
    for name in ("name", "phone", "birth_date", "guardian_name"):
        assert set(state[name]) == {"sealed"}, name
    assert "王小明" not in json.dumps(state, ensure_ascii=False)


def test_a_sealed_registration_reads_back_as_it_was(sealed):
    volunteer = sealed.volunteer(minor(sealed))
    assert (volunteer.name, volunteer.phone, volunteer.birth_date, volunteer.guardian_name) == (
        "王小明",
        "13800138000",
        date(2010, 5, 4),
        "王建国",
    )


def test_without_a_sealer_events_are_stored_in_clear(ledger):
    volunteer_id = minor(ledger)
    assert stored_state(ledger, volunteer_id)["name"] == "王小明"


def test_erasing_a_volunteer_makes_every_sealed_field_of_theirs_read_none(sealed):
    volunteer_id = minor(sealed)
    sealed.suspend_volunteer(volunteer_id, "多次爽约", SYSTEM)
    sealed.erase_volunteer(volunteer_id, "本人申请注销", SYSTEM)
    registered, suspended, erased = sealed.history(volunteer_id)
    assert (registered.name, registered.phone, registered.birth_date) == (None, None, None)
    assert (registered.guardian_name, suspended.reason, erased.reason) == (None, None, None)
    assert erased.pseudonym.startswith("已注销志愿者")


def test_erasing_one_volunteer_leaves_the_others_readable(sealed):
    community = f.community(sealed)
    erased, kept = f.volunteer(sealed, community), f.volunteer(sealed, community, name="李华")
    sealed.erase_volunteer(erased, "", SYSTEM)
    assert sealed.volunteer(kept).name == "李华"


def test_forgetting_again_destroys_nothing_more(sealed):
    volunteer_id = minor(sealed)
    sealed.erase_volunteer(volunteer_id, "", SYSTEM)
    assert sealed.forget(volunteer_id) == 0


def test_a_ledger_without_a_sealer_forgets_nothing(ledger):
    assert ledger.forget(minor(ledger)) == 0


def test_the_volunteer_s_account_name_is_sealed_under_the_volunteer(sealed):
    volunteer_id = sealed.register_volunteer(
        name="王小明",
        phone="13800138000",
        birth_date=date(1990, 5, 4),
        home_organisation_id=f.community(sealed),
        privacy_consent=True,
        password_hash="hash",
    )
    account_id = sealed.account_for_login("13800138000").id
    sealed.erase_volunteer(volunteer_id, "", SYSTEM)
    created = sealed.history(account_id)[0]
    assert created.display_name is None


def test_a_record_s_later_events_are_sealed_under_its_volunteer(sealed, clock):
    community = f.community(sealed)
    volunteer_id = f.volunteer(sealed, community)
    organiser = f.organiser(sealed, community)
    clock.set(datetime(2026, 3, 20, tzinfo=UTC))
    record = f.record_by_hand(sealed, volunteer_id, f.activity(sealed, community), organiser)
    sealed.correct_record(record, 100, "王小明提前离开", CHECKER)
    assert "sealed" in stored_state(sealed, record, 2)["reason"]
    sealed.erase_volunteer(volunteer_id, "", SYSTEM)
    recorded, corrected = sealed.history(record)
    assert (recorded.description, corrected.reason) == (None, None)
    assert corrected.minutes == 100


def test_an_activity_s_contact_has_a_key_of_its_own(sealed):
    community = f.community(sealed)
    activity_id = sealed.create_activity(
        title="文明劝导",
        category="文明劝导",
        organisation_id=community,
        location="和平里",
        actor=f.ORGANISER,
        contact="李老师 13911112222",
    )
    sealed.erase_volunteer(f.volunteer(sealed, community), "", SYSTEM)
    assert "sealed" in stored_state(sealed, activity_id)["contact"]
    assert sealed.activity(activity_id).contact == "李老师 13911112222"


def test_each_entry_of_a_recognition_list_is_sealed_under_its_volunteer(sealed):
    community = f.community(sealed)
    erased, kept = f.volunteer(sealed, community), f.volunteer(sealed, community, name="李华")
    entries = [
        {"rank": 1, "volunteer_id": str(erased), "volunteer_number": "1", "name": "王小明"},
        {"rank": 2, "volunteer_id": str(kept), "volunteer_number": "2", "name": "李华"},
    ]
    list_id = sealed.publish_recognition_list(
        organisation_id=community,
        period="2026-03",
        category=None,
        title="三月好人榜",
        entries=entries,
        actor=f.ORGANISER,
    )
    sealed.erase_volunteer(erased, "", SYSTEM)
    published = sealed.history(list_id)[0]
    assert [entry["name"] for entry in published.entries] == [None, "李华"]
    assert [entry["rank"] for entry in published.entries] == [1, 2]


def test_an_objection_s_resolution_is_sealed_under_the_objecting_volunteer(sealed):
    community = f.community(sealed)
    volunteer_id = f.volunteer(sealed, community)
    entry = {"rank": 1, "volunteer_id": str(volunteer_id), "volunteer_number": "1", "name": "王"}
    list_id = sealed.publish_recognition_list(
        organisation_id=community,
        period="2026-03",
        category=None,
        title="三月好人榜",
        entries=[entry],
        actor=f.ORGANISER,
    )
    me = Actor.volunteer(volunteer_id)
    objection = sealed.file_objection(list_id, volunteer_id, "我不想上榜", me)
    sealed.resolve_objection(
        list_id, objection, upheld=True, resolution="王小明的异议成立", actor=f.ORGANISER
    )
    sealed.erase_volunteer(volunteer_id, "", SYSTEM)
    _, filed, resolved = sealed.history(list_id)
    assert (filed.reason, resolved.resolution) == (None, None)


def test_an_envelope_moved_to_another_event_is_refused(sealed):
    volunteer_id = minor(sealed)
    sealed.change_volunteer_profile(volunteer_id, name="王晓明", actor=SYSTEM)
    first, second = sealed.recorder.select_events(volunteer_id)
    state = json.loads(second.state)
    state["name"] = json.loads(first.state)["name"]
    moved = StoredEvent(
        originator_id=second.originator_id,
        originator_version=second.originator_version,
        topic=second.topic,
        state=json.dumps(state).encode(),
    )
    with pytest.raises(MapperDeserialisationError):
        sealed.mapper.to_domain_event(moved)


def test_a_store_holding_sealed_data_is_refused_without_a_sealer(tmp_path, clock):
    url = f"sqlite:///{tmp_path}/ledger.db"
    writer = Ledger(url, clock=clock, sealer=Vault(MASTER, MemoryKeyStore()))
    volunteer_id = minor(writer)
    writer.close()
    reader = Ledger(url, clock=clock)
    try:
        with pytest.raises(MapperDeserialisationError, match="sealed personal data"):
            reader.volunteer(volunteer_id)
    finally:
        reader.close()


def test_a_snapshot_is_sealed_and_opens_as_the_aggregate_was(sealed):
    volunteer_id = minor(sealed)
    sealed.take_snapshot(volunteer_id)
    assert sealed.snapshots is not None
    [snapshot] = sealed.snapshots.recorder.select_events(volunteer_id)
    assert "王小明".encode() not in snapshot.state
    assert b"13800138000" not in snapshot.state
    assert sealed.volunteer(volunteer_id).phone == "13800138000"


def test_after_erasure_a_snapshot_holds_nothing_of_the_person(sealed):
    volunteer_id = minor(sealed)
    sealed.take_snapshot(volunteer_id)
    sealed.erase_volunteer(volunteer_id, "", SYSTEM)
    assert sealed.snapshots is not None
    [snapshot] = sealed.snapshots.get(volunteer_id)
    assert snapshot.state["name"] is None
    assert snapshot.state["phone"] is None
