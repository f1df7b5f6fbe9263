"""Projection workers: each projection active in one worker at a time, a standby taking over."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import ExitStack, contextmanager

import psycopg
import pytest

from bench.synthetic import generate
from domain.ledger import Ledger
from projections import all_projections
from projections.running.runner import ProjectionRunner
from projections.running.worker import FileLock, Worker, leases_for
from projections.stores.factory import view_store_for
from tests.projections.read_models import contents, other_views

NAMES = frozenset(p.name for p in all_projections())
RUN_OPTIONS = ("--interval", "0.05", "--retry", "0.3")


def test_on_sqlite_one_worker_holds_every_projection_and_a_second_waits(tmp_path):
    first, second = (
        FileLock(tmp_path / "views.db.worker-lock"),
        FileLock(tmp_path / "views.db.worker-lock"),
    )
    assert first.claim(sorted(NAMES)) == NAMES
    assert second.claim(sorted(NAMES)) == set()
    first.release()
    assert second.claim(sorted(NAMES)) == NAMES
    second.release()


def wait_until(condition, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@contextmanager
def running_worker(store_url: str):
    """A worker in a thread of its own, with its own ledger, store and lock connection."""
    with ExitStack() as stack:
        ledger = Ledger(store_url)
        stack.callback(ledger.close)
        views = view_store_for(store_url)
        stack.callback(views.close)
        runner = ProjectionRunner(ledger, views, all_projections(), batch_size=100)
        worker = Worker(runner, leases_for(views), interval=0.02, retry=0.2)
        thread = threading.Thread(target=worker.run, daemon=True)
        thread.start()
        stack.callback(thread.join, 10)
        stack.callback(worker.stop)
        yield worker


def lock_holders(dsn: str, views, names=NAMES) -> dict[str, int]:
    """Which PostgreSQL backend holds each projection's advisory lock."""
    keys = {
        (views.lock_key(name) >> 32 & 0xFFFFFFFF, views.lock_key(name) & 0xFFFFFFFF): name
        for name in names
    }
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT classid::bigint, objid::bigint, pid FROM pg_locks "
            "WHERE locktype = 'advisory' AND granted"
        ).fetchall()
    return {keys[(c, o)]: pid for c, o, pid in rows if (c, o) in keys}


@pytest.mark.postgres
def test_each_projection_is_active_in_exactly_one_of_two_workers(postgres_schema):
    ledger = Ledger(postgres_schema)
    views = view_store_for(postgres_schema)
    try:
        generate(ledger, 300)
        with running_worker(postgres_schema) as first, running_worker(postgres_schema) as second:
            wait_until(lambda: first.active | second.active == NAMES)
            time.sleep(0.5)  # the standby has retried a few times by now
            assert first.active | second.active == NAMES
            assert first.active & second.active == set()
            assert len(set(lock_holders(postgres_schema.split("?")[0], views).values())) == 1
    finally:
        views.close()
        ledger.close()


@pytest.mark.postgres
def test_a_lock_session_that_ends_leaves_each_projection_in_one_worker_applied_once(
    postgres_schema, tmp_path
):
    dsn = postgres_schema.split("?")[0]
    ledger = Ledger(postgres_schema)
    views = view_store_for(postgres_schema)
    try:
        generate(ledger, 300)
        with running_worker(postgres_schema) as first, running_worker(postgres_schema) as second:
            wait_until(lambda: first.active | second.active == NAMES)
            active = first if first.active else second
            with psycopg.connect(dsn, autocommit=True) as conn:
                conn.execute("SELECT pg_terminate_backend(%s)", (active.leases.backend_pid(),))
            generate(ledger, 300)  # written while the locks change hands
            head = ledger.recorder.max_notification_id()
            runner = ProjectionRunner(ledger, views, all_projections(), prepare=False)
            wait_until(lambda: {p.position for p in runner.progress()} == {head})
            wait_until(
                lambda: first.active | second.active == NAMES and not first.active & second.active
            )
        with other_views(postgres_schema, tmp_path) as fresh:
            ProjectionRunner(ledger, fresh, all_projections()).catch_up()
            assert contents(views, all_projections()) == contents(fresh, all_projections())
    finally:
        views.close()
        ledger.close()


class WorkerProcess:
    """``volunteer-ledger projections run`` in a process of its own, its log collected."""

    def __init__(self, store_url: str, folder) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "projections", "run", *RUN_OPTIONS],
            cwd=folder,
            env={**os.environ, "VOLUNTEER_LEDGER_STORE": store_url},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.log: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.log.append(line)

    def logged(self, text: str) -> bool:
        return any(text in line for line in self.log)

    def end(self, sig: int) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        code = self.process.wait(timeout=10)
        self.reader.join(timeout=10)
        if self.process.stderr is not None:
            self.process.stderr.close()
        return code


@pytest.mark.postgres
@pytest.mark.slow
def test_a_standby_worker_process_takes_over_when_the_active_one_is_killed(
    postgres_schema, tmp_path
):
    dsn = postgres_schema.split("?")[0]
    ledger = Ledger(postgres_schema)
    views = view_store_for(postgres_schema)
    standby_for_all = "standby for: " + ", ".join(sorted(NAMES))
    workers = [WorkerProcess(postgres_schema, tmp_path)]
    try:
        generate(ledger, 300)
        wait_until(lambda: set(lock_holders(dsn, views)) == NAMES)
        [first_pid] = set(lock_holders(dsn, views).values())
        workers.append(WorkerProcess(postgres_schema, tmp_path))
        wait_until(lambda: workers[1].logged(standby_for_all))
        assert set(lock_holders(dsn, views).values()) == {first_pid}

        workers[0].end(signal.SIGKILL)
        wait_until(lambda: workers[1].logged("active for: " + ", ".join(sorted(NAMES))))
        [second_pid] = set(lock_holders(dsn, views).values())
        assert second_pid != first_pid

        generate(ledger, 300)
        head = ledger.recorder.max_notification_id()
        runner = ProjectionRunner(ledger, views, all_projections(), prepare=False)
        wait_until(lambda: {p.position for p in runner.progress()} == {head})
        assert workers[1].end(signal.SIGTERM) == 0, "".join(workers[1].log)
        assert not any("Traceback" in line for line in workers[1].log)
        with other_views(postgres_schema, tmp_path) as fresh:
            ProjectionRunner(ledger, fresh, all_projections()).catch_up()
            assert contents(views, all_projections()) == contents(fresh, all_projections())
    finally:
        for worker in workers:
            worker.end(signal.SIGKILL)
        views.close()
        ledger.close()
