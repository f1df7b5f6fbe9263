"""The demo data set and the volunteer-ledger command."""

import contextlib
import io
import re
from datetime import UTC, datetime, timedelta
from uuid import UUID

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
    summary = load_demo(demo_settings, weeks=2, progress=lambda _: None)
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


@pytest.fixture(scope="module")
def one_week_demo(tmp_path_factory):
    """One demo, loaded once: loading takes a few seconds."""
    tmp_path = tmp_path_factory.mktemp("demo")
    settings = Settings(
        data_dir=tmp_path / "data",
        store=f"sqlite:///{tmp_path}/data/ledger.db",
        follow_projections=False,
    )
    return settings, load_demo(settings, weeks=1, progress=lambda _: None)


def test_each_demo_login_has_its_own_password(one_week_demo):
    _, summary = one_week_demo
    passwords = [password for _, _, password in summary.logins]
    assert len(summary.logins) == 3
    assert len(set(passwords)) == len(passwords)


def test_a_demo_login_does_not_open_with_another_logins_password(one_week_demo):
    settings, summary = one_week_demo
    (_, admin, _), (_, _, organiser_password), _ = summary.logins
    with TestClient(create_app(settings)) as client:
        response = client.post(
            "/v1/auth/token", data={"username": admin, "password": organiser_password}
        )
    assert response.status_code == 401


def test_after_the_demo_the_demo_volunteer_can_sign_up_for_a_shift_to_come(one_week_demo):
    settings, summary = one_week_demo
    role, login, password = summary.logins[-1]
    assert role.startswith("volunteer")
    with TestClient(create_app(settings)) as client:
        ledger = client.app.state.services.ledger
        now = datetime.now(UTC)
        shifts = [ledger.shift(UUID(s)) for s in summary.shifts]
        open_shifts = [
            s for s in shifts if s.starts_at > now + timedelta(hours=1) and s.places_left
        ]
        assert summary.open_shifts >= len(open_shifts) > 0
        token = client.post("/v1/auth/token", data={"username": login, "password": password})
        volunteer_id = ledger.account_for_login(login).volunteer_id
        response = client.post(
            f"/v1/shifts/{open_shifts[0].id}/signups",
            json={"volunteer_id": str(volunteer_id)},
            headers={"Authorization": "Bearer " + token.json()["access_token"]},
        )
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "confirmed"


@pytest.fixture(scope="module")
def printed_demo(tmp_path_factory):
    """What ``volunteer-ledger demo`` prints, with its settings; run once."""
    tmp_path = tmp_path_factory.mktemp("printed")
    settings = Settings(
        data_dir=tmp_path / "data",
        store=f"sqlite:///{tmp_path}/data/ledger.db",
        follow_projections=False,
    )
    out = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stdout(out):
        patch.setenv("VOLUNTEER_LEDGER_STORE", settings.store_url())
        patch.setenv("VOLUNTEER_LEDGER_DATA_DIR", str(settings.data_dir))
        patch.setenv("VOLUNTEER_LEDGER_PUBLIC_URL", "https://ledger.example")
        assert main(["demo", "--weeks", "1"]) == 0
    return settings, out.getvalue()


def test_the_demo_prints_every_login_and_the_certificates_full_verification_url(printed_demo):
    _, out = printed_demo
    number = re.search(r"VC\d{13}", out)
    assert number, out
    assert f"check it at https://ledger.example/V/{number.group()}" in out
    assert len(set(re.findall(r"log in as .*: \S+ / (\S+)$", out, re.MULTILINE))) == 3


def test_the_admin_password_is_the_last_word_of_its_line_for_the_schemathesis_script(
    printed_demo,
):
    """scripts/schemathesis.sh: awk '/log in as admin:/ {print $NF}' server.log"""
    settings, out = printed_demo
    lines = [line for line in out.splitlines() if "log in as admin:" in line]
    assert len(lines) == 1
    with TestClient(create_app(settings)) as client:
        response = client.post(
            "/v1/auth/token", data={"username": "demo.admin", "password": lines[0].split()[-1]}
        )
    assert response.status_code == 200


def test_serve_demo_prints_the_verification_url_at_the_host_and_port_served(
    demo_settings, monkeypatch, capsys
):
    import uvicorn

    monkeypatch.setenv("VOLUNTEER_LEDGER_STORE", demo_settings.store_url())
    monkeypatch.setenv("VOLUNTEER_LEDGER_DATA_DIR", str(demo_settings.data_dir))
    monkeypatch.delenv("VOLUNTEER_LEDGER_PUBLIC_URL", raising=False)
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: None)
    assert main(["serve", "--demo", "--host", "127.0.0.1", "--port", "8871"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"check it at http://127\.0\.0\.1:8871/V/VC\d{13}$", out, re.MULTILINE), out


def test_the_demo_refuses_a_store_that_holds_data(demo_settings, capsys, monkeypatch):
    monkeypatch.setenv("VOLUNTEER_LEDGER_STORE", demo_settings.store_url())
    monkeypatch.setenv("VOLUNTEER_LEDGER_DATA_DIR", str(demo_settings.data_dir))
    assert main(["demo", "--weeks", "1"]) == 0
    assert main(["demo", "--weeks", "1"]) == 1
    assert capsys.readouterr().err.strip().count("\n") == 0


def test_create_admin_reads_the_password_from_standard_input(demo_settings, monkeypatch):
    monkeypatch.setenv("VOLUNTEER_LEDGER_STORE", demo_settings.store_url())
    monkeypatch.setenv("VOLUNTEER_LEDGER_DATA_DIR", str(demo_settings.data_dir))
    monkeypatch.setattr("sys.stdin", io.StringIO("a long secret phrase\n"))
    assert main(["create-admin", "Boss.Wang"]) == 0
    with TestClient(create_app(demo_settings)) as client:
        response = client.post(
            "/v1/auth/token", data={"username": "boss.wang", "password": "a long secret phrase"}
        )
    assert response.status_code == 200


def test_create_admin_refuses_a_short_password_in_one_line(demo_settings, monkeypatch, capsys):
    monkeypatch.setenv("VOLUNTEER_LEDGER_STORE", demo_settings.store_url())
    monkeypatch.setenv("VOLUNTEER_LEDGER_DATA_DIR", str(demo_settings.data_dir))
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["create-admin", "boss.wang"]) == 1
    assert (
        capsys.readouterr().err == "volunteer-ledger: the password needs at least 10 characters\n"
    )


def test_create_admin_refuses_a_password_of_nine_characters(demo_settings, monkeypatch):
    monkeypatch.setenv("VOLUNTEER_LEDGER_STORE", demo_settings.store_url())
    monkeypatch.setenv("VOLUNTEER_LEDGER_DATA_DIR", str(demo_settings.data_dir))
    monkeypatch.setattr("sys.stdin", io.StringIO("xq7#Lm2!v\n"))
    assert main(["create-admin", "boss.wang"]) == 1


def test_create_admin_refuses_a_common_password(demo_settings, monkeypatch, capsys):
    monkeypatch.setenv("VOLUNTEER_LEDGER_STORE", demo_settings.store_url())
    monkeypatch.setenv("VOLUNTEER_LEDGER_DATA_DIR", str(demo_settings.data_dir))
    monkeypatch.setattr("sys.stdin", io.StringIO("password1234\n"))
    assert main(["create-admin", "boss.wang"]) == 1
    assert "common password" in capsys.readouterr().err


def test_create_admin_refuses_a_password_like_the_username(demo_settings, monkeypatch, capsys):
    monkeypatch.setenv("VOLUNTEER_LEDGER_STORE", demo_settings.store_url())
    monkeypatch.setenv("VOLUNTEER_LEDGER_DATA_DIR", str(demo_settings.data_dir))
    monkeypatch.setattr("sys.stdin", io.StringIO("boss.wang2026\n"))
    assert main(["create-admin", "boss.wang"]) == 1
    assert "too close to your login" in capsys.readouterr().err


def test_several_workers_need_postgresql(demo_settings, monkeypatch, capsys):
    monkeypatch.setenv("VOLUNTEER_LEDGER_STORE", demo_settings.store_url())
    monkeypatch.setenv("VOLUNTEER_LEDGER_DATA_DIR", str(demo_settings.data_dir))
    assert main(["serve", "--workers", "2"]) == 1
    assert "PostgreSQL" in capsys.readouterr().err


def test_rotating_the_issuer_key_keeps_the_old_one_published(demo_settings, monkeypatch, capsys):
    monkeypatch.setenv("VOLUNTEER_LEDGER_DATA_DIR", str(demo_settings.data_dir))
    assert main(["rotate-issuer-key"]) == 0
    assert main(["rotate-issuer-key"]) == 0
    retired = list((demo_settings.data_dir / "issuer-keys" / "retired").glob("*.pub"))
    assert len(retired) == 2
    assert capsys.readouterr().out.count("retired did:web:") == 2
