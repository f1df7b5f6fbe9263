"""The service in a thread of the test process, on a clock the test moves: for a browser
story that must stand at a shift's start and end (check-in by QR code, then check-out)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from api.app import create_app
from api.deps import Services
from api.settings import Settings
from tests.conftest import Clock
from tests.tcp_proxy import free_port, worker_ports

START_SECONDS = 30
#: This worker's share of the ports the live services listen on.
LIVE_PORTS = worker_ports(9040)


@dataclass
class LiveService:
    url: str
    services: Services
    clock: Clock


@contextmanager
def live_service(data_dir: Path, clock: Clock) -> Iterator[LiveService]:
    """A real HTTP server for ``create_app`` on a free port of this worker's share."""
    port = free_port(LIVE_PORTS)
    url = f"http://127.0.0.1:{port}"
    # The store named here, never one a test left in VOLUNTEER_LEDGER_STORE.
    settings = Settings(data_dir=data_dir, store=f"sqlite:///{data_dir}/ledger.db", public_url=url)
    app = create_app(settings, clock=clock)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="live-service", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_SECONDS
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"the live service did not start on port {port}")
        time.sleep(0.05)
    try:
        yield LiveService(url, app.state.services, clock)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
