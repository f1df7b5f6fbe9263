"""The database goes away and comes back: the service answers 503 meanwhile, then serves again.

A real ``volunteer-ledger serve`` process reaches PostgreSQL through a TCP proxy of the test's
own, which the test cuts (refusing new connections, or blackholing them) and restores. While
cut, a command and a query each answer 503 problem JSON with Retry-After instead of hanging,
``/healthz`` stays up and ``/readyz`` names the database; once restored, the service serves
again without a restart, every acknowledged write is stored once, and the read models catch up.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID

import httpx2 as httpx
import pytest

from api.personal_data import ledger_for
from api.security import TokenService, load_or_create_secret
from api.settings import Settings
from domain.ledger import Ledger
from tests.api.conftest import PASSWORD, password_hash
from tests.tcp_proxy import Cut, TcpProxy, free_port, worker_ports

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

SERVER_PORTS = worker_ports(8840)
#: The API promises an answer within two seconds while the database is away (its waits: a
#: pooled connection for 1 s, libpq's connect for 2 s, TCP unacknowledged for 1.5 s). A test
#: cannot hold a wall-clock bound that tight on a machine shared with other tests, so it checks
#: the answer comes well before a blackholed connection's TCP timeout (minutes) would end it.
NO_HANG_SECONDS = 10.0


def wait_until(condition, timeout: float = 60, log: list[str] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out; the service logged:\n" + "".join(log or [])
        time.sleep(0.1)


@dataclass
class Service:
    """The server process, the proxy in front of its database, and a world to act in."""

    http: httpx.Client
    proxy: TcpProxy
    ledger: Ledger  # straight to the database, not through the proxy
    organisation: UUID
    admin: dict[str, str]
    log: list[str] = field(default_factory=list)
    phones: Iterator[int] = field(default_factory=lambda: iter(range(13900000001, 13999999999)))

    def register(self, key: str | None = None) -> httpx.Response:
        body = {
            "name": "王小明",
            "phone": str(next(self.phones)),
            "password": PASSWORD,
            "birth_date": "1990-05-04",
            "organization_id": str(self.organisation),
            "consent": True,
        }
        headers = {"Idempotency-Key": key} if key else {}
        return self.http.post("/v1/volunteers", json=body, headers=headers)

    def registrations_read(self, min_position: int) -> httpx.Response:
        return self.http.get(
            "/v1/audit",
            params={
                "event_type": "Volunteer.Registered",
                "min_position": min_position,
                "limit": 200,
            },
            headers=self.admin,
        )


def _collect(stream: Any, into: list[str]) -> None:
    for line in stream:
        into.append(line)


@pytest.fixture
def service(postgres_schema: str, tmp_path: Path) -> Iterator[Service]:
    proxy = TcpProxy.in_front_of(postgres_schema)
    data = tmp_path / "data"
    # Straight to the database, with the keys the server will find in its data folder.
    ledger = ledger_for(Settings(data_dir=data), store=postgres_schema)
    organisation = ledger.create_organisation(name="和平里社区", kind="community")
    admin = ledger.create_staff_account(
        username="admin.zhang",
        display_name="张管理员",
        password_hash=password_hash(),
        is_admin=True,
    )
    ttl = Settings(data_dir=data).token_ttl  # as the server will read it
    tokens = TokenService(load_or_create_secret(data / "token-secret.key"), ttl)
    epoch = ledger.account(admin).security_epoch
    token = tokens.issue(f"account:{admin}", epoch=epoch).access_token
    port = free_port(SERVER_PORTS)
    serve = ["serve", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "--store", proxy.url(postgres_schema), *serve],
        cwd=tmp_path,
        env={**os.environ, "VOLUNTEER_LEDGER_DATA_DIR": str(data)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    log: list[str] = []
    reader = threading.Thread(target=_collect, args=(process.stderr, log), daemon=True)
    reader.start()
    http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30)

    def ready() -> bool:
        assert process.poll() is None, "".join(log)
        try:
            return http.get("/readyz").status_code == 200
        except httpx.TransportError:
            return False

    try:
        wait_until(ready)
        yield Service(http, proxy, ledger, organisation, {"Authorization": f"Bearer {token}"}, log)
        assert process.poll() is None, "the service died"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        reader.join(timeout=10)
        assert process.stderr is not None
        process.stderr.close()
        http.close()
        proxy.close()
        ledger.close()


def timed(call) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


def assert_store_unavailable(response: httpx.Response, elapsed: float) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/store-unavailable"
    assert int(response.headers["retry-after"]) > 0
    assert elapsed < NO_HANG_SECONDS


@pytest.mark.parametrize("cut", [Cut.REFUSE, Cut.BLACKHOLE], ids=lambda cut: cut.value)
def test_while_the_database_is_cut_a_command_answers_503_instead_of_hanging(service, cut):
    assert service.register().status_code == 201
    service.proxy.cut(cut)
    for _ in range(2):  # the first may find its connection closed; the second waits for a new one
        assert_store_unavailable(*timed(service.register))


@pytest.mark.parametrize("cut", [Cut.REFUSE, Cut.BLACKHOLE], ids=lambda cut: cut.value)
def test_while_the_database_is_cut_a_keyed_command_answers_503_instead_of_hanging(service, cut):
    assert service.register(key="before-the-cut").status_code == 201
    service.proxy.cut(cut)
    for key in (f"cut-{attempt}" for attempt in range(6)):  # more than the cache's pool holds
        assert_store_unavailable(*timed(lambda key=key: service.register(key=key)))


@pytest.mark.parametrize("cut", [Cut.REFUSE, Cut.BLACKHOLE], ids=lambda cut: cut.value)
def test_while_the_database_is_cut_a_query_answers_503_instead_of_hanging(service, cut):
    position = service.register().json()["position"]
    assert service.registrations_read(position).status_code == 200
    service.proxy.cut(cut)
    for _ in range(2):
        assert_store_unavailable(*timed(lambda: service.registrations_read(position)))


@pytest.mark.parametrize("cut", [Cut.REFUSE, Cut.BLACKHOLE], ids=lambda cut: cut.value)
def test_while_the_database_is_cut_a_login_answers_503_instead_of_hanging(service, cut):
    login = {"username": "admin.zhang", "password": PASSWORD}
    assert service.http.post("/v1/auth/token", data=login).status_code == 200
    service.proxy.cut(cut)
    for _ in range(5):  # more than the throttle's pool holds: each closed one fails once
        assert_store_unavailable(*timed(lambda: service.http.post("/v1/auth/token", data=login)))


@pytest.mark.parametrize("cut", [Cut.REFUSE, Cut.BLACKHOLE], ids=lambda cut: cut.value)
def test_while_the_database_is_cut_healthz_is_up_and_readyz_names_the_database(service, cut):
    service.proxy.cut(cut)
    health = service.http.get("/healthz")
    readiness, elapsed = timed(lambda: service.http.get("/readyz"))
    assert health.status_code == 200
    assert readiness.status_code == 503
    assert "database" in readiness.json()["reason"]
    assert readiness.json()["component"] == "event-store"
    assert elapsed < NO_HANG_SECONDS


@pytest.mark.parametrize("cut", [Cut.REFUSE, Cut.BLACKHOLE], ids=lambda cut: cut.value)
def test_after_the_database_comes_back_every_acknowledged_write_is_there_once(service, cut):
    acknowledged = [service.register().json() for _ in range(3)]
    service.proxy.cut(cut)
    for _ in range(3):
        assert service.register().status_code == 503
    service.proxy.restore()
    wait_until(lambda: service.http.get("/readyz").status_code == 200, log=service.log)
    after = service.register()
    assert after.status_code == 201
    acknowledged.append(after.json())
    acknowledged.append(service.register().json())

    last = max(write["position"] for write in acknowledged)

    def caught_up() -> bool:  # each read waits up to the read-wait setting for the follower
        read = service.registrations_read(last)
        return read.status_code == 200 and read.json()["position"] >= last

    wait_until(caught_up, log=service.log)
    read = service.registrations_read(last)
    ids = {UUID(write["id"]) for write in acknowledged}
    shown = Counter(UUID(entry["aggregate_id"]) for entry in read.json()["items"])
    assert shown == Counter(ids)
    stored = Counter(
        n.originator_id
        for n in service.ledger.recorder.select_notifications(start=1, limit=10_000)
        if n.topic.endswith("Volunteer.Registered")
    )
    assert stored == Counter(ids)
    assert {service.ledger.volunteer(i).birth_date for i in ids} == {date(1990, 5, 4)}
