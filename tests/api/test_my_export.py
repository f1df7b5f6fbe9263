"""GET /v1/me/export: everything the ledger holds about the volunteer, as a file for them."""

from __future__ import annotations

import pytest

from tests.api import every_store
from tests.api.conftest import issue_certificate

api = every_store.api  # this module's tests run on every store


def export(api, world, who="volunteer"):
    return api.client.get("/v1/me/export", headers=world.tokens[who])


@pytest.fixture
def exported(api, world):
    """The volunteer's export after two approved records and a certificate."""
    number = issue_certificate(api, world)["number"]
    response = export(api, world)
    assert response.status_code == 200, response.text
    return number, response


def events_of(body, event_type):
    return [event for event in body["events"] if event["event"] == event_type]


def test_the_export_is_a_json_file_to_keep(api, world, exported):
    _, response = exported
    number = api.services.ledger.volunteer(world.volunteer).volunteer_number
    assert response.headers["content-type"] == "application/json"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="volunteer-ledger-{number}.json"'
    )
    assert response.headers["cache-control"] == "no-store"


def test_the_profile_shows_the_volunteer_their_own_data_in_clear(api, world, exported):
    profile = exported[1].json()["profile"]
    assert (profile["name"], profile["phone"], profile["birth_date"]) == (
        "王小明",
        "13911110001",
        "1990-05-04",
    )
    assert profile["organization"] == {"id": str(world.community_a), "name": "和平里社区"}


def test_records_come_with_their_status_and_history(api, world, exported):
    records = exported[1].json()["service_records"]
    assert [(r["minutes"], r["status"]) for r in records] == [(100, "approved"), (120, "approved")]
    assert [entry["event"] for entry in records[0]["history"]] == ["Recorded", "Approved"]


def test_certificates_come_with_their_number_hours_and_status(api, world, exported):
    number, response = exported
    [certificate] = response.json()["certificates"]
    assert (certificate["number"], certificate["hours"], certificate["status"]) == (
        number,
        "3.67",
        "valid",
    )


def test_the_listing_preferences_are_as_last_chosen(api, world):
    changed = api.client.post(
        f"/v1/volunteers/{world.volunteer}/listing",
        json={"public": False},
        headers=world.tokens["volunteer"],
    )
    assert changed.status_code == 200, changed.text
    assert export(api, world).json()["listing"] == {"public": False, "guardian_consent": False}


def test_the_registration_event_is_readable_with_its_fields(api, world):
    [registered] = events_of(export(api, world).json(), "Volunteer.Registered")
    assert registered["actor_kind"] == "you"
    assert registered["aggregate_id"] == str(world.volunteer)
    assert registered["fields"]["name"] == "王小明"
    assert registered["fields"]["phone"] == "13911110001"
    assert registered["fields"]["birth_date"] == "1990-05-04"


def test_who_acted_is_given_by_kind_only(api, world, exported):
    body = exported[1].json()
    assert {event["actor_kind"] for event in events_of(body, "ServiceRecord.Approved")} == {
        "organiser"
    }
    assert "organiser.zhou" not in exported[1].text


def test_events_come_oldest_first(api, world, exported):
    positions = [event["position"] for event in exported[1].json()["events"]]
    assert positions == sorted(positions)


def test_an_act_of_the_volunteer_on_a_shift_is_among_their_events(api, world):
    signed = api.client.post(
        f"/v1/shifts/{world.shift}/signups", json={}, headers=world.tokens["volunteer"]
    )
    assert signed.status_code == 201, signed.text
    [sign_up] = events_of(export(api, world).json(), "Shift.VolunteerSignedUp")
    assert (sign_up["actor_kind"], sign_up["fields"]["volunteer_id"]) == (
        "you",
        str(world.volunteer),
    )


def test_no_password_or_code_hash_is_shown(api, world, exported):
    account = api.services.ledger.account_for_login("13911110001")
    assert "password_hash" not in exported[1].text
    assert account.password_hash not in exported[1].text


def test_nothing_of_another_volunteer_is_in_it(api, world, exported):
    other = api.services.ledger.volunteer(world.other_volunteer)
    for private in (other.name, other.phone, str(other.id)):
        assert private not in exported[1].text


@pytest.mark.parametrize(("who", "status"), [("organiser", 403), ("anonymous", 401)])
def test_only_a_volunteer_has_an_export(api, world, who, status):
    assert export(api, world, who).status_code == status
