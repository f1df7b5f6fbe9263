"""The certificate verifier against a log built here from the trust primitives."""

import base64
import copy
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.trust.certificate_world import (
    ISSUER_KEY,
    LOG_SALT_KEY,
    METHOD,
    ORIGIN,
    R2,
    R3,
    SUITES,
    Log,
    approved,
    facts,
    failed,
    failed_signatures,
    issuer_keys,
    leaf,
    signed_credential,
)
from trust.certificate_check import CurrentLog, LedgerStatus, verify_certificate
from trust.checkpoint import sign_checkpoint
from trust.credential import (
    LogEvidence,
    build_credential,
    hours,
    sign_credential,
)
from trust.leaf import holder_tag
from trust.merkle import MerkleTree, leaf_hash


@pytest.fixture
def log():
    return Log()


@pytest.fixture
def credential(log):
    return signed_credential(log)


def test_an_untouched_certificate_is_authentic_offline(credential):
    verdict = verify_certificate(credential, issuer_keys())
    assert (verdict.verdict, failed(verdict)) == ("authentic", [])
    assert {c.name for c in verdict.checks if c.passed is None} == {"status", "log_consistency"}


def test_it_still_verifies_after_thousands_more_events(log, credential):
    old_size = log.tree.size
    log.append(3000)
    current = CurrentLog(log.checkpoint(), log.tree.consistency_proof(old_size))
    verdict = verify_certificate(
        credential, issuer_keys(), current_log=current, status=LedgerStatus("valid")
    )
    assert (verdict.verdict, failed(verdict)) == ("valid", [])


def test_hours_are_credits_at_two_decimals_and_minutes_stay_whole(credential):
    subject = credential["credentialSubject"]
    assert (subject["creditsEarned"], subject["result"][0]["value"]) == (hours(220), "220")
    assert hours(220) == 3.67


def all_paths(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from all_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from all_paths(item, (*path, index))
    else:
        yield path


def tampered(credential, path):
    copied = copy.deepcopy(credential)
    target = copied
    for step in path[:-1]:
        target = target[step]
    value = target[path[-1]]
    target[path[-1]] = (
        not value
        if isinstance(value, bool)
        else value + 1
        if isinstance(value, int | float)
        else value + "x"
    )
    return copied


def test_tampering_with_any_field_is_detected(credential):
    paths = [p for p in all_paths(credential) if p[0] != "proof"]
    assert len(paths) > 60
    for path in paths:
        verdict = verify_certificate(tampered(credential, path), issuer_keys())
        assert verdict.verdict == "invalid", path
        assert failed_signatures(verdict) == SUITES, path


def test_a_forged_minute_count_re_signed_with_a_stolen_key_still_fails_the_log(log, credential):
    forged = copy.deepcopy(credential)
    del forged["proof"]
    forged["credentialSubject"]["certificate"]["records"][0]["minutes"] = 150
    resigned = sign_credential(forged, ISSUER_KEY, METHOD)
    assert failed(verify_certificate(resigned, issuer_keys())) == ["record"]


def test_a_tampered_inclusion_proof_is_detected(credential):
    forged = copy.deepcopy(credential)
    del forged["proof"]
    entry = forged["evidence"][0]["entries"][0]
    lines = entry["proof"].split("\n")
    lines[2] = lines[3]  # replace the first sibling hash with the second
    entry["proof"] = "\n".join(lines)
    verdict = verify_certificate(sign_credential(forged, ISSUER_KEY, METHOD), issuer_keys())
    assert "inclusion" in failed(verdict)


def test_a_checkpoint_signed_by_another_key_is_detected(log):
    other = Ed25519PrivateKey.generate()
    evidence = log.evidence()
    note = sign_checkpoint(ORIGIN, log.tree.size, log.tree.root(), ORIGIN, other)
    forged = LogEvidence(ORIGIN, evidence.log_key, note, evidence.entries, evidence.holder)
    signed = sign_credential(build_credential(facts(), forged), ISSUER_KEY, METHOD)
    assert failed(verify_certificate(signed, issuer_keys())) == ["checkpoint_signature"]


def test_a_key_the_issuer_does_not_publish_is_detected(log):
    stranger = Ed25519PrivateKey.generate()
    signed = sign_credential(build_credential(facts(), log.evidence()), stranger, METHOD)
    assert failed(verify_certificate(signed, issuer_keys())) == ["signature"]


def test_a_rewritten_log_fails_consistency(log, credential):
    old_size = log.tree.size
    rewritten = Log()
    rewritten.leaves[1] = ("other", leaf(2, "Volunteer.Changed"))
    rewritten.tree = MerkleTree(leaf_hash(data) for _, (data, _) in rewritten.leaves)
    rewritten.append(10)
    current = CurrentLog(rewritten.checkpoint(), rewritten.tree.consistency_proof(old_size))
    assert failed(verify_certificate(credential, issuer_keys(), current_log=current)) == [
        "log_consistency"
    ]


@pytest.mark.parametrize("status", ["revoked", "superseded"])
def test_the_ledgers_status_is_the_verdict(credential, status):
    verdict = verify_certificate(credential, issuer_keys(), status=LedgerStatus(status, "原因"))
    assert (verdict.verdict, verdict.reason) == (status, "原因")


def test_leaves_reveal_no_more_than_the_certificate_needs(credential):
    for entry in credential["evidence"][0]["entries"]:
        leaf = json.loads(base64.b64decode(entry["leaf"]))
        assert set(leaf["public"]) <= {"status"}
        assert set(leaf["commitments"]) <= {
            "record",
            "holder",
            "service_date",
            "minutes",
            "number",
            "total_minutes",
            "record_ids",
        }


def resigned(credential, change):
    """The credential changed by ``change`` and signed again, as with a stolen issuer key."""
    forged = copy.deepcopy(credential)
    del forged["proof"]
    change(forged["evidence"][0])
    return sign_credential(forged, ISSUER_KEY, METHOD)


def test_an_opening_to_another_value_is_detected(credential):
    def change(evidence):
        evidence["entries"][-1]["openings"]["total_minutes"]["value"] = 300

    verdict = verify_certificate(resigned(credential, change), issuer_keys())
    assert "opening" in failed(verdict)
    assert "signature" not in failed(verdict)


def test_an_opening_with_another_salt_is_detected(credential):
    def change(evidence):
        openings = evidence["entries"][0]["openings"]
        openings["minutes"]["salt"] = openings["record"]["salt"]

    assert "opening" in failed(verify_certificate(resigned(credential, change), issuer_keys()))


def test_an_entry_without_its_openings_is_detected(credential):
    def change(evidence):
        del evidence["entries"][0]["openings"]

    assert "opening" in failed(verify_certificate(resigned(credential, change), issuer_keys()))


def test_a_record_of_another_person_is_detected():
    log = Log(rec_2_holder=holder_tag(LOG_SALT_KEY, "volunteer-2"))
    signed = sign_credential(build_credential(facts(), log.evidence()), ISSUER_KEY, METHOD)
    assert failed(verify_certificate(signed, issuer_keys())) == ["holder"]


def test_another_holder_named_in_the_evidence_is_detected(credential):
    def change(evidence):
        evidence["holder"] = holder_tag(LOG_SALT_KEY, "volunteer-2")

    assert failed(verify_certificate(resigned(credential, change), issuer_keys())) == ["holder"]


def test_a_leaf_of_another_record_given_for_a_counted_one_is_detected(log):
    log.leaves[5] = (
        f"record:{R2}",
        approved(6, R3),
    )
    log.tree = MerkleTree(leaf_hash(data) for _, (data, _) in log.leaves)
    signed = sign_credential(build_credential(facts(), log.evidence()), ISSUER_KEY, METHOD)
    verdict = verify_certificate(signed, issuer_keys())
    assert failed(verdict) == ["record"]
    assert "another record" in next(c.detail for c in verdict.checks if not c.passed)
