"""Passwords that are long enough and hard to guess, wherever one is chosen."""

from __future__ import annotations

import pytest

from api.passwords import check_password
from domain.errors import InvalidInputError
from tests.api.conftest import PASSWORD


def register(api, world, password, phone="13922223333"):
    return api.client.post(
        "/v1/volunteers",
        json={
            "name": "陈丽华",
            "phone": phone,
            "password": password,
            "birth_date": "1988-08-08",
            "organization_id": str(world.community_a),
            "consent": True,
        },
    )


def add_organiser(api, world, password, username="organiser.chen"):
    return api.client.post(
        f"/v1/organizations/{world.street_a}/organisers",
        headers=world.tokens["admin"],
        json={"username": username, "password": password, "display_name": "陈组织"},
    )


def test_staff_passwords_need_ten_characters():
    with pytest.raises(InvalidInputError, match="at least 10 characters"):
        check_password("kq7#Lm2!v", staff=True)


def test_volunteer_passwords_keep_the_minimum_of_eight():
    check_password("kq7#Lm2!v", staff=False)


@pytest.mark.parametrize("password", ["password123", "qwertyuiop", "iloveyou1234"])
def test_a_common_password_is_refused_saying_why(password):
    with pytest.raises(InvalidInputError, match=r"common|easy to guess") as refused:
        check_password(password, staff=False)
    assert refused.value.context == {"field": "password"}


@pytest.mark.parametrize(
    ("password", "related"),
    [
        ("13922223333", "13922223333"),
        ("13922223333a", "13922223333"),
        ("li.wei2026", "li.wei"),
        ("liwei2026", "li.wei"),
    ],
)
def test_a_password_close_to_the_login_or_phone_is_refused(password, related):
    with pytest.raises(InvalidInputError, match="too close to your login"):
        check_password(password, staff=False, related=[related])


def test_a_long_unusual_password_is_accepted():
    check_password("月光下的自行车-2026", staff=True, related=["li.wei", "13922223333"])


def test_registration_refuses_a_common_password_naming_the_field(api, world):
    response = register(api, world, "password123")
    assert response.status_code == 422
    assert response.json()["context"] == {"field": "password"}
    assert "very common password" in response.json()["detail"]


def test_registration_refuses_the_phone_number_as_password(api, world):
    response = register(api, world, "13922223333")
    assert response.status_code == 422
    assert "phone number" in response.json()["detail"]


def test_registration_accepts_a_good_password(api, world):
    assert register(api, world, PASSWORD).status_code == 201


def test_a_new_organisers_password_needs_ten_characters(api, world):
    response = add_organiser(api, world, "kq7#Lm2!v")
    assert response.status_code == 422
    assert response.json()["context"] == {"field": "password"}


def test_a_new_organisers_password_may_not_be_their_username(api, world):
    response = add_organiser(api, world, "organiser.chen1")
    assert response.status_code == 422
    assert "too close to your login" in response.json()["detail"]
