"""The second-party rule through HTTP: who may approve, the volunteer's confirmation, and whom an
organiser may record hours for."""

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from domain.account import Account
from domain.values import Actor
from tests.api.conftest import Api
from tests.conftest import Clock


def record_by_hand(api, world, volunteer=None, role="organiser"):
    start = api.clock.now - timedelta(days=1)
    return api.client.post(
        "/v1/service-records",
        headers=world.tokens[role],
        json={
            "volunteer_id": str(volunteer or world.volunteer),
            "activity_id": str(world.activity),
            "started_at": start.isoformat(),
            "ended_at": (start + timedelta(hours=2)).isoformat(),
            "description": "入户走访独居老人",
        },
    )


@pytest.fixture
def record(api, world):
    """A pending record of two hours, entered by hand by 和平里街道's organiser."""
    response = record_by_hand(api, world)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def post(api, world, record, action, role):
    return api.client.post(f"/v1/service-records/{record}/{action}", headers=world.tokens[role])


def test_whoever_recorded_a_record_by_hand_cannot_approve_it(api, world, record):
    response = post(api, world, record, "approve", "organiser")
    assert (response.status_code, response.json()["type"]) == (
        403,
        "/problems/second-party-required",
    )
    assert api.services.ledger.service_record(UUID(record)).status == "pending"


def test_another_organiser_of_the_street_approves_it(api, world, record):
    assert post(api, world, record, "approve", "checker").status_code == 200


def test_once_the_volunteer_confirms_the_recorder_approves(api, world, record):
    confirmed = post(api, world, record, "confirmation", "volunteer")
    approved = post(api, world, record, "approve", "organiser")
    assert (confirmed.status_code, approved.status_code) == (201, 200)


def test_the_records_history_says_who_recorded_confirmed_and_approved_it(api, world, record):
    ledger = api.services.ledger
    post(api, world, record, "confirmation", "volunteer")
    done = post(api, world, record, "approve", "organiser")
    page = api.client.get(
        f"/v1/volunteers/{world.volunteer}/service-records",
        params={"min_position": done.json()["position"]},
        headers=world.tokens["volunteer"],
    ).json()
    [item] = page["items"]
    organiser = str(ledger.account_for_login("organiser.li").as_actor())
    assert [(h["event"], h["actor"], h["minutes"]) for h in item["history"]] == [
        ("Recorded", organiser, 120),
        ("Confirmed", f"account:{Account.id_for_volunteer(world.volunteer)}", 120),
        ("Approved", organiser, None),
    ]


def test_a_correction_after_the_confirmation_needs_a_new_one(api, world, record):
    post(api, world, record, "confirmation", "volunteer")
    api.client.post(
        f"/v1/service-records/{record}/corrections",
        json={"minutes": 90, "reason": "提前半小时离开"},
        headers=world.tokens["checker"],
    )
    assert post(api, world, record, "approve", "organiser").status_code == 403
    assert post(api, world, record, "confirmation", "volunteer").status_code == 201
    assert post(api, world, record, "approve", "organiser").status_code == 200


@pytest.mark.parametrize("role", ["other volunteer", "organiser", "checker"])
def test_only_the_records_volunteer_confirms_it(api, world, record, role):
    response = post(api, world, record, "confirmation", role)
    assert response.status_code == 403
    assert api.services.ledger.service_record(UUID(record)).confirmed_by is None


def test_confirming_an_approved_record_is_a_conflict(api, world, record):
    post(api, world, record, "approve", "checker")
    response = post(api, world, record, "confirmation", "volunteer")
    assert (response.status_code, response.json()["type"]) == (409, "/problems/record-state")


def test_the_organiser_who_checked_the_volunteer_out_approves_the_attendance_record(api, world):
    ledger, organiser = api.services.ledger, world.tokens["organiser"]
    ledger.sign_up(world.shift, world.volunteer, Actor.volunteer(world.volunteer))
    api.clock.set(ledger.shift(world.shift).starts_at + timedelta(minutes=5))
    body = {"volunteer_id": str(world.volunteer)}
    api.client.post(
        f"/v1/shifts/{world.shift}/check-in", json=body, headers=world.tokens["volunteer"]
    )
    api.clock.advance(minutes=90)
    out = api.client.post(f"/v1/shifts/{world.shift}/check-out", json=body, headers=organiser)
    record = out.json()["service_record_id"]
    assert post(api, world, record, "approve", "organiser").status_code == 200


# Whom an organiser may record hours for.


def test_hours_for_a_volunteer_the_organiser_cannot_see_answer_as_for_no_volunteer(api, world):
    head = api.services.ledger.recorder.max_notification_id()
    hidden = record_by_hand(api, world, volunteer=world.other_volunteer)
    missing = record_by_hand(api, world, volunteer=uuid4())
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["type"] == missing.json()["type"] == "/problems/not-found"
    assert hidden.json()["detail"].replace(str(world.other_volunteer), "…") == missing.json()[
        "detail"
    ].replace(missing.json()["context"]["id"], "…")
    assert set(hidden.json()) == set(missing.json())
    assert api.services.ledger.recorder.max_notification_id() == head


def test_an_organiser_records_hours_for_a_guest_with_a_place_on_a_shift_of_the_activity(api, world):
    guest = world.other_volunteer  # of 东四社区, which 和平里街道's organiser does not organise
    api.services.ledger.sign_up(world.shift, guest, Actor.volunteer(guest))
    assert record_by_hand(api, world, volunteer=guest).status_code == 201


# The single-organiser setting.


@pytest.fixture
def station(tmp_path):
    """A station with one worker: the setting is on."""
    clock = Clock(datetime.now(UTC).replace(microsecond=0))
    settings = Settings(
        data_dir=tmp_path / "data",
        store=f"sqlite:///{tmp_path}/data/ledger.db",
        follow_projections=False,
        single_organiser_approval=True,
    )
    with TestClient(create_app(settings, clock=clock)) as client:
        yield Api(client, client.app.state.services, clock)  # type: ignore[attr-defined]


def test_the_setting_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("VOLUNTEER_LEDGER_SINGLE_ORGANISER_APPROVAL", "true")
    assert Settings(data_dir=tmp_path).policy().single_organiser_approval is True


def test_the_setting_is_off_by_default(tmp_path):
    assert Settings(data_dir=tmp_path).policy().single_organiser_approval is False


def test_at_a_station_with_one_worker_the_recorder_approves_and_supervision_lists_it(station):
    ledger = station.services.ledger
    community = ledger.create_organisation(name="和平里社区", kind="community")
    organiser = station.staff("organiser.li", organisation=community)
    actor = ledger.account_for_login("organiser.li").as_actor()
    activity = ledger.create_activity(
        title="入户走访",
        category="走访慰问",
        organisation_id=community,
        location="和平里",
        actor=actor,
    )
    volunteer, _ = station.volunteer(community, "13911110001")
    start = station.clock.now - timedelta(days=1)
    record = ledger.record_service(
        volunteer_id=volunteer,
        activity_id=activity,
        started_at=start,
        ended_at=start + timedelta(hours=2),
        description="入户走访独居老人",
        actor=actor,
    )
    approved = station.client.post(f"/v1/service-records/{record}/approve", headers=organiser)
    assert approved.status_code == 200
    body = station.client.get(
        f"/v1/organizations/{community}/supervision",
        params={"min_position": approved.json()["position"]},
        headers=organiser,
    ).json()
    [alone] = body["single_organiser_approvals"]
    assert (alone["record_id"], alone["recorded_by"], alone["approved_by"]) == (
        str(record),
        str(actor),
        str(actor),
    )
