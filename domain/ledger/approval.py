"""Commands that decide on a service record: approval, correction and revocation.

The second-party rule lives on ``ServiceRecord``; these commands load the record, let it
decide, and keep the volunteer's timesheet in step with the minutes that count.
"""

from __future__ import annotations

from uuid import UUID

from domain.ledger.base import LedgerBase
from domain.ledger.command import command
from domain.service_record import ServiceRecord
from domain.timesheet import Timesheet
from domain.values import Actor


class ApprovalCommands(LedgerBase):
    """Deciding on recorded service: approve, confirm, reject, correct, revoke, and the
    volunteer's correction requests."""

    @command
    def approve_record(self, record_id: UUID, actor: Actor) -> None:
        """Approve, under the second-party rule (``ServiceRecord``); the deployment's
        ``single_organiser_approval`` lets a maker of the minutes approve alone."""
        record = self.service_record(record_id)
        record.approve(actor, single_organiser_allowed=self.policy.single_organiser_approval)
        self._save(record)

    @command
    def confirm_record(self, record_id: UUID, actor: Actor) -> None:
        """The volunteer confirms a pending record's minutes: the second party of the rule."""
        record = self.service_record(record_id)
        record.confirm(actor)
        self._save(record)

    @command
    def reject_record(self, record_id: UUID, reason: str, actor: Actor) -> None:
        record = self.service_record(record_id)
        record.reject(reason, actor)
        self._save(record, self._uncount(record, actor))

    @command
    def correct_record(self, record_id: UUID, minutes: int, reason: str, actor: Actor) -> None:
        """Correct the minutes; raising approved ones needs a second party (``ServiceRecord``)
        unless the deployment's ``single_organiser_approval`` allows it."""
        record = self.service_record(record_id)
        record.correct(
            minutes, reason, actor, single_organiser_allowed=self.policy.single_organiser_approval
        )
        self._save(record, self._recount(record, actor))

    @command
    def revoke_record(self, record_id: UUID, reason: str, actor: Actor) -> None:
        record = self.service_record(record_id)
        record.revoke(reason, actor)
        self._save(record, self._uncount(record, actor))

    @command
    def request_correction(self, record_id: UUID, minutes: int, reason: str, actor: Actor) -> None:
        record = self.service_record(record_id)
        record.request_correction(minutes, reason, actor)
        self._save(record)

    @command
    def accept_correction_request(
        self, record_id: UUID, reason: str, actor: Actor, *, minutes: int | None = None
    ) -> None:
        """Accept the volunteer's open request: the second party of a raise of approved
        minutes, up to the minutes they asked for (``ServiceRecord``)."""
        record = self.service_record(record_id)
        record.accept_correction_request(
            minutes, reason, actor, single_organiser_allowed=self.policy.single_organiser_approval
        )
        self._save(record, self._recount(record, actor))

    @command
    def decline_correction_request(self, record_id: UUID, reason: str, actor: Actor) -> None:
        record = self.service_record(record_id)
        record.decline_correction_request(reason, actor)
        self._save(record)

    def _recount(self, record: ServiceRecord, actor: Actor) -> Timesheet:
        timesheet = self._timesheet(record.volunteer_id, actor)
        timesheet.recount(record.id, record.minutes, self.policy.daily_cap_minutes, actor)
        return timesheet

    def _uncount(self, record: ServiceRecord, actor: Actor) -> Timesheet:
        timesheet = self._timesheet(record.volunteer_id, actor)
        timesheet.uncount(record.id, actor)
        return timesheet
