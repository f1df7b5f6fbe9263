"""Activity statistics: sign-ups, places, attendance, no-shows and approved minutes per shift."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from domain.attendance import Attendance
from domain.service_record import STATUS_AFTER, ServiceRecord
from domain.shift import Shift
from projections.base import Projection, on
from projections.events import (
    ACCOUNT_EVENTS,
    ACTIVITY_EVENTS,
    CERTIFICATE_EVENTS,
    ORGANISATION_EVENTS,
    RECEIPT_EVENTS,
    RECOGNITION_EVENTS,
    SERIES_EVENTS,
    TIMESHEET_EVENTS,
    UNIQUE_KEY_EVENTS,
    VOLUNTEER_EVENTS,
)
from projections.stores.buffered import BufferedTable
from projections.stores.lookups import select_in
from projections.stores.protocol import Transaction

#: Columns of the rows a batch inserts; the first is the key.
SHIFT_COLUMNS = ("id", "activity_id", "starts_at", "ends_at", "status", "sign_ups")
PLACE_COLUMNS = ("shift_id", "volunteer_id", "activity_id", "status")
ATTENDANCE_COLUMNS = ("id", "shift_id", "activity_id", "attended", "no_show")
RECORD_COLUMNS = ("id", "activity_id", "shift_id", "status", "minutes", "beneficiary")
SIGN_UPS = SHIFT_COLUMNS.index("sign_ups")


class ActivityStats(Projection):
    """What each shift of an activity drew and delivered, kept as facts to count at read time:
    every sign-up ever made, who holds a place now, each attendance (attended: checked out,
    closed automatically or from a sign-in sheet; a no-show until undone), and each service
    record with its current minutes and status, so corrections and revocations count at once.

    A batch is folded in memory and written at its end: a row new in the batch as one insert
    with its final values, an older row's changes as one update, a shift's sign-ups as one
    sum. Places from before the batch change rarely: those changes go at once, in event order.
    """

    name = "activity_stats"
    indexes = tuple(
        f"activity_stats_{table}_activity ON activity_stats_{table} (activity_id)"
        for table in ("shifts", "places", "attendance", "records")
    )
    ignores: ClassVar[frozenset[type]] = frozenset(
        {
            *ACCOUNT_EVENTS,
            *ACTIVITY_EVENTS,
            *CERTIFICATE_EVENTS,
            *RECEIPT_EVENTS,
            *SERIES_EVENTS,
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
            ServiceRecord.Confirmed,  # minutes and status stay as they are
        }
    )

    def __init__(self) -> None:
        #: Shifts, attendance and records, held through each batch. An attendance's activity
        #: is that of its shift, filled in at the end of the batch.
        self._shifts = BufferedTable("activity_stats_shifts", SHIFT_COLUMNS)
        self._attendance = BufferedTable("activity_stats_attendance", ATTENDANCE_COLUMNS)
        self._records = BufferedTable("activity_stats_records", RECORD_COLUMNS)
        self._start()

    def _start(self) -> None:
        for table in (self._shifts, self._attendance, self._records):
            table.clear()
        #: Places taken in this batch: each volunteer's status, by shift.
        self._places: dict[str, dict[str, str]] = {}
        #: Sign-ups to add to each older shift.
        self._sign_ups: dict[str, int] = {}

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

    def drop(self, tx: Transaction) -> None:
        for table in ("shifts", "places", "attendance", "records"):
            tx.execute(f"DROP TABLE IF EXISTS activity_stats_{table}")

    def apply_batch(self, tx: Transaction, events: Sequence[tuple[Any, int]]) -> None:
        self._start()
        super().apply_batch(tx, events)
        self._write(tx)

    @on(Shift.Scheduled)
    def _scheduled(self, tx: Transaction, e: Shift.Scheduled, position: int) -> None:
        shift_id = str(e.originator_id)
        self._shifts.insert(
            shift_id,
            str(e.activity_id),
            e.starts_at.isoformat(),
            e.ends_at.isoformat(),
            "scheduled",
            0,
        )

    @on(Shift.Rescheduled)
    def _rescheduled(self, tx: Transaction, e: Shift.Rescheduled, position: int) -> None:
        shift_id = str(e.originator_id)
        self._shifts.update(
            shift_id, starts_at=e.starts_at.isoformat(), ends_at=e.ends_at.isoformat()
        )

    @on(Shift.VolunteerSignedUp, Shift.VolunteerWaitlisted)
    def _signed_up(
        self, tx: Transaction, e: Shift.VolunteerSignedUp | Shift.VolunteerWaitlisted, position: int
    ) -> None:
        shift_id = str(e.originator_id)
        shift = self._shifts.inserted.get(shift_id)
        if shift is None:
            self._sign_ups[shift_id] = self._sign_ups.get(shift_id, 0) + 1
        else:
            shift[SIGN_UPS] += 1
        status = "waitlisted" if type(e) is Shift.VolunteerWaitlisted else "confirmed"
        self._places.setdefault(shift_id, {})[str(e.volunteer_id)] = status

    @on(Shift.VolunteerPromoted)
    def _promoted(self, tx: Transaction, e: Shift.VolunteerPromoted, position: int) -> None:
        shift_id, volunteer_id = str(e.originator_id), str(e.volunteer_id)
        places = self._places.get(shift_id, {})
        if volunteer_id in places:
            places[volunteer_id] = "confirmed"
        else:
            tx.execute(
                "UPDATE activity_stats_places SET status = 'confirmed' "
                "WHERE shift_id = ? AND volunteer_id = ?",
                (shift_id, volunteer_id),
            )

    @on(Shift.SignUpCancelled)
    def _sign_up_cancelled(self, tx: Transaction, e: Shift.SignUpCancelled, position: int) -> None:
        shift_id, volunteer_id = str(e.originator_id), str(e.volunteer_id)
        if self._places.get(shift_id, {}).pop(volunteer_id, None) is None:
            tx.execute(
                "DELETE FROM activity_stats_places WHERE shift_id = ? AND volunteer_id = ?",
                (shift_id, volunteer_id),
            )

    @on(Shift.Cancelled)
    def _cancelled(self, tx: Transaction, e: Shift.Cancelled, position: int) -> None:
        shift_id = str(e.originator_id)
        self._places.pop(shift_id, None)
        if shift_id not in self._shifts.inserted:  # else it has no places but those just dropped
            tx.execute("DELETE FROM activity_stats_places WHERE shift_id = ?", (shift_id,))
        self._shifts.update(shift_id, status="cancelled")

    @on(Attendance.Opened)
    def _attendance_opened(self, tx: Transaction, e: Attendance.Opened, position: int) -> None:
        attendance_id = str(e.originator_id)
        self._attendance.insert(attendance_id, str(e.shift_id), None, 0, 0)

    @on(Attendance.CheckedOut, Attendance.ClosedAutomatically, Attendance.RecordedFromSheet)
    def _attended(
        self,
        tx: Transaction,
        e: Attendance.CheckedOut | Attendance.ClosedAutomatically | Attendance.RecordedFromSheet,
        position: int,
    ) -> None:
        self._attendance.update(str(e.originator_id), attended=1)

    @on(Attendance.NoShowMarked, Attendance.NoShowUndone)
    def _no_show(
        self, tx: Transaction, e: Attendance.NoShowMarked | Attendance.NoShowUndone, position: int
    ) -> None:
        marked = int(type(e) is Attendance.NoShowMarked)
        self._attendance.update(str(e.originator_id), no_show=marked)

    @on(ServiceRecord.Recorded)
    def _recorded(self, tx: Transaction, e: ServiceRecord.Recorded, position: int) -> None:
        record_id = str(e.originator_id)
        self._records.insert(
            record_id,
            str(e.activity_id),
            None if e.shift_id is None else str(e.shift_id),
            "pending",
            e.minutes,
            (e.beneficiary or "").strip() or None,
        )

    @on(ServiceRecord.Approved, ServiceRecord.Rejected, ServiceRecord.Revoked)
    def _record_status(
        self,
        tx: Transaction,
        e: ServiceRecord.Approved | ServiceRecord.Rejected | ServiceRecord.Revoked,
        position: int,
    ) -> None:
        status = STATUS_AFTER[type(e)]
        self._records.update(str(e.originator_id), status=status)

    @on(ServiceRecord.Corrected)
    def _corrected(self, tx: Transaction, e: ServiceRecord.Corrected, position: int) -> None:
        self._records.update(str(e.originator_id), minutes=e.minutes)

    def _write(self, tx: Transaction) -> None:
        """The batch's new rows, then the changes to older ones.

        Places and attendance take their shift's activity, read here for older shifts; those
        of a shift not on record are dropped, as an insert selecting from the shift would.
        """
        activity_of = {shift_id: row[1] for shift_id, row in self._shifts.inserted.items()}
        attendance = self._attendance.inserted
        named = {row[1] for row in attendance.values()} | self._places.keys()
        activity_of.update(
            select_in(
                tx,
                "SELECT id, activity_id FROM activity_stats_shifts WHERE id",
                [shift_id for shift_id in named if shift_id not in activity_of],
            )
        )
        places = [
            (shift_id, volunteer_id, activity_of[shift_id], status)
            for shift_id, statuses in self._places.items()
            if shift_id in activity_of
            for volunteer_id, status in statuses.items()
        ]
        for attendance_id, row in list(attendance.items()):
            row[2] = activity_of.get(row[1])
            if row[2] is None:
                del attendance[attendance_id]
        if places:
            tx.insert_many("activity_stats_places", PLACE_COLUMNS, places)
        if self._sign_ups:  # older shifts only: a new one counts its own
            tx.execute_many(
                "UPDATE activity_stats_shifts SET sign_ups = sign_ups + ? WHERE id = ?",
                [(added, shift_id) for shift_id, added in self._sign_ups.items()],
            )
        for table in (self._shifts, self._attendance, self._records):
            table.write(tx)
        self._start()
