"""``serve --workers 2`` with metrics on: any worker's scrape counts every worker's requests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx2 as httpx
import pytest

from tests.api.metrics_text import SCRAPER, TOKEN, value
from tests.tcp_proxy import free_port, worker_ports

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

COMMAND = [sys.executable, "-c", "import sys; from api.cli import main; sys.exit(main())"]
REQUESTS = 40


def test_two_workers_add_up_their_counts(postgres_schema, tmp_path):
    port = free_port(worker_ports(20240))
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "VOLUNTEER_LEDGER_STORE": postgres_schema,
        "VOLUNTEER_LEDGER_DATA_DIR": str(tmp_path / "data"),
        "VOLUNTEER_LEDGER_METRICS": "true",
        "VOLUNTEER_LEDGER_METRICS_TOKEN": TOKEN,
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    with (tmp_path / "server.log").open("wb") as log:
        server = subprocess.Popen(
            [*COMMAND, "serve", "--workers", "2", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=log,
        )
    try:
        _wait_until_ready(url)
        with ThreadPoolExecutor(8) as pool:  # one connection each: both workers take some
            answers = list(pool.map(lambda _: httpx.get(f"{url}/healthz"), range(REQUESTS)))
        assert {answer.status_code for answer in answers} == {200}
        counts = {
            value(
                httpx.get(f"{url}/metrics", headers=SCRAPER).text,
                "volunteer_ledger_http_request_duration_seconds_count",
                method="GET",
                route="/healthz",
            )
            for _ in range(6)
        }
        writers = {
            re.sub(r"\D", "", path.stem) for path in (tmp_path / "data" / "metrics").glob("*.db")
        }
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert counts == {REQUESTS}
    assert len(writers) >= 2, (tmp_path / "server.log").read_text()


def _wait_until_ready(url: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("the server did not become ready within 90 s")
