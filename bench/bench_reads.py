"""How fast authenticated reads answer, beside the same app's constant endpoint (``/healthz``).

    .venv/bin/python bench/bench_reads.py [--events 10000] [--seconds 3]
        [--wrk --port 20100 --connections 16]

Fills a fresh SQLite ledger with a realistic synthetic stream (bench/synthetic.py), adds an
organiser of the district (whose token reads everything below it), then measures requests/s
of ``GET /v1/volunteers/{id}/summary``, ``GET /v1/leaderboards`` (as that organiser: full
names) and ``GET /healthz``, and prints each beside ``/healthz``. In-process by default (a
``TestClient``, one request at a time: it shows what the app itself costs, by the wall clock
and by processor time, the figure to trust on a loaded machine); ``--wrk`` runs the real
server (``volunteer-ledger serve``) on ``--port`` and drives it with ``wrk -t1``.

``run(...)`` returns the figures as a dict, for the ``volunteer-ledger bench`` command. Prints
figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from uuid import UUID

from api.security import TokenService, load_or_create_secret
from bench.synthetic import generate
from domain.ledger import Ledger
from domain.values import SYSTEM

ENDPOINTS = ("summary", "leaderboard", "healthz")


def fill(data_dir: Path, events: int) -> tuple[UUID, UUID, UUID]:
    """The ledger of ``data_dir`` with ``events`` synthetic events and an organiser of the
    district; returns the organiser's account, a volunteer and the district."""
    ledger = Ledger(f"sqlite:///{data_dir / 'ledger.db'}")
    try:
        generate(ledger, events, seed=2025, batch=10_000)
        notifications = ledger.recorder.select_notifications(start=1, limit=events)
        district: UUID | None = None
        volunteer: UUID | None = None
        for notification in notifications:
            topic = notification.topic
            if district is None and topic.endswith("Organisation.Created"):
                district = UUID(str(notification.originator_id))
            if volunteer is None and topic.endswith("Volunteer.Registered"):
                volunteer = UUID(str(notification.originator_id))
        assert district is not None
        assert volunteer is not None
        account = ledger.create_staff_account(
            username="bench-organiser",
            display_name="压测组织者",
            password_hash="not-a-real-hash",
            organisation_id=district,
            actor=SYSTEM,
        )
        return account, volunteer, district
    finally:
        ledger.close()


def paths(volunteer: UUID, district: UUID) -> dict[str, str]:
    return {
        "summary": f"/v1/volunteers/{volunteer}/summary",
        "leaderboard": f"/v1/leaderboards?organization_id={district}&limit=20",
        "healthz": "/healthz",
    }


def in_process(
    data_dir: Path, account: UUID, targets: dict[str, str], seconds: float
) -> tuple[dict[str, float], dict[str, float]]:
    """Requests/s of each target, one request at a time through a ``TestClient``: by the wall
    clock, and by the processor time of this process. The read models are caught up first
    and not followed while measuring, so no other thread of ours runs; the processor figure
    then holds on a machine shared with other work, where the wall clock does not."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings

    settings = Settings(data_dir=data_dir, follow_projections=False)
    with TestClient(create_app(settings)) as client:
        services = client.app.state.services  # type: ignore[attr-defined]
        services.runner.catch_up()
        headers = {"Authorization": f"Bearer {token_of(services, account)}"}
        wall, cpu = {}, {}
        for name, path in targets.items():
            answer = client.get(path, headers=headers)
            assert answer.status_code == 200, answer.text
            wall[name], cpu[name] = _rates(_getter(client, path, headers), seconds)
        return wall, cpu


def _getter(client: Any, path: str, headers: dict[str, str]) -> Callable[[], Any]:
    return lambda: client.get(path, headers=headers)


def token_of(services: Any, account: UUID) -> str:
    tokens: TokenService = services.tokens
    epoch = services.ledger.account(account).security_epoch
    return tokens.issue(f"account:{account}", epoch=epoch).access_token


def _rates(action: Callable[[], object], seconds: float) -> tuple[float, float]:
    """How many times a second ``action`` ran, by the wall clock and by processor time."""
    count, start, cpu = 0, time.perf_counter(), time.process_time()
    while (elapsed := time.perf_counter() - start) < seconds:
        action()
        count += 1
    return count / elapsed, count / (time.process_time() - cpu)


@contextmanager
def server(data_dir: Path, port: int) -> Any:
    """``volunteer-ledger serve`` on ``port`` while in use."""
    env = {**os.environ, "VOLUNTEER_LEDGER_DATA_DIR": str(data_dir)}
    command = [sys.executable, "-m", "api", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


def over_wrk(
    data_dir: Path, account: UUID, targets: dict[str, str], seconds: float, port: int, c: int
) -> dict[str, float]:
    """Requests/s of each target under ``wrk -t1 -c{c}`` against the real server."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    from api.settings import Settings

    settings = Settings(data_dir=data_dir)
    ledger = Ledger(settings.store_url())
    try:
        secret = load_or_create_secret(data_dir / "token-secret.key")
        token = TokenService(secret, settings.token_ttl).issue(
            f"account:{account}", epoch=ledger.account(account).security_epoch
        )
        head = ledger.recorder.max_notification_id() or 0
    finally:
        ledger.close()
    rates = {}
    with server(data_dir, port):
        _caught_up(f"http://127.0.0.1:{port}{targets['summary']}", token.access_token, head)
        for name, path in targets.items():
            out = subprocess.run(
                [
                    wrk,
                    "-t1",
                    f"-c{c}",
                    f"-d{int(seconds)}s",
                    "-H",
                    f"Authorization: Bearer {token.access_token}",
                    f"http://127.0.0.1:{port}{path}",
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            if "Non-2xx" in out:
                raise SystemExit(f"{name}: some answers were not 2xx\n{out}")
            found = re.search(r"Requests/sec:\s+([\d.]+)", out)
            if found is None:
                raise SystemExit(f"{name}: wrk printed no rate\n{out}")
            rates[name] = float(found.group(1))
    return rates


def _caught_up(url: str, token: str, head: int) -> None:
    """Wait until the server's read models reflect every event stored (``min_position``)."""
    request = urllib.request.Request(
        f"{url}?min_position={head}", headers={"Authorization": f"Bearer {token}"}
    )
    while True:
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                if json.load(answer)["position"] >= head:
                    return
        except OSError:
            time.sleep(1)


def run(
    events: int = 10_000,
    *,
    seconds: float = 3.0,
    wrk: bool = False,
    port: int = 20100,
    connections: int = 16,
) -> dict[str, Any]:
    """Build a ledger of ``events`` events, measure each endpoint; requests/s and ratios."""
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        account, volunteer, district = fill(data_dir, events)
        targets = paths(volunteer, district)
        if wrk:
            figures = {"wall": over_wrk(data_dir, account, targets, seconds, port, connections)}
        else:
            wall, cpu = in_process(data_dir, account, targets, seconds)
            figures = {"wall": wall, "cpu": cpu}
    return {
        "events": events,
        "mode": f"wrk -t1 -c{connections}" if wrk else "in-process, one at a time",
        "requests_per_second": figures,
        "ratio_to_healthz": {
            clock: {name: rates[name] / rates["healthz"] for name in ENDPOINTS}
            for clock, rates in figures.items()
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--wrk", action="store_true")
    parser.add_argument("--port", type=int, default=20100)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    figures = run(
        args.events,
        seconds=args.seconds,
        wrk=args.wrk,
        port=args.port,
        connections=args.connections,
    )
    print(f"{figures['events']:,} events; {figures['mode']}")
    for clock, rates in figures["requests_per_second"].items():
        for name in ENDPOINTS:
            ratio = figures["ratio_to_healthz"][clock][name]
            print(
                f"{name:<12} {rates[name]:>9,.0f} requests/s ({clock} clock)  "
                f"{ratio:>5.0%} of /healthz"
            )


if __name__ == "__main__":
    main()
