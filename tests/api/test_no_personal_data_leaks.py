"""Server logs, error answers and tokens hold no name, phone or birth date.

A volunteer with a name, phone and birth date found nowhere else (and a minor with a guardian)
goes through a whole day over real HTTP, served by uvicorn as ``serve`` does, while every
logger (root, uvicorn's, eventsourcing's, ours) records at DEBUG: registration, logging in,
signing up, service recorded and approved, a certificate, a search by phone and by name, a
registration with the taken phone, input refused with their data in it. Then the captured log
lines, every error answer and every token (its decoded parts) are searched for them, in every
spelling a log or a JSON body could give them.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote

import httpx2 as httpx
import pytest
import uvicorn

from api.app import create_app
from api.settings import Settings
from tests.api.conftest import PASSWORD, password_hash
from tests.api.every_store import STORE_PARAMS

NAME = "欧阳雪晴"
PHONE = "13987654321"
BIRTH = date(1979, 11, 23)
MINOR = "司马小雨"
MINOR_PHONE = "13987650002"
GUARDIAN = "司马青峰"

#: Loggers turned to DEBUG besides the root: those that set their own level.
LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "uvicorn.asgi", "eventsourcing", "api")
#: Our own client's loggers: what the test sends, not what the server logs.
CLIENT_LOGGERS = ("httpx", "httpcore")  # httpx2 logs as "httpx2", and its core as "httpcore…"
PORTS = range(18400, 18500)


def spellings() -> set[str]:
    """Each personal value as text, as JSON escapes it, as a URL encodes it, and the phone
    and birth date in the forms people write them."""
    found = set()
    for name in (NAME, MINOR, GUARDIAN):
        found |= {name, json.dumps(name)[1:-1], quote(name), quote(name).lower()}
    for phone in (PHONE, MINOR_PHONE):
        found |= {phone, f"{phone[:3]}-{phone[3:7]}-{phone[7:]}", f"{phone[:3]} {phone[3:7]} "}
    found |= {BIRTH.isoformat(), BIRTH.strftime("%Y%m%d"), BIRTH.strftime("%Y/%m/%d")}
    return found


def leaks(text: str) -> set[str]:
    return {spelling for spelling in spellings() if spelling in text}


class Captured(logging.Handler):
    """Every record, formatted with its traceback, as a handler writing a file would."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not record.name.startswith(CLIENT_LOGGERS):
            self.lines.append(self.format(record))


@pytest.fixture
def captured() -> Iterator[Captured]:
    """A handler on the root that every logger reaches: the named ones at DEBUG, and none
    kept from it by an earlier logging set-up (uvicorn's own stops its loggers propagating;
    ``dictConfig`` disables the loggers it does not name). Everything is put back after."""
    handler = Captured()
    for name in LOGGERS:
        logging.getLogger(name)
    loggers = [logging.getLogger()] + [
        known
        for known in logging.root.manager.loggerDict.values()
        if isinstance(known, logging.Logger)
    ]
    saved = [(logger.level, logger.propagate, logger.disabled) for logger in loggers]
    for logger in loggers:
        logger.propagate, logger.disabled = True, False
        if logger.name in (*LOGGERS, "root"):
            logger.setLevel(logging.DEBUG)
    logging.getLogger().addHandler(handler)
    try:
        yield handler
    finally:
        logging.getLogger().removeHandler(handler)
        for logger, (level, propagate, disabled) in zip(loggers, saved, strict=True):
            logger.setLevel(level)
            logger.propagate, logger.disabled = propagate, disabled


def free_socket() -> socket.socket:
    for port in PORTS:
        sock = socket.socket()
        with contextlib.suppress(OSError):
            sock.bind(("127.0.0.1", port))
            return sock
        sock.close()
    raise RuntimeError("no free port in 18400-18499")  # pragma: no cover


@contextlib.contextmanager
def serving(settings: Settings) -> Iterator[tuple[httpx.Client, object]]:
    """The app under uvicorn in a thread, logging as uvicorn does at DEBUG; a client of it."""
    app = create_app(settings)
    config = uvicorn.Config(app, log_config=None, log_level="debug", lifespan="on")
    server = uvicorn.Server(config)
    sock = free_socket()
    port = sock.getsockname()[1]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:  # waits for the start, whatever it takes; asserts nothing on time
        assert thread.is_alive(), "the server did not start"
        time.sleep(0.01)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            yield client, app
    finally:
        server.should_exit = True
        thread.join()
        sock.close()


@pytest.fixture(params=STORE_PARAMS)
def settings(request: pytest.FixtureRequest, tmp_path) -> Settings:
    if request.param == "sqlite":
        store = f"sqlite:///{tmp_path}/data/ledger.db"
    else:
        store = str(request.getfixturevalue("postgres_schema"))
    return Settings(data_dir=tmp_path / "data", store=store, follow_projections=True)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def decoded_parts(token: str) -> str:
    """A token's parts, each base64url-decoded where it decodes (a JWT's header and claims)."""
    shown = [token]
    for part in token.split("."):
        with contextlib.suppress(ValueError):
            shown.append(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode())
    return "\n".join(shown)


class Day:
    """What one scenario sent back: error answers and tokens, to search afterwards."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        self.errors: list[str] = []
        self.tokens: list[str] = []

    def call(self, method: str, path: str, expected: int, **kwargs) -> httpx.Response:
        response = self.client.request(method, path, **kwargs)
        assert response.status_code == expected, response.text
        if response.status_code >= 400:
            self.errors.append(response.text)
        return response

    def log_in(self, login: str) -> dict[str, str]:
        answer = self.call(
            "POST", "/v1/auth/token", 200, data={"username": login, "password": PASSWORD}
        )
        token = answer.json()["access_token"]
        self.tokens.append(token)
        return bearer(token)


def registration(community: str, **changes) -> dict:
    return {
        "name": NAME,
        "phone": PHONE,
        "password": PASSWORD,
        "birth_date": BIRTH.isoformat(),
        "organization_id": community,
        "consent": True,
        **changes,
    }


def live_a_day(day: Day, app) -> None:
    ledger = app.state.services.ledger  # type: ignore[attr-defined]
    community = ledger.create_organisation(name="和平里社区", kind="community")
    for login in ("organiser.li", "organiser.zhou"):
        ledger.create_staff_account(
            username=login,
            display_name=login,
            password_hash=password_hash(),
            organisation_id=community,
        )
    organiser = ledger.account_for_login("organiser.li").as_actor()
    activity = ledger.create_activity(
        title="早高峰文明交通劝导",
        category="文明劝导",
        organisation_id=community,
        location="和平里北街路口",
        actor=organiser,
    )
    now = datetime.now(UTC).replace(microsecond=0)
    shift = ledger.add_shift(
        activity,
        starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=1, hours=2),
        capacity=5,
        actor=organiser,
    )
    org = str(community)

    volunteer = day.call("POST", "/v1/volunteers", 201, json=registration(org)).json()["id"]
    minor_birth = date(now.year - 15, 6, 1).isoformat()
    day.call(
        "POST",
        "/v1/volunteers",
        201,
        json=registration(
            org,
            name=MINOR,
            phone=MINOR_PHONE,
            birth_date=minor_birth,
            guardian={"name": GUARDIAN, "consent": True},
        ),
    )
    me = day.log_in(f"{PHONE[:3]}-{PHONE[3:7]}-{PHONE[7:]}")
    day.call(
        "POST",
        "/v1/auth/token",
        401,
        data={"username": PHONE, "password": "not the password at all"},
    )
    calendar_url = day.call("GET", "/v1/me", 200, headers=me).json()["volunteer"]["calendar_url"]
    day.tokens.append(calendar_url.partition("token=")[2])
    day.call("GET", "/v1/me/calendar.ics", 200, params={"token": day.tokens[-1]})
    day.call("POST", f"/v1/shifts/{shift}/signups", 201, json={}, headers=me)
    day.call("GET", "/v1/me/export", 200, headers=me)

    li, zhou = day.log_in("organiser.li"), day.log_in("organiser.zhou")
    for days_ago in (3, 2):
        start = now - timedelta(days=days_ago)
        record = day.call(
            "POST",
            "/v1/service-records",
            201,
            headers=li,
            json={
                "volunteer_id": volunteer,
                "activity_id": str(activity),
                "started_at": start.isoformat(),
                "ended_at": (start + timedelta(hours=2)).isoformat(),
                "description": "文明劝导",
            },
        ).json()["id"]
        day.call("POST", f"/v1/service-records/{record}/approve", 200, headers=zhou)
    today = now.date()
    day.call(
        "POST",
        "/v1/certificates",
        201,
        headers=li,
        json={
            "organization_id": org,
            "volunteer_id": volunteer,
            "period_start": (today - timedelta(days=7)).isoformat(),
            "period_end": today.isoformat(),
            "person_in_charge": "李主任",
            "handler": "王干事",
            "contact": "010-64200000",
        },
    )
    for q in (PHONE, NAME):
        day.call("GET", f"/v1/organizations/{org}/volunteers", 200, params={"q": q}, headers=li)

    day.call("POST", "/v1/volunteers", 409, json=registration(org))
    refused_input = [
        {"phone": PHONE + "0"},  # the domain's check of a phone
        {"phone": f"{PHONE}-{PHONE}"},  # longer than a phone may be
        {"name": NAME * 13},  # longer than a name may be
        {"birth_date": f"{BIRTH.isoformat()}T25:00"},  # not a date
        {"birth_date": BIRTH.isoformat(), "skills": NAME},  # not a list
        {"guardian": {"name": GUARDIAN, "consent": "yes"}},  # not a boolean
        {"password": PHONE},  # a password like the phone
    ]
    for changes in refused_input:
        day.call("POST", "/v1/volunteers", 422, json=registration(org, **changes))


def test_a_whole_day_leaves_no_personal_data_in_logs_errors_or_tokens(settings, captured):
    with serving(settings) as (client, app):
        day = Day(client)
        live_a_day(day, app)
    assert captured.lines, "the logs were captured"
    assert any(line.startswith("uvicorn.access") for line in captured.lines)
    assert {
        "log": leaks("\n".join(captured.lines)),
        "errors": leaks("\n".join(day.errors)),
        "tokens": leaks("\n".join(decoded_parts(token) for token in day.tokens)),
    } == {"log": set(), "errors": set(), "tokens": set()}


def test_the_access_log_keeps_the_query_names_not_their_values():
    from api.log_privacy import without_query_values

    assert without_query_values(f"/v1/x/volunteers?q={PHONE}&limit=5") == (
        "/v1/x/volunteers?q=…&limit=…"
    )
