"""A service record: the unit of volunteer hours, from pending to approved, corrected or revoked.

Longer than most modules: the aggregate keeps its nine event classes here (their module and
class path are stored with every event, so they cannot move) and the second-party rule that
decides between them.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import (
    InvalidInputError,
    NotOwnRecordError,
    RecordStateError,
    SecondPartyRequiredError,
    SelfApprovalError,
)
from domain.values import Actor, TimeRange, require_reason


class RecordStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    REVOKED = "revoked"


class RecordSource(StrEnum):
    ATTENDANCE = "attendance"
    MANUAL = "manual"


class ServiceRecord(Aggregate):
    """Minutes of service by one volunteer, organised by one organisation.

    Nothing here is ever overwritten: a correction is a new event with the new minutes, who
    made it and why, so the history shows every figure the record ever had.

    The second-party rule: whoever made the minutes may not approve them alone. The makers are
    everyone who corrected the record, and, for a record entered by hand, whoever recorded it
    (a record made from attendance has the volunteer's own check-in, or their signature on the
    sign-in sheet, as its second party). A maker may approve once the volunteer has confirmed
    the minutes as they stand (a correction undoes a confirmation); anyone else may approve
    at any time; and a maker may approve alone where the deployment allows it
    (``Policy.single_organiser_approval``), the approval saying so.

    A correction that raises approved minutes needs a second party too, for it makes hours
    that count at once: the volunteer's own correction request is it, so an organiser may
    accept the requested minutes (or fewer) but not raise them directly, nor accept more than
    was asked for, unless the deployment allows it, the correction saying so. Lowering
    approved minutes, or correcting pending ones (they still need an approval), needs no one.
    """

    #: Version 2 remembers who recorded, corrected and confirmed the record.
    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict[str, object]) -> None:
        """A snapshot taken before version 2 does not know who made the minutes: ``None``
        as the recorder makes the rule ask for the volunteer's confirmation."""
        state["recorded_by"] = None
        state["corrected_by"] = []
        state["confirmed_by"] = None

    class Recorded(Aggregate.Created):
        volunteer_id: UUID
        activity_id: UUID
        organisation_id: UUID
        shift_id: UUID | None
        source: str
        started_at: datetime
        ended_at: datetime
        service_date: date
        minutes: int
        description: str
        beneficiary: str | None
        needs_review: bool
        actor: str

    class Approved(Aggregate.Event):
        """``single_organiser``: approved by one of the record's makers with no second party,
        under the deployment's single-organiser setting (version 1 events: never)."""

        class_version = 2

        actor: str
        single_organiser: bool

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            state["single_organiser"] = False

    class Confirmed(Aggregate.Event):
        """The volunteer confirmed the record's minutes as they stood: a second party."""

        minutes: int
        actor: str

    class Rejected(Aggregate.Event):
        reason: str
        actor: str

    class Corrected(Aggregate.Event):
        """The minutes that count from now on; ``previous_minutes`` keeps the old figure.
        ``single_organiser``: a raise of approved minutes with no second party, under the
        deployment's single-organiser setting (version 1 events: never)."""

        class_version = 2

        minutes: int
        previous_minutes: int
        reason: str
        actor: str
        single_organiser: bool

        @staticmethod
        def upcast_v1_v2(state: dict[str, object]) -> None:
            state["single_organiser"] = False

    class Revoked(Aggregate.Event):
        reason: str
        actor: str

    class CorrectionRequested(Aggregate.Event):
        minutes: int
        reason: str
        actor: str

    class CorrectionRequestDeclined(Aggregate.Event):
        reason: str
        actor: str

    class CorrectionRequestAccepted(Aggregate.Event):
        """Followed by the ``Corrected`` event that applies the new minutes."""

        minutes: int
        actor: str

    @event(Recorded)
    def __init__(
        self,
        volunteer_id: UUID,
        activity_id: UUID,
        organisation_id: UUID,
        shift_id: UUID | None,
        source: str,
        started_at: datetime,
        ended_at: datetime,
        service_date: date,
        minutes: int,
        description: str,
        beneficiary: str | None,
        needs_review: bool,
        actor: str,
    ) -> None:
        self.volunteer_id = volunteer_id
        self.activity_id = activity_id
        self.organisation_id = organisation_id
        self.shift_id = shift_id
        self.source = source
        self.started_at = started_at
        self.ended_at = ended_at
        self.service_date = service_date
        self.minutes = minutes
        self.description = description
        self.beneficiary = beneficiary
        self.needs_review = needs_review
        self.status = RecordStatus.PENDING
        self.requested_minutes: int | None = None
        self.recorded_by: str | None = actor
        self.corrected_by: list[str] = []
        self.confirmed_by: str | None = None

    @classmethod
    def record(
        cls,
        *,
        id: UUID,
        volunteer_id: UUID,
        activity_id: UUID,
        organisation_id: UUID,
        shift_id: UUID | None,
        source: RecordSource,
        time: TimeRange,
        service_date: date,
        minutes: int,
        description: str,
        beneficiary: str | None,
        needs_review: bool,
        actor: Actor,
    ) -> ServiceRecord:
        if minutes <= 0:
            raise InvalidInputError("the service time rounds to no minutes at all", minutes=minutes)
        record: ServiceRecord = cls._create(
            cls.Recorded,
            id=id,
            volunteer_id=volunteer_id,
            activity_id=activity_id,
            organisation_id=organisation_id,
            shift_id=shift_id,
            source=str(source),
            started_at=time.start,
            ended_at=time.end,
            service_date=service_date,
            minutes=minutes,
            description=description.strip()[:2000],
            beneficiary=(beneficiary or "").strip()[:200] or None,
            needs_review=needs_review,
            actor=str(actor),
        )
        return record

    @property
    def counts(self) -> bool:
        """Whether the record's time is (or may become) counted: not rejected nor revoked."""
        return self.status in (RecordStatus.PENDING, RecordStatus.APPROVED)

    @property
    def has_open_correction_request(self) -> bool:
        return self.requested_minutes is not None

    def approve(self, actor: Actor, *, single_organiser_allowed: bool = False) -> None:
        """Approve, under the second-party rule (see the class); ``single_organiser_allowed``
        lets a maker approve alone."""
        self._require_not_own(actor, "approve")
        self._require_status(RecordStatus.PENDING, action="approve")
        alone = self.lacks_second_party(actor)
        if alone and not single_organiser_allowed:
            raise SecondPartyRequiredError(
                "whoever recorded or corrected these minutes may not approve them alone: "
                "another organiser approves them, or the volunteer confirms them first",
                record_id=str(self.id),
            )
        self._approve(actor=str(actor), single_organiser=alone)

    def lacks_second_party(self, actor: Actor) -> bool:
        """Whether ``actor`` approving now would leave the minutes checked by nobody else."""
        if self.confirmed_by is not None:
            return False
        if str(actor) in self.corrected_by:
            return True
        return self.source == RecordSource.MANUAL and self.recorded_by in (str(actor), None)

    def confirm(self, actor: Actor) -> None:
        """The volunteer confirms the pending minutes as they stand."""
        if actor.volunteer_id != self.volunteer_id:
            raise NotOwnRecordError(
                "only the volunteer the record belongs to can confirm it", record_id=str(self.id)
            )
        self._require_status(RecordStatus.PENDING, action="confirm")
        if self.confirmed_by is not None:
            raise RecordStateError(
                "the volunteer has already confirmed these minutes", record_id=str(self.id)
            )
        self._confirm(minutes=self.minutes, actor=str(actor))

    def reject(self, reason: str, actor: Actor) -> None:
        self._require_not_own(actor, "reject")
        self._require_status(RecordStatus.PENDING, action="reject")
        self._reject(reason=require_reason(reason), actor=str(actor))

    def correct(
        self, minutes: int, reason: str, actor: Actor, *, single_organiser_allowed: bool = False
    ) -> None:
        """Correct the minutes; raising approved ones needs a second party (see the class)."""
        self._require_not_own(actor, "correct")
        self._require_status(RecordStatus.PENDING, RecordStatus.APPROVED, action="correct")
        self._require_new_minutes(minutes)
        alone = self._raises_approved(minutes)
        if alone and not single_organiser_allowed:
            raise SecondPartyRequiredError(
                "raising approved minutes needs a second party: the volunteer asks for the "
                "correction, and an organiser accepts it",
                record_id=str(self.id),
                minutes=minutes,
                approved_minutes=self.minutes,
            )
        self._correct(
            minutes=minutes,
            previous_minutes=self.minutes,
            reason=require_reason(reason),
            actor=str(actor),
            single_organiser=alone,
        )

    def revoke(self, reason: str, actor: Actor) -> None:
        self._require_not_own(actor, "revoke")
        self._require_status(RecordStatus.APPROVED, action="revoke")
        self._revoke(reason=require_reason(reason), actor=str(actor))

    def request_correction(self, minutes: int, reason: str, actor: Actor) -> None:
        if actor.volunteer_id != self.volunteer_id:
            raise NotOwnRecordError(
                "only the volunteer the record belongs to can ask for its correction",
                record_id=str(self.id),
            )
        self._require_status(
            RecordStatus.PENDING, RecordStatus.APPROVED, action="ask for a correction of"
        )
        if self.has_open_correction_request:
            raise RecordStateError(
                "a correction request for this record is already open", record_id=str(self.id)
            )
        self._require_new_minutes(minutes)
        self._request_correction(minutes=minutes, reason=require_reason(reason), actor=str(actor))

    def accept_correction_request(
        self,
        minutes: int | None,
        reason: str,
        actor: Actor,
        *,
        single_organiser_allowed: bool = False,
    ) -> None:
        """Accept the open request, with the requested minutes unless others are given; more
        than requested, raising approved minutes, is a raise with no second party."""
        self._require_open_request()
        requested = self.requested_minutes
        assert requested is not None
        new_minutes = requested if minutes is None else minutes
        self._require_not_own(actor, "correct")
        self._require_status(RecordStatus.PENDING, RecordStatus.APPROVED, action="correct")
        self._require_new_minutes(new_minutes)
        alone = new_minutes > requested and self._raises_approved(new_minutes)
        if alone and not single_organiser_allowed:
            raise SecondPartyRequiredError(
                f"accepting more minutes than the volunteer asked for ({requested}) raises "
                "approved minutes with no second party: accept the requested minutes or fewer",
                record_id=str(self.id),
                minutes=new_minutes,
                requested_minutes=requested,
            )
        reason = require_reason(reason)
        self._accept_request(minutes=new_minutes, actor=str(actor))
        self._correct(
            minutes=new_minutes,
            previous_minutes=self.minutes,
            reason=reason,
            actor=str(actor),
            single_organiser=alone,
        )

    def decline_correction_request(self, reason: str, actor: Actor) -> None:
        self._require_open_request()
        self._require_not_own(actor, "decline a correction of")
        self._decline_request(reason=require_reason(reason), actor=str(actor))

    def _require_not_own(self, actor: Actor, action: str) -> None:
        if actor.volunteer_id == self.volunteer_id:
            raise SelfApprovalError(
                f"nobody may {action} their own service record", record_id=str(self.id)
            )

    def _require_status(self, *allowed: RecordStatus, action: str) -> None:
        if self.status not in allowed:
            raise RecordStateError(
                f"cannot {action} a record that is {self.status}",
                record_id=str(self.id),
                status=str(self.status),
            )

    def _require_new_minutes(self, minutes: int) -> None:
        if minutes <= 0:
            raise InvalidInputError(
                "minutes must be positive; revoke or reject a record that should not count",
                minutes=minutes,
            )
        if minutes == self.minutes:
            raise InvalidInputError("the record already counts these minutes", minutes=minutes)

    def _raises_approved(self, minutes: int) -> bool:
        """Whether ``minutes`` would raise minutes that already count as approved."""
        return self.status == RecordStatus.APPROVED and minutes > self.minutes

    def _require_open_request(self) -> None:
        if not self.has_open_correction_request:
            raise RecordStateError(
                "there is no open correction request for this record", record_id=str(self.id)
            )

    @event(Approved)
    def _approve(self, actor: str, single_organiser: bool) -> None:
        self.status = RecordStatus.APPROVED

    @event(Confirmed)
    def _confirm(self, minutes: int, actor: str) -> None:
        self.confirmed_by = actor

    @event(Rejected)
    def _reject(self, reason: str, actor: str) -> None:
        self.status = RecordStatus.REJECTED
        self.requested_minutes = None

    @event(Corrected)
    def _correct(
        self, minutes: int, previous_minutes: int, reason: str, actor: str, single_organiser: bool
    ) -> None:
        self.minutes = minutes
        self.corrected_by.append(actor)
        self.confirmed_by = None  # a confirmation is of the minutes it saw

    @event(Revoked)
    def _revoke(self, reason: str, actor: str) -> None:
        self.status = RecordStatus.REVOKED
        self.requested_minutes = None

    @event(CorrectionRequested)
    def _request_correction(self, minutes: int, reason: str, actor: str) -> None:
        self.requested_minutes = minutes

    @event(CorrectionRequestAccepted)
    def _accept_request(self, minutes: int, actor: str) -> None:
        self.requested_minutes = None

    @event(CorrectionRequestDeclined)
    def _decline_request(self, reason: str, actor: str) -> None:
        self.requested_minutes = None


#: The status each of these events leaves a record in, for the read models that follow it.
STATUS_AFTER: dict[type[Aggregate.Event], RecordStatus] = {
    ServiceRecord.Approved: RecordStatus.APPROVED,
    ServiceRecord.Rejected: RecordStatus.REJECTED,
    ServiceRecord.Revoked: RecordStatus.REVOKED,
}
