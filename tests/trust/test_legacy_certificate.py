"""A credential issued before the Open Badges 3.0 / proof-set change still verifies."""

import copy
import json
from pathlib import Path

from trust.certificate_check import IssuerKeys, verify_certificate
from trust.multibase import decode_public_key

FIXTURE = json.loads(
    (Path(__file__).parent / "fixtures" / "certificate-before-ob3.json").read_text("utf-8")
)


def issuer_keys():
    issuer = FIXTURE["issuer"]
    keys = {
        method["id"]: decode_public_key(method["publicKeyMultibase"])
        for method in issuer["verificationMethod"]
    }
    return IssuerKeys(issuer["id"], keys, issuer["log"]["key"])


def test_a_certificate_from_before_the_change_is_authentic_offline():
    verdict = verify_certificate(FIXTURE["credential"], issuer_keys())
    assert verdict.verdict == "authentic"
    assert [c.name for c in verdict.checks if c.passed is False] == []


def test_a_tampered_certificate_from_before_the_change_is_invalid():
    credential = copy.deepcopy(FIXTURE["credential"])
    credential["credentialSubject"]["certificate"]["totalMinutes"] = 2200
    assert verify_certificate(credential, issuer_keys()).verdict == "invalid"
