"""Access named in a route's signature: checked before the body, the same answers as in the body."""

import pytest


def test_someone_who_may_not_act_on_a_shift_is_refused_before_the_body_is_read(api, world):
    response = api.client.post(
        f"/v1/shifts/{world.shift}/capacity",
        json={"capacity": "many"},
        headers=world.tokens["other organiser"],
    )
    assert response.status_code == 403
    assert response.json()["type"] == "/problems/forbidden"


def test_the_organiser_of_a_shift_is_told_what_is_wrong_with_the_body(api, world):
    response = api.client.post(
        f"/v1/shifts/{world.shift}/capacity",
        json={"capacity": "many"},
        headers=world.tokens["organiser"],
    )
    assert response.status_code == 422


def test_a_shift_that_does_not_exist_is_not_found_before_the_body_is_read(api, world):
    response = api.client.post(
        "/v1/shifts/00000000-0000-4000-8000-000000000000/capacity",
        json={"capacity": "many"},
        headers=world.tokens["organiser"],
    )
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["other organiser", "other volunteer"])
def test_a_volunteer_outside_ones_reach_does_not_exist_whatever_the_body(api, world, role):
    response = api.client.post(
        f"/v1/volunteers/{world.volunteer}/listing",
        json={"public": "yes"},
        headers=world.tokens[role],
    )
    assert response.status_code == 404
