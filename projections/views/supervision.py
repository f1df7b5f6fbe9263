"""The supervision ledger (督查台账): records waiting too long, check-ins closed for review,
open correction requests, and no-shows by period."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from domain.attendance import Attendance
from domain.organisation import Organisation
from domain.periods import periods_of
from domain.service_record import ServiceRecord
from domain.shift import Shift
from domain.values import local_date
from projections.base import Projection, on
from projections.events import (
    ACCOUNT_EVENTS,
    ACTIVITY_EVENTS,
    CERTIFICATE_EVENTS,
    RECOGNITION_EVENTS,
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


def utc_text(moment: datetime) -> str:
    """UTC to the microsecond, so that text order is time order."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


class Supervision(Projection):
    """Service records as they stand (status, whether flagged for review, the open correction
    request), and the no-shows standing now, each dated by its shift's local start date in
    the organising organisation's time zone.
    """

    name = "supervision"
    ignores: ClassVar[frozenset[type]] = frozenset(
        {
            *ACCOUNT_EVENTS,
            *ACTIVITY_EVENTS,
            *CERTIFICATE_EVENTS,
            *RECOGNITION_EVENTS,
            *TIMESHEET_EVENTS,
            *UNIQUE_KEY_EVENTS,
            *VOLUNTEER_EVENTS,
            Organisation.ChildAttached,
            Organisation.Renamed,
            Organisation.Closed,
            Shift.VolunteerSignedUp,
            Shift.VolunteerWaitlisted,
            Shift.VolunteerPromoted,
            Shift.SignUpCancelled,
            Shift.CapacityChanged,
            Shift.Cancelled,
            Attendance.CheckedIn,
            Attendance.CheckedOut,
            Attendance.ClosedAutomatically,  # the record it makes carries needs_review
            Attendance.RecordedFromSheet,
        }
    )

    def create(self, tx: Transaction) -> None:
        tx.execute(
            """CREATE TABLE IF NOT EXISTS supervision_organisations (
                id TEXT PRIMARY KEY, timezone TEXT NOT NULL)"""
        )
        tx.execute(
            """CREATE TABLE IF NOT EXISTS supervision_shifts (
                id TEXT PRIMARY KEY, organisation_id TEXT NOT NULL, activity_id TEXT NOT NULL,
                starts_at TEXT NOT NULL)"""
        )
        tx.execute(
            """CREATE TABLE IF NOT EXISTS supervision_attendance (
                id TEXT PRIMARY KEY, shift_id TEXT NOT NULL, volunteer_id TEXT NOT NULL)"""
        )
        tx.execute(
            """CREATE TABLE IF NOT EXISTS supervision_records (
                id TEXT PRIMARY KEY, volunteer_id TEXT NOT NULL, activity_id TEXT NOT NULL,
                organisation_id TEXT NOT NULL, shift_id TEXT, service_date TEXT NOT NULL,
                minutes INTEGER NOT NULL, status TEXT NOT NULL, needs_review INTEGER NOT NULL,
                recorded_at TEXT NOT NULL, requested_minutes INTEGER, requested_at TEXT,
                request_reason TEXT)"""
        )
        tx.execute(
            "CREATE INDEX IF NOT EXISTS supervision_records_organisation "
            "ON supervision_records (organisation_id, status)"
        )
        tx.execute(
            """CREATE TABLE IF NOT EXISTS supervision_no_shows (
                attendance_id TEXT PRIMARY KEY, shift_id TEXT NOT NULL,
                volunteer_id TEXT NOT NULL, organisation_id TEXT NOT NULL,
                activity_id TEXT NOT NULL, starts_at TEXT NOT NULL, local_date TEXT NOT NULL,
                year TEXT NOT NULL, bimonth TEXT NOT NULL, month TEXT NOT NULL,
                marked_at TEXT NOT NULL, reason TEXT NOT NULL)"""
        )
        tx.execute(
            "CREATE INDEX IF NOT EXISTS supervision_no_shows_organisation "
            "ON supervision_no_shows (organisation_id, local_date)"
        )

    def drop(self, tx: Transaction) -> None:
        for table in ("organisations", "shifts", "attendance", "records", "no_shows"):
            tx.execute(f"DROP TABLE IF EXISTS supervision_{table}")

    @on(Organisation.Created)
    def _organisation(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "INSERT INTO supervision_organisations (id, timezone) VALUES (?, ?)",
            (str(e.originator_id), e.timezone),
        )

    @on(Shift.Scheduled)
    def _scheduled(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "INSERT INTO supervision_shifts (id, organisation_id, activity_id, starts_at) "
            "VALUES (?, ?, ?, ?)",
            (
                str(e.originator_id),
                str(e.organisation_id),
                str(e.activity_id),
                utc_text(e.starts_at),
            ),
        )

    @on(Shift.Rescheduled)
    def _rescheduled(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "UPDATE supervision_shifts SET starts_at = ? WHERE id = ?",
            (utc_text(e.starts_at), str(e.originator_id)),
        )

    @on(Attendance.Opened)
    def _attendance(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "INSERT INTO supervision_attendance (id, shift_id, volunteer_id) VALUES (?, ?, ?)",
            (str(e.originator_id), str(e.shift_id), str(e.volunteer_id)),
        )

    @on(Attendance.NoShowMarked)
    def _no_show(self, tx: Transaction, e: Any, position: int) -> None:
        [(shift_id, volunteer_id, organisation_id, activity_id, starts_at, timezone)] = tx.query(
            "SELECT a.shift_id, a.volunteer_id, s.organisation_id, s.activity_id, s.starts_at, "
            "o.timezone FROM supervision_attendance a "
            "JOIN supervision_shifts s ON s.id = a.shift_id "
            "JOIN supervision_organisations o ON o.id = s.organisation_id WHERE a.id = ?",
            (str(e.originator_id),),
        )
        day = local_date(datetime.fromisoformat(starts_at), timezone)
        periods = periods_of(day)
        tx.execute(
            "INSERT INTO supervision_no_shows (attendance_id, shift_id, volunteer_id, "
            "organisation_id, activity_id, starts_at, local_date, year, bimonth, month, "
            "marked_at, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                str(e.originator_id),
                shift_id,
                volunteer_id,
                organisation_id,
                activity_id,
                starts_at,
                day.isoformat(),
                periods["year"],
                periods["bimonth"],
                periods["month"],
                utc_text(e.timestamp),
                e.reason,
            ),
        )

    @on(Attendance.NoShowUndone)
    def _no_show_undone(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "DELETE FROM supervision_no_shows WHERE attendance_id = ?", (str(e.originator_id),)
        )

    @on(ServiceRecord.Recorded)
    def _recorded(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "INSERT INTO supervision_records (id, volunteer_id, activity_id, organisation_id, "
            "shift_id, service_date, minutes, status, needs_review, recorded_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
            (
                str(e.originator_id),
                str(e.volunteer_id),
                str(e.activity_id),
                str(e.organisation_id),
                None if e.shift_id is None else str(e.shift_id),
                e.service_date.isoformat(),
                e.minutes,
                int(e.needs_review),
                utc_text(e.timestamp),
            ),
        )

    @on(ServiceRecord.Approved, ServiceRecord.Rejected, ServiceRecord.Revoked)
    def _status(self, tx: Transaction, e: Any, position: int) -> None:
        # A rejected or revoked record drops its open request, as the aggregate does.
        clear = "" if isinstance(e, ServiceRecord.Approved) else ", " + CLEAR_REQUEST
        tx.execute(
            f"UPDATE supervision_records SET status = ?{clear} WHERE id = ?",
            (STATUS_AFTER[type(e)], str(e.originator_id)),
        )

    @on(ServiceRecord.Corrected)
    def _corrected(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "UPDATE supervision_records SET minutes = ? WHERE id = ?",
            (e.minutes, str(e.originator_id)),
        )

    @on(ServiceRecord.CorrectionRequested)
    def _requested(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "UPDATE supervision_records SET requested_minutes = ?, requested_at = ?, "
            "request_reason = ? WHERE id = ?",
            (e.minutes, utc_text(e.timestamp), e.reason, str(e.originator_id)),
        )

    @on(ServiceRecord.CorrectionRequestAccepted, ServiceRecord.CorrectionRequestDeclined)
    def _request_resolved(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            f"UPDATE supervision_records SET {CLEAR_REQUEST} WHERE id = ?",
            (str(e.originator_id),),
        )


CLEAR_REQUEST = "requested_minutes = NULL, requested_at = NULL, request_reason = NULL"
