"""Where an authenticated read's time goes, in one thread: a volunteer's summary and the
leaderboard, asked for by the organiser the HTTP load logs in as, over the benchmark's small
ledger, sent to the ASGI app directly with sync routes run inline (as ``profile_signups``
does; ``--threads`` keeps FastAPI's trips to worker threads, as a server makes them). Every
volunteer's summary is asked for once before the clock starts, so the caches a running server
has filled are full. Prints each read's time and its rate beside ``/healthz``; ``--prof FILE``
writes the cProfile stats of the reads (``FILE.summary`` and ``FILE.leaderboard``).

    python -m bench.profile_reads [--events 10000] [--threads] [--prof /tmp/reads.prof]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import time
from typing import Any

import anyio.to_thread
from fastapi.testclient import TestClient

from api.app import create_app
from bench.builder import build_ledger
from bench.profile_signups import _call, _inline, scratch_settings

Request = tuple[str, dict[str, str]]


async def _time(app: Any, requests: list[Request], n: int, prof: str | None) -> float:
    """Seconds a request, over ``n`` requests taken in turn from ``requests``."""
    for path, headers in requests:  # warm: every route built, every request's caches filled
        await _call(app, "GET", path, headers, b"")
    profile = cProfile.Profile() if prof else None
    statuses: dict[int, int] = {}
    started = time.perf_counter()
    if profile:
        profile.enable()
    for i in range(n):
        path, headers = requests[i % len(requests)]
        status = await _call(app, "GET", path, headers, b"")
        statuses[status] = statuses.get(status, 0) + 1
    if profile and prof:
        profile.disable()
        profile.dump_stats(prof)
    if set(statuses) != {200}:
        raise RuntimeError(f"not every read succeeded: {statuses}")
    return (time.perf_counter() - started) / n


async def _measure(app: Any, reads: dict[str, list[Request]], prof: str | None) -> None:
    healthz = await _time(app, [("/healthz", {})], 1000, None)
    print(f"/healthz {healthz * 1000:.3f} ms")
    for name, requests in reads.items():
        took = await _time(app, requests, 500, f"{prof}.{name}" if prof else None)
        print(f"{name} {took * 1000:.3f} ms, beside /healthz {healthz / took:.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000, help="events in the ledger")
    parser.add_argument("--prof", help="write cProfile stats to FILE.summary, FILE.leaderboard")
    parser.add_argument(
        "--threads", action="store_true", help="run sync routes in worker threads, as served"
    )
    args = parser.parse_args()
    settings = scratch_settings()
    built = build_ledger(settings, args.events)
    app = create_app(settings)
    with TestClient(app) as client:
        services = client.app.state.services  # type: ignore[attr-defined]
        services.runner.catch_up()
        answer = client.post(
            "/v1/auth/token",
            data={"username": built.organiser_login, "password": built.organiser_password},
        )
        headers = {"Authorization": f"Bearer {answer.json()['access_token']}"}
        reads = {
            "summary": [(f"/v1/volunteers/{v}/summary", headers) for v in built.volunteers],
            "leaderboard": [(f"/v1/leaderboards?organization_id={built.district}", headers)],
        }
        if not args.threads:
            anyio.to_thread.run_sync = _inline  # type: ignore[assignment]
        asyncio.run(_measure(app, reads, args.prof))


if __name__ == "__main__":
    main()
