"""Reading a credential's status list entries: only a list the issuer signed is believed."""

import copy
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from trust.certificate_check import IssuerKeys, LedgerStatus, verify_certificate
from trust.credential import sign_credential
from trust.status_check import read_status_lists
from trust.status_list import Bitstring, StatusSlot, credential_status, list_credential, list_url

ISSUER = "did:web:ledger.example"
METHOD = ISSUER + "#key-1"
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
KEYS = {METHOD: KEY.public_key()}
NOW = datetime(2026, 3, 20, 8, tzinfo=UTC)
SLOT = StatusSlot("https://ledger.example", 0, 94_567)
URL = list_url(SLOT.base_url, "revocation", 0)
CREDENTIAL = {
    "issuer": {"id": ISSUER},
    "credentialStatus": credential_status("https://ledger.example/status", SLOT),
}


def signed_list(*revoked, key=KEY, method=METHOD, **changes):
    bits = Bitstring()
    for index in revoked:
        bits.set(index)
    document = list_credential(URL, ISSUER, "revocation", bits, "2026-03-19T00:00:00Z")
    document.update(changes)
    return sign_credential(document, key, method, datetime(2026, 3, 19, tzinfo=UTC))


def read(document):
    [reading] = read_status_lists(CREDENTIAL, ISSUER, KEYS, {URL: document}, now=NOW)
    return reading


def test_an_unset_bit_in_a_signed_list_reads_not_revoked():
    reading = read(signed_list(12))
    assert (reading.name, reading.passed, reading.is_set) == (
        "status_list[revocation]",
        True,
        False,
    )


def test_a_set_bit_in_a_signed_list_reads_revoked():
    assert read(signed_list(94_567)).is_set is True


def test_a_list_not_fetched_is_not_checked():
    [reading] = read_status_lists(CREDENTIAL, ISSUER, KEYS, None, now=NOW)
    assert (reading.passed, reading.is_set) == (None, None)


def test_a_tampered_list_is_refused():
    document = signed_list(94_567)
    document["credentialSubject"]["encodedList"] = Bitstring().encode()
    reading = read(document)
    assert (reading.passed, reading.is_set) == (False, None)
    assert "signature" in reading.detail


def test_a_list_signed_by_a_stranger_is_refused():
    stranger = Ed25519PrivateKey.generate()
    assert read(signed_list(key=stranger, method="did:web:evil.example#k")).passed is False


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"issuer": "did:web:evil.example"}, "someone other"),
        ({"validFrom": "2026-03-21T00:00:00Z"}, "not valid now"),
        ({"validUntil": "2026-03-19T12:00:00Z"}, "not valid now"),
        ({"id": list_url(SLOT.base_url, "revocation", 1)}, "another list"),
        ({"type": ["VerifiableCredential"]}, "not a BitstringStatusListCredential"),
    ],
)
def test_a_list_that_is_not_this_entrys_is_refused(change, why):
    reading = read(signed_list(**change))
    assert reading.passed is False
    assert why in reading.detail


def test_a_list_for_another_purpose_is_refused():
    document = copy.deepcopy(signed_list())
    document.pop("proof")
    document["credentialSubject"]["statusPurpose"] = "suspension"
    resigned = sign_credential(document, KEY, METHOD, datetime(2026, 3, 19, tzinfo=UTC))
    assert "not 'revocation'" in read(resigned).detail


def test_a_list_shorter_than_the_specs_minimum_is_refused():
    document = signed_list()
    document.pop("proof")
    document["credentialSubject"]["encodedList"] = Bitstring(length=1024).encode()
    resigned = sign_credential(document, KEY, METHOD, datetime(2026, 3, 19, tzinfo=UTC))
    assert "shorter" in read(resigned).detail


def test_a_proof_set_is_read_by_its_eddsa_jcs_proof():
    document = signed_list(94_567)
    [jcs] = [p for p in document["proof"] if p["cryptosuite"] == "eddsa-jcs-2022"]
    other = {**jcs, "cryptosuite": "eddsa-rdfc-2022", "proofValue": "z1"}
    document["proof"] = [other, jcs]
    assert read(document).is_set is True


def verdict_with(lists, status=None):
    issuer = IssuerKeys(ISSUER, KEYS, log_key="")
    return verify_certificate(CREDENTIAL, issuer, status=status, status_lists=lists, now=NOW)


def test_a_set_revocation_bit_says_revoked_even_if_the_ledger_was_not_asked():
    assert verdict_with({URL: signed_list(94_567)}).status == "revoked"


def test_the_ledgers_superseded_stands_when_the_bit_is_not_set():
    verdict = verdict_with({URL: signed_list()}, LedgerStatus("superseded", "corrected"))
    assert (verdict.status, verdict.reason) == ("superseded", "corrected")


def test_a_refused_list_fails_the_verdict():
    document = signed_list()
    document["validFrom"] = "2026-03-18T00:00:00Z"
    assert verdict_with({URL: document}, LedgerStatus("valid")).verdict == "invalid"
