"""A projection process killed mid-batch loses nothing and applies nothing twice.

``volunteer-ledger projections rebuild`` runs as a real process and is sent SIGKILL once it has
committed some batches and before it has finished; a worker (``projections run``) then resumes
from where it stopped and is stopped with SIGTERM once current. Every row of every read model
must equal a rebuild from zero into a fresh store.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

import pytest

from bench.synthetic import generate
from domain.ledger import Ledger
from projections import all_projections
from projections.running.runner import ProjectionRunner
from projections.stores.factory import view_store_for
from tests.projections.read_models import contents, other_views

#: Enough for the command to take a moment: the audit trail makes PostgreSQL the slower store.
EVENTS = {"sqlite": 3000, "postgres": 1000}
pytestmark = pytest.mark.slow


def start(store_url: str, folder, *args: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "VOLUNTEER_LEDGER_STORE": store_url,
        "VOLUNTEER_LEDGER_DATA_DIR": str(folder / "data"),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "projections", *args],
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def positions(views) -> list[int]:
    """Each projection's position, read where it is kept (its own file, for some on SQLite)."""
    found = []
    for projection in all_projections():
        with contextlib.suppress(Exception):  # not created yet by the process under test
            found += views.part_for(projection.name).query(
                "SELECT position FROM projection_tracking WHERE name = ?", (projection.name,)
            )
    return [row[0] for row in found]


def wait_until(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request, tmp_path) -> tuple[str, int]:
    """A store URL, and how many events to put in it."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/ledger.db", EVENTS["sqlite"]
    return str(request.getfixturevalue("postgres_schema")), EVENTS["postgres"]


def test_a_rebuild_killed_mid_batch_is_resumed_to_the_same_read_models(store, tmp_path):
    store, events = store
    ledger = Ledger(store)
    views = view_store_for(store)
    try:
        head = generate(ledger, events)
        process = start(store, tmp_path, "rebuild", "--batch-size", "100")
        wait_until(lambda: any(p > 0 for p in positions(views)))
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=10)
        assert min(positions(views)) < head, "killed after the end: nothing was interrupted"

        worker = start(store, tmp_path, "run", "--interval", "0.05")
        names = len(all_projections())
        wait_until(lambda: sorted(positions(views)) == [head] * names)
        worker.send_signal(signal.SIGTERM)
        _, errors = worker.communicate(timeout=10)
        assert worker.returncode == 0, errors
        assert "Traceback" not in errors

        with other_views(store, tmp_path) as fresh:
            ProjectionRunner(ledger, fresh, all_projections()).catch_up()
            assert contents(views, all_projections()) == contents(fresh, all_projections())
    finally:
        views.close()
        ledger.close()
