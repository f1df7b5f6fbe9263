"""A volunteer's request for a certificate, which an organiser of the issuer fulfils or declines."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidInputError, RecordStateError
from domain.values import Actor, require_reason


class CertificateRequest(Aggregate):
    class Requested(Aggregate.Created):
        volunteer_id: UUID
        issuer_id: UUID
        period_start: date
        period_end: date
        actor: str

    class Fulfilled(Aggregate.Event):
        certificate_id: UUID
        actor: str

    class Declined(Aggregate.Event):
        reason: str
        actor: str

    @classmethod
    def request(
        cls,
        *,
        id: UUID,
        volunteer_id: UUID,
        issuer_id: UUID,
        period_start: date,
        period_end: date,
        actor: Actor,
    ) -> CertificateRequest:
        if period_end < period_start:
            raise InvalidInputError("the period ends before it starts")
        requested: CertificateRequest = cls._create(
            cls.Requested,
            id=id,
            volunteer_id=volunteer_id,
            issuer_id=issuer_id,
            period_start=period_start,
            period_end=period_end,
            actor=str(actor),
        )
        return requested

    @event(Requested)
    def __init__(
        self,
        volunteer_id: UUID,
        issuer_id: UUID,
        period_start: date,
        period_end: date,
        actor: str,
    ) -> None:
        self.volunteer_id = volunteer_id
        self.issuer_id = issuer_id
        self.period_start = period_start
        self.period_end = period_end
        self.outcome: str | None = None

    def period_for(self, start: date | None, end: date | None) -> tuple[date, date]:
        """The period a certificate for this request covers: the requested one. An issuer who
        gives dates too must give the same ones, so that the certificate answers the request."""
        for given, requested, name in (
            (start, self.period_start, "period_start"),
            (end, self.period_end, "period_end"),
        ):
            if given is not None and given != requested:
                raise InvalidInputError(
                    f"the request is for {self.period_start} to {self.period_end}; "
                    f"{name} {given} differs: leave it out to use the request's period",
                    field=name,
                    request_id=str(self.id),
                )
        return self.period_start, self.period_end

    def _require_open(self) -> None:
        if self.outcome is not None:
            raise RecordStateError(
                f"the request is already {self.outcome}", request_id=str(self.id)
            )

    def fulfil(self, certificate_id: UUID, actor: Actor) -> None:
        self._require_open()
        self._fulfil(certificate_id=certificate_id, actor=str(actor))

    def decline(self, reason: str, actor: Actor) -> None:
        self._require_open()
        self._decline(reason=require_reason(reason), actor=str(actor))

    @event(Fulfilled)
    def _fulfil(self, certificate_id: UUID, actor: str) -> None:
        self.outcome = "fulfilled"

    @event(Declined)
    def _decline(self, reason: str, actor: str) -> None:
        self.outcome = "declined"
