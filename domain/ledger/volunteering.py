"""Commands of and for volunteers: registration, profile changes, sign-ups and cancellations."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from domain.account import Account
from domain.errors import NotFoundError, PhoneInUseError, SignUpRefusedError
from domain.ledger.accounts import PHONE, VOLUNTEER_NUMBER
from domain.ledger.base import LedgerBase
from domain.ledger.command import command
from domain.shift import SignUpStatus
from domain.timesheet import Timesheet
from domain.unique_key import UniqueKey
from domain.values import (
    Actor,
    local_date,
    normalise_phone,
    volunteer_number_from,
)
from domain.volunteer import Volunteer


def _timesheet_of_volunteer(arguments: Mapping[str, Any]) -> list[UUID]:
    """The timesheet a command on a volunteer loads, read ahead with its locks."""
    volunteer_id = arguments.get("volunteer_id")
    return [Timesheet.id_for(volunteer_id)] if isinstance(volunteer_id, UUID) else []


class VolunteeringCommands(LedgerBase):
    @command
    def register_volunteer(
        self,
        *,
        name: str,
        phone: str,
        birth_date: date,
        home_organisation_id: UUID,
        skills: list[str] | None = None,
        privacy_consent: bool,
        guardian_name: str | None = None,
        guardian_consent: bool = False,
        password_hash: str | None = None,
        actor: Actor | None = None,
    ) -> UUID:
        """Register a volunteer (by themselves, unless an actor is given); returns the new id.

        With a password hash, the volunteer's own login account is created in the same save.
        """
        volunteer_id = uuid4()
        actor = actor or Actor.volunteer(volunteer_id)
        organisation = self.organisation(home_organisation_id)
        organisation.require_open()
        phone = normalise_phone(phone)
        phone_key = self._unique_key(PHONE, phone, actor)
        if phone_key.is_held_by_other_than(volunteer_id):
            raise PhoneInUseError(
                "this phone number belongs to another registered volunteer", field="phone"
            )
        number_key, number = self._new_volunteer_number(actor)
        volunteer = Volunteer.register(
            id=volunteer_id,
            volunteer_number=number,
            name=name,
            phone=phone,
            birth_date=birth_date,
            home_organisation_id=organisation.id,
            skills=skills or [],
            privacy_consent=privacy_consent,
            guardian_name=guardian_name,
            guardian_consent=guardian_consent,
            today=local_date(self.now(), organisation.timezone),
            policy=self.policy,
            actor=actor,
        )
        phone_key.claim(volunteer.id, actor)
        number_key.claim(volunteer.id, actor)
        account = None
        if password_hash is not None:
            account = Account.for_volunteer(
                volunteer_id=volunteer.id,
                display_name=volunteer.name,
                password_hash=password_hash,
                actor=actor,
            )
        self._save(volunteer, phone_key, number_key, account)
        return volunteer.id

    def _new_volunteer_number(self, actor: Actor) -> tuple[UniqueKey, str]:
        for _ in range(20):
            number = volunteer_number_from(secrets.randbelow(10**8))
            key = self._unique_key(VOLUNTEER_NUMBER, number, actor)
            if key.owner_id is None:
                return key, number
        raise RuntimeError("no free volunteer number after 20 draws")  # pragma: no cover

    @command
    def change_volunteer_profile(
        self,
        volunteer_id: UUID,
        *,
        name: str | None = None,
        phone: str | None = None,
        skills: list[str] | None = None,
        actor: Actor,
    ) -> None:
        volunteer = self.volunteer(volunteer_id)
        old_phone = volunteer.live_phone
        volunteer.change_profile(name=name, phone=phone, skills=skills, actor=actor)
        if volunteer.phone == old_phone:
            self._save(volunteer)
            return
        new_key = self._unique_key(PHONE, volunteer.live_phone, actor)
        if new_key.is_held_by_other_than(volunteer.id):
            raise PhoneInUseError(
                "this phone number belongs to another registered volunteer", field="phone"
            )
        old_key = self._unique_key(PHONE, old_phone, actor)
        new_key.claim(volunteer.id, actor)
        old_key.release(volunteer.id, actor)
        self._save(volunteer, new_key, old_key)

    @command
    def move_volunteer(
        self, volunteer_id: UUID, organisation_id: UUID, reason: str, actor: Actor
    ) -> None:
        volunteer = self.volunteer(volunteer_id)
        self.organisation(organisation_id).require_open()
        volunteer.move_to(organisation_id, reason, actor)
        self._save(volunteer)

    @command
    def suspend_volunteer(self, volunteer_id: UUID, reason: str, actor: Actor) -> None:
        volunteer = self.volunteer(volunteer_id)
        volunteer.suspend(reason, actor)
        self._save(volunteer)

    @command
    def reinstate_volunteer(self, volunteer_id: UUID, reason: str, actor: Actor) -> None:
        volunteer = self.volunteer(volunteer_id)
        volunteer.reinstate(reason, actor)
        self._save(volunteer)

    @command
    def withdraw_volunteer(self, volunteer_id: UUID, reason: str, actor: Actor) -> None:
        """The volunteer leaves; their records stay, and their phone number is free again."""
        volunteer = self.volunteer(volunteer_id)
        volunteer.withdraw(reason, actor)
        phone_key = self._unique_key(PHONE, volunteer.live_phone, actor)
        phone_key.release(volunteer.id, actor)
        self._save(volunteer, phone_key)

    @command
    def erase_volunteer(self, volunteer_id: UUID, reason: str, actor: Actor) -> str:
        """Erase a person: the erasure event, their phone free again, their login closed.

        Returns the pseudonym. The caller destroys the volunteer's data key once this is saved
        (``Ledger.forget``), which makes the personal fields of their earlier events unreadable.
        """
        volunteer = self.volunteer(volunteer_id)
        phone = volunteer.phone
        volunteer.erase(pseudonym_number=secrets.randbelow(10**6), reason=reason, actor=actor)
        changed: list[UniqueKey | Account] = []
        if phone is not None:
            phone_key = self._unique_key(PHONE, phone, actor)
            phone_key.release(volunteer.id, actor)
            changed.append(phone_key)
        try:
            account = self._load(Account, "account", Account.id_for_volunteer(volunteer.id))
        except NotFoundError:
            account = None
        if account is not None:
            account.erase(volunteer.name, actor)
            changed.append(account)
        self._save(volunteer, *changed)
        return volunteer.name

    @command
    def change_listing(
        self, volunteer_id: UUID, *, public: bool, guardian_consent: bool, actor: Actor
    ) -> None:
        volunteer = self.volunteer(volunteer_id)
        volunteer.change_listing(public=public, guardian_consent=guardian_consent, actor=actor)
        self._save(volunteer)

    @command(locks=("shift_id", "volunteer_id"), reads=_timesheet_of_volunteer)
    def sign_up(self, shift_id: UUID, volunteer_id: UUID, actor: Actor) -> SignUpStatus:
        """Confirmed while places remain, else waitlisted at the end of the line."""
        shift = self.shift(shift_id)
        volunteer = self.volunteer(volunteer_id)
        shift.require_open_for_sign_up(volunteer_id, now=self.now())
        volunteer.require_active()
        missing = sorted(set(shift.required_skills) - set(volunteer.skills))
        if missing:
            raise SignUpRefusedError(
                f"the shift needs skills the volunteer has not registered: {', '.join(missing)}",
                shift_id=str(shift.id),
                missing_skills=missing,
            )
        timesheet = self._timesheet(volunteer_id, actor)
        clash = timesheet.clashing_shift(shift.time, apart_from=shift.id)
        if clash is not None:
            raise SignUpRefusedError(
                "the shift overlaps another shift the volunteer is confirmed for; cancel that "
                "sign-up first, or choose another shift",
                shift_id=str(shift.id),
                overlapping_shift_id=str(clash),
            )
        status = shift.sign_up(volunteer_id, now=self.now(), actor=actor)
        if status == SignUpStatus.CONFIRMED:
            timesheet.hold_shift(shift.id, shift.time, actor)
        self._save(shift, timesheet)
        return status

    @command(locks=("shift_id",))
    def cancel_sign_up(self, shift_id: UUID, volunteer_id: UUID, reason: str, actor: Actor) -> None:
        """End a sign-up; a freed place goes to the first eligible volunteer on the waitlist."""
        shift = self.shift(shift_id)
        held = shift.cancel_sign_up(volunteer_id, reason=reason, now=self.now(), actor=actor)
        changed: list[Timesheet] = []
        if held == SignUpStatus.CONFIRMED:
            timesheet = self._timesheet(volunteer_id, actor)
            timesheet.release_shift(shift.id, actor)
            changed.append(timesheet)
        changed += self._fill_places(shift, actor)
        self._save(shift, *changed)
