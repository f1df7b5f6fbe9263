"""The log's keys live in the data folder, and the timer signs checkpoints while the log grows."""

from __future__ import annotations

import stat
import time

import pytest

from api.settings import Settings
from api.transparency import open_transparency_log, start_checkpoint_timer
from domain.ledger import Ledger
from projections.stores.factory import view_store_for
from projections.transparency.records import LogConfigurationError
from tests import factories as f


@pytest.fixture
def settings(tmp_path):
    return Settings(data_dir=tmp_path / "data", store=f"sqlite:///{tmp_path}/data/ledger.db")


@pytest.fixture
def stores(settings):
    ledger = Ledger(settings.store_url())
    views = view_store_for(settings.store_url())
    yield ledger, views
    views.close()
    ledger.close()


def wait_until(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def signed_size(log) -> int:
    latest = log.latest_checkpoint()
    return -1 if latest is None else latest.size


def test_the_keys_are_made_once_and_readable_by_their_owner_only(settings, stores):
    first = open_transparency_log(settings, *stores)
    again = open_transparency_log(settings, *stores)
    assert first.vkey == again.vkey
    for name in ("log-salt.key", "log-signing.key"):
        path = settings.data_dir / name
        assert len(path.read_bytes()) == 32
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_log_refuses_to_run_with_another_signing_key(settings, stores):
    open_transparency_log(settings, *stores)
    (settings.data_dir / "log-signing.key").unlink()
    with pytest.raises(LogConfigurationError):
        open_transparency_log(settings, *stores)


def test_a_service_whose_log_holds_format_1_leaves_refuses_to_start(settings, stores):
    from fastapi.testclient import TestClient

    from api.app import create_app

    open_transparency_log(settings, *stores)
    _, views = stores
    with views.transaction() as tx:  # as the version writing format-1 leaves left it
        tx.execute("DELETE FROM tlog_meta WHERE name = 'leaf_format'")
    with (
        pytest.raises(LogConfigurationError, match="leaves of format 1"),
        TestClient(create_app(settings)),
    ):
        pass


def test_the_origin_comes_from_the_environment(settings, stores, monkeypatch):
    monkeypatch.setenv("VOLUNTEER_LEDGER_LOG_ORIGIN", "volunteers.example.cn/log")
    log = open_transparency_log(Settings(data_dir=settings.data_dir, store=settings.store), *stores)
    assert log.origin == log.key_name == "volunteers.example.cn/log"
    assert log.vkey.startswith("volunteers.example.cn/log+")


def test_the_timer_signs_a_checkpoint_whenever_the_log_has_grown(settings, stores):
    ledger, _ = stores
    log = open_transparency_log(settings, *stores)
    f.community(ledger)
    timer = start_checkpoint_timer(log, interval=0.02)
    try:
        wait_until(lambda: signed_size(log) == 5)  # with the key on the community's name
        f.volunteer(ledger, f.district(ledger))
        wait_until(lambda: signed_size(log) == 11)
    finally:
        timer.stop()
    sizes = [c.size for c in log.checkpoints()]
    assert sizes[0] == 5
    assert sizes[-1] == 11
