"""A certificate's proof set: each suite checked and named, either alone enough, none unknown."""

import pytest

from tests.trust.certificate_world import (
    HOLDER,
    ISSUER_KEY,
    METHOD,
    ORIGIN,
    SUITES,
    Log,
    facts,
    failed,
    failed_signatures,
    issuer_keys,
    signed_credential,
)
from trust.certificate_check import verify_certificate
from trust.credential import (
    LogEvidence,
    LoggedEntry,
    build_credential,
    sign_credential,
)


@pytest.fixture
def log():
    return Log()


@pytest.fixture
def credential(log):
    return signed_credential(log)


def test_the_credential_carries_a_proof_set_of_both_suites_over_the_same_document(credential):
    suites = [proof["cryptosuite"] for proof in credential["proof"]]
    assert suites == ["eddsa-jcs-2022", "eddsa-rdfc-2022"]
    assert not any("previousProof" in proof for proof in credential["proof"])


def test_each_proof_of_the_set_is_checked_and_named_by_its_suite(credential):
    verdict = verify_certificate(credential, issuer_keys())
    assert [c.name for c in verdict.checks if c.name.startswith("signature") and c.passed] == SUITES


@pytest.mark.parametrize("index", [0, 1])
def test_a_single_proof_object_of_either_suite_verifies(credential, index):
    single = {**credential, "proof": credential["proof"][index]}
    verdict = verify_certificate(single, issuer_keys())
    assert (verdict.verdict, failed(verdict)) == ("authentic", [])


def test_a_proof_of_an_unknown_suite_is_not_checked_and_does_not_suffice(credential):
    unknown = {**credential["proof"][0], "cryptosuite": "ecdsa-rdfc-2019"}
    verdict = verify_certificate({**credential, "proof": [unknown]}, issuer_keys())
    assert next(c.passed for c in verdict.checks if c.name == "signature[ecdsa-rdfc-2019]") is None
    assert (verdict.verdict, failed(verdict)) == ("invalid", ["signature"])


def test_a_proof_set_with_one_bad_proof_is_invalid(credential):
    broken = {**credential["proof"][1], "proofValue": credential["proof"][0]["proofValue"]}
    verdict = verify_certificate(
        {**credential, "proof": [credential["proof"][0], broken]}, issuer_keys()
    )
    assert failed_signatures(verdict) == ["signature[eddsa-rdfc-2022]"]
    assert verdict.verdict == "invalid"


def test_a_credential_without_proof_is_invalid(credential):
    unsigned = {name: value for name, value in credential.items() if name != "proof"}
    assert failed(verify_certificate(unsigned, issuer_keys())) == ["issuer_key", "signature"]


def test_a_certificate_resting_on_hundreds_of_log_entries_is_signed_and_verified(log):
    """Entries are an unordered set in RDF: a list of blank nodes would look like a poison
    graph to RDFC-1.0's bounds and make a large certificate unsignable."""
    evidence = log.evidence()
    many = [
        LoggedEntry(e.about, e.leaf_index, e.leaf, e.tlog_proof, e.openings)
        for _ in range(50)
        for e in evidence.entries
    ]
    large = LogEvidence(ORIGIN, evidence.log_key, evidence.checkpoint, many, HOLDER)
    signed = sign_credential(build_credential(facts(), large), ISSUER_KEY, METHOD)
    verdict = verify_certificate(signed, issuer_keys())
    assert [c.name for c in verdict.checks if c.name.startswith("signature") and c.passed] == SUITES
