"""Nothing in the data folder is readable by other users of the machine."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.cli import main
from api.settings import Settings


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """Start from the umask most systems give (0o022), and leave the test's as it was."""
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


def modes_under(folder: Path) -> dict[str, str]:
    found = {".": oct(stat.S_IMODE(folder.stat().st_mode))}
    for path in folder.rglob("*"):
        found[str(path.relative_to(folder))] = oct(stat.S_IMODE(path.lstat().st_mode))
    return found


def test_every_file_of_a_demo_run_is_private(tmp_path, monkeypatch, usual_umask):
    data = tmp_path / "data"
    monkeypatch.setenv("VOLUNTEER_LEDGER_DATA_DIR", str(data))
    monkeypatch.delenv("VOLUNTEER_LEDGER_STORE", raising=False)
    assert main(["demo", "--weeks", "1"]) == 0
    settings = Settings(
        data_dir=data, store=f"sqlite:///{data}/ledger.db", follow_projections=False
    )
    with TestClient(create_app(settings)) as client:
        client.app.state.services.runner.catch_up()  # type: ignore[attr-defined]
        client.get("/v1/log/checkpoint")
        modes = modes_under(data)
    expected = {"ledger.db", "ledger-views.db", "ledger-views-audit.db", "idempotency.db"}
    expected |= {"token-secret.key"}
    assert expected | {"log-signing.key", "issuer-keys/current.key", "ledger.db-wal"} <= set(modes)
    assert {name: mode for name, mode in modes.items() if mode not in ("0o700", "0o600")} == {}
    folders = {name for name in modes if (data / name).is_dir()}
    assert {name: modes[name] for name in folders} == dict.fromkeys(folders, "0o700")


#: Every key file the service makes in the data folder, by its path there.
KEY_FILES = (
    "token-secret.key",
    "calendar-secret.key",
    "issuer-keys/current.key",
    "log-salt.key",
    "log-signing.key",
    "master.key",
    "id-secret.key",
)


def started(settings: Settings) -> None:
    """Start the app and ask what makes the keys made on first use (the calendar feed's)."""
    with TestClient(create_app(settings)) as client:
        client.get("/v1/me/calendar.ics", params={"token": "x"})


@pytest.mark.parametrize("key", KEY_FILES)
def test_a_key_file_is_made_readable_by_us_only_in_a_folder_of_ours_only(
    tmp_path, usual_umask, key
):
    data = tmp_path / "data"
    started(Settings(data_dir=data, store=f"sqlite:///{data}/ledger.db", follow_projections=False))
    modes = modes_under(data)
    folder = str(Path(key).parent)
    assert (modes[key], modes[folder]) == ("0o600", "0o700")


def test_log_keys_kept_outside_the_data_folder_are_private_too(tmp_path, usual_umask):
    data, keys = tmp_path / "data", tmp_path / "keys" / "log"
    started(
        Settings(
            data_dir=data,
            store=f"sqlite:///{data}/ledger.db",
            follow_projections=False,
            log_salt_key_file=keys / "salt.key",
            log_signing_key_file=keys / "signing.key",
        )
    )
    assert modes_under(keys) == {".": "0o700", "salt.key": "0o600", "signing.key": "0o600"}


def test_an_existing_data_folder_is_tightened_at_start(tmp_path, usual_umask):
    data = tmp_path / "data"
    (data / "old").mkdir(parents=True)
    (data / "old" / "ledger.db").write_bytes(b"")
    data.chmod(0o755)
    settings = Settings(
        data_dir=data, store=f"sqlite:///{data}/ledger.db", follow_projections=False
    )
    with TestClient(create_app(settings)):
        modes = modes_under(data)
    assert modes["."] == "0o700"
    assert modes["old"] == "0o700"
    assert modes["old/ledger.db"] == "0o600"
