"""Failed logins count per account, whichever spelling of its login is used."""

from __future__ import annotations

import pytest

from tests.api.conftest import PASSWORD


def log_in(api, login, password=PASSWORD):
    return api.client.post("/v1/auth/token", data={"username": login, "password": password})


def test_every_spelling_of_a_volunteers_login_shares_one_budget(api, world):
    number = api.services.ledger.volunteer(world.volunteer).volunteer_number
    spellings = ["139-1111-0001", "+86 13911110001", number, "13911110001", "0086 139 1111 0001"]
    for spelling in spellings:
        assert log_in(api, spelling, "wrong password").status_code == 401
    assert log_in(api, number).status_code == 429


def test_a_staff_username_in_any_case_shares_one_budget(api, world):
    for spelling in [
        "organiser.li",
        "Organiser.Li",
        "ORGANISER.LI ",
        " organiser.li",
        "oRganiser.li",
    ]:
        log_in(api, spelling, "wrong password")
    assert log_in(api, "organiser.li").status_code == 429


def test_spellings_of_an_unknown_phone_share_one_budget(api, world):
    for spelling in [
        "139-0000-9999",
        "+86 13900009999",
        "13900009999",
        "139 0000 9999",
        "+8613900009999",
    ]:
        assert log_in(api, spelling, "wrong password").status_code == 401
    assert log_in(api, "13900009999").status_code == 429


def test_another_account_keeps_its_budget(api, world):
    for _ in range(5):
        log_in(api, "13911110001", "wrong password")
    assert log_in(api, "13911110002").status_code == 200


@pytest.mark.parametrize("login", ["13911110001", "organiser.li"])
def test_a_success_clears_the_accounts_failures(api, world, login):
    for _ in range(4):
        log_in(api, login, "wrong password")
    assert log_in(api, login).status_code == 200
    for _ in range(4):
        log_in(api, login, "wrong password")
    assert log_in(api, login).status_code == 200
