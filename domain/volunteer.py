"""A volunteer: a person registered to serve, with a volunteer number and a home organisation."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import InvalidInputError, RegistrationRefusedError, VolunteerInactiveError
from domain.policy import Policy, age_on
from domain.values import Actor, normalise_phone, require_reason, require_text


class VolunteerStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"
    ERASED = "erased"


#: What every read shows instead of an erased volunteer's name: this and the event's number.
ERASED_NAME = "已注销志愿者"


def pseudonym_for(number: int) -> str:
    """The name an erased volunteer is shown under: 已注销志愿者 and a short number."""
    return f"{ERASED_NAME} {number:06d}"


def clean_skills(skills: list[str]) -> list[str]:
    """Skills stripped, without blanks or repeats, in the order given."""
    cleaned: list[str] = []
    for skill in skills:
        text = require_text(skill, "a skill", 30)
        if text not in cleaned:
            cleaned.append(text)
    return cleaned


class Volunteer(Aggregate):
    """A registered volunteer. Identified to people by the volunteer number, never an ID card.

    Under-18s need a guardian's name and consent; below the deployment's minimum age nobody
    registers. Suspension, reinstatement and withdrawal are events like any other.
    """

    class Registered(Aggregate.Created):
        volunteer_number: str
        name: str
        phone: str
        birth_date: date
        home_organisation_id: UUID
        skills: list[str]
        guardian_name: str | None
        guardian_consent: bool
        actor: str

    class ProfileChanged(Aggregate.Event):
        name: str
        phone: str
        skills: list[str]
        actor: str

    class Moved(Aggregate.Event):
        organisation_id: UUID
        reason: str
        actor: str

    class Suspended(Aggregate.Event):
        reason: str
        actor: str

    class Reinstated(Aggregate.Event):
        reason: str
        actor: str

    class Withdrew(Aggregate.Event):
        reason: str
        actor: str

    class Erased(Aggregate.Event):
        """The volunteer's personal data is gone: their data key is destroyed, so the name,
        phone and birth date in earlier events can no longer be read. ``pseudonym`` is what
        every read shows instead (it names nobody); ``reason`` is the admin's, or empty when
        the volunteer asked themselves. The records and their hours stay.
        """

        pseudonym: str
        reason: str
        actor: str

    class ListingPreferencesChanged(Aggregate.Event):
        """Whether the volunteer appears on public lists; a minor also needs the guardian's yes."""

        public: bool
        guardian_consent: bool
        actor: str

    @event(Registered)
    def __init__(
        self,
        volunteer_number: str,
        name: str,
        phone: str,
        birth_date: date,
        home_organisation_id: UUID,
        skills: list[str],
        guardian_name: str | None,
        guardian_consent: bool,
        actor: str,
    ) -> None:
        self.volunteer_number = volunteer_number
        self.name = name
        self.phone: str | None = phone
        self.birth_date: date | None = birth_date
        self.home_organisation_id = home_organisation_id
        self.skills = list(skills)
        self.guardian_name = guardian_name
        self.guardian_consent = guardian_consent
        self.status = VolunteerStatus.ACTIVE
        self.listed_publicly = True
        self.guardian_listing_consent = False

    @classmethod
    def register(
        cls,
        *,
        id: UUID,
        volunteer_number: str,
        name: str,
        phone: str,
        birth_date: date,
        home_organisation_id: UUID,
        skills: list[str],
        privacy_consent: bool,
        guardian_name: str | None,
        guardian_consent: bool,
        today: date,
        policy: Policy,
        actor: Actor,
    ) -> Volunteer:
        if not privacy_consent:
            raise RegistrationRefusedError(
                "consent to the privacy notice is required to register", field="consent"
            )
        if birth_date > today:
            raise InvalidInputError("the date of birth is in the future", field="birth_date")
        age = age_on(birth_date, today)
        if age < policy.minimum_age:
            raise RegistrationRefusedError(
                f"volunteers must be at least {policy.minimum_age} years old",
                field="birth_date",
                minimum_age=policy.minimum_age,
            )
        guardian = require_text(guardian_name, "the guardian's name", 50) if guardian_name else None
        if age < policy.adult_age and not (guardian and guardian_consent):
            raise RegistrationRefusedError(
                f"volunteers under {policy.adult_age} need a guardian's name and consent",
                field="guardian",
            )
        volunteer: Volunteer = cls._create(
            cls.Registered,
            id=id,
            volunteer_number=volunteer_number,
            name=require_text(name, "a volunteer's name", 50),
            phone=normalise_phone(phone),
            birth_date=birth_date,
            home_organisation_id=home_organisation_id,
            skills=clean_skills(skills),
            guardian_name=guardian,
            guardian_consent=bool(guardian and guardian_consent),
            actor=str(actor),
        )
        return volunteer

    @property
    def is_active(self) -> bool:
        return self.status == VolunteerStatus.ACTIVE

    def require_active(self) -> None:
        if not self.is_active:
            raise VolunteerInactiveError(
                f"volunteer {self.volunteer_number} is {self.status}",
                volunteer_id=str(self.id),
                status=str(self.status),
            )

    @property
    def live_phone(self) -> str:
        """The phone number; an erased volunteer has none, and asking is refused."""
        if self.phone is None:
            raise VolunteerInactiveError("the volunteer has been erased", volunteer_id=str(self.id))
        return self.phone

    def has_skills(self, required: list[str]) -> bool:
        return set(required) <= set(self.skills)

    def change_profile(
        self, *, name: str | None, phone: str | None, skills: list[str] | None, actor: Actor
    ) -> None:
        self._require_not_withdrawn()
        new_name = require_text(name, "a volunteer's name", 50) if name is not None else self.name
        new_phone = normalise_phone(phone) if phone is not None else self.live_phone
        new_skills = clean_skills(skills) if skills is not None else self.skills
        if (new_name, new_phone, new_skills) == (self.name, self.phone, self.skills):
            raise InvalidInputError("the profile already has these values")
        self._change_profile(name=new_name, phone=new_phone, skills=new_skills, actor=str(actor))

    def move_to(self, organisation_id: UUID, reason: str, actor: Actor) -> None:
        self._require_not_withdrawn()
        if organisation_id == self.home_organisation_id:
            raise InvalidInputError("the volunteer already belongs to that organisation")
        self._move(organisation_id=organisation_id, reason=require_reason(reason), actor=str(actor))

    def suspend(self, reason: str, actor: Actor) -> None:
        self.require_active()
        self._suspend(reason=require_reason(reason), actor=str(actor))

    def reinstate(self, reason: str, actor: Actor) -> None:
        if self.status != VolunteerStatus.SUSPENDED:
            raise VolunteerInactiveError(
                f"only a suspended volunteer can be reinstated; this one is {self.status}",
                volunteer_id=str(self.id),
            )
        self._reinstate(reason=require_reason(reason), actor=str(actor))

    def withdraw(self, reason: str, actor: Actor) -> None:
        self._require_not_withdrawn()
        self._withdraw(reason=require_reason(reason), actor=str(actor))

    def erase(self, *, pseudonym_number: int, reason: str, actor: Actor) -> None:
        """Erase the person (PIPL, 《志愿服务条例》 Art. 20): from now on the volunteer is a
        pseudonym with no name, phone, birth date or guardian; erasing twice is refused."""
        if self.status == VolunteerStatus.ERASED:
            raise VolunteerInactiveError(
                "the volunteer has been erased already", volunteer_id=str(self.id)
            )
        self._erase(
            pseudonym=pseudonym_for(pseudonym_number),
            reason=reason.strip()[:500],
            actor=str(actor),
        )

    def change_listing(self, *, public: bool, guardian_consent: bool, actor: Actor) -> None:
        """Opt out of (or back into) public recognition lists. A minor is shown only when the
        guardian has said yes too; that consent is recorded here, by whoever relays it.
        """
        self._require_not_withdrawn()
        if (public, guardian_consent) == (self.listed_publicly, self.guardian_listing_consent):
            raise InvalidInputError("the listing preferences already have these values")
        self._change_listing(public=public, guardian_consent=guardian_consent, actor=str(actor))

    def _require_not_withdrawn(self) -> None:
        if self.status in (VolunteerStatus.WITHDRAWN, VolunteerStatus.ERASED):
            raise VolunteerInactiveError(
                f"volunteer {self.volunteer_number} has withdrawn", volunteer_id=str(self.id)
            )

    @event(ProfileChanged)
    def _change_profile(self, name: str, phone: str, skills: list[str], actor: str) -> None:
        self.name, self.phone, self.skills = name, phone, list(skills)

    @event(Moved)
    def _move(self, organisation_id: UUID, reason: str, actor: str) -> None:
        self.home_organisation_id = organisation_id

    @event(Suspended)
    def _suspend(self, reason: str, actor: str) -> None:
        self.status = VolunteerStatus.SUSPENDED

    @event(Reinstated)
    def _reinstate(self, reason: str, actor: str) -> None:
        self.status = VolunteerStatus.ACTIVE

    @event(ListingPreferencesChanged)
    def _change_listing(self, public: bool, guardian_consent: bool, actor: str) -> None:
        self.listed_publicly = public
        self.guardian_listing_consent = guardian_consent

    @event(Withdrew)
    def _withdraw(self, reason: str, actor: str) -> None:
        self.status = VolunteerStatus.WITHDRAWN

    @event(Erased)
    def _erase(self, pseudonym: str, reason: str, actor: str) -> None:
        self.status = VolunteerStatus.ERASED
        self.name = pseudonym
        self.phone = None
        self.birth_date = None
        self.guardian_name = None
        self.listed_publicly = False
        self.guardian_listing_consent = False
