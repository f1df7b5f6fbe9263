"""The status lists' bits: one row per certificate with a slot, revoked or not."""

from __future__ import annotations

from typing import ClassVar

from domain.certificate import Certificate
from projections.base import Projection, on
from projections.events import (
    ACCOUNT_EVENTS,
    ACTIVITY_EVENTS,
    ATTENDANCE_EVENTS,
    CERTIFICATE_EVENTS,
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


class StatusLists(Projection):
    """A row per certificate issued with a slot (list number, index), with the instant it was
    issued and, once revoked, the instant of revocation: a list's bits are its revoked rows.
    Certificates issued before status lists have no slot and no row. Nothing personal is kept."""

    name = "status_lists"
    ignores: ClassVar[frozenset[type]] = frozenset(
        {
            *ACCOUNT_EVENTS,
            *ACTIVITY_EVENTS,
            *ATTENDANCE_EVENTS,
            *(CERTIFICATE_EVENTS - {Certificate.Issued, Certificate.Revoked}),
            *ORGANISATION_EVENTS,
            *RECEIPT_EVENTS,
            *RECOGNITION_EVENTS,
            *SERIES_EVENTS,
            *SERVICE_RECORD_EVENTS,
            *SHIFT_EVENTS,
            *TIMESHEET_EVENTS,
            *UNIQUE_KEY_EVENTS,
            *VOLUNTEER_EVENTS,
        }
    )

    def create(self, tx: Transaction) -> None:
        tx.execute(
            """CREATE TABLE IF NOT EXISTS status_slots (
                certificate_id TEXT PRIMARY KEY, list_number INTEGER NOT NULL,
                list_index INTEGER NOT NULL, issued_at TEXT NOT NULL, revoked_at TEXT,
                UNIQUE (list_number, list_index))"""
        )

    def drop(self, tx: Transaction) -> None:
        tx.execute("DROP TABLE IF EXISTS status_slots")

    @on(Certificate.Issued)
    def _issued(self, tx: Transaction, e: Certificate.Issued, position: int) -> None:
        if e.status_list is None or e.status_index is None:
            return
        tx.insert_many(
            "status_slots",
            ("certificate_id", "list_number", "list_index", "issued_at"),
            [(str(e.originator_id), e.status_list, e.status_index, e.timestamp.isoformat())],
        )

    @on(Certificate.Revoked)
    def _revoked(self, tx: Transaction, e: Certificate.Revoked, position: int) -> None:
        tx.execute(
            "UPDATE status_slots SET revoked_at = ? WHERE certificate_id = ?",
            (e.timestamp.isoformat(), str(e.originator_id)),
        )
