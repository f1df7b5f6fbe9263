"""An outsider learns no more than they need: registrations are limited per address, and a
login or reset code that names nobody is answered as a wrong one is."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.api.conftest import PASSWORD, Api
from tests.api.every_store import STORE_PARAMS, api_on_store

BUDGET = 2
TAKEN = "13911110001"  # the world's volunteer


@pytest.fixture(params=STORE_PARAMS)
def api(request: pytest.FixtureRequest, tmp_path) -> Iterator[Api]:
    with api_on_store(request, tmp_path, registrations_per_address=BUDGET) as made:
        yield made


def registration(world, phone: str, **changes):
    return {
        "name": "陈丽华",
        "phone": phone,
        "password": PASSWORD,
        "birth_date": "1988-08-08",
        "organization_id": str(world.community_a),
        "consent": True,
        **changes,
    }


def register(client: TestClient, world, phone: str, **changes):
    return client.post("/v1/volunteers", json=registration(world, phone, **changes))


def from_address(api: Api, address: str) -> TestClient:
    """A client of the same running app, connecting from another address."""
    return TestClient(api.client.app, client=(address, 50000))


def test_registrations_past_the_budget_are_refused_with_retry_after(api, world):
    for phone in ("13922220001", "13922220002"):
        assert register(api.client, world, phone).status_code == 201
    refused = register(api.client, world, "13922220003")
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.headers["Retry-After"] == "3600"


def test_a_taken_phone_counts_against_the_budget(api, world):
    for _ in range(BUDGET):
        assert register(api.client, world, TAKEN).status_code == 409
    assert register(api.client, world, "13922220001").status_code == 429


def test_a_taken_phone_is_not_told_once_the_budget_is_spent(api, world):
    for phone in ("13922220001", "13922220002"):
        register(api.client, world, phone)
    assert register(api.client, world, TAKEN).status_code == 429


def test_input_refused_on_its_own_does_not_count(api, world):
    for _ in range(BUDGET + 1):
        weak = register(api.client, world, "13922220001", password="12345678")
        assert weak.status_code == 422
    assert register(api.client, world, "13922220001").status_code == 201


def test_another_address_keeps_its_budget(api, world):
    for phone in ("13922220001", "13922220002"):
        register(api.client, world, phone)
    elsewhere = from_address(api, "198.51.100.20")
    assert register(elsewhere, world, "13922220003").status_code == 201


def test_the_address_may_register_again_an_hour_later(api, world):
    for phone in ("13922220001", "13922220002"):
        register(api.client, world, phone)
    api.clock.advance(hours=1)
    assert register(api.client, world, "13922220003").status_code == 201


def test_a_taken_phone_answer_names_nobody(api, world):
    volunteer = api.services.ledger.volunteer(world.volunteer)
    taken = register(api.client, world, TAKEN)
    assert taken.status_code == 409
    for private in (str(world.volunteer), volunteer.volunteer_number, volunteer.name):
        assert private not in taken.text


def comparable(response) -> tuple[int, str, str, str]:
    problem = response.json()
    return response.status_code, problem["type"], problem["title"], problem["detail"]


def test_an_unknown_login_is_answered_as_a_wrong_password(api, world):
    wrong = {"username": TAKEN, "password": "not the password"}
    unknown = {"username": "13900009999", "password": "not the password"}
    assert comparable(api.client.post("/v1/auth/token", data=unknown)) == comparable(
        api.client.post("/v1/auth/token", data=wrong)
    )


def reset(api, login: str, code: str = "ABCD-EFGH-JKMN", password: str = PASSWORD):
    body = {"login": login, "code": code, "new_password": password}
    return api.client.post("/v1/auth/password-reset", json=body)


@pytest.mark.parametrize("issued", [False, True], ids=["no code issued", "another code issued"])
def test_a_wrong_reset_code_is_answered_as_an_unknown_login(api, world, issued):
    if issued:
        api.client.post(
            f"/v1/volunteers/{world.volunteer}/password-reset", headers=world.tokens["organiser"]
        )
    assert comparable(reset(api, TAKEN)) == comparable(reset(api, "13900009999"))


def test_a_password_like_the_holders_name_is_refused_only_to_the_codes_holder(api, world):
    """Telling "too close to your name" to anyone would confirm a guessed name and phone."""
    like_the_name = "王小明王小明13911110001"
    assert comparable(reset(api, TAKEN, password=like_the_name)) == comparable(
        reset(api, "13900009999", password=like_the_name)
    )
    code = api.client.post(
        f"/v1/volunteers/{world.volunteer}/password-reset", headers=world.tokens["organiser"]
    ).json()["code"]
    refused = reset(api, TAKEN, code=code, password=like_the_name)
    assert refused.status_code == 422
    assert reset(api, TAKEN, code=code).status_code == 200
