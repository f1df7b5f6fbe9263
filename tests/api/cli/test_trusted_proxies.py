"""Whose X-Forwarded-For ``serve`` believes: only the configured proxies'."""

from __future__ import annotations

import pytest
import uvicorn
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.app import create_app
from api.cli.serve import uvicorn_options
from api.settings import Settings

LOCAL_CLIENT = ("127.0.0.1", 50000)


def served(tmp_path, **settings) -> TestClient:
    """The app as ``serve`` runs it, reached from a client on this machine."""
    config = Settings(
        data_dir=tmp_path / "data",
        store=f"sqlite:///{tmp_path}/data/ledger.db",
        follow_projections=False,
        login_failures_per_address=3,
        **settings,
    )
    uvicorn_config = uvicorn.Config(create_app(config), log_config=None, **uvicorn_options(config))
    uvicorn_config.load()
    return TestClient(uvicorn_config.loaded_app, client=LOCAL_CLIENT)


def fail_logins(client: TestClient, count: int) -> list[int]:
    """Failed logins, each for another unknown name and claiming another forwarded address."""
    return [
        client.post(
            "/v1/auth/token",
            data={"username": f"nobody.{i}", "password": "wrong password"},
            headers={"X-Forwarded-For": f"203.0.113.{i}"},
        ).status_code
        for i in range(count)
    ]


def test_a_made_up_forwarded_address_from_an_untrusted_client_does_not_reset_its_budget(
    tmp_path,
):
    with served(tmp_path) as client:
        assert fail_logins(client, 4) == [401, 401, 401, 429]


def test_a_trusted_proxys_forwarded_address_is_the_client(tmp_path):
    with served(tmp_path, trusted_proxies=["127.0.0.1"]) as client:
        assert fail_logins(client, 4) == [401, 401, 401, 401]


def test_no_proxy_is_trusted_by_default():
    assert Settings().trusted_proxies == []


def test_a_trusted_proxy_must_be_an_address_or_network():
    with pytest.raises(ValidationError, match="not an IP address"):
        Settings(trusted_proxies=["proxy.example"])


def register(client: TestClient, count: int) -> list[int]:
    """Registrations, each of another phone and claiming another forwarded address."""
    app = client.app
    while not hasattr(app, "state"):  # under uvicorn's proxy-headers middleware
        app = app.app  # type: ignore[attr-defined]
    ledger = app.state.services.ledger
    community = ledger.create_organisation(name="和平里社区", kind="community")
    return [
        client.post(
            "/v1/volunteers",
            json={
                "name": "陈丽华",
                "phone": f"1392222000{i}",
                "password": "correct horse battery",
                "birth_date": "1988-08-08",
                "organization_id": str(community),
                "consent": True,
            },
            headers={"X-Forwarded-For": f"203.0.113.{i}"},
        ).status_code
        for i in range(count)
    ]


def test_a_made_up_forwarded_address_does_not_reset_the_registration_budget(tmp_path):
    with served(tmp_path, registrations_per_address=2) as client:
        assert register(client, 3) == [201, 201, 429]


def test_a_trusted_proxys_forwarded_address_has_its_own_registration_budget(tmp_path):
    with served(tmp_path, registrations_per_address=2, trusted_proxies=["127.0.0.1"]) as client:
        assert register(client, 3) == [201, 201, 201]
