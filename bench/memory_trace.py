"""What holds on to memory under requests: the app in this process under ``tracemalloc``.

The soak (``bench.memory``) shows whether a worker's RSS grows; this section shows where. It
serves the built ledger in-process (FastAPI's test client, the same app ``serve`` runs), sends
two equal windows of sign-ups (on the soak's first shift, made already by the soak: refused
as repeats, the case that grew in issue 19) and summaries, with a snapshot before and after
each. Caches fill in the first window; what still grows in the second is what holds on. It lists the
source lines whose live allocations grew most in the second window, and this process's RSS
after each window (RSS counts what tracemalloc does not see: SQLite's caches, the allocator).
"""

from __future__ import annotations

import gc
import json
import os
import tracemalloc
from typing import Any

from fastapi.testclient import TestClient

from api.app import create_app
from bench.context import Context
from bench.memory import rss_mib


def _requests(client: TestClient, context: Context, token: str, count: int) -> dict[str, int]:
    built, statuses = context.built, dict[str, int]()
    headers = {"Authorization": f"Bearer {token}"}
    shift = built.soak_shifts[0]
    for n in range(count):
        volunteer = built.volunteers[n % len(built.volunteers)]
        for answer in (
            client.post(
                f"/v1/shifts/{shift}/signups",
                content=json.dumps({"volunteer_id": str(volunteer)}),
                headers={**headers, "Content-Type": "application/json"},
            ),
            client.get(f"/v1/volunteers/{volunteer}/summary", headers=headers),
        ):
            key = str(answer.status_code)
            statuses[key] = statuses.get(key, 0) + 1
    return statuses


def memory_growth_section(context: Context, requests: int = 0, top: int = 12) -> dict[str, Any]:
    """Live Python allocations before and after ``requests`` more sign-ups and summaries."""
    count = requests or context.scale.trace_requests
    settings = context.settings.model_copy(update={"follow_projections": False})
    with TestClient(create_app(settings)) as client:
        built = context.built
        answer = client.post(
            "/v1/auth/token",
            data={"username": built.organiser_login, "password": built.organiser_password},
        )
        token = answer.json()["access_token"]
        tracemalloc.start(1)
        try:
            snapshots: list[tracemalloc.Snapshot] = []
            rss: list[float] = []
            statuses: dict[str, int] = {}
            for _ in range(3):
                if snapshots:
                    statuses = _requests(client, context, token, count)
                gc.collect()
                snapshots.append(tracemalloc.take_snapshot())
                rss.append(rss_mib(os.getpid()) or 0.0)
        finally:
            tracemalloc.stop()
    first, second = (snapshots[i + 1].compare_to(snapshots[i], "lineno") for i in range(2))
    return {
        "requests_per_window": 2 * count,
        "statuses_in_a_window": statuses,
        "live_growth_first_window_kib": sum(stat.size_diff for stat in first) / 1024,
        "live_growth_second_window_kib": sum(stat.size_diff for stat in second) / 1024,
        "rss_mib_at_start_and_after_each_window": [round(r, 1) for r in rss],
        "rows": [
            {
                "grew in the second window": str(stat.traceback),
                "growth_kib": stat.size_diff / 1024,
                "blocks": stat.count_diff,
            }
            for stat in second[:top]
        ],
    }
