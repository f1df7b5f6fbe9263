"""The benchmark's batched ledger: commands as in production, their saves written together."""

from __future__ import annotations

from datetime import date

import pytest
from eventsourcing.application import project_aggregate

from api.personal_data import ledger_for
from api.settings import Settings
from bench.batched import batched_ledger_for
from domain.ledger.base import SNAPSHOT_INTERVAL
from domain.values import Actor

ADMIN = Actor.account("管理员")


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path, store=f"sqlite:///{tmp_path}/ledger.db")


def _busy_volunteer(settings: Settings, changes: int, batch: int):
    ledger = batched_ledger_for(settings, batch=batch)
    community = ledger.create_organisation(name="和平里社区", kind="community", actor=ADMIN)
    volunteer = ledger.register_volunteer(
        name="王秀英",
        phone="13900000001",
        birth_date=date(1958, 3, 1),
        home_organisation_id=community,
        privacy_consent=True,
    )
    for n in range(changes):
        ledger.change_listing(
            volunteer, public=n % 2 == 1, guardian_consent=False, actor=Actor.volunteer(volunteer)
        )
    made = ledger.made
    ledger.close()
    return volunteer, made


def test_every_event_the_commands_made_is_stored_once_closed(settings):
    _, made = _busy_volunteer(settings, changes=30, batch=7)
    store = ledger_for(settings)
    try:
        assert store.recorder.max_notification_id() == made
    finally:
        store.close()


def test_snapshots_are_taken_where_the_ledger_takes_them_and_load_as_a_replay_does(settings):
    volunteer, _ = _busy_volunteer(settings, changes=2 * SNAPSHOT_INTERVAL + 5, batch=7)
    store = ledger_for(settings)
    try:
        versions = [s.originator_version for s in store.snapshots.get(volunteer)]
        loaded = store.volunteer(volunteer)  # from the latest snapshot
        replayed = project_aggregate(None, store.events.get(volunteer))
    finally:
        store.close()

    assert versions == [SNAPSHOT_INTERVAL, 2 * SNAPSHOT_INTERVAL]
    assert loaded.version == replayed.version
    assert (loaded.name, loaded.listed_publicly) == ("王秀英", replayed.listed_publicly)


def test_a_new_aggregate_loads_from_memory_before_its_batch_is_written(settings):
    ledger = batched_ledger_for(settings, batch=1_000)
    try:
        community = ledger.create_organisation(name="和平里社区", kind="community", actor=ADMIN)

        assert ledger.recorder.max_notification_id() is None
        assert ledger.organisation(community).name == "和平里社区"
    finally:
        ledger.close()
