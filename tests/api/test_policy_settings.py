"""A deployment sets its own rules through the environment: ages, categories, rounding, windows."""

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.cli import main
from api.settings import Settings
from domain.policy import Policy
from tests.api.conftest import password_hash


def test_the_rules_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("VOLUNTEER_LEDGER_MINIMUM_AGE", "16")
    monkeypatch.setenv("VOLUNTEER_LEDGER_CATEGORIES", '["义诊", "助老助残"]')
    monkeypatch.setenv("VOLUNTEER_LEDGER_ROUNDING_MINUTES", "15")
    monkeypatch.setenv("VOLUNTEER_LEDGER_CHECK_OUT_GRACE_MINUTES", "60")
    policy = Settings(data_dir=tmp_path).policy()
    assert (policy.minimum_age, policy.categories, policy.rounding_minutes) == (
        16,
        ("义诊", "助老助残"),
        15,
    )
    assert policy.check_out_grace == timedelta(hours=1)


def test_without_settings_the_rules_are_the_defaults(tmp_path):
    assert Settings(data_dir=tmp_path).policy() == Policy()


@pytest.mark.parametrize(
    ("name", "value", "said"),
    [
        ("MINIMUM_AGE", "abc", "VOLUNTEER_LEDGER_MINIMUM_AGE: Input should be a valid integer"),
        ("MINIMUM_AGE", "30", "minimum age must be positive and not above the adult age"),
        ("CATEGORIES", "[]", "the activity categories must be a list of non-empty names"),
        ("CHECK_IN_EARLY_MINUTES", "-5", "check-in and check-out windows cannot be negative"),
    ],
)
def test_a_bad_setting_is_one_line_and_a_non_zero_exit(monkeypatch, capsys, name, value, said):
    monkeypatch.setenv(f"VOLUNTEER_LEDGER_{name}", value)
    assert main(["projections", "status"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("volunteer-ledger: invalid settings: ")
    assert said in error
    assert error.count("\n") == 1


def test_the_service_applies_the_deployments_categories(tmp_path):
    settings = Settings(
        data_dir=tmp_path / "data",
        store=f"sqlite:///{tmp_path}/data/ledger.db",
        follow_projections=False,
        categories=["义诊"],
    )
    with TestClient(create_app(settings)) as client:
        services = client.app.state.services  # type: ignore[attr-defined]
        community = services.ledger.create_organisation(name="和平里社区", kind="community")
        admin = services.ledger.create_staff_account(
            username="admin.zhang", display_name="张", password_hash=password_hash(), is_admin=True
        )
        token = services.tokens.issue(f"account:{admin}", epoch=0).access_token
        response = client.post(
            "/v1/activities",
            json={
                "title": "河道清洁",
                "category": "环境保护",
                "organization_id": str(community),
                "location": "河边",
            },
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert "use one of: 义诊" in response.json()["detail"]
