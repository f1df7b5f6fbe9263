"""The master key and the id secret: made private on first use, or given; a store refuses others."""

from __future__ import annotations

import base64
import os
import stat

import pytest
from pydantic import ValidationError

from api.personal_data import ledger_for
from api.settings import Settings, setting_problems
from vault import MasterKeyMismatchError


def settings_in(tmp_path, **given) -> Settings:
    return Settings(
        data_dir=tmp_path / "data", store=f"sqlite:///{tmp_path}/data/ledger.db", **given
    )


def test_the_keys_are_made_on_first_use_readable_by_their_owner_only(tmp_path):
    ledger_for(settings_in(tmp_path)).close()
    for name in ("master.key", "id-secret.key"):
        path = tmp_path / "data" / name
        assert (stat.S_IMODE(path.stat().st_mode), len(path.read_bytes())) == (0o600, 32)


def test_a_process_with_the_same_keys_opens_the_store(tmp_path):
    ledger_for(settings_in(tmp_path)).close()
    ledger_for(settings_in(tmp_path)).close()


def test_a_master_key_given_in_a_setting_makes_no_key_file(tmp_path):
    key = base64.b64encode(os.urandom(32)).decode()
    ledger_for(settings_in(tmp_path, master_key=key)).close()
    assert not (tmp_path / "data" / "master.key").exists()


def test_a_store_refuses_another_master_key(tmp_path):
    ledger_for(settings_in(tmp_path)).close()
    other = base64.b64encode(os.urandom(32)).decode()
    with pytest.raises(MasterKeyMismatchError):
        ledger_for(settings_in(tmp_path, master_key=other))


def test_a_store_refuses_another_id_secret(tmp_path):
    ledger_for(settings_in(tmp_path)).close()
    other = base64.b64encode(os.urandom(32)).decode()
    with pytest.raises(MasterKeyMismatchError, match="id secret"):
        ledger_for(settings_in(tmp_path, id_secret=other))


@pytest.mark.parametrize(
    ("given", "problem"),
    [
        ("not base64!", "not base64"),
        (base64.b64encode(b"short").decode(), "5 bytes, not 32"),
    ],
)
def test_a_master_key_setting_that_is_not_32_bytes_of_base64_is_refused(given, problem):
    with pytest.raises(ValidationError) as refused:
        Settings(master_key=given)
    assert (
        setting_problems(refused.value)
        == f"invalid settings: VOLUNTEER_LEDGER_MASTER_KEY: {problem}"
    )
