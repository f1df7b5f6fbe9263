"""The in-process follower outlives a store that goes away: it says so once, and resumes."""

from __future__ import annotations

import logging
import threading
import time

from bench.synthetic import generate
from domain.ledger import Ledger
from domain.storage import StoreUnavailableError
from projections import all_projections
from projections.running.runner import ProjectionRunner
from projections.stores.sqlite import SQLiteViewStore


def test_a_follower_cut_off_from_the_store_logs_once_and_catches_up_when_it_returns(
    monkeypatch, caplog
):
    ledger = Ledger("memory:")
    views = SQLiteViewStore(":memory:")
    runner = ProjectionRunner(ledger, views, all_projections())
    cut, refused = threading.Event(), []
    select_notifications = ledger.recorder.select_notifications

    def select_unless_cut(*args, **kwargs):
        if cut.is_set():
            refused.append(1)
            raise StoreUnavailableError("couldn't get a connection after 1.00 sec")
        return select_notifications(*args, **kwargs)

    monkeypatch.setattr(ledger.recorder, "select_notifications", select_unless_cut)
    cut.set()
    with caplog.at_level(logging.INFO, logger="projections.runner"):
        runner.follow(interval=0.01, retry=0.01)
        try:
            generate(ledger, 50)
            deadline = time.monotonic() + 10
            while len(refused) < 3:
                assert time.monotonic() < deadline, "the follower stopped trying"
                time.sleep(0.01)
            cut.clear()
            head = ledger.recorder.max_notification_id()
            assert runner.wait_for(head, timeout=10) == head
        finally:
            runner.stop()
            views.close()
    logged = [r.getMessage() for r in caplog.records if r.name == "projections.runner"]
    assert logged == ["projections paused; retrying every 0.01s", "projections resumed"]
