"""The benchmark's ledger: built through the commands, the same for the same seed."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from api.personal_data import ledger_for
from api.settings import Settings
from bench.builder import BuiltLedger, LoadPlan, build_ledger

TARGET = 900
PLAN = LoadPlan(runs=1, spread=3, hot_capacity=2)


def _build(folder: Path, seed: int = 11) -> tuple[Settings, BuiltLedger]:
    settings = Settings(data_dir=folder, store=f"sqlite:///{folder}/ledger.db")
    return settings, build_ledger(settings, TARGET, seed=seed, plan=PLAN)


def _event_kinds(settings: Settings) -> list[str]:
    """The stored events' classes, in the store's order."""
    ledger = ledger_for(settings)
    try:
        notifications = ledger.recorder.select_notifications(start=1, limit=10**6)
        return [n.topic.rsplit(":", 1)[-1] for n in notifications]
    finally:
        ledger.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, BuiltLedger]:
    return _build(tmp_path_factory.mktemp("bench"))


def test_the_same_seed_builds_the_same_ledger(built, tmp_path):
    settings, first = built
    again_settings, again = _build(tmp_path)

    assert again.commands == first.commands
    assert _event_kinds(again_settings) == _event_kinds(settings)


@pytest.mark.parametrize(
    "kind",
    [
        "Organisation.Created",
        "Volunteer.Registered",
        "Volunteer.ListingPreferencesChanged",
        "Shift.VolunteerSignedUp",
        "Shift.VolunteerWaitlisted",
        "Shift.SignUpCancelled",
        "Attendance.CheckedIn",
        "Attendance.NoShowMarked",
        "ServiceRecord.Approved",
        "ServiceRecord.Rejected",
        "ServiceRecord.Corrected",
        "ServiceRecord.CorrectionRequestAccepted",
    ],
)
def test_a_year_of_service_holds_every_kind_of_event(built, kind):
    settings, _ = built

    assert kind in Counter(_event_kinds(settings))


def test_the_build_stops_soon_after_its_target(built):
    _, ledger = built

    assert TARGET <= ledger.events <= TARGET * 1.2


def test_a_few_volunteers_do_much_of_the_service(built):
    settings, ledger = built
    store = ledger_for(settings)
    try:
        signed_up = Counter(
            event.volunteer_id
            for event in map(
                store.mapper.to_domain_event,
                store.recorder.select_notifications(start=1, limit=10**6),
            )
            if type(event).__qualname__ == "Shift.VolunteerSignedUp"
        )
    finally:
        store.close()
    busiest = sum(n for _, n in signed_up.most_common(len(ledger.volunteers) // 10))

    assert busiest > 0.3 * sum(signed_up.values())


def test_the_load_signs_up_for_shifts_to_come_with_room_for_everyone_or_a_hot_few(built):
    settings, ledger = built
    store = ledger_for(settings)
    try:
        spread = [store.shift(id) for id in ledger.spread_shifts[0]]
        hot = store.shift(ledger.hot_shifts[0])
    finally:
        store.close()

    assert all(s.capacity == len(ledger.volunteers) for s in spread)
    assert hot.capacity == PLAN.hot_capacity
    assert min(s.starts_at for s in [*spread, hot]) > datetime.now(UTC)


def test_personal_data_is_sealed_in_the_store(built):
    settings, _ = built
    stored = Path(settings.store_url().removeprefix("sqlite:///")).read_bytes()

    assert b"13900000000" not in stored  # the first volunteer's phone
