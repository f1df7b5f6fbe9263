"""The benchmark's report from the results of a fake load: no wrk, no server, no timing."""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import replace
from uuid import uuid4

import pytest

from bench.builder import BuiltLedger
from bench.http_load import SCENARIOS, run_rounds, summarise
from bench.memory import soak
from bench.report import write_json, write_markdown
from bench.wrk import Request, WrkResult

#: Requests a second the fake load answers, by the first request's path.
RATES = {"/healthz": 400, "/v1/shifts": 100, "/v1/volunteers": 200, "/v1/leaderboards": 300}


class FakeWrk:
    """Answers each load at a fixed rate; a hot shift's at half the spread rate."""

    def __init__(self) -> None:
        self.calls: list[tuple[list[Request], str | None, bool]] = []
        self.connections: list[int] = []

    def __call__(self, url, requests, *, token, seconds, once, connections=16) -> WrkResult:
        self.calls.append((requests, token, once))
        self.connections.append(connections)
        path = requests[0].path
        rate = next(r for prefix, r in RATES.items() if path.startswith(prefix))
        if connections == 1:
            rate //= 4 if path == "/healthz" else 2  # one client: reads lose less than /healthz
        if requests[0].method == "POST" and len({r.path for r in requests}) == 1:
            rate //= 2  # everyone on one shift
        status = "201" if requests[0].method == "POST" else "200"
        return WrkResult(rate * 2, 2.0, 5.0, 8.0, 20.0, 30.0, 0, {status: rate * 2})


@pytest.fixture
def built() -> BuiltLedger:
    volunteers = [uuid4() for _ in range(4)]
    return BuiltLedger(
        store="sqlite:///unused.db",
        events=10_000,
        commands=Counter({"sign_up": 1_000}),
        organiser_login="bench.organiser",
        organiser_password="-",
        district=uuid4(),
        volunteers=volunteers,
        spread_shifts=[[uuid4() for _ in range(30)] for _ in range(3)],
        hot_shifts=[uuid4() for _ in range(3)],
        soak_shifts=[uuid4() for _ in range(30)],
    )


@pytest.fixture
def report(built, tmp_path) -> dict:
    fake = FakeWrk()
    results = run_rounds("http://bench", built, token="t", rounds=3, seconds=1, runner=fake)
    memory = soak(
        "http://bench", built, {"this process": os.getpid()}, token="t", cycles=2, seconds=1,
        runner=fake,
    )  # fmt: skip
    return {
        "scale": "small",
        "store": "sqlite",
        "machine": {
            "date": "2026-12-07T18:00:00+00:00",
            "platform": "Linux",
            "processor": "a test",
            "cores": 2,
            "memory": "1 GB",
            "python": "3.11",
            "versions": {"eventsourcing": "9.5.6"},
        },
        "build": {"events": 10_000, "seconds": 10.0, "seed": 1, "volunteers": 4, "commands": {}},
        "http": summarise(results),
        "memory": memory,
        "sections": {
            "projections": {"rows": [{"label": "catch-up", "ratio_to_raw": 0.42}]},
            "reads": {"error": "RuntimeError: no store"},
        },
    }


def test_each_load_runs_once_a_round(built):
    fake = FakeWrk()

    run_rounds("http://bench", built, token="t", rounds=3, seconds=1, runner=fake)

    assert len(fake.calls) == 3 * len(SCENARIOS)


def test_sign_ups_are_sent_once_each_and_reads_go_round(built):
    fake = FakeWrk()

    run_rounds("http://bench", built, token="t", rounds=1, seconds=1, runner=fake)

    sent_once = {requests[0].method: once for requests, _, once in fake.calls}
    assert sent_once == {"POST": True, "GET": False}


def test_the_reference_goes_without_a_token_and_the_rest_with_one(built):
    fake = FakeWrk()

    run_rounds("http://bench", built, token="t", rounds=1, seconds=1, runner=fake)

    assert [token for _, token, _ in fake.calls] == [None, "t", "t", "t", "t", None, "t", "t"]


def test_the_reads_and_their_reference_run_at_one_connection_too(built):
    fake = FakeWrk()

    run_rounds("http://bench", built, token="t", rounds=1, seconds=1, runner=fake)

    at_one = [
        requests[0].path
        for (requests, _, _), n in zip(fake.calls, fake.connections, strict=True)
        if n == 1
    ]
    assert at_one == ["/healthz", f"/v1/volunteers/{built.volunteers[0]}/summary",
                      f"/v1/leaderboards?organization_id={built.district}"]  # fmt: skip
    assert fake.connections.count(16) == 5


def test_a_one_connection_read_is_set_beside_healthz_at_one_connection(report):
    loads = report["http"]["loads"]

    assert loads["summary_1"]["ratio_to_healthz"]["median"] == pytest.approx(1.0)
    assert loads["leaderboard_1"]["ratio_to_healthz"]["median"] == pytest.approx(1.5)
    assert loads["summary"]["ratio_to_healthz"]["median"] == pytest.approx(0.5)
    assert (loads["summary_1"]["connections"], loads["summary"]["connections"]) == (1, 16)


def test_spread_sign_ups_ask_for_every_volunteer_on_every_shift_of_their_round(built):
    fake = FakeWrk()

    run_rounds("http://bench", built, token="t", rounds=2, seconds=1, runner=fake)

    second_spread = fake.calls[len(SCENARIOS) + 1][0]
    assert len(second_spread) == 4 * 30
    assert {r.path.split("/")[3] for r in second_spread} == {str(s) for s in built.spread_shifts[1]}


def test_each_load_is_set_beside_the_reference_of_its_round(report):
    loads = report["http"]["loads"]

    assert loads["spread"]["ratio_to_healthz"]["median"] == pytest.approx(0.25)
    assert loads["leaderboard"]["ratio_to_healthz"]["median"] == pytest.approx(0.75)


def test_the_hot_shift_is_set_beside_spread_sign_ups(report):
    assert report["http"]["hot_to_spread"]["median"] == pytest.approx(0.5)


def test_the_soak_records_memory_after_every_phase(report):
    points = report["memory"]["points"]

    assert [p["kind"] for p in points] == ["write", "read"] * 4
    assert all(p["peak_rss_mib"]["this process"] > 0 for p in points)
    assert [p["requests"] for p in points] == sorted(p["requests"] for p in points)


def test_the_markdown_report_shows_each_load_with_its_ratio(report, tmp_path):
    text = write_markdown(tmp_path, report, ["http.png"]).read_text()

    for scenario in SCENARIOS:
        assert scenario.title in text
    assert "| 25% (25%–25%) |" in text
    assert "| GET /v1/volunteers/{id}/summary, one connection | 1 | 100 (100–100) |" in text
    assert "![http.png](http.png)" in text


def test_a_failed_section_is_reported_not_dropped(report, tmp_path):
    text = write_markdown(tmp_path, report, []).read_text()

    assert "Failed: RuntimeError: no store" in text
    assert "| catch-up | 42% |" in text


def test_the_json_report_holds_every_figure(report, tmp_path):
    written = json.loads(write_json(tmp_path, report).read_text())

    assert written["http"]["loads"]["summary"]["rate"]["median"] == 200.0
    assert written["machine"]["versions"]["eventsourcing"] == "9.5.6"


def test_the_soak_records_what_each_process_holds(report):
    held = report["memory"]["points"][-1]["holdings"]["this process"]

    assert held["threads"] >= 1


def test_a_round_whose_reference_answered_nothing_gives_no_ratio(built):
    silent = WrkResult(0, 2.0, 0.0, 0.0, 0.0, 0.0, 0, {})
    answered = WrkResult(100, 2.0, 5.0, 8.0, 20.0, 30.0, 0, {"201": 100})
    results = {s.name: [answered, answered] for s in SCENARIOS}
    results["spread"] = [silent, answered]

    summary = summarise(results)

    assert summary["hot_to_spread"] == {"median": 1.0, "low": 1.0, "high": 1.0}


def test_a_load_that_ran_out_of_requests_is_said_to_have(report, tmp_path):
    answered = WrkResult(100, 2.0, 5.0, 8.0, 20.0, 30.0, 0, {"201": 100})
    results = {s.name: [answered, answered] for s in SCENARIOS}
    results["hot"] = [answered, replace(answered, ran_out=True)]

    text = write_markdown(tmp_path, {**report, "http": summarise(results)}, []).read_text()

    hot = next(s.title for s in SCENARIOS if s.name == "hot")
    assert f"{hot}: sent every request it had before its time was up in 1 of 2 rounds" in text
    spread = next(s.title for s in SCENARIOS if s.name == "spread")
    assert f"{spread}: sent every request" not in text


def test_a_ledger_moved_into_postgresql_says_how_long_the_move_took(report, tmp_path):
    moved = {**report, "build": {**report["build"], "migrated_seconds": 12.4}}

    text = write_markdown(tmp_path, moved, []).read_text()

    assert "moved into PostgreSQL with `volunteer-ledger migrate` in 12 s" in text
    assert "volunteer-ledger migrate" not in write_markdown(tmp_path, report, []).read_text()
