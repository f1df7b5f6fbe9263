"""The supervision ledger (督查台账): records waiting too long, check-ins closed for review,
open correction requests, approvals and raises without a second party, and no-shows by period."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar

from domain.attendance import Attendance
from domain.organisation import Organisation
from domain.periods import periods_of
from domain.service_record import STATUS_AFTER, ServiceRecord
from domain.shift import Shift
from domain.values import local_date
from domain.volunteer import Volunteer
from projections.base import Projection, on
from projections.events import (
    ACCOUNT_EVENTS,
    ACTIVITY_EVENTS,
    CERTIFICATE_EVENTS,
    RECEIPT_EVENTS,
    RECOGNITION_EVENTS,
    SERIES_EVENTS,
    TIMESHEET_EVENTS,
    UNIQUE_KEY_EVENTS,
    VOLUNTEER_EVENTS,
)
from projections.stores.buffered import BufferedTable
from projections.stores.protocol import Transaction
from projections.supervision.tables import (
    ATTENDANCE_FACTS,
    INSERT_NO_SHOW,
    NEW_ROW_COLUMNS,
    RECORD_COLUMNS,
    SHIFT_FACTS,
    create_tables,
    drop_tables,
    utc_text,
)


class Supervision(Projection):
    """Service records as they stand (status, whether flagged for review, the open correction
    request, who recorded, approved and confirmed it, and whether it was approved under the
    single-organiser setting), the raises of approved minutes made under that setting, and the
    no-shows standing now, each dated by its shift's local start date in the organising
    organisation's time zone.

    A batch is folded in memory and written at its end: a row new in the batch as one insert
    with its final values (most records are recorded and approved within one), an older
    record's changes as one update per group of columns. No-shows and moved shifts are rare:
    they go at once, a no-show reading what it needs from the batch's rows, else the tables.
    """

    name = "supervision"
    #: Version 2: who recorded, approved and confirmed each record; single-organiser approvals.
    #: Version 3: single-organiser raises of approved minutes.
    version = 3
    indexes = (
        "supervision_records_organisation ON supervision_records (organisation_id, status)",
        "supervision_no_shows_organisation ON supervision_no_shows (organisation_id, local_date)",
    )
    ignores: ClassVar[frozenset[type]] = frozenset(
        {
            *ACCOUNT_EVENTS,
            *ACTIVITY_EVENTS,
            *CERTIFICATE_EVENTS,
            *RECEIPT_EVENTS,
            *SERIES_EVENTS,
            *RECOGNITION_EVENTS,
            *TIMESHEET_EVENTS,
            *UNIQUE_KEY_EVENTS,
            *(VOLUNTEER_EVENTS - {Volunteer.Erased}),
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

    def __init__(self) -> None:
        #: Service records, and the changes to older ones, held through each batch.
        self._records = BufferedTable("supervision_records", RECORD_COLUMNS)
        self._start()

    def _start(self) -> None:
        #: Rows inserted in this batch, by key: organisations' time zones, shifts as
        #: (organisation, activity, start), and attendance as (shift, volunteer).
        self._organisations: dict[str, str] = {}
        self._shifts: dict[str, list[str]] = {}
        self._attendance: dict[str, tuple[str, str]] = {}
        #: Raises of approved minutes with no second party, as rows of supervision_raises.
        self._raises: list[tuple[object, ...]] = []
        self._records.clear()

    def create(self, tx: Transaction) -> None:
        create_tables(tx)

    def drop(self, tx: Transaction) -> None:
        drop_tables(tx)

    def apply_batch(self, tx: Transaction, events: Sequence[tuple[Any, int]]) -> None:
        self._start()
        super().apply_batch(tx, events)
        self._write(tx)

    @on(Organisation.Created)
    def _organisation(self, tx: Transaction, e: Organisation.Created, position: int) -> None:
        self._organisations[str(e.originator_id)] = e.timezone

    @on(Shift.Scheduled)
    def _scheduled(self, tx: Transaction, e: Shift.Scheduled, position: int) -> None:
        self._shifts[str(e.originator_id)] = [
            str(e.organisation_id),
            str(e.activity_id),
            utc_text(e.starts_at),
        ]

    @on(Shift.Rescheduled)
    def _rescheduled(self, tx: Transaction, e: Shift.Rescheduled, position: int) -> None:
        shift_id, starts_at = str(e.originator_id), utc_text(e.starts_at)
        shift = self._shifts.get(shift_id)
        if shift is None:  # rare: at once, so that a no-show later in the batch reads it
            tx.execute(
                "UPDATE supervision_shifts SET starts_at = ? WHERE id = ?", (starts_at, shift_id)
            )
        else:
            shift[2] = starts_at

    @on(Attendance.Opened)
    def _attendance_opened(self, tx: Transaction, e: Attendance.Opened, position: int) -> None:
        self._attendance[str(e.originator_id)] = (str(e.shift_id), str(e.volunteer_id))

    @on(Attendance.NoShowMarked)
    def _no_show(self, tx: Transaction, e: Attendance.NoShowMarked, position: int) -> None:
        attendance_id = str(e.originator_id)
        # The shift and volunteer, and the shift's organisation, activity and start; its zone.
        *facts, timezone = self._no_show_facts(tx, attendance_id)
        day = local_date(datetime.fromisoformat(facts[-1]), timezone)
        periods = periods_of(day)
        tx.execute(
            INSERT_NO_SHOW,
            (
                attendance_id,
                *facts,
                day.isoformat(),
                periods["year"],
                periods["bimonth"],
                periods["month"],
                utc_text(e.timestamp),
                e.reason or "",
            ),
        )

    def _no_show_facts(self, tx: Transaction, attendance_id: str) -> tuple[str, ...]:
        """The attendance's shift and volunteer, and the shift's organisation, activity, start
        and time zone: from this batch's rows, else from the tables (older rows)."""
        attendance = self._attendance.get(attendance_id)
        if attendance is None:  # opened in an earlier batch, as were its shift and organisation
            [facts] = tx.query(ATTENDANCE_FACTS, (attendance_id,))
            return tuple(facts)
        shift = self._shifts.get(attendance[0])
        if shift is None:
            [facts] = tx.query(SHIFT_FACTS, (attendance[0],))
            return (*attendance, *facts)
        timezone = self._organisations.get(shift[0])
        if timezone is None:
            [(timezone,)] = tx.query(
                "SELECT timezone FROM supervision_organisations WHERE id = ?", (shift[0],)
            )
        return (*attendance, *shift, timezone)

    @on(Attendance.NoShowUndone)
    def _no_show_undone(self, tx: Transaction, e: Attendance.NoShowUndone, position: int) -> None:
        tx.execute(
            "DELETE FROM supervision_no_shows WHERE attendance_id = ?", (str(e.originator_id),)
        )

    @on(ServiceRecord.Recorded)
    def _recorded(self, tx: Transaction, e: ServiceRecord.Recorded, position: int) -> None:
        record_id = str(e.originator_id)
        self._records.insert(
            record_id,
            str(e.volunteer_id),
            str(e.activity_id),
            str(e.organisation_id),
            None if e.shift_id is None else str(e.shift_id),
            e.service_date.isoformat(),
            e.minutes,
            "pending",
            int(e.needs_review),
            utc_text(e.timestamp),
            None,
            None,
            None,
            e.actor,
            None,
            None,
            0,
        )

    @on(ServiceRecord.Approved)
    def _approved(self, tx: Transaction, e: ServiceRecord.Approved, position: int) -> None:
        self._records.update(
            str(e.originator_id),
            status="approved",
            approved_by=e.actor,
            single_organiser=int(e.single_organiser),
        )

    @on(ServiceRecord.Rejected, ServiceRecord.Revoked)
    def _status(
        self, tx: Transaction, e: ServiceRecord.Rejected | ServiceRecord.Revoked, position: int
    ) -> None:
        record_id = str(e.originator_id)
        self._records.update(record_id, status=STATUS_AFTER[type(e)])
        # A rejected or revoked record drops its open request, as the aggregate does.
        self._request(record_id, None, None, None)

    @on(ServiceRecord.Confirmed)
    def _confirmed(self, tx: Transaction, e: ServiceRecord.Confirmed, position: int) -> None:
        self._records.update(str(e.originator_id), confirmed_by=e.actor)

    @on(ServiceRecord.Corrected)
    def _corrected(self, tx: Transaction, e: ServiceRecord.Corrected, position: int) -> None:
        # A confirmation is of the minutes it saw, as the aggregate has it.
        record_id = str(e.originator_id)
        self._records.update(record_id, minutes=e.minutes, confirmed_by=None)
        if e.single_organiser:
            self._raises.append(
                (
                    record_id,
                    e.originator_version,
                    e.previous_minutes,
                    e.minutes,
                    e.actor,
                    utc_text(e.timestamp),
                    e.reason or "",
                )
            )

    @on(ServiceRecord.CorrectionRequested)
    def _requested(
        self, tx: Transaction, e: ServiceRecord.CorrectionRequested, position: int
    ) -> None:
        self._request(str(e.originator_id), e.minutes, utc_text(e.timestamp), e.reason)

    @on(ServiceRecord.CorrectionRequestAccepted, ServiceRecord.CorrectionRequestDeclined)
    def _request_resolved(
        self,
        tx: Transaction,
        e: ServiceRecord.CorrectionRequestAccepted | ServiceRecord.CorrectionRequestDeclined,
        position: int,
    ) -> None:
        self._request(str(e.originator_id), None, None, None)

    @on(Volunteer.Erased)
    def _erased(self, tx: Transaction, e: Volunteer.Erased, position: int) -> None:
        """The reasons written by or about an erased volunteer are dropped; what the batch
        holds so far is written first, so that the change reaches it too."""
        self._write(tx)
        volunteer_id = str(e.originator_id)
        tx.execute(
            "UPDATE supervision_records SET request_reason = '' "
            "WHERE volunteer_id = ? AND request_reason IS NOT NULL",
            (volunteer_id,),
        )
        tx.execute(
            "UPDATE supervision_raises SET reason = '' WHERE record_id IN "
            "(SELECT id FROM supervision_records WHERE volunteer_id = ?)",
            (volunteer_id,),
        )
        tx.execute(
            "UPDATE supervision_no_shows SET reason = '' WHERE volunteer_id = ?", (volunteer_id,)
        )

    def _request(
        self, record_id: str, minutes: int | None, at: str | None, reason: str | None
    ) -> None:
        """A record's open correction request (all None: none)."""
        self._records.update(
            record_id, requested_minutes=minutes, requested_at=at, request_reason=reason
        )

    def _write(self, tx: Transaction) -> None:
        """The batch's new rows, then the older records' changes."""
        new_rows: dict[str, Any] = {
            "supervision_organisations": self._organisations.items(),
            "supervision_shifts": [(key, *shift) for key, shift in self._shifts.items()],
            "supervision_attendance": [(key, *rest) for key, rest in self._attendance.items()],
            "supervision_raises": self._raises,
        }
        for table, rows in new_rows.items():
            if rows:
                tx.insert_many(table, NEW_ROW_COLUMNS[table], rows)
        self._records.write(tx)
        self._start()
