"""Commands of organisers: organisations, activities and their shifts."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from domain.activity import Activity
from domain.errors import OrganisationNameTakenError
from domain.ledger.base import LedgerBase
from domain.ledger.command import command
from domain.organisation import DEFAULT_TIMEZONE, Organisation, name_key
from domain.shift import Shift
from domain.timesheet import Timesheet
from domain.unique_key import UniqueKey
from domain.values import SYSTEM, Actor, Clash, TimeRange, WeeklyRecurrence, derived_id

ORGANISATION_NAME = "organisation-name"


class OrganisingCommands(LedgerBase):
    @command
    def create_organisation(
        self,
        *,
        name: str,
        kind: str,
        parent_id: UUID | None = None,
        timezone: str = DEFAULT_TIMEZONE,
        actor: Actor = SYSTEM,
    ) -> UUID:
        """No two children of one organisation share a name (top-level ones may)."""
        self.policy.require_organisation_kind(kind)
        parent = self.organisation(parent_id) if parent_id is not None else None
        organisation = Organisation.create(
            id=uuid4(), name=name, kind=kind, parent=parent, timezone=timezone, actor=actor
        )
        keys = [] if parent is None else [self._claim_name(organisation, organisation.name, actor)]
        self._save(organisation, parent, *keys)
        return organisation.id

    @command
    def rename_organisation(
        self, organisation_id: UUID, name: str, actor: Actor, *, reason: str
    ) -> None:
        """A new name, free among its siblings; the old one is free again."""
        organisation = self.organisation(organisation_id)
        old_name = organisation.name
        organisation.rename(name, reason, actor)
        keys = []
        renamed = name_key(None, old_name) != name_key(None, organisation.name)
        if organisation.parent_id is not None and renamed:
            keys.append(self._claim_name(organisation, organisation.name, actor))
            old = self._name_key(organisation, old_name, actor)
            if old.owner_id == organisation.id:  # organisations made before names were keys
                old.release(organisation.id, actor)  # hold none
                keys.append(old)
        self._save(organisation, *keys)

    @command
    def close_organisation(self, organisation_id: UUID, reason: str, actor: Actor) -> None:
        """Closed, it keeps its history, and its name is free for a successor."""
        organisation = self.organisation(organisation_id)
        organisation.close(reason, actor)
        keys = []
        if organisation.parent_id is not None:
            key = self._name_key(organisation, organisation.name, actor)
            if key.owner_id == organisation.id:
                key.release(organisation.id, actor)
                keys.append(key)
        self._save(organisation, *keys)

    def _name_key(self, organisation: Organisation, name: str, actor: Actor) -> UniqueKey:
        return self._unique_key(ORGANISATION_NAME, name_key(organisation.parent_id, name), actor)

    def _claim_name(self, organisation: Organisation, name: str, actor: Actor) -> UniqueKey:
        key = self._name_key(organisation, name, actor)
        if key.owner_id is not None and key.owner_id != organisation.id:
            raise OrganisationNameTakenError(
                f"{self.organisation(key.owner_id).name} already has this name here "
                f"({key.owner_id}): choose another name",
                field="name",
                existing_id=str(key.owner_id),
            )
        key.claim(organisation.id, actor)
        return key

    @command
    def create_activity(
        self,
        *,
        title: str,
        category: str,
        organisation_id: UUID,
        location: str,
        description: str = "",
        actor: Actor,
        contact: str | None = None,
    ) -> UUID:
        activity = Activity.create(
            id=uuid4(),
            title=title,
            category=category,
            organisation=self.organisation(organisation_id),
            location=location,
            description=description,
            policy=self.policy,
            actor=actor,
            contact=contact,
        )
        self._save(activity)
        return activity.id

    @command
    def close_activity(self, activity_id: UUID, reason: str, actor: Actor) -> None:
        """Close the activity; its shifts that have not started are cancelled with the reason."""
        activity = self.activity(activity_id)
        activity.close(reason, actor)
        now = self.now()
        changed: list[Shift | Timesheet] = []
        for shift_id in activity.shift_ids:
            shift = self.shift(shift_id)
            if not shift.is_cancelled and not shift.has_started(now):
                changed += self._cancel(shift, reason, now, actor)
        self._save(activity, *changed)

    @command
    def add_shift(
        self,
        activity_id: UUID,
        *,
        starts_at: datetime,
        ends_at: datetime,
        capacity: int,
        location: str | None = None,
        required_skills: list[str] | None = None,
        actor: Actor,
    ) -> UUID:
        activity = self.activity(activity_id)
        self.organisation(activity.organisation_id).require_open()
        shift = Shift.schedule(
            id=uuid4(),
            activity=activity,
            time=TimeRange.checked(starts_at, ends_at, "shift"),
            capacity=capacity,
            location=location,
            required_skills=required_skills or [],
            now=self.now(),
            actor=actor,
        )
        self._save(activity, shift)
        return shift.id

    @command
    def add_recurring_shifts(
        self,
        activity_id: UUID,
        recurrence: WeeklyRecurrence,
        *,
        capacity: int,
        location: str | None = None,
        required_skills: list[str] | None = None,
        actor: Actor,
    ) -> list[UUID]:
        """One shift per matching day that has not started yet. Running the same rule again
        creates nothing new: each shift's id derives from the activity and its start.
        """
        activity = self.activity(activity_id)
        _, shifts = self._recurring_shifts(
            activity,
            recurrence,
            capacity=capacity,
            location=location,
            required_skills=required_skills,
            actor=actor,
        )
        self._save(activity, *shifts)
        return [shift.id for shift in shifts]

    def _recurring_shifts(
        self,
        activity: Activity,
        recurrence: WeeklyRecurrence,
        *,
        capacity: int,
        location: str | None,
        required_skills: list[str] | None,
        actor: Actor,
    ) -> tuple[list[UUID], list[Shift]]:
        """The ids of the rule's shifts still to come, and the new shifts among them: each id
        derives from the activity and the start, so a shift the activity has already is kept
        as it is. The activity's organisation must be open."""
        organisation = self.organisation(activity.organisation_id)
        organisation.require_open()
        now = self.now()
        ids, shifts = [], []
        for time in recurrence.ranges(organisation.timezone):
            shift_id = derived_id("recurring-shift", activity.id, time.start.isoformat())
            if time.start <= now:
                continue
            ids.append(shift_id)
            if activity.has_shift(shift_id):
                continue
            shifts.append(
                Shift.schedule(
                    id=shift_id,
                    activity=activity,
                    time=time,
                    capacity=capacity,
                    location=location,
                    required_skills=required_skills or [],
                    now=now,
                    actor=actor,
                )
            )
        return ids, shifts

    @command(locks=("shift_id",))
    def reschedule_shift(
        self,
        shift_id: UUID,
        *,
        starts_at: datetime,
        ends_at: datetime,
        reason: str,
        actor: Actor,
    ) -> list[Clash]:
        """Move the shift; confirmed volunteers keep their places, and those whose other
        shifts it now overlaps are returned so that they can be told.
        """
        shift = self.shift(shift_id)
        time = TimeRange.checked(starts_at, ends_at, "shift")
        shift.reschedule(time, reason=reason, now=self.now(), actor=actor)
        clashes, timesheets = [], []
        for volunteer_id in shift.confirmed:
            timesheet = self._timesheet(volunteer_id, actor)
            clash = timesheet.move_shift(shift.id, time, actor)
            if clash is not None:
                clashes.append(Clash(volunteer_id, clash))
            timesheets.append(timesheet)
        self._save(shift, *timesheets)
        return clashes

    @command(locks=("shift_id",))
    def cancel_shift(self, shift_id: UUID, reason: str, actor: Actor) -> None:
        shift = self.shift(shift_id)
        self._save(*self._cancel(shift, reason, self.now(), actor))

    @command(locks=("shift_id",))
    def change_capacity(self, shift_id: UUID, capacity: int, actor: Actor) -> None:
        """Raise or lower the places; raising promotes from the waitlist, in order."""
        shift = self.shift(shift_id)
        shift.change_capacity(capacity, now=self.now(), actor=actor)
        self._save(shift, *self._fill_places(shift, actor))

    def _cancel(
        self, shift: Shift, reason: str, now: datetime, actor: Actor
    ) -> list[Shift | Timesheet]:
        confirmed = list(shift.confirmed)
        shift.cancel(reason=reason, now=now, actor=actor)
        timesheets = [self._timesheet(volunteer_id, actor) for volunteer_id in confirmed]
        for timesheet in timesheets:
            timesheet.release_shift(shift.id, actor)
        return [shift, *timesheets]
