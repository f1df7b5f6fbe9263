"""The HTTP section: sign-ups spread over 30 shifts, everyone on one hot shift, a volunteer's
summary and the leaderboard (authenticated), each beside ``/healthz`` measured in the same
round on the same server; rounds repeated and their medians reported with the spread.

The reads are run twice: at the run's connections (16), and at one connection, the case issue
19's target 4 names (what one client waits for when nothing queues in front of it), each beside
``/healthz`` at the same number of connections."""

from __future__ import annotations

import json
import statistics
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from bench.builder import BuiltLedger
from bench.wrk import Request, WrkResult, run_wrk

#: A load: its name, what it asks for in a given round, and whether each request goes once.
Load = Callable[[BuiltLedger, int], list[Request]]


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    requests: Load
    once: bool = False
    authenticated: bool = True
    #: Connections of its wrk run (None: the run's), and the load its ratio is taken to.
    connections: int | None = None
    reference: str = "healthz"


def sign_ups(volunteers: list[UUID], shifts: list[UUID]) -> list[Request]:
    """Every volunteer on every shift, consecutive requests on different shifts."""
    return [
        Request("POST", f"/v1/shifts/{shift}/signups", json.dumps({"volunteer_id": str(v)}))
        for v in volunteers
        for shift in shifts
    ]


def _healthz(built: BuiltLedger, round_: int) -> list[Request]:
    return [Request("GET", "/healthz")]


def _summaries(built: BuiltLedger, round_: int) -> list[Request]:
    return [Request("GET", f"/v1/volunteers/{v}/summary") for v in built.volunteers]


def _leaderboard(built: BuiltLedger, round_: int) -> list[Request]:
    return [Request("GET", f"/v1/leaderboards?organization_id={built.district}")]


SCENARIOS = (
    Scenario(
        "healthz", "GET /healthz (reference)", _healthz, False,
        authenticated=False,
    ),
    Scenario(
        "spread", "sign-ups over 30 shifts",
        lambda b, r: sign_ups(b.volunteers, b.spread_shifts[r]), once=True,
    ),
    Scenario(
        "hot", "sign-ups, all on one shift",
        lambda b, r: sign_ups(b.volunteers, [b.hot_shifts[r]]), once=True,
    ),
    Scenario("summary", "GET /v1/volunteers/{id}/summary", _summaries),
    Scenario("leaderboard", "GET /v1/leaderboards", _leaderboard),
    Scenario(
        "healthz_1", "GET /healthz, one connection (reference)", _healthz, False,
        authenticated=False, connections=1, reference="healthz_1",
    ),
    Scenario(
        "summary_1", "GET /v1/volunteers/{id}/summary, one connection", _summaries,
        connections=1, reference="healthz_1",
    ),
    Scenario(
        "leaderboard_1", "GET /v1/leaderboards, one connection", _leaderboard,
        connections=1, reference="healthz_1",
    ),
)  # fmt: skip


def log_in(url: str, login: str, password: str) -> str:
    """A bearer token, by the OAuth2 password flow the clients use."""
    form = urllib.parse.urlencode({"username": login, "password": password}).encode()
    with urllib.request.urlopen(f"{url}/v1/auth/token", data=form, timeout=30) as answer:
        return str(json.load(answer)["access_token"])


def run_rounds(
    url: str,
    built: BuiltLedger,
    *,
    token: str,
    rounds: int,
    seconds: float,
    connections: int = 16,
    runner: Callable[..., WrkResult] = run_wrk,
) -> dict[str, list[WrkResult]]:
    """Each scenario once a round, in turn (so the reference shares the machine's moods)."""
    results: dict[str, list[WrkResult]] = {s.name: [] for s in SCENARIOS}
    for round_ in range(rounds):
        for scenario in SCENARIOS:
            results[scenario.name].append(
                runner(
                    url,
                    scenario.requests(built, round_),
                    token=token if scenario.authenticated else None,
                    seconds=seconds,
                    connections=scenario.connections or connections,
                    once=scenario.once,
                )
            )
    return results


def summarise(results: dict[str, list[WrkResult]], connections: int = 16) -> dict[str, object]:
    """Medians over the rounds, the spread (lowest and highest), and each round's ratio to the
    reference of the same round (at the same number of connections)."""
    loads: dict[str, object] = {}
    for scenario in SCENARIOS:
        runs = results[scenario.name]
        ratios = _ratios(runs, results[scenario.reference])
        statuses: dict[str, int] = {}
        for run in runs:
            for status, n in run.statuses.items():
                statuses[status] = statuses.get(status, 0) + n
        loads[scenario.name] = {
            "title": scenario.title,
            "connections": scenario.connections or connections,
            "rate": _spread([run.rate for run in runs]),
            "p50_ms": _spread([run.p50_ms for run in runs]),
            "p99_ms": _spread([run.p99_ms for run in runs]),
            "ratio_to_healthz": _spread(ratios),
            "failures": sum(run.failures for run in runs),
            "ran_out": sum(run.ran_out for run in runs),
            "statuses": statuses,
            "runs": [run.as_dict() for run in runs],
        }
    spread, hot = results["spread"], results["hot"]
    hot_share = _ratios(hot, spread)
    return {"loads": loads, "hot_to_spread": _spread(hot_share)}


def _ratios(runs: list[WrkResult], references: list[WrkResult]) -> list[float]:
    """Each run's rate over its round's reference; none for a round whose reference answered
    nothing in its time (every request slower than the run: it happens on a loaded machine)."""
    pairs = zip(runs, references, strict=True)
    return [run.rate / reference.rate for run, reference in pairs if reference.rate]


def _spread(values: list[float]) -> dict[str, float | None]:
    """The median, lowest and highest; None each when there is nothing to go on."""
    if not values:
        return {"median": None, "low": None, "high": None}
    return {"median": statistics.median(values), "low": min(values), "high": max(values)}
