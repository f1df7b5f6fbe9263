"""One API worker against two on PostgreSQL: spread sign-ups beside ``/healthz``, the service
started afresh with each number of workers (and its projections worker), in alternating rounds
so that both meet the machine's same moods, with the cores each process group used meanwhile.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import psycopg

from api.settings import Settings
from bench.builder import BuiltLedger
from bench.cpu import CpuMeter, descendants
from bench.http_load import log_in, sign_ups
from bench.server import Service, running_service
from bench.wrk import Request, WrkResult, run_wrk

#: The numbers of API workers compared.
COUNTS = (1, 2)


def compare_workers(
    settings: Settings,
    built: BuiltLedger,
    logs: Path,
    *,
    rounds: int,
    seconds: float,
    first_shifts: int,
    port: int | None = None,
    start: Callable[..., AbstractContextManager[Service]] = running_service,
    runner: Callable[..., WrkResult] = run_wrk,
) -> dict[str, Any]:
    """For each round and each number of workers: ``/healthz``, then sign-ups spread over the
    round's fresh shifts (``built.spread_shifts[first_shifts + …]``), with the cores used."""
    runs: dict[int, list[dict[str, Any]]] = {count: [] for count in COUNTS}
    shifts = iter(built.spread_shifts[first_shifts:])
    for _ in range(rounds):
        for count in COUNTS:
            with start(settings, logs, port, workers=count) as service:
                token = log_in(service.url, built.organiser_login, built.organiser_password)
                healthz = runner(
                    service.url, [Request("GET", "/healthz")], token=None, seconds=seconds
                )
                groups = {
                    "api": lambda: descendants(service.api_pid),
                    "projections worker": lambda: [service.projections_pid],
                    "postgres backends": lambda: _backends(settings.store_url()),
                }
                with CpuMeter(groups) as meter:
                    spread = runner(
                        service.url,
                        sign_ups(built.volunteers, next(shifts)),
                        token=token,
                        seconds=seconds,
                        once=True,
                    )
            runs[count].append(
                {
                    "rate": spread.rate,
                    "p50_ms": spread.p50_ms,
                    "p99_ms": spread.p99_ms,
                    "failures": spread.failures,
                    "statuses": spread.statuses,
                    "healthz_rate": healthz.rate,
                    "cores": meter.cores,
                }
            )
    pairs = zip(runs[1], runs[2], strict=True)
    return {
        "rounds": {str(count): each for count, each in runs.items()},
        "two_to_one": _spread([two["rate"] / one["rate"] for one, two in pairs if one["rate"]]),
    }


def _backends(store_url: str) -> list[int]:
    """The server processes of the connections to this store's database."""
    dsn = store_url.split("?", 1)[0]
    with psycopg.connect(dsn, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return [pid for (pid,) in rows]


def _spread(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"median": None, "low": None, "high": None}
    return {"median": statistics.median(values), "low": min(values), "high": max(values)}
