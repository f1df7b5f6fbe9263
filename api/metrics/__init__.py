"""Prometheus metrics, served at ``/metrics`` when the ``metrics`` setting is on.

``instruments`` counts in each process (request latency by route template, command conflicts
and retries); ``live`` reads the store at each scrape (read-model lag, the transparency log's
size and the age of its latest checkpoint); ``route`` serves both behind the metrics token.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI

from api.metrics.instruments import RequestMetrics, count_collision
from api.metrics.route import router
from domain.ledger.command import collision_observers

MULTIPROCESS_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"


def install_metrics(app: FastAPI) -> None:
    """Serve /metrics, time every request and count command collisions in this process."""
    app.include_router(router)
    app.add_middleware(RequestMetrics)
    if count_collision not in collision_observers:
        collision_observers.append(count_collision)


def prepare_multiprocess_dir(folder: Path) -> None:
    """Name the workers' shared metrics folder in the environment they inherit (the one
    ``PROMETHEUS_MULTIPROC_DIR`` names already, else ``folder``), and empty it of an earlier
    run's files, whose values would otherwise be added in."""
    folder = Path(os.environ.get(MULTIPROCESS_VARIABLE) or folder)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    os.environ[MULTIPROCESS_VARIABLE] = str(folder)
