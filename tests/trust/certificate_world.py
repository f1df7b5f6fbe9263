"""A log built here from the trust primitives, a certificate on it, and how to read a verdict:
what the certificate verifier's tests share."""

from datetime import UTC, date, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from trust.certificate_check import IssuerKeys
from trust.checkpoint import sign_checkpoint
from trust.credential import (
    CertificateFacts,
    CertifiedRecord,
    LogEvidence,
    LoggedEntry,
    build_credential,
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


def signed_credential(log: Log) -> dict[str, Any]:
    return sign_credential(build_credential(facts(), log.evidence()), ISSUER_KEY, METHOD)


SUITES = ["signature[eddsa-jcs-2022]", "signature[eddsa-rdfc-2022]"]


def failed_signatures(verdict):
    return sorted(c.name for c in verdict.checks if c.name in SUITES and c.passed is False)


def failed(verdict):
    return sorted({c.name.split("[")[0].split(" ")[0] for c in verdict.checks if c.passed is False})
