"""A credential of the wrong shape anywhere is refused by a failed check, never by a crash:
whoever checks a changed file is told it fails."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.trust.certificate_world import Log, issuer_keys, signed_credential
from trust.certificate_check import LedgerStatus, verify_certificate

#: Where a credential's parts sit, each replaced below by values of the wrong type.
PATHS = [
    ("evidence",),
    ("evidence", 0),
    ("evidence", 0, "entries"),
    ("evidence", 0, "entries", 0),
    ("evidence", 0, "entries", 0, "openings"),
    ("evidence", 0, "holder"),
    ("credentialSubject",),
    ("credentialSubject", "certificate"),
    ("credentialSubject", "certificate", "records"),
    ("credentialSubject", "certificate", "records", 0),
    ("credentialSubject", "certificate", "number"),
    ("credentialStatus",),
    ("issuer",),
    ("proof",),
]
WRONG = [5, "x", None, [5], {"a": 5}]


def _replaced(credential: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(credential)
    target: Any = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


@pytest.fixture(scope="module")
def credential() -> dict[str, Any]:
    return signed_credential(Log())


@pytest.mark.parametrize("path", PATHS, ids=lambda path: "/".join(map(str, path)))
@pytest.mark.parametrize("value", WRONG, ids=repr)
def test_a_part_of_the_wrong_type_fails_a_check(credential, path, value):
    changed = _replaced(credential, path, value)
    verdict = verify_certificate(changed, issuer_keys(), status=LedgerStatus("valid"))
    assert verdict.verdict == "invalid"
