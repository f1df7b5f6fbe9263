"""Certificate requests as they stand: who asked which organisation, for which period."""

from __future__ import annotations

from typing import ClassVar

from domain.certificate import Certificate
from domain.certificate_request import CertificateRequest
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
)
from projections.stores.protocol import Transaction

REQUEST_COLUMNS = (
    "id",
    "volunteer_id",
    "issuer_id",
    "period_start",
    "period_end",
    "status",
    "requested_at",
    "requested_position",
    "resolved_at",
    "certificate_id",
    "reason",
)


class CertificateRequests(Projection):
    """One row per request: ``open`` until an organiser of the issuer fulfils it (with the
    certificate issued) or declines it (with the reason)."""

    name = "certificate_requests"
    indexes = (
        "cert_requests_issuer ON cert_requests (status, issuer_id, requested_position)",
        "cert_requests_volunteer ON cert_requests (volunteer_id, requested_position)",
    )
    ignores: ClassVar[frozenset[type]] = frozenset(
        {
            *ACCOUNT_EVENTS,
            *ACTIVITY_EVENTS,
            *ATTENDANCE_EVENTS,
            Certificate.Issued,
            Certificate.Revoked,
            *ORGANISATION_EVENTS,
            *RECEIPT_EVENTS,
            *SERIES_EVENTS,
            *RECOGNITION_EVENTS,
            *SERVICE_RECORD_EVENTS,
            *SHIFT_EVENTS,
            *TIMESHEET_EVENTS,
            *UNIQUE_KEY_EVENTS,
            *(VOLUNTEER_EVENTS - {Volunteer.Erased}),
        }
    )

    def create(self, tx: Transaction) -> None:
        tx.execute(
            """CREATE TABLE IF NOT EXISTS cert_requests (
                id TEXT PRIMARY KEY, volunteer_id TEXT NOT NULL, issuer_id TEXT NOT NULL,
                period_start TEXT NOT NULL, period_end TEXT NOT NULL, status TEXT NOT NULL,
                requested_at TEXT NOT NULL, requested_position BIGINT NOT NULL,
                resolved_at TEXT, certificate_id TEXT, reason TEXT)"""
        )

    def drop(self, tx: Transaction) -> None:
        tx.execute("DROP TABLE IF EXISTS cert_requests")

    @on(CertificateRequest.Requested)
    def _requested(self, tx: Transaction, e: CertificateRequest.Requested, position: int) -> None:
        tx.insert_many(
            "cert_requests",
            REQUEST_COLUMNS[:8],
            [
                (
                    str(e.originator_id),
                    str(e.volunteer_id),
                    str(e.issuer_id),
                    e.period_start.isoformat(),
                    e.period_end.isoformat(),
                    "open",
                    e.timestamp.isoformat(),
                    position,
                )
            ],
        )

    @on(CertificateRequest.Fulfilled)
    def _fulfilled(self, tx: Transaction, e: CertificateRequest.Fulfilled, position: int) -> None:
        tx.execute(
            "UPDATE cert_requests SET status = 'fulfilled', resolved_at = ?, certificate_id = ? "
            "WHERE id = ?",
            (e.timestamp.isoformat(), str(e.certificate_id), str(e.originator_id)),
        )

    @on(CertificateRequest.Declined)
    def _declined(self, tx: Transaction, e: CertificateRequest.Declined, position: int) -> None:
        tx.execute(
            "UPDATE cert_requests SET status = 'declined', resolved_at = ?, reason = ? "
            "WHERE id = ?",
            (e.timestamp.isoformat(), e.reason, str(e.originator_id)),
        )

    @on(Volunteer.Erased)
    def _erased(self, tx: Transaction, e: Volunteer.Erased, position: int) -> None:
        """Reasons written about an erased volunteer's requests are dropped."""
        tx.execute(
            "UPDATE cert_requests SET reason = NULL WHERE volunteer_id = ? AND reason IS NOT NULL",
            (str(e.originator_id),),
        )
