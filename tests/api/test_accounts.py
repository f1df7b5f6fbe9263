"""Accounts that can be secured: log-out, new passwords, disabling and reset codes, each of
which ends earlier tokens at once."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from api.login import hash_reset_code
from domain.account import Account
from tests.api.conftest import PASSWORD

NEW_PASSWORD = "月光下的自行车-2026"
ME = "/v1/volunteers/{}"


def log_in(api, login, password=PASSWORD):
    return api.client.post("/v1/auth/token", data={"username": login, "password": password})


def bearer(response):
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def can_read_profile(api, world, token) -> bool:
    response = api.client.get(ME.format(world.volunteer), headers=token)
    assert response.status_code in (200, 401), response.text
    return response.status_code == 200


def issue_code(api, world, role="organiser", volunteer=None, headers=None):
    return api.client.post(
        f"/v1/volunteers/{volunteer or world.volunteer}/password-reset",
        headers={**world.tokens[role], **(headers or {})},
    )


def redeem(api, code, login="13911110001", password=NEW_PASSWORD):
    return api.client.post(
        "/v1/auth/password-reset", json={"login": login, "code": code, "new_password": password}
    )


def test_logging_out_ends_the_token_at_once(api, world):
    token = world.tokens["volunteer"]
    assert api.client.post("/v1/auth/logout", headers=token).status_code == 200
    assert not can_read_profile(api, world, token)


def test_logging_out_ends_every_other_token_of_the_account_too(api, world):
    other = bearer(log_in(api, "13911110001"))
    api.client.post("/v1/auth/logout", headers=world.tokens["volunteer"])
    assert not can_read_profile(api, world, other)


def test_a_token_issued_after_a_log_out_works(api, world):
    api.client.post("/v1/auth/logout", headers=world.tokens["volunteer"])
    assert can_read_profile(api, world, bearer(log_in(api, "13911110001")))


def test_changing_the_password_ends_earlier_tokens(api, world):
    token = world.tokens["volunteer"]
    response = api.client.post(
        "/v1/auth/password",
        headers=token,
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 200, response.text
    assert not can_read_profile(api, world, token)
    assert can_read_profile(api, world, bearer(log_in(api, "13911110001", NEW_PASSWORD)))


def test_a_password_change_needs_the_current_password(api, world):
    response = api.client.post(
        "/v1/auth/password",
        headers=world.tokens["volunteer"],
        json={"current_password": "not my password", "new_password": NEW_PASSWORD},
    )
    assert response.status_code == 401
    assert log_in(api, "13911110001").status_code == 200


def test_a_weak_new_password_is_refused_naming_the_field(api, world):
    response = api.client.post(
        "/v1/auth/password",
        headers=world.tokens["volunteer"],
        json={"current_password": PASSWORD, "new_password": "13911110001"},
    )
    assert response.status_code == 422
    assert response.json()["context"] == {"field": "new_password"}
    assert "phone number" in response.json()["detail"]


def test_an_admin_disabling_an_account_ends_its_tokens_at_once(api, world):
    account = Account.id_for_volunteer(world.volunteer)
    response = api.client.post(
        f"/v1/accounts/{account}/disable", headers=world.tokens["admin"], json={"reason": "冒用"}
    )
    assert response.status_code == 200, response.text
    assert not can_read_profile(api, world, world.tokens["volunteer"])
    assert log_in(api, "13911110001").status_code == 401


def test_an_enabled_account_logs_in_again_but_its_old_tokens_stay_ended(api, world):
    account = Account.id_for_volunteer(world.volunteer)
    admin = world.tokens["admin"]
    api.client.post(f"/v1/accounts/{account}/disable", headers=admin, json={"reason": "冒用"})
    response = api.client.post(
        f"/v1/accounts/{account}/enable", headers=admin, json={"reason": "核实无误"}
    )
    assert response.status_code == 200, response.text
    assert not can_read_profile(api, world, world.tokens["volunteer"])
    assert can_read_profile(api, world, bearer(log_in(api, "13911110001")))


@pytest.mark.parametrize("action", ["disable", "enable"])
def test_only_an_admin_disables_or_enables_an_account(api, world, action):
    account = Account.id_for_volunteer(world.volunteer)
    response = api.client.post(
        f"/v1/accounts/{account}/{action}", headers=world.tokens["organiser"], json={"reason": "x"}
    )
    assert response.status_code == 403


def test_dismissing_an_organiser_ends_their_tokens_at_once(api, world):
    ledger = api.services.ledger
    organiser = ledger.account_for_login("organiser.li")
    ledger.dismiss_organiser(organiser.id, world.street_a, "换届", organiser.as_actor())
    response = api.client.get(
        f"/v1/organizations/{world.street_a}", headers=world.tokens["organiser"]
    )
    assert response.status_code == 401


def test_appointing_an_organiser_ends_their_earlier_tokens(api, world):
    ledger = api.services.ledger
    organiser = ledger.account_for_login("organiser.li")
    ledger.appoint_organiser(organiser.id, world.street_b, organiser.as_actor())
    response = api.client.get(
        f"/v1/organizations/{world.street_a}", headers=world.tokens["organiser"]
    )
    assert response.status_code == 401


def test_a_volunteer_sets_a_new_password_with_a_code_from_their_organiser(api, world):
    issued = issue_code(api, world)
    assert issued.status_code == 200, issued.text
    assert redeem(api, issued.json()["code"], login="+86 139-1111-0001").status_code == 200
    assert log_in(api, "13911110001", NEW_PASSWORD).status_code == 200
    assert log_in(api, "13911110001", PASSWORD).status_code == 401


def test_a_reset_ends_the_volunteers_earlier_tokens(api, world):
    redeem(api, issue_code(api, world).json()["code"])
    assert not can_read_profile(api, world, world.tokens["volunteer"])


def test_a_reset_code_is_valid_for_24_hours(api, world):
    expires_at = datetime.fromisoformat(issue_code(api, world).json()["expires_at"])
    assert expires_at == api.clock.now + timedelta(hours=24)


def test_a_reset_code_is_accepted_however_it_is_typed(api, world):
    code = issue_code(api, world).json()["code"]
    assert redeem(api, f" {code.replace('-', ' ').lower()} ").status_code == 200


def test_a_used_reset_code_is_refused(api, world):
    code = issue_code(api, world).json()["code"]
    redeem(api, code)
    assert redeem(api, code, password="另一个新密码-2027").status_code == 401


def test_an_expired_reset_code_is_refused(api, world):
    code = issue_code(api, world).json()["code"]
    api.clock.advance(hours=24)
    response = redeem(api, code)
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_reset_code_replaced_by_a_newer_one_is_refused(api, world):
    code = issue_code(api, world).json()["code"]
    issue_code(api, world)
    assert redeem(api, code).status_code == 401


def test_an_admin_may_issue_a_reset_code(api, world):
    assert issue_code(api, world, role="admin").status_code == 200


@pytest.mark.parametrize("role", ["other organiser", "volunteer", "other volunteer"])
def test_only_an_organiser_of_the_volunteer_or_an_admin_issues_a_reset_code(api, world, role):
    assert issue_code(api, world, role=role).status_code == 403


def test_wrong_reset_codes_are_throttled_like_logins(api, world):
    code = issue_code(api, world).json()["code"]
    for _ in range(5):
        assert redeem(api, "AAAA-BBBB-CCCC").status_code == 401
    assert redeem(api, code).status_code == 429


def test_wrong_reset_codes_use_up_the_accounts_login_budget(api, world):
    issue_code(api, world)
    for _ in range(5):
        redeem(
            api,
            "AAAA-BBBB-CCCC",
            login=api.services.ledger.volunteer(world.volunteer).volunteer_number,
        )
    assert log_in(api, "13911110001").status_code == 429


def test_a_weak_password_is_refused_at_reset_and_the_code_kept(api, world):
    code = issue_code(api, world).json()["code"]
    response = redeem(api, code, password="password1")
    assert response.status_code == 422
    assert response.json()["context"] == {"field": "new_password"}
    assert redeem(api, code).status_code == 200


def test_the_reset_code_response_is_not_to_be_stored(api, world):
    headers = issue_code(api, world).headers
    assert headers["cache-control"] == "no-store"
    assert headers["pragma"] == "no-cache"


def test_the_token_response_is_not_to_be_stored(api, world):
    headers = log_in(api, "13911110001").headers
    assert headers["cache-control"] == "no-store"
    assert headers["pragma"] == "no-cache"


def test_the_audit_trail_shows_security_events_without_a_secret(api, world):
    code = issue_code(api, world).json()["code"]
    redeem(api, code)
    api.client.post("/v1/auth/logout", headers=world.tokens["organiser"])
    api.services.runner.catch_up()
    trail = api.client.get(
        "/v1/audit", headers={**world.tokens["admin"], "Accept": "text/csv"}
    ).text
    assert "a password-reset code for" in trail
    assert "reset with a code" in trail
    assert "logged out everywhere" in trail
    for secret in (
        code,
        hash_reset_code(code),
        api.services.ledger.account(Account.id_for_volunteer(world.volunteer)).password_hash,
    ):
        assert secret not in trail


def test_a_retried_reset_with_the_same_key_issues_a_new_code_that_works(api, world):
    key = {"Idempotency-Key": "reset-wang-1"}
    first = issue_code(api, world, headers=key).json()["code"]
    retry = issue_code(api, world, headers=key)
    assert retry.status_code == 200
    assert "idempotent-replayed" not in retry.headers
    code = retry.json()["code"]
    assert code != first
    assert redeem(api, code).status_code == 200
