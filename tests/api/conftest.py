"""An app on a fresh SQLite store, a clock the tests move, and a small world to act in."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import Services
from api.security import hash_password
from api.settings import Settings
from domain.account import Account
from tests.conftest import Clock

PASSWORD = "correct horse battery"
_HASH: list[str] = []


def password_hash() -> str:
    """Hashing is slow on purpose; every test account shares one hash of PASSWORD."""
    if not _HASH:
        _HASH.append(hash_password(PASSWORD))
    return _HASH[0]


@dataclass
class Api:
    client: TestClient
    services: Services
    clock: Clock

    def token_for(self, account_id: UUID) -> dict[str, str]:
        epoch = self.services.ledger.account(account_id).security_epoch
        token = self.services.tokens.issue(f"account:{account_id}", epoch=epoch).access_token
        return {"Authorization": f"Bearer {token}"}

    def staff(self, username: str, *, organisation: UUID | None = None, admin: bool = False):
        account = self.services.ledger.create_staff_account(
            username=username,
            display_name=username,
            password_hash=password_hash(),
            is_admin=admin,
            organisation_id=organisation,
        )
        return self.token_for(account)

    def volunteer(self, organisation: UUID, phone: str, name: str = "王小明") -> tuple[UUID, dict]:
        volunteer = self.services.ledger.register_volunteer(
            name=name,
            phone=phone,
            birth_date=date(1990, 5, 4),
            home_organisation_id=organisation,
            privacy_consent=True,
            password_hash=password_hash(),
        )
        return volunteer, self.token_for(Account.id_for_volunteer(volunteer))


@pytest.fixture
def api(tmp_path) -> Iterator[Api]:
    clock = Clock(datetime.now(UTC).replace(microsecond=0))
    settings = Settings(
        data_dir=tmp_path / "data",
        store=f"sqlite:///{tmp_path}/data/ledger.db",
        follow_projections=False,
    )
    with TestClient(create_app(settings, clock=clock)) as client:
        yield Api(client, client.app.state.services, clock)  # type: ignore[attr-defined]


@dataclass
class World:
    """东城区 with two streets, a community under each, their organisers and volunteers;
    和平里街道 has a second organiser ("checker") to approve what the first records by hand."""

    district: UUID
    street_a: UUID
    street_b: UUID
    community_a: UUID
    community_b: UUID
    activity: UUID
    shift: UUID
    volunteer: UUID
    other_volunteer: UUID
    spare_volunteer: UUID
    tokens: dict[str, dict[str, str]]


@pytest.fixture
def world(api: Api) -> World:
    ledger = api.services.ledger
    district = ledger.create_organisation(name="东城区", kind="district")
    street_a = ledger.create_organisation(name="和平里街道", kind="street", parent_id=district)
    street_b = ledger.create_organisation(name="东四街道", kind="street", parent_id=district)
    community_a = ledger.create_organisation(
        name="和平里社区", kind="community", parent_id=street_a
    )
    community_b = ledger.create_organisation(name="东四社区", kind="community", parent_id=street_b)
    tokens = {
        "anonymous": {},
        "admin": api.staff("admin.zhang", admin=True),
        "organiser": api.staff("organiser.li", organisation=street_a),
        "checker": api.staff("organiser.zhou", organisation=street_a),
        "other organiser": api.staff("organiser.wang", organisation=street_b),
    }
    volunteer, tokens["volunteer"] = api.volunteer(community_a, "13911110001")
    other, tokens["other volunteer"] = api.volunteer(community_b, "13911110002", name="李春花")
    spare, _ = api.volunteer(community_a, "13911110003", name="赵刚")
    activity = ledger.create_activity(
        title="早高峰文明交通劝导",
        category="文明劝导",
        organisation_id=community_a,
        location="和平里北街路口",
        actor=ledger.account_for_login("organiser.li").as_actor(),
    )
    start = api.clock.now + timedelta(days=1)
    shift = ledger.add_shift(
        activity,
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        capacity=5,
        actor=ledger.account_for_login("organiser.li").as_actor(),
    )
    return World(
        district,
        street_a,
        street_b,
        community_a,
        community_b,
        activity,
        shift,
        volunteer,
        other,
        spare,
        tokens,
    )


@pytest.fixture
def issued(api, world):
    """Two approved records of the volunteer, certified by 和平里社区 for the past week."""
    return issue_certificate(api, world)


def issue_certificate(api, world):
    """Approve two records of the volunteer in the past week and certify them; the number."""
    organiser = world.tokens["organiser"]
    records = []
    for days_ago, minutes in ((6, 120), (3, 100)):
        start = api.clock.now - timedelta(days=days_ago)
        record = api.client.post(
            "/v1/service-records",
            headers=organiser,
            json={
                "volunteer_id": str(world.volunteer),
                "activity_id": str(world.activity),
                "started_at": start.isoformat(),
                "ended_at": (start + timedelta(minutes=minutes)).isoformat(),
                "description": "文明劝导",
            },
        ).json()["id"]
        approved = api.client.post(
            f"/v1/service-records/{record}/approve", headers=world.tokens["checker"]
        )
        assert approved.status_code == 200, approved.text
        records.append(record)
    today = api.clock.now.date()
    response = api.client.post(
        "/v1/certificates",
        headers=organiser,
        json={
            "organization_id": str(world.community_a),
            "volunteer_id": str(world.volunteer),
            "period_start": (today - timedelta(days=7)).isoformat(),
            "period_end": today.isoformat(),
            "person_in_charge": "李主任",
            "handler": "王干事",
            "contact": "010-64200000",
        },
    )
    assert response.status_code == 201, response.text
    return {"number": response.json()["number"], "records": records}


def credential_of(api, world, number):
    response = api.client.get(f"/v1/certificates/{number}", headers=world.tokens["volunteer"])
    assert response.status_code == 200, response.text
    return response.json()
