"""``migrate --to``: the demo ledger moved from SQLite into PostgreSQL, checked on the target."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.cli import main
from api.cli.certificates import add_verify_certificate_parser, run_verify_certificate
from api.demo import load_demo
from api.settings import Settings
from tests.api.live_server import serving
from tests.conftest import postgres_dsn


@dataclass
class Moved:
    source: Settings
    target: str
    credential: Path
    issuer: Path
    out: str
    err: str


def run(settings: Settings, *argv: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """The command as a person runs it, in the settings' data folder; (status, out, err)."""
    out, err = io.StringIO(), io.StringIO()
    with (
        pytest.MonkeyPatch.context() as patch,
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        patch.setenv("VOLUNTEER_LEDGER_STORE", settings.store_url())
        patch.setenv("VOLUNTEER_LEDGER_DATA_DIR", str(settings.data_dir))
        patch.setenv("VOLUNTEER_LEDGER_PUBLIC_URL", settings.public_url)
        for name, value in (env or {}).items():
            patch.setenv(name, value)
        status = main(list(argv))
    return status, out.getvalue(), err.getvalue()


@contextlib.contextmanager
def schema() -> Iterator[str]:
    import psycopg

    dsn = postgres_dsn()
    name = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
    try:
        yield f"{dsn}?schema={name}"
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {name} CASCADE")


def demo_ledger(tmp: Path) -> tuple[Settings, dict[str, Any], dict[str, Any]]:
    """The demo on SQLite, served once (its log signed, its read models current); the demo
    certificate as its holder downloads it, and the issuer document."""
    settings = Settings(
        data_dir=tmp / "data",
        store=f"sqlite:///{tmp}/data/ledger.db",
        follow_projections=False,
        public_url="https://ledger.example",
    )
    summary = load_demo(settings, weeks=1, progress=lambda _: None)
    _, login, password = summary.logins[-1]
    with TestClient(create_app(settings)) as client:
        token = client.post("/v1/auth/token", data={"username": login, "password": password})
        holder = {"Authorization": "Bearer " + token.json()["access_token"]}
        credential = client.get(f"/v1/certificates/{summary.certificate}", headers=holder)
        assert credential.status_code == 200, credential.text
        issuer = client.get("/v1/issuer").json()
        services = client.app.state.services  # type: ignore[attr-defined]
        services.runner.catch_up()
        (first,) = services.ledger.recorder.select_notifications(start=1, limit=1)
        services.ledger.take_snapshot(first.originator_id)
    return settings, credential.json(), issuer


@pytest.fixture(scope="module")
def moved(tmp_path_factory) -> Iterator[Moved]:
    tmp = tmp_path_factory.mktemp("migrate")
    with schema() as target:
        source, credential, issuer = demo_ledger(tmp)
        (tmp / "certificate.json").write_text(json.dumps(credential))
        (tmp / "issuer.json").write_text(json.dumps(issuer))
        status, out, err = run(source, "migrate", "--to", target, "--progress", "always")
        assert status == 0, err
        yield Moved(source, target, tmp / "certificate.json", tmp / "issuer.json", out, err)


def on_target(moved: Moved) -> Settings:
    return moved.source.model_copy(update={"store": moved.target})


def target_database(moved: Moved) -> Any:
    """A connection to the target, in its schema."""
    import psycopg

    return psycopg.connect(moved.target.replace("?schema=", "?options=-csearch_path%3D"))


def rows(connection: Any, table: str) -> list[tuple[Any, ...]]:
    found = connection.execute(f"SELECT * FROM {table}").fetchall()
    return sorted(
        (tuple(bytes(v) if isinstance(v, memoryview) else v for v in r) for r in found), key=repr
    )


@pytest.mark.postgres
def test_every_event_keeps_its_position_and_bytes(moved):
    source = sqlite3.connect(moved.source.data_dir / "ledger.db")
    events = "originator_id, originator_version, topic, state"
    before = source.execute(f"SELECT rowid, {events} FROM stored_events ORDER BY rowid").fetchall()
    with target_database(moved) as target:
        after = target.execute(
            f"SELECT notification_id, {events} FROM ledger_events ORDER BY notification_id"
        ).fetchall()
    assert [(n, i.hex, v, t, bytes(s)) for n, i, v, t, s in after] == before
    assert f"migrated {len(before):,} events" in moved.out


@pytest.mark.postgres
def test_the_snapshots_are_copied(moved):
    source = sqlite3.connect(moved.source.data_dir / "ledger.db")
    before = rows(source, "stored_snapshots")
    with target_database(moved) as target:
        after = [(i.hex, *rest) for i, *rest in rows(target, "ledger_snapshots")]
    assert len(before) == 1
    assert after == before


@pytest.mark.postgres
def test_the_log_verifies_on_the_target(moved):
    status, out, _ = run(on_target(moved), "verify-log", "--progress", "never")
    assert status == 0, out
    assert out.strip().endswith("everything matches")


@pytest.mark.postgres
def test_a_certificate_issued_before_the_move_is_valid_after_it(moved, capsys):
    parser = argparse.ArgumentParser()
    add_verify_certificate_parser(parser.add_subparsers(dest="command"))
    with serving(create_app(on_target(moved))) as url:
        args = parser.parse_args(
            [
                "verify-certificate",
                *(str(moved.credential), "--issuer", str(moved.issuer), "--online", url),
            ]
        )
        assert run_verify_certificate(args) == 0
    output = capsys.readouterr().out
    assert "✔ log_consistency" in output
    assert output.strip().endswith("verdict: valid")


@pytest.mark.postgres
def test_the_read_models_on_the_target_equal_the_sources(moved):
    # On SQLite the audit trail has a file of its own; each file has the positions of its own.
    files = [
        sqlite3.connect(moved.source.data_dir / name)
        for name in ("ledger-views.db", "ledger-views-audit.db")
    ]
    in_files: dict[str, list[tuple[Any, ...]]] = {}
    for source in files:
        for (table,) in source.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        ):
            in_files[table] = sorted([*in_files.get(table, []), *rows(source, table)], key=repr)
    assert len(in_files) > 20  # every read model has rows to compare
    assert "audit_entries" in in_files
    with target_database(moved) as target:
        differing = [table for table, found in in_files.items() if found != rows(target, table)]
    assert differing == []


@pytest.mark.postgres
def test_the_copy_shows_its_progress_on_standard_error(moved):
    assert "migrate: copying the events" in moved.err
    assert "100.0%" in moved.err
    assert "rebuilding all read models" in moved.err


@pytest.mark.postgres
def test_a_target_holding_a_ledger_is_refused_with_one_line(moved):
    status, out, err = run(moved.source, "migrate", "--to", moved.target, "--progress", "never")
    assert status == 1
    assert err.strip().count("\n") == 0
    assert "the target is not empty" in err
    assert out == ""


@pytest.mark.postgres
def test_a_copy_cut_off_after_the_events_leaves_the_target_empty_to_run_again(
    tmp_path, monkeypatch
):
    from api import migration

    source, _, _ = demo_ledger(tmp_path)
    copy_rows = migration._copy_rows

    def cut_off(source, target, source_table, target_table, columns):
        if target_table == "vault_links":
            raise OSError("the disk is full")
        return copy_rows(source, target, source_table, target_table, columns)

    with schema() as target:
        monkeypatch.setattr(migration, "_copy_rows", cut_off)
        status, _, err = run(source, "migrate", "--to", target, "--progress", "never")
        assert status == 1
        assert err.splitlines()[-1] == "volunteer-ledger: migrate to 127.0.0.1:5432/" + (
            target.split("/")[-1].split("?")[0] + " failed: the disk is full"
        )
        assert "Traceback" not in err
        monkeypatch.setattr(migration, "_copy_rows", copy_rows)
        status, _, err = run(source, "migrate", "--to", target, "--progress", "never")
        assert status == 0, err


def test_a_database_out_of_reach_is_one_line(tmp_path):
    source = Settings(data_dir=tmp_path / "data", store=f"sqlite:///{tmp_path}/data/ledger.db")
    load_demo(source, weeks=1, progress=lambda _: None)
    status, _, err = run(source, "migrate", "--to", "postgresql://nobody@127.0.0.1:1/ledger")
    assert status == 1
    assert err.startswith("volunteer-ledger: cannot reach the database at 127.0.0.1:1/ledger")
    assert err.strip().count("\n") == 0


@pytest.mark.parametrize(
    ("target", "said"),
    [
        ("sqlite:///elsewhere.db", "needs a postgresql:// URL"),
        ("postgresql://me@db.example:five/ledger", "is not a number"),
    ],
)
def test_a_target_that_is_no_postgresql_url_is_one_line(tmp_path, target, said):
    source = Settings(data_dir=tmp_path / "data", store=f"sqlite:///{tmp_path}/data/ledger.db")
    status, _, err = run(source, "migrate", "--to", target)
    assert status == 1
    assert said in err
    assert err.strip().count("\n") == 0
