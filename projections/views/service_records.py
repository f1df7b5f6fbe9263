"""Each volunteer's service records, with status, current minutes and full history."""

from __future__ import annotations

from typing import Any, ClassVar

from domain.service_record import ServiceRecord
from projections.base import Projection, on
from projections.events import (
    ACCOUNT_EVENTS,
    ACTIVITY_EVENTS,
    ATTENDANCE_EVENTS,
    CERTIFICATE_EVENTS,
    ORGANISATION_EVENTS,
    RECOGNITION_EVENTS,
    SHIFT_EVENTS,
    TIMESHEET_EVENTS,
    UNIQUE_KEY_EVENTS,
    VOLUNTEER_EVENTS,
)
from projections.store import Transaction

STATUS_AFTER = {
    ServiceRecord.Approved: "approved",
    ServiceRecord.Rejected: "rejected",
    ServiceRecord.Revoked: "revoked",
}


class ServiceRecords(Projection):
    """A volunteer's records as they stand, and one history row per event of each record."""

    name = "service_records"
    ignores: ClassVar[frozenset[type]] = frozenset(
        {
            *ACCOUNT_EVENTS,
            *CERTIFICATE_EVENTS,
            *RECOGNITION_EVENTS,
            *ORGANISATION_EVENTS,
            *VOLUNTEER_EVENTS,
            *UNIQUE_KEY_EVENTS,
            *ACTIVITY_EVENTS,
            *SHIFT_EVENTS,
            *TIMESHEET_EVENTS,
            *ATTENDANCE_EVENTS,
        }
    )

    def create(self, tx: Transaction) -> None:
        tx.execute(
            """CREATE TABLE IF NOT EXISTS rec_records (
                id TEXT PRIMARY KEY, volunteer_id TEXT NOT NULL, activity_id TEXT NOT NULL,
                organisation_id TEXT NOT NULL, shift_id TEXT, source TEXT NOT NULL,
                started_at TEXT NOT NULL, ended_at TEXT NOT NULL, service_date TEXT NOT NULL,
                minutes INTEGER NOT NULL, status TEXT NOT NULL, needs_review INTEGER NOT NULL,
                description TEXT NOT NULL, beneficiary TEXT, requested_minutes INTEGER,
                recorded_position BIGINT NOT NULL)"""
        )
        tx.execute(
            "CREATE INDEX IF NOT EXISTS rec_records_volunteer "
            "ON rec_records (volunteer_id, started_at, id)"
        )
        tx.execute(
            """CREATE TABLE IF NOT EXISTS rec_history (
                record_id TEXT NOT NULL, position BIGINT NOT NULL, event TEXT NOT NULL,
                at TEXT NOT NULL, actor TEXT NOT NULL, minutes INTEGER, reason TEXT,
                PRIMARY KEY (record_id, position))"""
        )

    def drop(self, tx: Transaction) -> None:
        tx.execute("DROP TABLE IF EXISTS rec_records")
        tx.execute("DROP TABLE IF EXISTS rec_history")

    @on(ServiceRecord.Recorded)
    def _recorded(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "INSERT INTO rec_records (id, volunteer_id, activity_id, organisation_id, shift_id, "
            "source, started_at, ended_at, service_date, minutes, status, needs_review, "
            "description, beneficiary, recorded_position) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?)",
            (
                str(e.originator_id),
                str(e.volunteer_id),
                str(e.activity_id),
                str(e.organisation_id),
                None if e.shift_id is None else str(e.shift_id),
                e.source,
                e.started_at.isoformat(),
                e.ended_at.isoformat(),
                e.service_date.isoformat(),
                e.minutes,
                int(e.needs_review),
                e.description,
                e.beneficiary,
                position,
            ),
        )
        self._history(tx, e, position, minutes=e.minutes)

    @on(ServiceRecord.Approved, ServiceRecord.Rejected, ServiceRecord.Revoked)
    def _status(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "UPDATE rec_records SET status = ?, requested_minutes = NULL WHERE id = ?",
            (STATUS_AFTER[type(e)], str(e.originator_id)),
        )
        self._history(tx, e, position)

    @on(ServiceRecord.Corrected)
    def _corrected(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "UPDATE rec_records SET minutes = ? WHERE id = ?", (e.minutes, str(e.originator_id))
        )
        self._history(tx, e, position, minutes=e.minutes)

    @on(ServiceRecord.CorrectionRequested)
    def _requested(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "UPDATE rec_records SET requested_minutes = ? WHERE id = ?",
            (e.minutes, str(e.originator_id)),
        )
        self._history(tx, e, position, minutes=e.minutes)

    @on(ServiceRecord.CorrectionRequestAccepted, ServiceRecord.CorrectionRequestDeclined)
    def _resolved(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "UPDATE rec_records SET requested_minutes = NULL WHERE id = ?", (str(e.originator_id),)
        )
        self._history(tx, e, position, minutes=getattr(e, "minutes", None))

    @staticmethod
    def _history(tx: Transaction, e: Any, position: int, minutes: int | None = None) -> None:
        tx.execute(
            "INSERT INTO rec_history (record_id, position, event, at, actor, minutes, reason) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                str(e.originator_id),
                position,
                type(e).__name__,
                e.timestamp.isoformat(),
                e.actor,
                minutes,
                getattr(e, "reason", None),
            ),
        )
