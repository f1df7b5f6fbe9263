"""``verify-log`` finds every event changed, deleted, inserted or moved by hand in the database."""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys

import pytest

from api.cli.log import ProgressBar, add_verify_log_parser, run_verify_log
from api.settings import Settings
from api.transparency import open_transparency_log
from domain.ledger import Ledger
from domain.policy import Policy
from domain.values import Actor
from projections.stores.factory import view_store_for
from tests import factories as f
from tests.event_store_sql import EventTable, views_in_wal_mode
from tests.factories import ORGANISER

SQL_STORES = pytest.mark.parametrize(
    "store_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
GAP = 3


class Store:
    """A ledger with a signed log, a gap of unused ids, and the SQL to tamper with its events."""

    def __init__(self, store_url, tmp_path, clock) -> None:
        self.settings = Settings(data_dir=tmp_path / "data", store=store_url)
        views_in_wal_mode(store_url)  # see there: the view store cannot be reopened otherwise
        ledger = Ledger(store_url, clock=clock)
        views = view_store_for(store_url)
        self.table = EventTable(store_url)
        try:
            community = f.community(ledger)
            self.gap_after = ledger.recorder.max_notification_id()
            if self.table.postgres:
                self.table.open_gap(self.gap_after, GAP)
            volunteer = f.volunteer(ledger, community, name="孙丽")
            if not self.table.postgres:
                self.table.open_gap(self.gap_after, GAP)
            self.registered = self.position_of(ledger, "Volunteer.Registered")
            log = open_transparency_log(self.settings, ledger, views)
            log.refresh()
            record = f.record_by_hand(
                ledger,
                volunteer,
                f.activity(ledger, community),
                f.home_organiser(ledger, volunteer),
                description="社区图书角整理",
            )
            ledger.approve_record(record, ORGANISER)
            log.refresh()
            self.positions = self.table.ids()
        finally:
            views.close()
            ledger.close()

    @staticmethod
    def position_of(ledger, event_class: str) -> int:
        for n in ledger.recorder.select_notifications(start=None, limit=1000):
            if n.topic.endswith(":" + event_class):
                return n.id
        raise LookupError(event_class)

    def leaf_index(self, position: int) -> int:
        return self.positions.index(position)

    def verify(self, *options: str) -> tuple[int, str]:
        parser = argparse.ArgumentParser()
        add_verify_log_parser(parser.add_subparsers())
        out, err = io.StringIO(), io.StringIO()
        status = run_verify_log(
            parser.parse_args(["verify-log", *options]), self.settings, out, err
        )
        return status, out.getvalue()


@pytest.fixture
def store(store_url, tmp_path, clock):
    made = Store(store_url, tmp_path, clock)
    yield made
    made.table.close()


@SQL_STORES
def test_an_untouched_store_matches_the_log(store):
    status, output = store.verify()
    assert status == 0, output
    assert output.startswith("verify-log: ")
    assert "2 checkpoint roots checked" in output
    assert output.rstrip().endswith("everything matches")


@SQL_STORES
def test_a_changed_byte_in_a_payload_is_found_at_its_position(store):
    position = store.registered
    state = store.table.state(position)
    store.table.set_state(position, state.replace(b'"phone":"1', b'"phone":"9'))
    status, output = store.verify()
    assert status == 1
    lines = output.splitlines()
    assert lines[0].startswith(f"position {position} (leaf {store.leaf_index(position)}): ")
    assert "was changed (state differ)" in lines[0]
    assert any("the checkpoint of size" in line for line in lines)


@SQL_STORES
def test_a_deleted_event_is_found_at_its_position(store):
    position = store.positions[-3]
    store.table.delete(position)
    status, output = store.verify()
    assert status == 1
    first = output.splitlines()[0]
    assert first.startswith(f"position {position} (leaf {store.leaf_index(position)}): ")
    assert first.endswith("deleted")


@SQL_STORES
def test_swapped_event_states_are_found_at_both_positions(store):
    a, b = store.positions[1], store.positions[-1]
    store.table.swap_states(a, b)
    status, output = store.verify()
    assert status == 1
    assert f"position {a} (leaf 1): " in output
    assert f"position {b} (leaf {len(store.positions) - 1}): " in output


@SQL_STORES
def test_reordered_events_are_found_where_they_moved(store):
    a, b = store.positions[5], store.positions[6]
    store.table.swap_positions(a, b)
    status, output = store.verify()
    assert status == 1
    lines = output.splitlines()
    assert lines[0].startswith(f"position {a} (leaf 5): holds event ")
    assert f"which the log has at position {b}" in lines[0]
    assert lines[1].startswith(f"position {b} (leaf 6): ")


@SQL_STORES
def test_an_inserted_event_is_found_at_its_position(store):
    forged = store.gap_after + 2
    store.table.insert_copy(forged, like=store.positions[-1])
    status, output = store.verify()
    assert status == 1
    first = output.splitlines()[0]
    assert first.startswith(f"position {forged}: ")
    assert first.endswith("inserted")


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_a_wrong_verifier_key_fails_every_checkpoint(store):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from trust.note import vkey

    other = vkey("volunteer-ledger.local/log", Ed25519PrivateKey.generate().public_key())
    status, output = store.verify("--vkey", other)
    assert status == 1
    assert "is not signed by the log key" in output


def test_missing_key_files_mean_the_check_cannot_run(tmp_path):
    parser = argparse.ArgumentParser()
    add_verify_log_parser(parser.add_subparsers())
    settings = Settings(data_dir=tmp_path / "empty", store=f"sqlite:///{tmp_path}/x.db")
    err = io.StringIO()
    status = run_verify_log(parser.parse_args(["verify-log"]), settings, io.StringIO(), err)
    assert status == 2
    assert "no key file" in err.getvalue()


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_verify_log_runs_as_a_command(store, tmp_path):
    position = store.positions[2]
    store.table.delete(position)
    env = os.environ | {
        "VOLUNTEER_LEDGER_DATA_DIR": str(store.settings.data_dir),
        "VOLUNTEER_LEDGER_STORE": store.settings.store_url(),
    }
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "verify-log", "--progress", "always"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith(f"position {position} (leaf 2): ")
    assert "events, position" in done.stderr  # the progress bar


def test_the_progress_bar_shows_events_rate_and_time_left():
    bar = ProgressBar(io.StringIO(), enabled=True)
    line = bar.line(events=5_000, position=5_000, head=20_000, elapsed=2.0)
    assert "25.0%" in line
    assert "5,000 events, position 5,000/20,000" in line
    assert "2,500/s" in line
    assert "0:00:06 left" in line


@pytest.mark.parametrize("store_url", ["sqlite"], indirect=True)
def test_an_event_whose_state_was_made_text_is_found_at_its_position(store):
    store.table.cast_state_to_text(store.registered)  # SQLite keeps a type per value
    status, output = store.verify()
    assert status == 1, output
    first = output.splitlines()[0]
    assert first.startswith(f"position {store.registered}: ")
    assert first.endswith("is stored as str, not bytes: its type was changed")


@pytest.mark.parametrize(
    "store_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_state_column_made_text_is_found_at_every_position(store):
    store.table.make_states_text()  # PostgreSQL keeps one type per column
    status, output = store.verify()
    assert status == 1, output
    found = [line.split(":")[0] for line in output.splitlines() if "cannot be read" in line]
    assert found == [f"position {position}" for position in store.positions]


def two_records_by_hand(ledger, clock):
    """Two pending records of 孙丽 made by her community's organiser; returns both, the
    volunteer and the organiser."""
    community = f.community(ledger)
    activity = f.activity(ledger, community)
    volunteer = f.volunteer(ledger, community, name="孙丽")
    organiser = f.organiser(ledger, community)
    records = []
    for days in (3, 2):
        records.append(
            f.record_by_hand(
                ledger, volunteer, activity, organiser, days_ago=days, description="社区图书角整理"
            )
        )
    return records, volunteer, organiser


def verify_log_matches(settings):
    parser = argparse.ArgumentParser()
    add_verify_log_parser(parser.add_subparsers())
    out = io.StringIO()
    status = run_verify_log(parser.parse_args(["verify-log"]), settings, out, io.StringIO())
    assert status == 0, out.getvalue()
    assert out.getvalue().rstrip().endswith("everything matches")


@SQL_STORES
def test_approvals_stored_before_and_after_version_2_and_confirmations_verify(
    store_url, tmp_path, clock
):
    settings = Settings(data_dir=tmp_path / "data", store=store_url)
    views_in_wal_mode(store_url)
    ledger = Ledger(store_url, clock=clock)
    views = view_store_for(store_url)
    try:
        records, volunteer, organiser = two_records_by_hand(ledger, clock)
        f.approve_as_version_1(ledger, records[0], ORGANISER)
        log = open_transparency_log(settings, ledger, views)
        log.refresh()
        ledger.confirm_record(records[1], Actor.volunteer(volunteer))
        ledger.approve_record(records[1], organiser)
        log.refresh()
    finally:
        views.close()
        ledger.close()
    verify_log_matches(settings)


@SQL_STORES
def test_corrections_stored_before_and_after_version_2_verify(store_url, tmp_path, clock):
    settings = Settings(data_dir=tmp_path / "data", store=store_url)
    views_in_wal_mode(store_url)
    ledger = Ledger(store_url, clock=clock, policy=Policy(single_organiser_approval=True))
    views = view_store_for(store_url)
    try:
        records, _, organiser = two_records_by_hand(ledger, clock)
        for record in records:
            ledger.approve_record(record, ORGANISER)
        f.correct_as_version_1(ledger, records[0], 90, "提前离开", organiser)
        log = open_transparency_log(settings, ledger, views)
        log.refresh()
        ledger.correct_record(records[1], 150, "补录漏记时间", organiser)  # alone: version 2
        log.refresh()
        assert [ledger.history(r)[-1].single_organiser for r in records] == [False, True]
    finally:
        views.close()
        ledger.close()
    verify_log_matches(settings)
