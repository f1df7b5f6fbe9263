"""A certificate of service hours as a W3C Verifiable Credential 2.0 / Open Badges 3.0
``OpenBadgeCredential``, secured by a proof set: one ``eddsa-jcs-2022`` proof and one
``eddsa-rdfc-2022`` proof, each over the document without proof (a set, not a chain).
The fixed parts of its shape (contexts, achievement, result) are in ``trust.ob3``.

Minutes stay integers (in ``result`` and in each record); ``creditsEarned`` is the hours at
two decimals, rounded half up from the minutes with decimal arithmetic. The evidence carries
C2SP tlog-proof inclusion proofs, all against one signed checkpoint, for every event of every
counted record and for the issuing event, with each leaf's data, so that a verifier can read
from the log itself what the certificate claims.
"""

from __future__ import annotations

import base64
import copy
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from trust import eddsa_jcs, eddsa_rdfc
from trust.eddsa_jcs import ProofOptions
from trust.ob3 import (
    CONTEXTS,
    EVIDENCE_TYPE,
    achievement,
    minutes_result,
    related_resources,
)
from trust.status_list import StatusSlot, credential_status


@dataclass(frozen=True)
class CertifiedRecord:
    record_id: str
    """The record's UUID; the credential names it as ``urn:uuid:…``."""
    service_date: date
    activity: str
    category: str
    minutes: int


@dataclass(frozen=True)
class LoggedEntry:
    """One leaf of the log that the certificate rests on."""

    about: str
    """``record:<id>`` for an event of a counted record, ``issuance`` for the issuing event."""
    leaf_index: int
    leaf: bytes
    tlog_proof: str
    openings: dict[str, Any]
    """Per committed field of the leaf: ``{"salt": base64, "value": …}`` (a list for a list)."""


@dataclass(frozen=True)
class LogEvidence:
    origin: str
    log_key: str
    """The log's verifier key (signed-note vkey) that signs its checkpoints."""
    checkpoint: str
    entries: list[LoggedEntry]
    holder: str
    """The holder tag the leaves of the certificate and its records commit to."""


@dataclass(frozen=True)
class CertificateFacts:
    number: str
    volunteer_name: str
    volunteer_number: str
    issuer_id: str
    issuer_name: str
    person_in_charge: str
    handler: str
    contact: str
    issued_on: date
    """The date of issue where the issuer is (China's time for most)."""
    issued_at: datetime
    """The instant of issue; the credential is valid from it."""
    period_start: date
    period_end: date
    records: list[CertifiedRecord]
    verification_url: str
    status_url: str
    status_slot: StatusSlot | None = None
    """Its place in the issuer's status lists; None for a certificate issued before them."""

    @property
    def total_minutes(self) -> int:
        return sum(record.minutes for record in self.records)


def hours(minutes: int) -> float:
    """Hours at two decimals, half up, as a float JCS writes exactly (1.67 for 100 minutes)."""
    return float((Decimal(minutes) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def xsd_utc(moment: datetime) -> str:
    """An instant in UTC to the second, as the proof's ``created`` is written: a credential
    issued and signed within one second is not valid from after its own proof."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_credential(facts: CertificateFacts, evidence: LogEvidence) -> dict[str, Any]:
    """The unsigned credential."""
    return {
        "@context": CONTEXTS,
        "id": f"urn:volunteer-ledger:certificate:{facts.number}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "志愿服务证明 / Certificate of Volunteer Service",
        "issuer": {"id": facts.issuer_id, "type": ["Profile"], "name": facts.issuer_name},
        "validFrom": xsd_utc(facts.issued_at),
        "relatedResource": related_resources(),
        "credentialStatus": credential_status(facts.status_url, facts.status_slot),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": facts.volunteer_name,
                },
                {
                    "type": "IdentityObject",
                    "identityType": "identifier",
                    "hashed": False,
                    "identityHash": facts.volunteer_number,
                },
            ],
            "achievement": achievement(),
            "creditsEarned": hours(facts.total_minutes),
            "activityStartDate": f"{facts.period_start.isoformat()}T00:00:00Z",
            "activityEndDate": f"{facts.period_end.isoformat()}T00:00:00Z",
            "result": [minutes_result(facts.total_minutes)],
            "certificate": {
                "number": facts.number,
                "issuedOn": facts.issued_on.isoformat(),
                "totalMinutes": facts.total_minutes,
                "personInCharge": facts.person_in_charge,
                "handler": facts.handler,
                "contact": facts.contact,
                "verificationUrl": facts.verification_url,
                "records": [
                    {
                        "id": f"urn:uuid:{r.record_id}",
                        "serviceDate": r.service_date.isoformat(),
                        "activity": r.activity,
                        "category": r.category,
                        "minutes": r.minutes,
                    }
                    for r in facts.records
                ],
            },
        },
        "evidence": [
            {
                "type": ["Evidence", EVIDENCE_TYPE],
                "name": "Transparency log inclusion proofs",
                "description": "RFC 9162 inclusion proofs (C2SP tlog-proof) of the counted "
                "records' events and of the issuing event, against one checkpoint, with the "
                "openings of the leaves' commitments.",
                "origin": evidence.origin,
                "logKey": evidence.log_key,
                "checkpoint": evidence.checkpoint,
                "holder": evidence.holder,
                "entries": [
                    {
                        "about": e.about,
                        "leafIndex": e.leaf_index,
                        "leaf": base64.b64encode(e.leaf).decode(),
                        "proof": e.tlog_proof,
                        "openings": e.openings,
                    }
                    for e in evidence.entries
                ],
            }
        ],
    }


def sign_credential(
    credential: dict[str, Any],
    private_key: Ed25519PrivateKey,
    verification_method: str,
    created: datetime | None = None,
) -> dict[str, Any]:
    """The credential with a proof set: an ``eddsa-jcs-2022`` proof, then an
    ``eddsa-rdfc-2022`` proof, both over the credential without any proof."""
    options = ProofOptions(
        verification_method=verification_method, created=created or datetime.now(UTC)
    )
    unsigned = copy.deepcopy({name: value for name, value in credential.items() if name != "proof"})
    return {
        **unsigned,
        "proof": [
            eddsa_jcs.create_proof(unsigned, options, private_key),
            eddsa_rdfc.create_proof(unsigned, options, private_key),
        ],
    }
