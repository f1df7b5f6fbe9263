"""The real service for the load: ``volunteer-ledger serve`` and a ``projections run`` worker,
each in a process of its own, over the store the builder filled."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from api.personal_data import ledger_for
from api.settings import Settings
from projections import all_projections
from projections.running.runner import ProjectionRunner
from projections.stores.factory import view_store_for


@dataclass(frozen=True)
class Service:
    url: str
    api_pid: int
    projections_pid: int


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _command(*args: str) -> list[str]:
    """``volunteer-ledger …`` run by this interpreter, so it finds this checkout's code."""
    return [sys.executable, "-m", "api.cli", *args]


@contextmanager
def running_service(
    settings: Settings, logs: Path, port: int | None = None, workers: int = 1
) -> Iterator[Service]:
    """The API (``workers`` workers, projections not followed in-process) and a projections
    worker; yields once the API answers and the read models have caught up; stops both after.
    With several workers ``api_pid`` is their supervisor's."""
    port = port or free_port()
    env = {
        **os.environ,
        "VOLUNTEER_LEDGER_DATA_DIR": str(settings.data_dir),
        "VOLUNTEER_LEDGER_STORE": settings.store_url(),
        "VOLUNTEER_LEDGER_FOLLOW_PROJECTIONS": "false",
        # The load logs in once; nothing here should be refused as abuse.
        "VOLUNTEER_LEDGER_LOGIN_FAILURES_PER_ADDRESS": "100000",
    }
    logs.mkdir(parents=True, exist_ok=True)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for name, args in (
            ("projections", _command("projections", "run")),
            ("api", _command("serve", "--port", str(port), "--workers", str(workers))),
        ):
            with (logs / f"{name}.log").open("wb") as log:
                processes.append(
                    subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT)
                )
        url = f"http://127.0.0.1:{port}"
        _wait_until_up(url, processes, logs)
        wait_for_projections(settings)
        yield Service(url, processes[1].pid, processes[0].pid)
    finally:
        for process in reversed(processes):
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_up(url: str, processes: list[subprocess.Popen[bytes]], logs: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"a service process stopped at start: see {logs}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the API did not answer within 2 minutes: see {logs}")


def wait_for_projections(settings: Settings, timeout: float = 1800) -> None:
    """Until every read model has reached the end of the store (the worker catches up)."""
    ledger = ledger_for(settings)
    views = view_store_for(settings.store_url())
    try:
        runner = ProjectionRunner(ledger, views, all_projections(), prepare=False)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if all(p.lag == 0 for p in runner.progress()):
                    return
            except (sqlite3.Error, psycopg.Error):  # the worker has not made its tables yet
                pass
            time.sleep(0.5)
        raise RuntimeError("the read models did not catch up in time")
    finally:
        views.close()
        ledger.close()
