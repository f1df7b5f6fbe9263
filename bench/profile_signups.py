"""Where a sign-up's time goes over HTTP, in one thread: 300 sign-ups by 300 volunteers (each
with their own token) over 30 shifts, sent to the ASGI app directly, with sync routes run
inline so that cProfile sees the route, its dependencies and the command as well as the
middleware (``--threads`` keeps FastAPI's trips to worker threads, as a server makes them).
Prints the rates beside ``/healthz``; ``--prof FILE`` writes the cProfile stats.

    python -m bench.profile_signups [--threads] [--prof /tmp/signups.prof]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi.testclient import TestClient

from api.app import create_app
from api.security import hash_password
from api.settings import Settings
from domain.account import Account

Request = tuple[str, dict[str, str]]


async def _inline(func: Any, *args: Any, **_: Any) -> Any:
    return func(*args)


async def _call(app: Any, method: str, target: str, headers: dict[str, str], body: bytes) -> int:
    path, _, query = target.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query.encode(),
        "root_path": "", "client": ("127.0.0.1", 5000), "server": ("testserver", 80),
        "state": {},
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        + [(b"host", b"testserver"), (b"content-length", str(len(body)).encode())],
    }  # fmt: skip
    sent = False
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    await app(scope, receive, send)
    return statuses[0]


def _world(services: Any, volunteers: int) -> list[Request]:
    ledger = services.ledger
    hashed = hash_password("bench-password-2026")
    district = ledger.create_organisation(name="东城区", kind="district")
    street = ledger.create_organisation(name="和平里街道", kind="street", parent_id=district)
    community = ledger.create_organisation(name="和平里社区", kind="community", parent_id=street)
    ledger.create_staff_account(
        username="organiser.li", display_name="li", password_hash=hashed, organisation_id=street
    )
    actor = ledger.account_for_login("organiser.li").as_actor()
    activity = ledger.create_activity(
        title="劝导", category="文明劝导", organisation_id=community, location="路口", actor=actor
    )
    start = datetime.now(UTC) + timedelta(days=2)
    shifts = [
        ledger.add_shift(
            activity,
            starts_at=start + timedelta(hours=3 * i),
            ends_at=start + timedelta(hours=3 * i + 2),
            capacity=8,
            actor=actor,
        )
        for i in range(30)
    ]
    requests = []
    for i in range(volunteers):
        volunteer = ledger.register_volunteer(
            name=f"志愿者{i}", phone=f"139{i:08d}", birth_date=date(1990, 5, 4),
            home_organisation_id=community, privacy_consent=True, password_hash=hashed,
        )  # fmt: skip
        account = Account.id_for_volunteer(volunteer)
        epoch = ledger.account(account).security_epoch
        token = services.tokens.issue(f"account:{account}", epoch=epoch).access_token
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        requests.append((f"/v1/shifts/{shifts[i % 30]}/signups", headers))
    return requests


async def _measure(app: Any, requests: list[Request], prof: str | None) -> None:
    for _ in range(50):
        await _call(app, "GET", "/healthz", {}, b"")
    for path, headers in requests[:30]:  # warm: every route built, caches filled
        await _call(app, "POST", path, headers, b"{}")
    started = time.perf_counter()
    for _ in range(300):
        await _call(app, "GET", "/healthz", {}, b"")
    healthz = (time.perf_counter() - started) / 300
    profile = cProfile.Profile() if prof else None
    statuses: dict[int, int] = {}
    started = time.perf_counter()
    if profile:
        profile.enable()
    for path, headers in requests[30:]:
        status = await _call(app, "POST", path, headers, b"{}")
        statuses[status] = statuses.get(status, 0) + 1
    if profile and prof:
        profile.disable()
        profile.dump_stats(prof)
    sign_up = (time.perf_counter() - started) / len(requests[30:])
    print(
        f"answers {statuses}; /healthz {healthz * 1000:.2f} ms, sign-up {sign_up * 1000:.2f} ms,"
        f" sign-up rate beside /healthz {healthz / sign_up:.1%}"
    )


def scratch_settings() -> Settings:
    """A service on a SQLite ledger in a new temporary folder, its read models caught up by
    the profile itself (no background thread to blur the profile)."""
    folder = Path(tempfile.mkdtemp())
    return Settings(
        data_dir=folder / "data",
        store=f"sqlite:///{folder}/data/ledger.db",
        follow_projections=False,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prof", help="write cProfile stats of the sign-ups to this file")
    parser.add_argument(
        "--threads", action="store_true", help="run sync routes in worker threads, as served"
    )
    args = parser.parse_args()
    app = create_app(scratch_settings())
    with TestClient(app) as client:
        requests = _world(client.app.state.services, 330)  # type: ignore[attr-defined]
        if not args.threads:  # sync routes inline: one thread to profile
            anyio.to_thread.run_sync = _inline  # type: ignore[assignment]
        asyncio.run(_measure(app, requests, args.prof))


if __name__ == "__main__":
    main()
