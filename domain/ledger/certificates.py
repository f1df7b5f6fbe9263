"""Commands and queries for certificates: request, issue, revoke, and whether one still holds."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date
from uuid import UUID, uuid4

from domain.certificate import STATUS_LIST_LENGTH, Certificate, certificate_number_from
from domain.certificate_request import CertificateRequest
from domain.errors import InvalidInputError, NotFoundError
from domain.ledger.base import LedgerBase
from domain.ledger.command import command
from domain.unique_key import UniqueKey
from domain.values import Actor, local_date

#: Claims of status slots, ``<list>/<index>``: no two certificates share a bit.
STATUS_INDEX = "status-index"
#: Random draws in one list before the next list is tried: a list fills to ~90% or so.
DRAWS_PER_LIST = 8


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
        number = certificate_number_from(today.year, secrets.randbelow(10**8))
        slot_key, slot = self._free_status_slot(actor)
        certificate = Certificate.issue(
            number=number,
            volunteer_id=volunteer_id,
            issuer_id=issuer_id,
            records=records,
            person_in_charge=person_in_charge,
            handler=handler,
            contact=contact,
            issued_on=today,
            issued_at=now,
            actor=actor,
            status_slot=slot,
        )
        slot_key.claim(certificate.id, actor)
        requested = None
        if request_id is not None:
            requested = self.certificate_request(request_id)
            if (requested.volunteer_id, requested.issuer_id) != (volunteer_id, issuer_id):
                raise InvalidInputError("the request is for another volunteer or issuer")
            requested.fulfil(certificate.id, actor)
        self._save(certificate, slot_key, requested)
        return certificate.id

    def _free_status_slot(self, actor: Actor) -> tuple[UniqueKey, tuple[int, int]]:
        """A random free index in the status lists, and the key that claims it (herd privacy:
        neighbours in a list are not neighbours in time). List 0 is drawn from first; after
        ``DRAWS_PER_LIST`` taken draws in a list, the next. Two issues drawing the same free
        slot at once collide on the key's creation, and the loser's retry draws again."""
        list_number = 0
        while True:
            for _ in range(DRAWS_PER_LIST):
                index = secrets.randbelow(STATUS_LIST_LENGTH)
                key = self._unique_key(STATUS_INDEX, f"{list_number}/{index}", actor)
                if key.owner_id is None:
                    return key, (list_number, index)
            list_number += 1

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
