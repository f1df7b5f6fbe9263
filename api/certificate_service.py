"""Certificates as documents: the signed credential, its evidence from the log, the PDF, and
verification on the server's side. The ledger decides what a certificate counts; this module
only presents it and proves it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from api.issuer import IssuerKeyring
from certificates import CertificateRecord, CertificateView, render_certificate_pdf
from domain.certificate import Certificate
from domain.errors import LedgerError
from domain.ledger import Ledger
from projections.transparency.log import TransparencyLog
from projections.transparency.records import SignedCheckpoint, StoredLeaf
from trust.certificate_check import (
    CurrentLog,
    IssuerKeys,
    LedgerStatus,
    Verdict,
    verify_certificate,
)
from trust.checkpoint import parse_checkpoint
from trust.credential import (
    CertificateFacts,
    CertifiedRecord,
    LogEvidence,
    LoggedEntry,
    build_credential,
    sign_credential,
)
from trust.errors import TrustError
from trust.status_check import list_urls
from trust.status_list import StatusSlot
from trust.tlog_proof import TlogProof, format_tlog_proof

if TYPE_CHECKING:
    from api.status_lists import StatusListService


@dataclass
class CertificateService:
    ledger: Ledger
    log: TransparencyLog
    keyring: IssuerKeyring
    public_url: str
    status_lists: StatusListService | None = None

    def verification_url(self, number: str) -> str:
        return f"{self.public_url.rstrip('/')}/V/{number}".upper()

    def facts(self, certificate: Certificate) -> CertificateFacts:
        ledger = self.ledger
        volunteer = ledger.volunteer(certificate.volunteer_id)
        issuer = ledger.organisation(certificate.issuer_id)
        records = []
        for record_id, minutes in zip(
            certificate.record_ids, certificate.record_minutes, strict=True
        ):
            record = ledger.service_record(record_id)
            activity = ledger.activity(record.activity_id)
            records.append(
                CertifiedRecord(
                    str(record_id), record.service_date, activity.title, activity.category, minutes
                )
            )
        return CertificateFacts(
            number=certificate.number,
            volunteer_name=volunteer.name,
            volunteer_number=volunteer.volunteer_number,
            issuer_id=self.keyring.issuer_id,
            issuer_name=issuer.name,
            person_in_charge=certificate.person_in_charge,
            handler=certificate.handler,
            contact=certificate.contact,
            issued_on=certificate.issued_on,
            issued_at=certificate.issued_at,
            period_start=certificate.period_start,
            period_end=certificate.period_end,
            records=records,
            verification_url=self.verification_url(certificate.number),
            status_url=f"{self.public_url.rstrip('/')}/v1/certificates/{certificate.number}/status",
            status_slot=None
            if certificate.status_slot is None
            else StatusSlot(self.public_url, *certificate.status_slot),
        )

    def evidence(self, certificate: Certificate) -> LogEvidence:
        """Inclusion proofs, against the freshest checkpoint, of the issuing event and of every
        event of the counted records that came before it, each with the openings of its
        commitments, and the holder tag they commit to: the only place these are given out.
        (The log finds an aggregate's leaves by its own private columns; no leaf names it.)"""
        checkpoint = self.log.refresh()
        issuance = self.log.leaves_of(str(certificate.id))[0]
        entries = [self._entry("issuance", issuance, checkpoint)]
        for record_id in certificate.record_ids:
            for leaf in self.log.leaves_of(str(record_id)):
                if leaf.position < issuance.position:
                    entries.append(self._entry(f"record:{record_id}", leaf, checkpoint))
        holder = self.log.holder(str(certificate.volunteer_id))
        return LogEvidence(self.log.origin, self.log.vkey, checkpoint.note, entries, holder)

    def _entry(self, about: str, leaf: StoredLeaf, checkpoint: SignedCheckpoint) -> LoggedEntry:
        proof = self.log.inclusion_proof(leaf.index, checkpoint.size)
        text = format_tlog_proof(TlogProof(leaf.index, tuple(proof), checkpoint.note))
        return LoggedEntry(about, leaf.index, leaf.data, text, self.log.openings(leaf))

    def credential(self, number: str) -> dict[str, Any]:
        certificate = self.ledger.certificate(number)
        unsigned = build_credential(self.facts(certificate), self.evidence(certificate))
        return sign_credential(
            unsigned, self.keyring.signing_key, self.keyring.signing_method, self.ledger.now()
        )

    def pdf(self, number: str) -> bytes:
        certificate = self.ledger.certificate(number)
        credential = self.credential(number)
        facts = self.facts(certificate)
        status = self.ledger.certificate_status(number)
        view = CertificateView(
            number=facts.number,
            volunteer_name=facts.volunteer_name,
            volunteer_number=facts.volunteer_number,
            total_minutes=facts.total_minutes,
            period_start=facts.period_start,
            period_end=facts.period_end,
            records=[
                CertificateRecord(r.service_date, r.activity, r.category, r.minutes)
                for r in facts.records
            ],
            issuer_name=facts.issuer_name,
            person_in_charge=facts.person_in_charge,
            handler=facts.handler,
            contact=facts.contact,
            issued_on=facts.issued_on,
            verification_url=facts.verification_url,
            status_note=None
            if status.status == "valid"
            else {"revoked": "已撤销 / Revoked", "superseded": "已被更正 / Superseded"}[
                status.status
            ],
        )
        body = json.dumps(credential, ensure_ascii=False, indent=2).encode()
        return render_certificate_pdf(view, body)

    def issuer_keys(self) -> IssuerKeys:
        return IssuerKeys(
            self.keyring.issuer_id,
            {key.method_id: key.public_key for key in self.keyring.published()},
            self.log.vkey,
        )

    def verify(self, credential: dict[str, Any]) -> Verdict:
        """Every check, the online ones included: consistency with the log now, the status
        lists this service publishes, and the ledger's status."""
        current = self.log.refresh()
        current_log = None
        number = None
        try:
            evidence = next(e for e in credential.get("evidence", []) if "checkpoint" in e)
            size = parse_checkpoint(str(evidence["checkpoint"])).size
            if size <= current.size:
                current_log = CurrentLog(
                    current.note, self.log.consistency_proof(size, current.size)
                )
            number = credential["credentialSubject"]["certificate"]["number"]
        except (StopIteration, KeyError, TypeError, ValueError, AttributeError, TrustError):
            pass  # a malformed credential: the checks below say what is wrong with it
        status = None
        if isinstance(number, str):
            try:
                found = self.ledger.certificate_status(number)
                status = LedgerStatus(found.status, found.reason)
            except LedgerError:
                status = LedgerStatus("unknown", "this ledger has no certificate with that number")
        lists = None
        if self.status_lists is not None:
            lists = self.status_lists.lists_for(list_urls(credential))
        return verify_certificate(
            credential,
            self.issuer_keys(),
            current_log=current_log,
            status=status,
            status_lists=lists,
        )
