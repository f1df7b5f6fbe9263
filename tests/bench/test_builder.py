"""The benchmark's ledger: built through the commands, the same for the same seed."""

from __future__ import annotations

import argparse
import io
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.cli.log import add_verify_log_parser, run_verify_log
from api.personal_data import id_secret, ledger_for, open_vault
from api.settings import Settings
from bench.builder import BuiltLedger, LoadPlan, build_ledger
from domain.ledger import Ledger
from domain.values import SYSTEM
from projections import all_projections
from projections.hours.queries import certifiable_records
from projections.running.runner import ProjectionRunner
from projections.stores.factory import view_store_for

TARGET = 900
PLAN = LoadPlan(runs=1, spread=3, hot_capacity=2, volunteers=0)


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


class _OneSavePerCommand(Ledger):
    """The ledger as the service runs it: each command commits its own save."""

    name = "Ledger"

    @property
    def made(self) -> int:
        return self.recorder.max_notification_id() or 0

    def write(self) -> None:
        pass


def test_saving_many_commands_at_once_stores_what_one_save_per_command_stores(
    built, tmp_path, monkeypatch
):
    def one_save_per_command(settings, *, policy, clock):
        return _OneSavePerCommand(
            settings.store_url(),
            policy=policy,
            clock=clock,
            sealer=open_vault(settings),
            id_secret=id_secret(settings),
        )

    monkeypatch.setattr("bench.builder.batched_ledger_for", one_save_per_command)
    settings, first = built
    one_by_one_settings, one_by_one = _build(tmp_path)

    assert one_by_one.commands == first.commands
    assert _event_kinds(one_by_one_settings) == _event_kinds(settings)


def _caught_up(settings: Settings) -> None:
    ledger, views = ledger_for(settings), view_store_for(settings.store_url())
    try:
        ProjectionRunner(ledger, views, all_projections()).catch_up()
    finally:
        views.close()
        ledger.close()


def test_the_read_models_hold_what_the_aggregates_hold(built):
    settings, ledger = built
    _caught_up(settings)
    store, views = ledger_for(settings), view_store_for(settings.store_url())
    try:
        rows = views.query("SELECT id, volunteer_id, status, minutes FROM hours_records", ())
        records = [store.service_record(UUID(str(row[0]))) for row in rows]
        listed = {str(row[0]) for row in views.query("SELECT id FROM dir_volunteers", ())}
    finally:
        views.close()
        store.close()

    assert len(rows) > 20
    assert [(str(r.volunteer_id), r.status.value, r.minutes) for r in records] == [
        (str(volunteer), status, minutes) for _, volunteer, status, minutes in rows
    ]
    assert {str(v) for v in ledger.volunteers} <= listed


def test_the_log_of_the_built_ledger_verifies_and_a_certificate_from_it_is_valid(built):
    settings, ledger = built
    _caught_up(settings)
    with TestClient(create_app(settings.model_copy(update={"follow_projections": False}))) as app:
        services, certificates = app.app.state.services, app.app.state.certificates
        volunteer, records = next(
            (volunteer, records)
            for volunteer in ledger.volunteers
            if (
                records := certifiable_records(
                    services.views,
                    str(volunteer),
                    str(ledger.district),
                    date(2000, 1, 1),
                    date(2100, 1, 1),
                )
            )
        )
        issued = services.ledger.issue_certificate(
            issuer_id=ledger.district,
            volunteer_id=volunteer,
            record_ids=[UUID(record) for record in records],
            person_in_charge="李主任",
            handler="王干事",
            contact="010-1",
            actor=SYSTEM,
        )
        number = services.ledger.certificate_number_of(issued)
        certificates.log.refresh()
        verdict = certificates.verify(certificates.credential(number)).verdict
    parser = argparse.ArgumentParser()
    add_verify_log_parser(parser.add_subparsers())
    out = io.StringIO()
    status = run_verify_log(parser.parse_args(["verify-log"]), settings, out, io.StringIO())

    assert verdict == "valid"
    assert status == 0, out.getvalue()
    assert "everything matches" in out.getvalue()


@pytest.mark.postgres
def test_on_postgresql_the_ledger_is_built_in_the_ledgers_own_tables(postgres_schema, tmp_path):
    settings = Settings(data_dir=tmp_path, store=str(postgres_schema))
    built = build_ledger(settings, 300, seed=11, plan=PLAN)
    store = ledger_for(settings)  # what the service opens
    try:
        organiser = store.account_for_login(built.organiser_login)
        stored = store.recorder.max_notification_id()
    finally:
        store.close()

    assert organiser.username == built.organiser_login
    assert stored == built.events


def test_the_spread_shifts_have_room_for_everyone_up_to_the_most_a_shift_may_have(
    tmp_path, monkeypatch
):
    monkeypatch.setattr("bench.builder.MAX_CAPACITY", 5)  # fewer than the volunteers
    settings, built = _build(tmp_path)
    store = ledger_for(settings)
    try:
        capacities = {store.shift(id).capacity for id in built.spread_shifts[0]}
    finally:
        store.close()

    assert capacities == {5}


def test_the_loads_have_at_least_the_volunteers_their_plan_asks_for(tmp_path):
    settings = Settings(data_dir=tmp_path, store=f"sqlite:///{tmp_path}/ledger.db")
    plan = LoadPlan(runs=1, spread=3, hot_capacity=2, volunteers=120)
    built = build_ledger(settings, TARGET, seed=11, plan=plan)

    assert len(built.volunteers) == 120
    store = ledger_for(settings)
    try:
        assert all(store.volunteer(v).id == v for v in built.volunteers)
    finally:
        store.close()
