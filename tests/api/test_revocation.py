"""Revoked tokens fail on the very next request, at every API worker, without the account's
events being replayed on each request."""

from __future__ import annotations

from contextlib import ExitStack

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from domain.account import Account
from tests.api.conftest import PASSWORD, password_hash

NOWHERE = "/v1/organizations/00000000-0000-0000-0000-000000000000"

NOWHERE = "/v1/organizations/00000000-0000-0000-0000-000000000000"


def test_an_unchanged_account_is_not_loaded_again_on_the_next_request(api, world, monkeypatch):
    token, profile = world.tokens["volunteer"], f"/v1/volunteers/{world.volunteer}"
    assert api.client.get(profile, headers=token).status_code == 200

    def replay(*args, **kwargs):
        raise AssertionError("the account was loaded again")

    monkeypatch.setattr(api.services.ledger, "account", replay)
    assert api.client.get(profile, headers=token).status_code == 200


def test_a_changed_account_is_loaded_again(api, world):
    token, profile = world.tokens["volunteer"], f"/v1/volunteers/{world.volunteer}"
    assert api.client.get(profile, headers=token).status_code == 200
    account = Account.id_for_volunteer(world.volunteer)
    api.services.ledger.log_out(account, api.services.ledger.account(account).as_actor())
    assert api.client.get(profile, headers=token).status_code == 401


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared_store(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/data/ledger.db"
    return str(request.getfixturevalue("postgres_schema"))


def test_a_log_out_at_one_worker_ends_the_token_at_another(shared_store, tmp_path):
    settings = Settings(data_dir=tmp_path / "data", store=shared_store, follow_projections=False)
    with ExitStack() as stack:
        first, second = (stack.enter_context(TestClient(create_app(settings))) for _ in "12")
        services = first.app.state.services  # type: ignore[attr-defined]
        services.ledger.create_staff_account(
            username="admin.zhang", display_name="张", password_hash=password_hash(), is_admin=True
        )
        login = {"username": "admin.zhang", "password": PASSWORD}
        issued = first.post("/v1/auth/token", data=login).json()
        token = {"Authorization": f"Bearer {issued['access_token']}"}
        assert second.get(NOWHERE, headers=token).status_code == 404
        assert first.post("/v1/auth/logout", headers=token).status_code == 200
        response = second.get(NOWHERE, headers=token)
    assert response.status_code == 401
