"""Commands that record service: attendance on shifts, and service recorded by hand.

Each makes a pending service record and counts its minutes on the volunteer's timesheet; what
happens to a record afterwards (approval, correction, revocation) is in ``approval.py``.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from domain.activity import Activity
from domain.attendance import Attendance
from domain.errors import (
    AttendanceError,
    InvalidInputError,
    VolunteerOutOfReachError,
)
from domain.ledger.base import LedgerBase
from domain.ledger.command import command
from domain.service_record import RecordSource, ServiceRecord
from domain.shift import Shift, SignUpStatus
from domain.timesheet import Timesheet
from domain.values import Actor, TimeRange, derived_id, local_date, require_aware
from domain.volunteer import Volunteer


class HoursCommands(LedgerBase):
    """Recording: turning attendance and hand-written service into pending records."""

    # Attendance.

    @command
    def check_in(
        self, shift_id: UUID, volunteer_id: UUID, actor: Actor, *, at: datetime | None = None
    ) -> None:
        """Check in now (the volunteer) or at a given time (an organiser)."""
        shift = self._confirmed_shift(shift_id, volunteer_id)
        moment = self._moment(at, "checked_in_at")
        if not shift.starts_at - self.policy.check_in_early <= moment < shift.ends_at:
            raise AttendanceError(
                "check-in is open from shortly before the shift starts until it ends; outside "
                "that, an organiser records the times served from the sign-in sheet",
                shift_id=str(shift.id),
                starts_at=shift.starts_at.isoformat(),
                ends_at=shift.ends_at.isoformat(),
            )
        attendance = self._attendance(shift.id, volunteer_id, actor)
        attendance.check_in(moment, actor)
        self._save(attendance)

    @command
    def check_out(
        self, shift_id: UUID, volunteer_id: UUID, actor: Actor, *, at: datetime | None = None
    ) -> UUID | None:
        """Check out; returns the pending service record it creates, if any time was served."""
        shift = self._confirmed_shift(shift_id, volunteer_id)
        moment = self._moment(at, "checked_out_at")
        if moment < shift.starts_at:
            raise AttendanceError(
                "the shift has not started yet, so no time can be served; check out once it "
                "has started (an organiser can later record the times from the sign-in sheet)",
                shift_id=str(shift.id),
                starts_at=shift.starts_at.isoformat(),
            )
        attendance = self._attendance_of(shift.id, volunteer_id)
        attendance.check_out(moment, deadline=self._deadline(shift), actor=actor)
        return self._record_attendance(shift, attendance, actor)

    @command
    def record_attendance(
        self,
        shift_id: UUID,
        volunteer_id: UUID,
        *,
        checked_in_at: datetime,
        checked_out_at: datetime,
        actor: Actor,
    ) -> UUID | None:
        """Attendance from a paper sign-in sheet; returns the pending record it creates."""
        shift = self._confirmed_shift(shift_id, volunteer_id)
        time = TimeRange.checked(checked_in_at, checked_out_at, "attendance")
        if time.end > self.now():
            raise InvalidInputError("attendance cannot be recorded for times still to come")
        attendance = self._attendance(shift.id, volunteer_id, actor)
        record_id = self._record_id(attendance)
        try:
            attendance.record_from_sheet(time, actor, has_record=self._exists(record_id))
        except AttendanceError as refused:
            refused.context.setdefault("service_record_id", str(record_id))
            raise
        return self._record_attendance(shift, attendance, actor)

    @command
    def close_overdue_attendance(self, shift_id: UUID, actor: Actor) -> list[UUID]:
        """Close check-ins left open past the shift's end and grace; returns the records made.

        Each is flagged for review. A check-out that comes later than that is closed the same
        way, so hours never grow for a forgotten check-out even if this is never run.
        """
        shift = self.shift(shift_id)
        now, deadline = self.now(), self._deadline(shift)
        records = []
        for volunteer_id in shift.confirmed:
            attendance_id = Attendance.id_for(shift.id, volunteer_id)
            if not self._exists(attendance_id):
                continue
            attendance = self.attendance(shift.id, volunteer_id)
            if attendance.close_if_overdue(now, deadline):
                record_id = self._record_attendance(shift, attendance, actor)
                if record_id is not None:
                    records.append(record_id)
        return records

    @command
    def mark_no_show(self, shift_id: UUID, volunteer_id: UUID, reason: str, actor: Actor) -> None:
        shift = self._confirmed_shift(shift_id, volunteer_id)
        if not shift.has_started(self.now()):
            raise AttendanceError("a no-show can only be marked once the shift has started")
        attendance = self._attendance(shift.id, volunteer_id, actor)
        record_id = self._record_id(attendance)
        attendance.mark_no_show(reason, actor, has_record=self._exists(record_id))
        self._save(attendance)

    @command
    def undo_no_show(self, shift_id: UUID, volunteer_id: UUID, reason: str, actor: Actor) -> None:
        attendance = self._attendance_of(shift_id, volunteer_id)
        attendance.undo_no_show(reason, actor)
        self._save(attendance)

    def _attendance_of(self, shift_id: UUID, volunteer_id: UUID) -> Attendance:
        """The attendance, or a refusal that says what comes first when there is none."""
        if not self._exists(Attendance.id_for(shift_id, volunteer_id)):
            raise AttendanceError(
                "no attendance is recorded for the volunteer on this shift; check in first, or "
                "an organiser records the times from the sign-in sheet",
                shift_id=str(shift_id),
                volunteer_id=str(volunteer_id),
            )
        return self.attendance(shift_id, volunteer_id)

    @staticmethod
    def _record_id(attendance: Attendance) -> UUID:
        """The id of the service record an attendance makes (one at most)."""
        return derived_id("attendance-record", attendance.id)

    def _confirmed_shift(self, shift_id: UUID, volunteer_id: UUID) -> Shift:
        shift = self.shift(shift_id)
        self.volunteer(volunteer_id)
        if shift.status_of(volunteer_id) != SignUpStatus.CONFIRMED:
            raise AttendanceError(
                "the volunteer holds no confirmed place on this shift; sign them up first (a "
                "waitlisted volunteer waits for a place)",
                shift_id=str(shift.id),
                volunteer_id=str(volunteer_id),
            )
        return shift

    def _moment(self, at: datetime | None, field: str) -> datetime:
        if at is None:
            return self.now()
        moment = require_aware(at, field)
        if moment > self.now():
            raise InvalidInputError(f"{field} is in the future", field=field)
        return moment

    def _deadline(self, shift: Shift) -> datetime:
        return shift.ends_at + self.policy.check_out_grace

    def _record_attendance(self, shift: Shift, attendance: Attendance, actor: Actor) -> UUID | None:
        """Save the attendance with the pending record of the time served within the shift."""
        served = attendance.attended
        minutes = self.policy.rounded(served.intersection_minutes(shift.time))
        if minutes == 0:
            self._save(attendance)
            return None
        activity = self.activity(shift.activity_id)
        organisation = self.organisation(shift.organisation_id)
        time = TimeRange(max(served.start, shift.starts_at), min(served.end, shift.ends_at))
        record = ServiceRecord.record(
            id=self._record_id(attendance),
            volunteer_id=attendance.volunteer_id,
            activity_id=activity.id,
            organisation_id=organisation.id,
            shift_id=shift.id,
            source=RecordSource.ATTENDANCE,
            time=time,
            service_date=local_date(time.start, organisation.timezone),
            minutes=minutes,
            description=activity.title,
            beneficiary=None,
            needs_review=attendance.needs_review,
            actor=actor,
        )
        timesheet = self._count(record, actor)
        self._save(attendance, record, timesheet)
        return record.id

    # Service records.

    @command
    def record_service(
        self,
        *,
        volunteer_id: UUID,
        activity_id: UUID,
        started_at: datetime,
        ended_at: datetime,
        description: str,
        beneficiary: str | None = None,
        actor: Actor,
    ) -> UUID:
        """An organiser's record of service outside shifts, such as a home visit; pending.

        Only for a volunteer within the recording account's reach (``_require_within_reach``).
        """
        volunteer = self.volunteer(volunteer_id)
        activity = self.activity(activity_id)
        timesheet = self._timesheet(volunteer.id, actor)
        self._require_within_reach(volunteer, activity, timesheet, actor)
        organisation = self.organisation(activity.organisation_id)
        time = TimeRange.checked(started_at, ended_at, "service")
        if time.end > self.now():
            raise InvalidInputError("service cannot be recorded for times still to come")
        record = ServiceRecord.record(
            id=uuid4(),
            volunteer_id=volunteer_id,
            activity_id=activity.id,
            organisation_id=organisation.id,
            shift_id=None,
            source=RecordSource.MANUAL,
            time=time,
            service_date=local_date(time.start, organisation.timezone),
            minutes=self.policy.rounded(time.minutes),
            description=description,
            beneficiary=beneficiary,
            needs_review=False,
            actor=actor,
        )
        self._count_on(timesheet, record, actor)
        self._save(record, timesheet)
        return record.id

    def _require_within_reach(
        self, volunteer: Volunteer, activity: Activity, timesheet: Timesheet, actor: Actor
    ) -> None:
        """A volunteer holding a confirmed place on a shift of the activity (sign-ups end
        before the start, so whoever attended one still holds it), or one whose home
        organisation the recording account organises, or lies below one it organises (an
        admin account reaches everyone). Anyone else is refused: a manual record is not a way
        to credit strangers."""
        if any(timesheet.holds(shift_id) for shift_id in activity.shift_ids):
            return
        if self.organises(actor, volunteer.home_organisation_id):
            return
        raise VolunteerOutOfReachError(
            "an organiser records hours only for a volunteer with a place on a shift of the "
            "activity, or one of an organisation they organise",
            volunteer_id=str(volunteer.id),
            activity_id=str(activity.id),
        )

    def _count(self, record: ServiceRecord, actor: Actor) -> Timesheet:
        timesheet = self._timesheet(record.volunteer_id, actor)
        self._count_on(timesheet, record, actor)
        return timesheet

    def _count_on(self, timesheet: Timesheet, record: ServiceRecord, actor: Actor) -> None:
        timesheet.count(
            record.id,
            TimeRange(record.started_at, record.ended_at),
            record.service_date,
            record.minutes,
            self.policy.daily_cap_minutes,
            actor,
        )
