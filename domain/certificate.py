"""A certificate of volunteer service hours, issued by the organisation that organised them.

China's rules: certificates are free; "whoever organises records, whoever records certifies".
A certificate counts approved records of one volunteer that its issuer's subtree organised.
Issuing and revoking are events; whether it still holds (revoked, or superseded because a
counted record changed after issue) is read from the ledger when it is verified.

Each certificate also has a slot in the issuer's published status lists (W3C Bitstring Status
List): a list number and an index in it, drawn at random when it is issued and recorded in the
issuing event, so that the credential, rebuilt at any time, always points at the same bit.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidInputError, RecordStateError
from domain.values import (
    Actor,
    derived_id,
    require_reason,
    require_text,
    volunteer_number_from,
)


def certificate_number_from(year: int, random_value: int) -> str:
    """``VC`` + year + eight digits + a check digit: upper case and digits only, so the
    verification URL fits a QR code's alphanumeric mode."""
    return f"VC{year}{volunteer_number_from(random_value)}"


#: Entries in one status list (16 KB of bits, the spec's minimum: herd privacy).
STATUS_LIST_LENGTH = 131_072


class Certificate(Aggregate):
    """A certificate of one volunteer's approved hours, from one issuing organisation."""

    #: Version 2 knows its status slot; older snapshots had none.
    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, object]) -> None:
        state["status_list"] = None
        state["status_index"] = None

    class Issued(Aggregate.Created):
        """``status_list``, ``status_index``: the certificate's slot in the status lists,
        claimed with the key ``status-index`` in the same save; version 1 events (issued
        before status lists) had none: ``None``."""

        class_version = 2

        number: str
        volunteer_id: UUID
        issuer_id: UUID
        record_ids: list[UUID]
        record_minutes: list[int]
        total_minutes: int
        period_start: date
        period_end: date
        person_in_charge: str
        handler: str
        contact: str
        issued_on: date
        actor: str
        status_list: int | None
        status_index: int | None

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            state["status_list"] = None
            state["status_index"] = None

    class Revoked(Aggregate.Event):
        number: str
        reason: str
        actor: str

    @staticmethod
    def id_for(number: str) -> UUID:
        return derived_id("certificate", number)

    @classmethod
    def issue(
        cls,
        *,
        number: str,
        volunteer_id: UUID,
        issuer_id: UUID,
        records: list[Any],
        person_in_charge: str,
        handler: str,
        contact: str,
        issued_on: date,
        issued_at: datetime,
        actor: Actor,
        status_slot: tuple[int, int] | None = None,
    ) -> Certificate:
        """``records``: the ServiceRecord aggregates counted, all approved and the volunteer's.

        The caller has checked that the issuer's subtree organised each of them. ``issued_at``
        is the instant of issue (the Issued event's time); ``issued_on`` its date where the
        issuer is. ``status_slot``: (list number, index) in the status lists, free and
        claimed by the caller in the same save.
        """
        if not records:
            raise InvalidInputError("a certificate counts at least one approved record")
        for record in records:
            if record.volunteer_id != volunteer_id:
                raise InvalidInputError(
                    "a certificate counts one volunteer's records", record_id=str(record.id)
                )
            if record.status != "approved":
                raise RecordStateError(
                    f"only approved records count; this one is {record.status}",
                    record_id=str(record.id),
                )
        ordered = sorted(records, key=lambda r: (r.service_date, str(r.id)))
        certificate: Certificate = cls._create(
            cls.Issued,
            id=cls.id_for(number),
            timestamp=issued_at,
            number=number,
            volunteer_id=volunteer_id,
            issuer_id=issuer_id,
            record_ids=[r.id for r in ordered],
            record_minutes=[r.minutes for r in ordered],
            total_minutes=sum(r.minutes for r in ordered),
            period_start=ordered[0].service_date,
            period_end=ordered[-1].service_date,
            person_in_charge=require_text(person_in_charge, "the person in charge", 50),
            handler=require_text(handler, "the handler", 50),
            contact=require_text(contact, "a contact", 100),
            issued_on=issued_on,
            actor=str(actor),
            status_list=None if status_slot is None else status_slot[0],
            status_index=None if status_slot is None else status_slot[1],
        )
        return certificate

    @event(Issued)
    def __init__(
        self,
        number: str,
        volunteer_id: UUID,
        issuer_id: UUID,
        record_ids: list[UUID],
        record_minutes: list[int],
        total_minutes: int,
        period_start: date,
        period_end: date,
        person_in_charge: str,
        handler: str,
        contact: str,
        issued_on: date,
        actor: str,
        status_list: int | None = None,
        status_index: int | None = None,
    ) -> None:
        self.number = number
        self.volunteer_id = volunteer_id
        self.issuer_id = issuer_id
        self.record_ids = list(record_ids)
        self.record_minutes = list(record_minutes)
        self.total_minutes = total_minutes
        self.period_start = period_start
        self.period_end = period_end
        self.person_in_charge = person_in_charge
        self.handler = handler
        self.contact = contact
        self.issued_on = issued_on
        self.revocation_reason: str | None = None
        self.status_list = status_list
        self.status_index = status_index

    @property
    def issued_at(self) -> datetime:
        """The instant of issue: the time of the Issued event."""
        return self.created_on

    @property
    def status_slot(self) -> tuple[int, int] | None:
        """(list number, index) in the status lists; None if issued before them."""
        if self.status_list is None or self.status_index is None:
            return None
        return self.status_list, self.status_index

    @property
    def is_revoked(self) -> bool:
        return self.revocation_reason is not None

    def revoke(self, reason: str, actor: Actor) -> None:
        if self.is_revoked:
            raise RecordStateError("the certificate is already revoked", number=self.number)
        self._revoke(number=self.number, reason=require_reason(reason), actor=str(actor))

    @event(Revoked)
    def _revoke(self, number: str, reason: str, actor: str) -> None:
        self.revocation_reason = reason
