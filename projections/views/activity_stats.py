"""Activity statistics: sign-ups, places, attendance, no-shows and approved minutes per shift."""

from __future__ import annotations

from typing import Any, ClassVar

from domain.attendance import Attendance
from domain.service_record import ServiceRecord
from domain.shift import Shift
from projections.base import Projection, on
from projections.events import (
    ACCOUNT_EVENTS,
    ACTIVITY_EVENTS,
    CERTIFICATE_EVENTS,
    ORGANISATION_EVENTS,
    RECOGNITION_EVENTS,
    TIMESHEET_EVENTS,
    UNIQUE_KEY_EVENTS,
    VOLUNTEER_EVENTS,
)
from projections.store import Transaction

RECORD_STATUS_AFTER = {
    ServiceRecord.Approved: "approved",
    ServiceRecord.Rejected: "rejected",
    ServiceRecord.Revoked: "revoked",
}


class ActivityStats(Projection):
    """What each shift of an activity drew and delivered, kept as facts to count at read time:
    every sign-up ever made, who holds a place now, each attendance (attended: checked out,
    closed automatically or from a sign-in sheet; a no-show until undone), and each service
    record with its current minutes and status, so corrections and revocations count at once.
    """

    name = "activity_stats"
    ignores: ClassVar[frozenset[type]] = frozenset(
        {
            *ACCOUNT_EVENTS,
            *ACTIVITY_EVENTS,
            *CERTIFICATE_EVENTS,
            *ORGANISATION_EVENTS,
            *RECOGNITION_EVENTS,
            *TIMESHEET_EVENTS,
            *UNIQUE_KEY_EVENTS,
            *VOLUNTEER_EVENTS,
            Shift.CapacityChanged,
            Attendance.CheckedIn,
            ServiceRecord.CorrectionRequested,
            ServiceRecord.CorrectionRequestAccepted,  # the Corrected that follows carries it
            ServiceRecord.CorrectionRequestDeclined,
        }
    )

    def create(self, tx: Transaction) -> None:
        tx.execute(
            """CREATE TABLE IF NOT EXISTS activity_stats_shifts (
                id TEXT PRIMARY KEY, activity_id TEXT NOT NULL, starts_at TEXT NOT NULL,
                ends_at TEXT NOT NULL, status TEXT NOT NULL, sign_ups INTEGER NOT NULL)"""
        )
        tx.execute(
            """CREATE TABLE IF NOT EXISTS activity_stats_places (
                shift_id TEXT NOT NULL, volunteer_id TEXT NOT NULL, activity_id TEXT NOT NULL,
                status TEXT NOT NULL, PRIMARY KEY (shift_id, volunteer_id))"""
        )
        tx.execute(
            """CREATE TABLE IF NOT EXISTS activity_stats_attendance (
                id TEXT PRIMARY KEY, shift_id TEXT NOT NULL, activity_id TEXT NOT NULL,
                attended INTEGER NOT NULL, no_show INTEGER NOT NULL)"""
        )
        tx.execute(
            """CREATE TABLE IF NOT EXISTS activity_stats_records (
                id TEXT PRIMARY KEY, activity_id TEXT NOT NULL, shift_id TEXT,
                status TEXT NOT NULL, minutes INTEGER NOT NULL, beneficiary TEXT)"""
        )
        for table in ("shifts", "places", "attendance", "records"):
            tx.execute(
                f"CREATE INDEX IF NOT EXISTS activity_stats_{table}_activity "
                f"ON activity_stats_{table} (activity_id)"
            )

    def drop(self, tx: Transaction) -> None:
        for table in ("shifts", "places", "attendance", "records"):
            tx.execute(f"DROP TABLE IF EXISTS activity_stats_{table}")

    @on(Shift.Scheduled)
    def _scheduled(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "INSERT INTO activity_stats_shifts (id, activity_id, starts_at, ends_at, status, "
            "sign_ups) VALUES (?, ?, ?, ?, 'scheduled', 0)",
            (
                str(e.originator_id),
                str(e.activity_id),
                e.starts_at.isoformat(),
                e.ends_at.isoformat(),
            ),
        )

    @on(Shift.Rescheduled)
    def _rescheduled(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "UPDATE activity_stats_shifts SET starts_at = ?, ends_at = ? WHERE id = ?",
            (e.starts_at.isoformat(), e.ends_at.isoformat(), str(e.originator_id)),
        )

    @on(Shift.VolunteerSignedUp, Shift.VolunteerWaitlisted)
    def _signed_up(self, tx: Transaction, e: Any, position: int) -> None:
        shift_id = str(e.originator_id)
        status = "waitlisted" if isinstance(e, Shift.VolunteerWaitlisted) else "confirmed"
        tx.execute(
            "UPDATE activity_stats_shifts SET sign_ups = sign_ups + 1 WHERE id = ?", (shift_id,)
        )
        tx.execute(
            "INSERT INTO activity_stats_places (shift_id, volunteer_id, activity_id, status) "
            "SELECT id, ?, activity_id, ? FROM activity_stats_shifts WHERE id = ?",
            (str(e.volunteer_id), status, shift_id),
        )

    @on(Shift.VolunteerPromoted)
    def _promoted(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "UPDATE activity_stats_places SET status = 'confirmed' "
            "WHERE shift_id = ? AND volunteer_id = ?",
            (str(e.originator_id), str(e.volunteer_id)),
        )

    @on(Shift.SignUpCancelled)
    def _sign_up_cancelled(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "DELETE FROM activity_stats_places WHERE shift_id = ? AND volunteer_id = ?",
            (str(e.originator_id), str(e.volunteer_id)),
        )

    @on(Shift.Cancelled)
    def _cancelled(self, tx: Transaction, e: Any, position: int) -> None:
        shift_id = str(e.originator_id)
        tx.execute("DELETE FROM activity_stats_places WHERE shift_id = ?", (shift_id,))
        tx.execute(
            "UPDATE activity_stats_shifts SET status = 'cancelled' WHERE id = ?", (shift_id,)
        )

    @on(Attendance.Opened)
    def _attendance_opened(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "INSERT INTO activity_stats_attendance (id, shift_id, activity_id, attended, "
            "no_show) SELECT ?, id, activity_id, 0, 0 FROM activity_stats_shifts WHERE id = ?",
            (str(e.originator_id), str(e.shift_id)),
        )

    @on(Attendance.CheckedOut, Attendance.ClosedAutomatically, Attendance.RecordedFromSheet)
    def _attended(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "UPDATE activity_stats_attendance SET attended = 1 WHERE id = ?",
            (str(e.originator_id),),
        )

    @on(Attendance.NoShowMarked, Attendance.NoShowUndone)
    def _no_show(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "UPDATE activity_stats_attendance SET no_show = ? WHERE id = ?",
            (int(isinstance(e, Attendance.NoShowMarked)), str(e.originator_id)),
        )

    @on(ServiceRecord.Recorded)
    def _recorded(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "INSERT INTO activity_stats_records (id, activity_id, shift_id, status, minutes, "
            "beneficiary) VALUES (?, ?, ?, 'pending', ?, ?)",
            (
                str(e.originator_id),
                str(e.activity_id),
                None if e.shift_id is None else str(e.shift_id),
                e.minutes,
                (e.beneficiary or "").strip() or None,
            ),
        )

    @on(ServiceRecord.Approved, ServiceRecord.Rejected, ServiceRecord.Revoked)
    def _record_status(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "UPDATE activity_stats_records SET status = ? WHERE id = ?",
            (RECORD_STATUS_AFTER[type(e)], str(e.originator_id)),
        )

    @on(ServiceRecord.Corrected)
    def _corrected(self, tx: Transaction, e: Any, position: int) -> None:
        tx.execute(
            "UPDATE activity_stats_records SET minutes = ? WHERE id = ?",
            (e.minutes, str(e.originator_id)),
        )
