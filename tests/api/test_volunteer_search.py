"""GET /v1/organizations/{id}/volunteers: an organiser finds a volunteer by what they know."""

from __future__ import annotations

import pytest

from tests.api import every_store
from tests.api.every_store import read

api = every_store.api  # this module's tests run on every store


def found(api, world, token="organiser", organisation=None, **params):
    organisation = organisation or world.street_a
    response = read(
        api, f"/v1/organizations/{organisation}/volunteers", world.tokens[token], **params
    )
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["items"]]


def test_an_organiser_lists_the_volunteers_of_their_subtree(api, world):
    assert sorted(found(api, world)) == sorted(["王小明", "赵刚"])


def test_by_part_of_the_name(api, world):
    assert found(api, world, q="赵") == ["赵刚"]


@pytest.mark.parametrize("q", ["0003", "139-1111-0003", "+86 13911110003"])
def test_by_the_phone_as_people_type_it(api, world, q):
    assert found(api, world, q=q) == ["赵刚"]


def test_by_the_volunteer_number(api, world):
    number = api.services.ledger.volunteer(world.volunteer).volunteer_number
    assert found(api, world, q=number) == ["王小明"]


def test_the_phone_is_masked(api, world):
    response = read(
        api, f"/v1/organizations/{world.street_a}/volunteers", world.tokens["organiser"], q="赵"
    )
    [item] = response.json()["items"]
    assert item["phone"] == "139****0003"
    assert item["status"] == "active"


def test_a_volunteer_elsewhere_is_not_found(api, world):
    assert found(api, world, q="李春花") == []


def test_pages_follow_volunteer_numbers(api, world):
    path = f"/v1/organizations/{world.street_a}/volunteers"
    first = read(api, path, world.tokens["organiser"], limit=1).json()
    second = read(api, path, world.tokens["organiser"], limit=1, cursor=first["next_cursor"]).json()
    numbers = [first["items"][0]["volunteer_number"], second["items"][0]["volunteer_number"]]
    assert numbers == sorted(numbers)
    assert second["next_cursor"] is None


@pytest.mark.parametrize("token", ["other organiser", "volunteer"])
def test_anyone_outside_the_subtree_is_refused(api, world, token):
    response = read(api, f"/v1/organizations/{world.street_a}/volunteers", world.tokens[token])
    assert response.status_code == 403


def test_without_a_token_it_is_a_401(api, world):
    assert read(api, f"/v1/organizations/{world.street_a}/volunteers").status_code == 401


def test_an_unknown_organisation_is_a_404(api, world):
    unknown = "00000000-0000-4000-8000-000000000000"
    response = read(api, f"/v1/organizations/{unknown}/volunteers", world.tokens["admin"])
    assert response.status_code == 404
