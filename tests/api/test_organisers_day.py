"""The organiser's day (issue 15) over HTTP, on SQLite and on PostgreSQL: the roster with
attendance, attendance that always has a way forward, sign-ups to a cancelled shift, and a
cancelled shift that keeps who was on it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from tests.api.conftest import Api
from tests.conftest import Clock


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def api(request: pytest.FixtureRequest, tmp_path) -> Iterator[Api]:
    """The app on each store (the ``world`` fixture builds on it)."""
    if request.param == "sqlite":
        store = f"sqlite:///{tmp_path}/data/ledger.db"
    else:
        store = str(request.getfixturevalue("postgres_schema"))
    clock = Clock(datetime.now(UTC).replace(microsecond=0))
    settings = Settings(data_dir=tmp_path / "data", store=store, follow_projections=False)
    with TestClient(create_app(settings, clock=clock)) as client:
        yield Api(client, client.app.state.services, clock)  # type: ignore[attr-defined]


def sign_up(api, world, volunteer) -> dict:
    response = api.client.post(
        f"/v1/shifts/{world.shift}/signups",
        json={"volunteer_id": str(volunteer)},
        headers=world.tokens["organiser"],
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_signing_up_to_a_cancelled_shift_says_it_is_cancelled_not_overlapping(api, world):
    ledger = api.services.ledger
    organiser = ledger.account_for_login("organiser.li").as_actor()
    starts_at = ledger.shift(world.shift).starts_at + timedelta(hours=1)
    overlapping = ledger.add_shift(
        world.activity,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        capacity=5,
        actor=organiser,
    )
    sign_up(api, world, world.volunteer)
    ledger.cancel_shift(overlapping, "暴雨预警", organiser)
    refused = api.client.post(
        f"/v1/shifts/{overlapping}/signups",
        json={"volunteer_id": str(world.volunteer)},
        headers=world.tokens["volunteer"],
    )
    assert refused.status_code == 409
    assert "cancelled" in refused.json()["detail"]
    assert "overlap" not in refused.json()["detail"]


def attend(api, world, what: str, token: str = "volunteer"):
    return api.client.post(
        f"/v1/shifts/{world.shift}/{what}",
        json={"volunteer_id": str(world.volunteer)},
        headers=world.tokens[token],
    )


def test_a_check_out_before_the_shift_starts_is_refused_and_says_when_it_opens(api, world):
    sign_up(api, world, world.volunteer)
    starts_at = api.services.ledger.shift(world.shift).starts_at
    api.clock.set(starts_at - timedelta(minutes=20))
    assert attend(api, world, "check-in").status_code == 200
    refused = attend(api, world, "check-out")
    api.clock.set(starts_at + timedelta(minutes=45))
    out = attend(api, world, "check-out")
    assert refused.status_code == 409
    assert "once it has started" in refused.json()["detail"]
    assert out.json()["service_record_id"] is not None


def test_attendance_that_served_no_time_is_recorded_from_the_sheet(api, world):
    sign_up(api, world, world.volunteer)
    starts_at = api.services.ledger.shift(world.shift).starts_at
    api.clock.set(starts_at + timedelta(minutes=119, seconds=30))
    attend(api, world, "check-in")
    api.clock.set(starts_at + timedelta(minutes=120))
    out = attend(api, world, "check-out")
    again = attend(api, world, "check-in")
    sheet = api.client.post(
        f"/v1/shifts/{world.shift}/attendance",
        json={
            "volunteer_id": str(world.volunteer),
            "checked_in_at": starts_at.isoformat(),
            "checked_out_at": (starts_at + timedelta(minutes=90)).isoformat(),
        },
        headers=world.tokens["organiser"],
    )
    assert out.json()["service_record_id"] is None
    assert again.status_code == 409
    assert "sign-in sheet" in again.json()["detail"]
    assert sheet.status_code == 200, sheet.text
    assert sheet.json()["service_record_id"] is not None
