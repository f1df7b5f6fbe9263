"""The demo data set and the volunteer-ledger command."""

import io

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.cli import main
from api.demo import load_demo
from api.settings import Settings


@pytest.fixture
def demo_settings(tmp_path):
    return Settings(
        data_dir=tmp_path / "data",
        store=f"sqlite:///{tmp_path}/data/ledger.db",
        follow_projections=False,
    )


def test_the_demo_gives_working_logins_shifts_and_hours(demo_settings):
    summary = load_demo(demo_settings.store_url(), weeks=2, progress=lambda _: None)
    with TestClient(create_app(demo_settings)) as client:
        head = client.app.state.services.ledger.recorder.max_notification_id()
        tokens = {}
        for role, login, password in summary.logins:
            response = client.post("/v1/auth/token", data={"username": login, "password": password})
            assert response.status_code == 200, role
            tokens[role] = {"Authorization": "Bearer " + response.json()["access_token"]}
        volunteer_token = next(t for role, t in tokens.items() if role.startswith("volunteer"))
        shift = client.get(f"/v1/shifts/{summary.shifts[0]}", headers=volunteer_token).json()
        me = client.app.state.services.ledger.account_for_login(summary.logins[-1][1])
        records = client.get(
            f"/v1/volunteers/{me.volunteer_id}/service-records",
            params={"min_position": head},
            headers=volunteer_token,
        ).json()
        status = client.get(f"/v1/certificates/{summary.certificate}/status").json()
    assert shift["confirmed"] > 0
    assert summary.approved_records > 0
    assert records["items"], "the demo volunteer has service records"
    assert status == {"number": summary.certificate, "status": "valid", "reason": None}


def test_the_demo_refuses_a_store_that_holds_data(demo_settings, capsys, monkeypatch):
    monkeypatch.setenv("VOLUNTEER_LEDGER_STORE", demo_settings.store_url())
    monkeypatch.setenv("VOLUNTEER_LEDGER_DATA_DIR", str(demo_settings.data_dir))
    assert main(["demo", "--weeks", "1"]) == 0
    assert main(["demo", "--weeks", "1"]) == 1
    assert capsys.readouterr().err.strip().count("\n") == 0


def test_create_admin_reads_the_password_from_standard_input(demo_settings, monkeypatch):
    monkeypatch.setenv("VOLUNTEER_LEDGER_STORE", demo_settings.store_url())
    monkeypatch.setattr("sys.stdin", io.StringIO("a long secret phrase\n"))
    assert main(["create-admin", "Boss.Wang"]) == 0
    with TestClient(create_app(demo_settings)) as client:
        response = client.post(
            "/v1/auth/token", data={"username": "boss.wang", "password": "a long secret phrase"}
        )
    assert response.status_code == 200


def test_create_admin_refuses_a_short_password_in_one_line(demo_settings, monkeypatch, capsys):
    monkeypatch.setenv("VOLUNTEER_LEDGER_STORE", demo_settings.store_url())
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["create-admin", "boss.wang"]) == 1
    assert (
        capsys.readouterr().err == "volunteer-ledger: the password needs at least 10 characters\n"
    )


def test_create_admin_refuses_a_password_of_nine_characters(demo_settings, monkeypatch):
    monkeypatch.setenv("VOLUNTEER_LEDGER_STORE", demo_settings.store_url())
    monkeypatch.setattr("sys.stdin", io.StringIO("xq7#Lm2!v\n"))
    assert main(["create-admin", "boss.wang"]) == 1


def test_create_admin_refuses_a_common_password(demo_settings, monkeypatch, capsys):
    monkeypatch.setenv("VOLUNTEER_LEDGER_STORE", demo_settings.store_url())
    monkeypatch.setattr("sys.stdin", io.StringIO("password1234\n"))
    assert main(["create-admin", "boss.wang"]) == 1
    assert "common password" in capsys.readouterr().err


def test_create_admin_refuses_a_password_like_the_username(demo_settings, monkeypatch, capsys):
    monkeypatch.setenv("VOLUNTEER_LEDGER_STORE", demo_settings.store_url())
    monkeypatch.setattr("sys.stdin", io.StringIO("boss.wang2026\n"))
    assert main(["create-admin", "boss.wang"]) == 1
    assert "too close to your login" in capsys.readouterr().err


def test_several_workers_need_postgresql(demo_settings, monkeypatch, capsys):
    monkeypatch.setenv("VOLUNTEER_LEDGER_STORE", demo_settings.store_url())
    assert main(["serve", "--workers", "2"]) == 1
    assert "PostgreSQL" in capsys.readouterr().err


def test_rotating_the_issuer_key_keeps_the_old_one_published(demo_settings, monkeypatch, capsys):
    monkeypatch.setenv("VOLUNTEER_LEDGER_DATA_DIR", str(demo_settings.data_dir))
    assert main(["rotate-issuer-key"]) == 0
    assert main(["rotate-issuer-key"]) == 0
    retired = list((demo_settings.data_dir / "issuer-keys" / "retired").glob("*.pub"))
    assert len(retired) == 2
    assert capsys.readouterr().out.count("retired did:web:") == 2
