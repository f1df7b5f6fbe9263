"""The certificate verifier against a log built here from the trust primitives."""

import base64
import copy
import json
from datetime import UTC, date, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from trust.certificate_check import CurrentLog, IssuerKeys, LedgerStatus, verify_certificate
from trust.checkpoint import sign_checkpoint
from trust.credential import (
    CertificateFacts,
    CertifiedRecord,
    LogEvidence,
    LoggedEntry,
    build_credential,
    hours,
    sign_credential,
)
from trust.leaf import encode_leaf, holder_tag, openings
from trust.merkle import MerkleTree, leaf_hash
from trust.note import vkey
from trust.tlog_proof import TlogProof, format_tlog_proof

ISSUER = "did:web:ledger.example"
METHOD = ISSUER + "#key-1"
ORIGIN = "ledger.example/log"
ISSUER_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
LOG_KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(1, 33)))
R1, R2, R3 = (f"0b5e3c7a-1f4d-4c2e-9a10-00000000000{n}" for n in (1, 2, 3))
RECORDS = [
    CertifiedRecord(
        R1,
        date(2026, 3, 3),
        "早高峰文明交通劝导",
        "文明劝导",
        120,
    ),
    CertifiedRecord(R2, date(2026, 3, 10), "社区义诊", "义诊", 100),
]


LOG_SALT_KEY = bytes(range(2, 34))
HOLDER = holder_tag(LOG_SALT_KEY, "volunteer-1")
TIME = datetime(2026, 3, 20, tzinfo=UTC)


def leaf(position, event, public=None, committed=None):
    """A leaf of format 2 and the openings of its commitments."""
    place = {"position": position, "aggregate_id": f"aggregate-{position}", "version": 1}
    committed = committed or {}
    data = encode_leaf(
        **place,
        topic=f"domain:{event}",
        time=TIME,
        public=public or {},
        committed=committed,
        state=b"{}",
        log_key=LOG_SALT_KEY,
    )
    return data, openings(**place, committed=committed, log_key=LOG_SALT_KEY)


def recorded(position, record, day, minutes, holder=HOLDER):
    committed = {"record": record, "holder": holder, "service_date": day, "minutes": minutes}
    return leaf(position, "ServiceRecord.Recorded", committed=committed)


def approved(position, record):
    return leaf(position, "ServiceRecord.Approved", {"status": "approved"}, {"record": record})


class Log:
    """A tiny log: leaves for the two records' events, an unrelated event, and the issue."""

    def __init__(self, rec_2_holder=HOLDER):
        self.leaves = [
            (
                f"record:{R1}",
                recorded(1, R1, "2026-03-03", 150),
            ),
            ("other", leaf(2, "Volunteer.Registered")),
            (
                f"record:{R2}",
                recorded(3, R2, "2026-03-10", 100, rec_2_holder),
            ),
            (
                f"record:{R1}",
                leaf(
                    4,
                    "ServiceRecord.Corrected",
                    committed={"record": R1, "minutes": 120},
                ),
            ),
            (
                f"record:{R1}",
                approved(5, R1),
            ),
            (
                f"record:{R2}",
                approved(6, R2),
            ),
            (
                "issuance",
                leaf(
                    7,
                    "Certificate.Issued",
                    committed={
                        "number": "VC2026123456782",
                        "holder": HOLDER,
                        "record_ids": [
                            R1,
                            R2,
                        ],
                        "total_minutes": 220,
                    },
                ),
            ),
        ]
        self.tree = MerkleTree(leaf_hash(data) for _, (data, _) in self.leaves)

    def append(self, count):
        for n in range(count):
            self.tree.append(leaf_hash(leaf(100 + n, "Volunteer.Registered")[0]))

    def checkpoint(self):
        return sign_checkpoint(ORIGIN, self.tree.size, self.tree.root(), ORIGIN, LOG_KEY)

    def evidence(self):
        note = self.checkpoint()
        entries = [
            LoggedEntry(
                about,
                index,
                data,
                format_tlog_proof(TlogProof(index, tuple(self.tree.inclusion_proof(index)), note)),
                opened,
            )
            for index, (about, (data, opened)) in enumerate(self.leaves)
            if about != "other"
        ]
        return LogEvidence(ORIGIN, log_vkey(), note, entries, HOLDER)


def log_vkey():
    return vkey(ORIGIN, LOG_KEY.public_key())


def issuer_keys():
    return IssuerKeys(ISSUER, {METHOD: ISSUER_KEY.public_key()}, log_vkey())


def facts():
    return CertificateFacts(
        number="VC2026123456782",
        volunteer_name="王小明",
        volunteer_number="123456782",
        issuer_id=ISSUER,
        issuer_name="和平里社区",
        person_in_charge="李主任",
        handler="王干事",
        contact="010-64200000",
        issued_on=date(2026, 3, 20),
        issued_at=datetime(2026, 3, 20, 1, 45, tzinfo=UTC),
        period_start=date(2026, 3, 3),
        period_end=date(2026, 3, 10),
        records=RECORDS,
        verification_url="https://ledger.example/V/VC2026123456782",
        status_url="https://ledger.example/v1/certificates/VC2026123456782/status",
    )


@pytest.fixture
def log():
    return Log()


@pytest.fixture
def credential(log):
    return sign_credential(build_credential(facts(), log.evidence()), ISSUER_KEY, METHOD)


SUITES = ["signature[eddsa-jcs-2022]", "signature[eddsa-rdfc-2022]"]


def failed_signatures(verdict):
    return sorted(c.name for c in verdict.checks if c.name in SUITES and c.passed is False)


def failed(verdict):
    return sorted({c.name.split("[")[0].split(" ")[0] for c in verdict.checks if c.passed is False})


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
