"""A real server killed at random moments under load: every retry gets the truth, once.

Clients send keyed requests from several threads while the server process is killed with
SIGKILL and started again, a few times. Afterwards every request is sent again with its key:
each is answered 2xx, an acknowledged one with the id it was first given, and the event store
holds every organisation exactly once, whether its first answer arrived or not.
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx2 as httpx
import pytest

from api.personal_data import ledger_for
from api.settings import Settings

pytestmark = pytest.mark.slow

PASSWORD = "a long admin passphrase 7"
COMMAND = [sys.executable, "-c", "import sys; from api.cli import main; sys.exit(main())"]
REQUESTS = 90
CLIENTS = 4
KILLS = 3


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    """``volunteer-ledger serve`` in a process of its own, which the test kills at will."""

    store: str
    data_dir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self, *args: str, stdin: bytes = b"") -> None:
        subprocess.run(
            [*COMMAND, "--store", self.store, *args],
            input=stdin,
            env=self._env(),
            check=True,
            capture_output=True,
            timeout=120,
        )

    def start(self) -> None:
        with (self.data_dir.parent / "server.log").open("ab") as log:
            self.process = subprocess.Popen(
                [*COMMAND, "--store", self.store, "serve", "--port", str(self.port)],
                env=self._env(),
                stdout=log,
                stderr=log,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError("the server did not become ready within 60 s")

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()  # SIGKILL: no clean-up of any kind
        self.process.wait()

    def _env(self) -> dict[str, str]:
        return {
            **os.environ,
            "VOLUNTEER_LEDGER_DATA_DIR": str(self.data_dir),
            "VOLUNTEER_LEDGER_PUBLIC_URL": self.url,
        }


@dataclass
class Request:
    key: str
    body: dict[str, str]
    acknowledged: dict[str, object] | None = None


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    if request.param == "sqlite":
        store = f"sqlite:///{tmp_path}/data/ledger.db"
    else:
        store = str(request.getfixturevalue("postgres_schema"))
    started = Server(store, tmp_path / "data")
    started.command("create-admin", "chaos.admin", stdin=PASSWORD.encode())
    started.start()
    try:
        yield started
    finally:
        if started.process is not None and started.process.poll() is None:
            started.kill()


def token_of(server: Server) -> dict[str, str]:
    response = httpx.post(
        f"{server.url}/v1/auth/token",
        data={"username": "chaos.admin", "password": PASSWORD},
        timeout=30,
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def send(server: Server, auth: dict[str, str], request: Request) -> httpx.Response:
    return httpx.post(
        f"{server.url}/v1/organizations",
        json=request.body,
        headers={**auth, "Idempotency-Key": request.key},
        timeout=30,
    )


def test_every_retry_after_random_kills_gets_each_fact_exactly_once(server: Server) -> None:
    auth = token_of(server)
    run = uuid.uuid4().hex[:6]
    requests = [
        Request(str(uuid.uuid4()), {"name": f"服务站 {run}-{i}", "kind": "district"})
        for i in range(REQUESTS)
    ]
    done = threading.Event()
    cut: list[Request] = []

    def client(mine: list[Request]) -> None:
        for request in mine:
            while True:
                try:
                    response = send(server, auth, request)
                except httpx.ConnectError:
                    time.sleep(0.05)  # down, and nothing was sent: send it once it is back
                    continue
                except httpx.TransportError:
                    cut.append(request)  # killed mid-request: unacknowledged
                    break
                assert response.status_code < 500, response.text
                if response.status_code == 201:
                    request.acknowledged = response.json()
                break

    def killer() -> None:
        chance = random.Random()
        for _ in range(KILLS):
            time.sleep(chance.uniform(0.1, 0.8))
            if done.is_set():
                return
            server.kill()
            server.start()

    with ThreadPoolExecutor(max_workers=CLIENTS + 1) as pool:
        kills = pool.submit(killer)
        clients = [pool.submit(client, requests[i::CLIENTS]) for i in range(CLIENTS)]
        for future in clients:
            future.result()
        done.set()
        kills.result()

    acknowledged = [r for r in requests if r.acknowledged is not None]
    assert acknowledged, "no request was answered at all"
    ids = {}
    for request in requests:
        retry = send(server, auth, request)
        assert retry.status_code == 201, retry.text
        ids[request.body["name"]] = retry.json()["id"]
        if request.acknowledged is not None:
            assert retry.json()["id"] == request.acknowledged["id"]
    server.kill()

    ledger = ledger_for(Settings(data_dir=server.data_dir, store=server.store))
    try:
        created = [
            ledger.mapper.to_domain_event(n)
            for n in ledger.recorder.select_notifications(start=1, limit=1_000_000)
            if n.topic.endswith(":Organisation.Created")
        ]
    finally:
        ledger.close()
    names = [e.name for e in created if e.name.startswith(f"服务站 {run}-")]
    assert sorted(names) == sorted(r.body["name"] for r in requests)
    assert {str(e.originator_id) for e in created if e.name in ids} == set(ids.values())
