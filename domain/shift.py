"""A shift: one stretch of time of an activity, with places, sign-ups and an ordered waitlist.

Longer than 300 lines on purpose: it is one aggregate, and an aggregate's events are nested in
it (``Shift.VolunteerSignedUp``) with their topic, ``domain.shift:Shift.…``, stored in every
event, so its events cannot move to another module without a data migration; and its rules
(sign-up, waitlist promotion, changes before the start) read best beside the state they guard
and the ``@event`` methods that change it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.activity import Activity
from domain.errors import (
    CapacityError,
    InvalidInputError,
    NotSignedUpError,
    ShiftStateError,
    SignUpRefusedError,
)
from domain.values import Actor, TimeRange, require_reason


class ShiftStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class Phase(StrEnum):
    """Where a shift stands for the people on it: ``cancelled``, else by the clock."""

    SCHEDULED = "scheduled"
    RUNNING = "running"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


def phase(cancelled: bool, starts_at: datetime, ends_at: datetime, now: datetime) -> Phase:
    """``cancelled``; else ``scheduled`` before the start, ``running`` until the end, then
    ``completed``: a shift whose end has passed is no longer scheduled."""
    if cancelled:
        return Phase.CANCELLED
    if now < starts_at:
        return Phase.SCHEDULED
    return Phase.RUNNING if now < ends_at else Phase.COMPLETED


class SignUpStatus(StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"


MAX_CAPACITY = 10_000


def _checked_capacity(capacity: int) -> int:
    if not 1 <= capacity <= MAX_CAPACITY:
        raise InvalidInputError(f"capacity must be between 1 and {MAX_CAPACITY}", capacity=capacity)
    return capacity


class Shift(Aggregate):
    """A shift of an activity. Places are confirmed in order of sign-up; when they are taken,
    volunteers queue on the waitlist, and a place that frees up goes to the first in line.
    """

    class Scheduled(Aggregate.Created):
        activity_id: UUID
        organisation_id: UUID
        starts_at: datetime
        ends_at: datetime
        capacity: int
        location: str | None
        required_skills: list[str]
        actor: str

    class VolunteerSignedUp(Aggregate.Event):
        volunteer_id: UUID
        actor: str

    class VolunteerWaitlisted(Aggregate.Event):
        volunteer_id: UUID
        actor: str

    class VolunteerPromoted(Aggregate.Event):
        """A waitlisted volunteer took a place that became free."""

        volunteer_id: UUID
        actor: str

    class SignUpCancelled(Aggregate.Event):
        volunteer_id: UUID
        reason: str
        actor: str

    class CapacityChanged(Aggregate.Event):
        capacity: int
        actor: str

    class Rescheduled(Aggregate.Event):
        starts_at: datetime
        ends_at: datetime
        reason: str
        actor: str

    class Cancelled(Aggregate.Event):
        """The shift will not take place; every sign-up ends with it."""

        reason: str
        actor: str

    @event(Scheduled)
    def __init__(
        self,
        activity_id: UUID,
        organisation_id: UUID,
        starts_at: datetime,
        ends_at: datetime,
        capacity: int,
        location: str | None,
        required_skills: list[str],
        actor: str,
    ) -> None:
        self.activity_id = activity_id
        self.organisation_id = organisation_id
        self.starts_at = starts_at
        self.ends_at = ends_at
        self.capacity = capacity
        self.location = location
        self.required_skills = list(required_skills)
        self.confirmed: list[UUID] = []
        self.waitlist: list[UUID] = []
        self.status = ShiftStatus.SCHEDULED

    @classmethod
    def schedule(
        cls,
        *,
        id: UUID,
        activity: Activity,
        time: TimeRange,
        capacity: int,
        location: str | None,
        required_skills: list[str],
        now: datetime,
        actor: Actor,
    ) -> Shift:
        if time.start <= now:
            raise InvalidInputError(
                "a shift must start in the future", starts_at=time.start.isoformat()
            )
        activity.add_shift(id, actor)
        shift: Shift = cls._create(
            cls.Scheduled,
            id=id,
            activity_id=activity.id,
            organisation_id=activity.organisation_id,
            starts_at=time.start,
            ends_at=time.end,
            capacity=_checked_capacity(capacity),
            location=location.strip() or None if location else None,
            required_skills=sorted({s.strip() for s in required_skills if s.strip()}),
            actor=str(actor),
        )
        return shift

    @property
    def time(self) -> TimeRange:
        return TimeRange(self.starts_at, self.ends_at)

    @property
    def is_cancelled(self) -> bool:
        return self.status == ShiftStatus.CANCELLED

    @property
    def places_left(self) -> int:
        return max(self.capacity - len(self.confirmed), 0)

    def has_started(self, now: datetime) -> bool:
        return now >= self.starts_at

    def status_of(self, volunteer_id: UUID) -> SignUpStatus | None:
        if volunteer_id in self.confirmed:
            return SignUpStatus.CONFIRMED
        if volunteer_id in self.waitlist:
            return SignUpStatus.WAITLISTED
        return None

    def waitlist_position(self, volunteer_id: UUID) -> int | None:
        """1 for the first in line; None when not waitlisted."""
        return self.waitlist.index(volunteer_id) + 1 if volunteer_id in self.waitlist else None

    def require_open_for_changes(self, now: datetime) -> None:
        if self.is_cancelled:
            raise ShiftStateError("the shift is cancelled", shift_id=str(self.id))
        if self.has_started(now):
            raise ShiftStateError(
                "the shift has already started",
                shift_id=str(self.id),
                starts_at=self.starts_at.isoformat(),
            )

    def require_open_for_sign_up(self, volunteer_id: UUID, *, now: datetime) -> None:
        """The shift's own reasons to refuse a sign-up: cancelled, started (or over), or the
        volunteer already on it. Checked before anything that needs other aggregates (skills,
        overlaps), so that a refusal names the shift's state first. A full shift is never a
        refusal: the volunteer joins the waitlist.
        """
        if self.is_cancelled:
            raise SignUpRefusedError(
                "the shift is cancelled; choose another shift of the activity",
                shift_id=str(self.id),
            )
        if self.has_started(now):
            raise SignUpRefusedError(
                "the shift has already started; sign-ups close at its start",
                shift_id=str(self.id),
                starts_at=self.starts_at.isoformat(),
            )
        current = self.status_of(volunteer_id)
        if current is not None:
            raise SignUpRefusedError(
                f"the volunteer is already {current} on this shift; nothing to do",
                shift_id=str(self.id),
                volunteer_id=str(volunteer_id),
                status=str(current),
            )

    def sign_up(self, volunteer_id: UUID, *, now: datetime, actor: Actor) -> SignUpStatus:
        """Confirm the volunteer while places remain, else put them at the end of the waitlist.

        The caller has checked what needs other aggregates (skills, overlaps, the volunteer's
        status), after ``require_open_for_sign_up``; this checks the shift's own rules again.
        """
        self.require_open_for_sign_up(volunteer_id, now=now)
        if self.places_left > 0:
            self._sign_up(volunteer_id=volunteer_id, actor=str(actor))
            return SignUpStatus.CONFIRMED
        self._waitlist(volunteer_id=volunteer_id, actor=str(actor))
        return SignUpStatus.WAITLISTED

    def cancel_sign_up(
        self, volunteer_id: UUID, *, reason: str, now: datetime, actor: Actor
    ) -> SignUpStatus:
        """End a sign-up before the shift starts; returns what the volunteer held."""
        current = self.status_of(volunteer_id)
        if current is None:
            raise NotSignedUpError(
                "the volunteer is not signed up for this shift",
                shift_id=str(self.id),
                volunteer_id=str(volunteer_id),
            )
        self.require_open_for_changes(now)
        self._cancel_sign_up(
            volunteer_id=volunteer_id, reason=require_reason(reason), actor=str(actor)
        )
        return current

    def promote(self, volunteer_id: UUID, actor: Actor) -> None:
        if volunteer_id not in self.waitlist or self.places_left == 0:
            raise CapacityError("no place to promote this volunteer to", shift_id=str(self.id))
        self._promote(volunteer_id=volunteer_id, actor=str(actor))

    def fill_places(self, can_take: Callable[[UUID], bool], actor: Actor) -> list[UUID]:
        """Promote waitlisted volunteers, first in line first, while places remain; returns
        those promoted, in order.

        ``can_take`` tells whether a volunteer can still take a place: the caller knows what
        other aggregates say (suspended since, or now confirmed for an overlapping shift). It
        is asked about each in line only until the places are filled. Someone who cannot take
        the place keeps their position and is passed over.
        """
        promoted = []
        for volunteer_id in list(self.waitlist):
            if self.places_left == 0:
                break
            if can_take(volunteer_id):
                self.promote(volunteer_id, actor)
                promoted.append(volunteer_id)
        return promoted

    def change_capacity(self, capacity: int, *, now: datetime, actor: Actor) -> None:
        capacity = _checked_capacity(capacity)
        self.require_open_for_changes(now)
        if capacity == self.capacity:
            raise InvalidInputError("the shift already has that capacity", capacity=capacity)
        if capacity < len(self.confirmed):
            raise CapacityError(
                f"capacity cannot go below the {len(self.confirmed)} confirmed volunteers",
                shift_id=str(self.id),
                confirmed=len(self.confirmed),
                capacity=capacity,
            )
        self._change_capacity(capacity=capacity, actor=str(actor))

    def reschedule(self, time: TimeRange, *, reason: str, now: datetime, actor: Actor) -> None:
        self.require_open_for_changes(now)
        if time.start <= now:
            raise InvalidInputError("a shift must start in the future")
        if time == self.time:
            raise InvalidInputError("the shift already has these times")
        self._reschedule(
            starts_at=time.start, ends_at=time.end, reason=require_reason(reason), actor=str(actor)
        )

    def cancel(self, *, reason: str, now: datetime, actor: Actor) -> None:
        self.require_open_for_changes(now)
        self._cancel(reason=require_reason(reason), actor=str(actor))

    @event(VolunteerSignedUp)
    def _sign_up(self, volunteer_id: UUID, actor: str) -> None:
        self.confirmed.append(volunteer_id)

    @event(VolunteerWaitlisted)
    def _waitlist(self, volunteer_id: UUID, actor: str) -> None:
        self.waitlist.append(volunteer_id)

    @event(VolunteerPromoted)
    def _promote(self, volunteer_id: UUID, actor: str) -> None:
        self.waitlist.remove(volunteer_id)
        self.confirmed.append(volunteer_id)

    @event(SignUpCancelled)
    def _cancel_sign_up(self, volunteer_id: UUID, reason: str, actor: str) -> None:
        for queue in (self.confirmed, self.waitlist):
            if volunteer_id in queue:
                queue.remove(volunteer_id)

    @event(CapacityChanged)
    def _change_capacity(self, capacity: int, actor: str) -> None:
        self.capacity = capacity

    @event(Rescheduled)
    def _reschedule(self, starts_at: datetime, ends_at: datetime, reason: str, actor: str) -> None:
        self.starts_at, self.ends_at = starts_at, ends_at

    @event(Cancelled)
    def _cancel(self, reason: str, actor: str) -> None:
        self.status = ShiftStatus.CANCELLED
        self.confirmed, self.waitlist = [], []
