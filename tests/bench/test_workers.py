"""One API worker against two, from a fake service and a fake load: no wrk, no server."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import contextmanager

import pytest

from api.settings import Settings
from bench import workers as compare
from bench.cpu import CpuMeter, descendants
from bench.report import workers_table
from bench.server import Service
from bench.wrk import WrkResult
from tests.bench.test_report import built  # noqa: F401  (a fixture)


class FakeService:
    """Started with some workers; its load answers 50 sign-ups a second a worker."""

    def __init__(self) -> None:
        self.workers: list[int] = []

    @contextmanager
    def __call__(self, settings, logs, port, *, workers):
        self.workers.append(workers)
        yield Service("http://bench", os.getpid(), os.getpid())

    def wrk(self, url, requests, *, token, seconds, once=False, connections=16) -> WrkResult:
        if requests[0].path == "/healthz":
            return WrkResult(2_000, 1.0, 1.0, 2.0, 3.0, 4.0, 0, {"200": 2_000})
        answered = 50 * self.workers[-1]  # in one second
        return WrkResult(answered, 1.0, 20.0, 40.0, 80.0, 90.0, 0, {"201": answered})


@pytest.fixture
def compared(built, monkeypatch, tmp_path):  # noqa: F811
    monkeypatch.setattr(compare, "_backends", lambda store_url: [])
    monkeypatch.setattr(compare, "log_in", lambda url, login, password: "t")
    service = FakeService()
    figures = compare.compare_workers(
        Settings(data_dir=tmp_path, store="sqlite:///unused.db"),
        built,
        tmp_path,
        rounds=1,
        seconds=1,
        first_shifts=1,
        start=service,
        runner=service.wrk,
    )
    return service, figures


def test_one_and_two_workers_take_turns(compared):
    service, figures = compared

    assert service.workers == [1, 2]
    assert [r["rate"] for r in figures["rounds"]["1"]] == [50]
    assert [r["rate"] for r in figures["rounds"]["2"]] == [100]
    assert figures["two_to_one"] == {"median": 2.0, "low": 2.0, "high": 2.0}


def test_the_report_shows_each_number_of_workers_and_the_ratio(compared):
    _, figures = compared
    text = "\n".join(workers_table(figures))

    assert "| 1 | 50 (50–50) |" in text
    assert "| 2 | 100 (100–100) |" in text
    assert "Two workers beside one: 2.00× (2.00–2.00)" in text


def test_the_cpu_meter_counts_a_busy_child_in_its_group():
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        assert busy.pid in descendants(os.getpid())
        with CpuMeter({"child": lambda: [busy.pid], "gone": lambda: [2**22 + 7]}) as meter:
            subprocess.run([sys.executable, "-c", "sum(range(3_000_000))"], check=True)
    finally:
        busy.kill()
        busy.wait()
    assert meter.cores["child"] > 0
    assert meter.cores["gone"] == 0
    assert meter.cores["load (wrk)"] > 0  # the child this process waited for
    assert 0 < meter.cores["machine"] <= meter.cores["machine_cores"]
