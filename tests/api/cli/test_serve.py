"""``volunteer-ledger serve``: the public URL follows the address served unless it is set."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.cli import main


@pytest.fixture
def served(tmp_path, monkeypatch):
    """What the app that ``serve`` would start says about itself, uvicorn left out."""
    monkeypatch.setenv("VOLUNTEER_LEDGER_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("VOLUNTEER_LEDGER_STORE", f"sqlite:///{tmp_path}/data/ledger.db")
    monkeypatch.setenv("VOLUNTEER_LEDGER_FOLLOW_PROJECTIONS", "false")
    monkeypatch.setenv("VOLUNTEER_LEDGER_PUBLIC_URL", "")
    monkeypatch.delenv("VOLUNTEER_LEDGER_PUBLIC_URL")  # unset, and unset again afterwards
    found: dict[str, str] = {}

    def run(app: str, *, factory: bool, host: str, port: int, workers: int, **proxy) -> None:
        assert (app, factory) == ("api.app:create_app", True)
        with TestClient(create_app()) as client:
            found["issuer"] = client.get("/.well-known/did.json").json()["id"]

    monkeypatch.setattr("uvicorn.run", run)
    return found


def test_serving_on_another_port_makes_it_the_issuers_address(served):
    assert main(["serve", "--port", "8812"]) == 0
    assert served["issuer"] == "did:web:127.0.0.1%3A8812"


def test_serving_on_another_host_makes_it_the_issuers_address(served):
    assert main(["serve", "--host", "127.0.0.2", "--port", "8813"]) == 0
    assert served["issuer"] == "did:web:127.0.0.2%3A8813"


def test_a_public_url_that_is_set_wins_over_the_address_served(served, monkeypatch):
    monkeypatch.setenv("VOLUNTEER_LEDGER_PUBLIC_URL", "https://ledger.example")
    assert main(["serve", "--port", "8812"]) == 0
    assert served["issuer"] == "did:web:ledger.example"
