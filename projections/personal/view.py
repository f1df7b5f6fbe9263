"""A volunteer's own requests and certificates, and each shift's revisions for calendars."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from domain.account import Account
from domain.certificate import Certificate
from domain.certificate_request import CertificateRequest
from domain.service_record import ServiceRecord
from domain.shift import Shift
from domain.values import Actor
from domain.volunteer import Volunteer
from projections.base import Projection, on
from projections.events import (
    ACCOUNT_EVENTS,
    ACTIVITY_EVENTS,
    ATTENDANCE_EVENTS,
    ORGANISATION_EVENTS,
    RECEIPT_EVENTS,
    RECOGNITION_EVENTS,
    SERIES_EVENTS,
    SERVICE_RECORD_EVENTS,
    SHIFT_EVENTS,
    TIMESHEET_EVENTS,
    UNIQUE_KEY_EVENTS,
    VOLUNTEER_EVENTS,
    LedgerEvent,
)
from projections.stores.buffered import BufferedTable
from projections.stores.protocol import Transaction

SHIFT_VERSION_COLUMNS = ("shift_id", "sequence", "modified_at", "cancel_reason")
CORRECTION_EVENTS = frozenset(
    {
        ServiceRecord.CorrectionRequested,
        ServiceRecord.CorrectionRequestAccepted,
        ServiceRecord.CorrectionRequestDeclined,
    }
)
SHIFT_CHANGES = frozenset({Shift.Scheduled, Shift.Rescheduled, Shift.Cancelled})


class Personal(Projection):
    """The certificates and correction requests of each volunteer, as they stand, with the
    position that made each (newest first is by that position); and for every shift its
    revision (``sequence``: how often it was rescheduled or cancelled), when that last
    happened, and why it was cancelled, which a calendar feed shows. A volunteer's certificate
    requests are read from the ``certificate_requests`` read model, which the organisers'
    queue keeps.

    Correction requests name only their record: a query finds the volunteer by joining the
    service records' table. Shifts are buffered through a batch (most are only scheduled);
    the rest is written at once, as it is rare.
    """

    name = "personal"
    #: 3: correction requests keep who asked (``requester``), for an erasure to find them.
    version = 3
    indexes = (
        "my_certificates_volunteer ON my_certificates (volunteer_id, position)",
        "my_corrections_record ON my_correction_requests (record_id)",
    )
    ignores: ClassVar[frozenset[type]] = frozenset(
        {
            *ACCOUNT_EVENTS,
            *ACTIVITY_EVENTS,
            *ATTENDANCE_EVENTS,
            *ORGANISATION_EVENTS,
            *RECEIPT_EVENTS,
            *SERIES_EVENTS,
            *RECOGNITION_EVENTS,
            *(SERVICE_RECORD_EVENTS - CORRECTION_EVENTS),
            *(SHIFT_EVENTS - SHIFT_CHANGES),
            *TIMESHEET_EVENTS,
            *UNIQUE_KEY_EVENTS,
            *(VOLUNTEER_EVENTS - {Volunteer.Erased}),
            CertificateRequest.Requested,  # kept by the certificate_requests read model
            CertificateRequest.Fulfilled,
            CertificateRequest.Declined,
        }
    )

    def __init__(self) -> None:
        self._shifts = BufferedTable("my_shift_versions", SHIFT_VERSION_COLUMNS)

    def create(self, tx: Transaction) -> None:
        tx.execute(
            """CREATE TABLE IF NOT EXISTS my_certificates (
                id TEXT PRIMARY KEY, volunteer_id TEXT NOT NULL, number TEXT NOT NULL,
                issuer_id TEXT NOT NULL, total_minutes INTEGER NOT NULL,
                period_start TEXT NOT NULL, period_end TEXT NOT NULL, issued_at TEXT NOT NULL,
                status TEXT NOT NULL, revoked_at TEXT, reason TEXT, position BIGINT NOT NULL)"""
        )
        tx.execute(
            """CREATE TABLE IF NOT EXISTS my_correction_requests (
                id TEXT PRIMARY KEY, record_id TEXT NOT NULL, minutes INTEGER NOT NULL,
                reason TEXT NOT NULL, status TEXT NOT NULL, requested_at TEXT NOT NULL,
                resolved_at TEXT, accepted_minutes INTEGER, decline_reason TEXT,
                requester TEXT NOT NULL,
                position BIGINT NOT NULL)"""
        )
        tx.execute(
            """CREATE TABLE IF NOT EXISTS my_shift_versions (
                shift_id TEXT PRIMARY KEY, sequence INTEGER NOT NULL, modified_at TEXT NOT NULL,
                cancel_reason TEXT)"""
        )

    def drop(self, tx: Transaction) -> None:
        tx.execute("DROP TABLE IF EXISTS my_cert_requests")  # kept by version 1
        for table in (
            "my_certificates",
            "my_correction_requests",
            "my_shift_versions",
        ):
            tx.execute(f"DROP TABLE IF EXISTS {table}")

    def apply_batch(self, tx: Transaction, events: Sequence[tuple[Any, int]]) -> None:
        self._shifts.clear()
        super().apply_batch(tx, events)
        self._shifts.write(tx)

    @on(Certificate.Issued)
    def _issued(self, tx: Transaction, e: Certificate.Issued, position: int) -> None:
        tx.execute(
            "INSERT INTO my_certificates (id, volunteer_id, number, issuer_id, total_minutes, "
            "period_start, period_end, issued_at, status, position) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'valid', ?)",
            (
                str(e.originator_id),
                str(e.volunteer_id),
                e.number,
                str(e.issuer_id),
                e.total_minutes,
                e.period_start.isoformat(),
                e.period_end.isoformat(),
                _at(e),
                position,
            ),
        )

    @on(Certificate.Revoked)
    def _revoked(self, tx: Transaction, e: Certificate.Revoked, position: int) -> None:
        tx.execute(
            "UPDATE my_certificates SET status = 'revoked', revoked_at = ?, reason = ? "
            "WHERE id = ?",
            (_at(e), e.reason, str(e.originator_id)),
        )

    @on(ServiceRecord.CorrectionRequested)
    def _correction_requested(
        self, tx: Transaction, e: ServiceRecord.CorrectionRequested, position: int
    ) -> None:
        record_id = str(e.originator_id)
        tx.execute(
            "INSERT INTO my_correction_requests (id, record_id, minutes, reason, status, "
            "requested_at, position, requester) VALUES (?, ?, ?, ?, 'open', ?, ?, ?)",
            (
                f"{record_id}:{position}",
                record_id,
                e.minutes,
                e.reason or "",
                _at(e),
                position,
                e.actor,
            ),
        )

    @on(ServiceRecord.CorrectionRequestAccepted, ServiceRecord.CorrectionRequestDeclined)
    def _correction_resolved(
        self,
        tx: Transaction,
        e: ServiceRecord.CorrectionRequestAccepted | ServiceRecord.CorrectionRequestDeclined,
        position: int,
    ) -> None:
        accepted = isinstance(e, ServiceRecord.CorrectionRequestAccepted)
        tx.execute(
            "UPDATE my_correction_requests SET status = ?, resolved_at = ?, "
            "accepted_minutes = ?, decline_reason = ? WHERE record_id = ? AND status = 'open'",
            (
                "accepted" if accepted else "declined",
                _at(e),
                e.minutes if isinstance(e, ServiceRecord.CorrectionRequestAccepted) else None,
                e.reason if isinstance(e, ServiceRecord.CorrectionRequestDeclined) else None,
                str(e.originator_id),
            ),
        )

    @on(Volunteer.Erased)
    def _erased(self, tx: Transaction, e: Volunteer.Erased, position: int) -> None:
        """The reasons written by or about an erased volunteer are dropped: their certificates'
        revocation reasons and their correction requests' (those they asked for, as a volunteer
        or through their account)."""
        volunteer_id = str(e.originator_id)
        account_id = Account.id_for_volunteer(e.originator_id)
        tx.execute(
            "UPDATE my_certificates SET reason = NULL "
            "WHERE volunteer_id = ? AND reason IS NOT NULL",
            (volunteer_id,),
        )
        tx.execute(
            "UPDATE my_correction_requests SET reason = '', decline_reason = NULL "
            "WHERE requester IN (?, ?)",
            (str(Actor.volunteer(e.originator_id)), str(Actor.account(account_id))),
        )

    @on(Shift.Scheduled)
    def _scheduled(self, tx: Transaction, e: Shift.Scheduled, position: int) -> None:
        self._shifts.insert(str(e.originator_id), 0, _at(e), None)

    @on(Shift.Rescheduled, Shift.Cancelled)
    def _revised(
        self, tx: Transaction, e: Shift.Rescheduled | Shift.Cancelled, position: int
    ) -> None:
        shift_id = str(e.originator_id)
        reason = e.reason if isinstance(e, Shift.Cancelled) else None
        row = self._shifts.inserted.get(shift_id)
        if row is not None:
            row[1] += 1
            row[2] = _at(e)
            row[3] = reason or row[3]
            return
        tx.execute(
            "UPDATE my_shift_versions SET sequence = sequence + 1, modified_at = ?, "
            "cancel_reason = COALESCE(?, cancel_reason) WHERE shift_id = ?",
            (_at(e), reason, shift_id),
        )


def _at(e: LedgerEvent) -> str:
    """When the event happened, in UTC."""
    return str(e.timestamp.isoformat())
