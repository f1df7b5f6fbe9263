"""A volunteer's attendance at one shift: check-in, check-out, or a no-show."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import AttendanceError
from domain.values import SYSTEM, Actor, TimeRange, derived_id, require_reason


class Attendance(Aggregate):
    """Whether and when a confirmed volunteer served on a shift.

    A volunteer checks in and out at the time (the server's clock), or an organiser records
    explicit times from a paper sign-in sheet. A check-in left open past the shift's end and
    the grace period is closed at that moment and flagged for review, so forgotten check-outs
    never pile up hours.

    Every state has a way forward: open → check out (or the sheet); checked out with time
    served → the service record is corrected; checked out with none served (no record) → the
    sheet, or a no-show; a no-show → undone first.
    """

    class Opened(Aggregate.Created):
        shift_id: UUID
        volunteer_id: UUID
        actor: str

    class CheckedIn(Aggregate.Event):
        at: datetime
        actor: str

    class CheckedOut(Aggregate.Event):
        at: datetime
        actor: str

    class ClosedAutomatically(Aggregate.Event):
        """Nobody checked out: closed at the shift's end plus grace, for review."""

        at: datetime
        actor: str

    class RecordedFromSheet(Aggregate.Event):
        checked_in_at: datetime
        checked_out_at: datetime
        actor: str

    class NoShowMarked(Aggregate.Event):
        reason: str
        actor: str

    class NoShowUndone(Aggregate.Event):
        reason: str
        actor: str

    @staticmethod
    def id_for(shift_id: UUID, volunteer_id: UUID) -> UUID:
        return derived_id("attendance", shift_id, volunteer_id)

    @classmethod
    def open(cls, shift_id: UUID, volunteer_id: UUID, actor: Actor) -> Attendance:
        attendance: Attendance = cls._create(
            cls.Opened,
            id=cls.id_for(shift_id, volunteer_id),
            shift_id=shift_id,
            volunteer_id=volunteer_id,
            actor=str(actor),
        )
        return attendance

    @event(Opened)
    def __init__(self, shift_id: UUID, volunteer_id: UUID, actor: str) -> None:
        self.shift_id = shift_id
        self.volunteer_id = volunteer_id
        self.checked_in_at: datetime | None = None
        self.checked_out_at: datetime | None = None
        self.needs_review = False
        self.is_no_show = False

    @property
    def is_complete(self) -> bool:
        return self.checked_out_at is not None

    @property
    def attended(self) -> TimeRange:
        if self.checked_in_at is None or self.checked_out_at is None:
            raise AttendanceError("attendance is not complete", attendance_id=str(self.id))
        return TimeRange(self.checked_in_at, self.checked_out_at)

    def check_in(self, at: datetime, actor: Actor) -> None:
        self._require_not_no_show()
        if self.checked_in_at is not None:
            self._refuse_as_already_recorded()
        self._check_in(at=at, actor=str(actor))

    def check_out(self, at: datetime, *, deadline: datetime, actor: Actor) -> None:
        """Check out at ``at``; past ``deadline`` the check-in is closed there, for review."""
        self._require_not_no_show()
        if self.checked_in_at is None:
            raise AttendanceError(
                "the volunteer has not checked in; check in first, or an organiser records the "
                "times served from the sign-in sheet",
                volunteer_id=str(self.volunteer_id),
            )
        if self.checked_out_at is not None:
            self._refuse_as_already_recorded()
        if at < self.checked_in_at:
            raise AttendanceError(
                "check-out cannot be before check-in; give a later time",
                checked_in_at=self.checked_in_at.isoformat(),
            )
        if at > deadline:
            self._close_automatically(at=max(deadline, self.checked_in_at), actor=str(SYSTEM))
        else:
            self._check_out(at=at, actor=str(actor))

    def close_if_overdue(self, now: datetime, deadline: datetime) -> bool:
        """Close an open check-in whose deadline has passed; True when it did."""
        if self.checked_in_at is None or self.checked_out_at is not None or now <= deadline:
            return False
        self._close_automatically(at=max(deadline, self.checked_in_at), actor=str(SYSTEM))
        return True

    def record_from_sheet(self, time: TimeRange, actor: Actor, *, has_record: bool) -> None:
        """Times from a paper sign-in sheet. They replace a check-in (open, or closed without
        any time served, so without a service record): the sheet is the organiser's word.
        Once a service record exists, that record is what gets corrected.
        """
        self._require_not_no_show()
        if has_record:
            raise AttendanceError(
                "this attendance already made a service record; correct the service record instead",
                volunteer_id=str(self.volunteer_id),
            )
        self._record_from_sheet(checked_in_at=time.start, checked_out_at=time.end, actor=str(actor))

    def mark_no_show(self, reason: str, actor: Actor, *, has_record: bool) -> None:
        """A volunteer who did not serve: never checked in, or checked in and out without any
        time served (so without a service record)."""
        self._require_not_no_show()
        if has_record:
            raise AttendanceError(
                "the volunteer served time on this shift, so cannot be a no-show; reject or "
                "correct the service record instead",
                volunteer_id=str(self.volunteer_id),
            )
        if self.checked_in_at is not None and self.checked_out_at is None:
            raise AttendanceError(
                "the volunteer is checked in, so cannot be a no-show; they check out, or an "
                "organiser records the times served from the sign-in sheet",
                volunteer_id=str(self.volunteer_id),
            )
        self._mark_no_show(reason=require_reason(reason), actor=str(actor))

    def undo_no_show(self, reason: str, actor: Actor) -> None:
        if not self.is_no_show:
            raise AttendanceError(
                "the volunteer is not marked as a no-show; nothing to undo",
                volunteer_id=str(self.volunteer_id),
            )
        self._undo_no_show(reason=require_reason(reason), actor=str(actor))

    def _require_not_no_show(self) -> None:
        if self.is_no_show:
            raise AttendanceError(
                "the volunteer is marked as a no-show; undo that first",
                volunteer_id=str(self.volunteer_id),
            )

    def _refuse_as_already_recorded(self) -> None:
        assert self.checked_in_at is not None
        if self.checked_out_at is None:
            raise AttendanceError(
                "the volunteer has already checked in; check out when leaving",
                volunteer_id=str(self.volunteer_id),
                checked_in_at=self.checked_in_at.isoformat(),
            )
        raise AttendanceError(
            "the volunteer has already checked in and out; to change those times an organiser "
            "records them from the sign-in sheet, or corrects the service record they made",
            volunteer_id=str(self.volunteer_id),
            checked_in_at=self.checked_in_at.isoformat(),
            checked_out_at=self.checked_out_at.isoformat(),
        )

    @event(CheckedIn)
    def _check_in(self, at: datetime, actor: str) -> None:
        self.checked_in_at = at

    @event(CheckedOut)
    def _check_out(self, at: datetime, actor: str) -> None:
        self.checked_out_at = at

    @event(ClosedAutomatically)
    def _close_automatically(self, at: datetime, actor: str) -> None:
        self.checked_out_at = at
        self.needs_review = True

    @event(RecordedFromSheet)
    def _record_from_sheet(
        self, checked_in_at: datetime, checked_out_at: datetime, actor: str
    ) -> None:
        self.checked_in_at, self.checked_out_at = checked_in_at, checked_out_at
        self.needs_review = False

    @event(NoShowMarked)
    def _mark_no_show(self, reason: str, actor: str) -> None:
        self.is_no_show = True

    @event(NoShowUndone)
    def _undo_no_show(self, reason: str, actor: str) -> None:
        self.is_no_show = False
