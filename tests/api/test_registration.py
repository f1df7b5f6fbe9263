"""Registering volunteers and organisers over HTTP.

What the input alone refuses is a 422 naming the field at fault; a password is kept as typed.
"""

from __future__ import annotations

import pytest

from tests.api.conftest import PASSWORD


def registration(world, **changes):
    body = {
        "name": "陈丽华",
        "phone": "13922223333",
        "password": PASSWORD,
        "birth_date": "1988-08-08",
        "organization_id": str(world.community_a),
        "consent": True,
    }
    body.update(changes)
    return body


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"birth_date": "2016-06-01"}, "birth_date"),
        ({"birth_date": "2011-06-01"}, "guardian"),
        (
            {"birth_date": "2011-06-01", "guardian": {"name": "陈建国", "consent": False}},
            "guardian",
        ),
        ({"consent": False}, "consent"),
    ],
    ids=["under the minimum age", "minor without guardian", "guardian refuses", "no consent"],
)
def test_a_refused_registration_is_invalid_input_naming_the_field(api, world, changes, field):
    response = api.client.post("/v1/volunteers", json=registration(world, **changes))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "/problems/registration-refused"
    assert problem["context"]["field"] == field


@pytest.mark.parametrize(
    "password", ["lantern river 84 ", "  correct horse battery  "], ids=["trailing", "both"]
)
def test_a_password_with_spaces_at_its_ends_logs_in_as_typed(api, world, password):
    registered = api.client.post("/v1/volunteers", json=registration(world, password=password))
    assert registered.status_code == 201, registered.text
    login = {"username": "13922223333", "password": password}
    assert api.client.post("/v1/auth/token", data=login).status_code == 200


def test_an_organisers_password_with_spaces_at_its_ends_logs_in_as_typed(api, world):
    organiser = {"username": "organiser.zhao", "password": " 和平里 2026 ", "display_name": "赵"}
    created = api.client.post(
        f"/v1/organizations/{world.street_a}/organisers",
        json=organiser,
        headers=world.tokens["admin"],
    )
    assert created.status_code == 201, created.text
    login = {"username": "organiser.zhao", "password": " 和平里 2026 "}
    assert api.client.post("/v1/auth/token", data=login).status_code == 200
