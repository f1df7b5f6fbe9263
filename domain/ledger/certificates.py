"""Commands and queries for certificates: request, issue, revoke, and whether one still holds."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID, uuid4

from domain.certificate import Certificate, certificate_number_from
from domain.certificate_request import CertificateRequest
from domain.errors import InvalidInputError, NotFoundError
from domain.ledger.base import LedgerBase
from domain.ledger.command import command
from domain.values import Actor, local_date


@dataclass(frozen=True)
class CertificateStatus:
    """``valid``, ``revoked`` (with the reason) or ``superseded`` (records changed since)."""

    number: str
    status: str
    reason: str | None = None
    changed_records: list[UUID] = field(default_factory=list)


class CertificateCommands(LedgerBase):
    @command
    def request_certificate(
        self,
        *,
        volunteer_id: UUID,
        issuer_id: UUID,
        period_start: date,
        period_end: date,
        actor: Actor,
    ) -> UUID:
        self.volunteer(volunteer_id)
        self.organisation(issuer_id)
        requested = CertificateRequest.request(
            id=uuid4(),
            volunteer_id=volunteer_id,
            issuer_id=issuer_id,
            period_start=period_start,
            period_end=period_end,
            actor=actor,
        )
        self._save(requested)
        return requested.id

    def certificate_request(self, id: UUID) -> CertificateRequest:
        return self._load(CertificateRequest, "certificate request", id)

    @command
    def decline_certificate_request(self, request_id: UUID, reason: str, actor: Actor) -> None:
        requested = self.certificate_request(request_id)
        requested.decline(reason, actor)
        self._save(requested)

    @command
    def issue_certificate(
        self,
        *,
        issuer_id: UUID,
        volunteer_id: UUID,
        record_ids: list[UUID],
        person_in_charge: str,
        handler: str,
        contact: str,
        actor: Actor,
        request_id: UUID | None = None,
    ) -> UUID:
        """Certify approved records of one volunteer that the issuer's subtree organised."""
        issuer = self.organisation(issuer_id)
        self.volunteer(volunteer_id)
        if len(set(record_ids)) != len(record_ids):
            raise InvalidInputError("a record is listed twice")
        records = [self.service_record(record_id) for record_id in record_ids]
        for record in records:
            if issuer_id not in self.organisation_and_ancestors(record.organisation_id):
                raise InvalidInputError(
                    "whoever organises records, certifies them: this record was organised "
                    "outside the issuer's organisations",
                    record_id=str(record.id),
                )
        now = self.now()
        today = local_date(now, issuer.timezone)
        certificate = Certificate.issue(
            number=certificate_number_from(today.year, secrets.randbelow(10**8)),
            volunteer_id=volunteer_id,
            issuer_id=issuer_id,
            records=records,
            person_in_charge=person_in_charge,
            handler=handler,
            contact=contact,
            issued_on=today,
            issued_at=now,
            actor=actor,
        )
        requested = None
        if request_id is not None:
            requested = self.certificate_request(request_id)
            if (requested.volunteer_id, requested.issuer_id) != (volunteer_id, issuer_id):
                raise InvalidInputError("the request is for another volunteer or issuer")
            requested.fulfil(certificate.id, actor)
        self._save(certificate, requested)
        return certificate.id

    def certificate_number_of(self, certificate_id: UUID) -> str:
        return self._load(Certificate, "certificate", certificate_id).number

    def certificate(self, number: str) -> Certificate:
        return self._load(Certificate, "certificate", Certificate.id_for(number))

    @command
    def revoke_certificate(self, number: str, reason: str, actor: Actor) -> None:
        certificate = self.certificate(number)
        certificate.revoke(reason, actor)
        self._save(certificate)

    def certificate_status(self, number: str) -> CertificateStatus:
        """Whether the certificate holds as the ledger stands now."""
        certificate = self.certificate(number)
        if certificate.revocation_reason is not None:
            return CertificateStatus(number, "revoked", certificate.revocation_reason)
        changed = []
        for record_id, minutes in zip(
            certificate.record_ids, certificate.record_minutes, strict=True
        ):
            try:
                record = self.service_record(record_id)
            except NotFoundError:  # pragma: no cover - records are never deleted
                changed.append(record_id)
                continue
            if record.status != "approved" or record.minutes != minutes:
                changed.append(record_id)
        if changed:
            return CertificateStatus(
                number,
                "superseded",
                "a counted record was corrected or revoked after issue",
                changed,
            )
        return CertificateStatus(number, "valid")
