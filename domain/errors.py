"""The ledger's errors: one tree, each carrying the ids and context a person needs to act.

    LedgerError
    ├── NotFoundError                 an organisation, volunteer, shift … that does not exist
    ├── InvalidInputError             the request itself is malformed or out of range
    │   └── RegistrationRefusedError  consent missing, under age, guardian missing
    ├── RuleViolationError            well-formed, but the ledger's rules refuse it now
    │   ├── OrganisationClosedError, ActivityClosedError
    │   ├── PhoneInUseError
    │   ├── VolunteerInactiveError    suspended or withdrawn
    │   ├── SignUpRefusedError        twice, skills, started, cancelled, overlap
    │   ├── NotSignedUpError
    │   ├── CapacityError, ShiftStateError
    │   ├── SeriesExistsError         the same weekly series of an activity exists already
    │   ├── AttendanceError
    │   ├── RecordStateError          a service record is not in a state that allows this
    │   ├── TimeAlreadyCountedError   overlaps time already counted for the volunteer
    │   ├── DailyCapExceededError
    │   ├── UsernameTakenError, OrganisationNameTakenError
    │   ├── AccountDisabledError
    │   ├── ResetCodeRefusedError     a password-reset code that is wrong, used or expired
    │   └── RecognitionListError      a published list is final, its window closed …
    ├── PermissionDeniedError         a rule of who may act, whatever their account's role
    │   ├── SelfApprovalError         nobody approves or corrects their own record
    │   ├── SecondPartyRequiredError  whoever made the minutes does not approve them alone
    │   ├── VolunteerOutOfReachError  hours only for volunteers within the organiser's reach
    │   └── NotOwnRecordError         only the record's volunteer asks for its correction
    ├── ConcurrentUpdateError         kept colliding with concurrent changes; try again
    └── RequestKeyReusedError         a request key came back with a different request

Errors never carry transport details (HTTP status and the like); the API maps them.
"""

from __future__ import annotations

from typing import Any


class LedgerError(Exception):
    """Base of every error the ledger raises on purpose."""

    def __init__(self, message: str, **context: Any) -> None:
        super().__init__(message)
        self.message = message
        self.context = context


class NotFoundError(LedgerError):
    """The thing named by an id does not exist in the ledger."""

    def __init__(self, kind: str, id: object) -> None:
        super().__init__(f"{kind} {id} was not found", kind=kind, id=str(id))


class InvalidInputError(LedgerError):
    """The input is malformed or out of range, whatever the ledger's state."""


class RegistrationRefusedError(InvalidInputError):
    """A volunteer cannot be registered as given: consent, age or guardian rules.

    The input alone decides it, not anything stored, so it is invalid input; ``field`` in the
    context names the input at fault.
    """


class RuleViolationError(LedgerError):
    """The input is well-formed, but a rule of the ledger refuses it in the current state."""


class OrganisationClosedError(RuleViolationError):
    """A closed organisation keeps its history but takes nothing new."""


class ActivityClosedError(RuleViolationError):
    """A closed activity takes no new shifts or sign-ups."""


class PhoneInUseError(RuleViolationError):
    """The phone number belongs to another active volunteer."""


class VolunteerInactiveError(RuleViolationError):
    """The volunteer is suspended or has withdrawn."""


class SignUpRefusedError(RuleViolationError):
    """A sign-up is refused: already signed up, skills missing, shift started or overlapping."""


class NotSignedUpError(RuleViolationError):
    """The volunteer holds no sign-up on that shift."""


class CapacityError(RuleViolationError):
    """A shift's capacity cannot be changed that way."""


class ShiftStateError(RuleViolationError):
    """The shift is cancelled, or already started, for what was asked."""


class SeriesExistsError(RuleViolationError):
    """A weekly series with the same days, dates and times exists for the activity already;
    ``series_id`` in the context names it, to change or cancel from a date on."""


class AttendanceError(RuleViolationError):
    """Check-in, check-out or no-show out of order."""


class RecordStateError(RuleViolationError):
    """A service record is not in a state that allows this action."""


class TimeAlreadyCountedError(RuleViolationError):
    """The service time overlaps time already counted for the same volunteer."""


class DailyCapExceededError(RuleViolationError):
    """A volunteer's service minutes on one day would exceed the daily cap."""


class PermissionDeniedError(LedgerError):
    """The ledger's own rules of who may do this refuse this actor."""


class UsernameTakenError(RuleViolationError):
    """Another account has this username."""


class OrganisationNameTakenError(RuleViolationError):
    """Another child of the same organisation has this name (``existing_id`` in the context)."""


class AccountDisabledError(RuleViolationError):
    """The account is disabled and cannot log in or act."""


class ResetCodeRefusedError(RuleViolationError):
    """The password-reset code is wrong, already used, replaced by a newer one, or expired."""


class RecognitionListError(RuleViolationError):
    """The list is not in a state that allows this (final, window closed, objection open …)."""


class SelfApprovalError(PermissionDeniedError):
    """Nobody approves, rejects, corrects or revokes their own service record."""


class SecondPartyRequiredError(PermissionDeniedError):
    """Whoever recorded or corrected a record's minutes may not approve them alone: another
    organiser approves them, or the volunteer confirms them first."""


class VolunteerOutOfReachError(PermissionDeniedError):
    """An organiser records hours only for a volunteer who holds a place on a shift of the
    activity, or whose home organisation is one they organise (or below one)."""


class NotOwnRecordError(PermissionDeniedError):
    """Only the volunteer a record belongs to can ask for its correction."""


class ConcurrentUpdateError(LedgerError):
    """The change kept colliding with concurrent changes to the same records; try again."""


class RequestKeyReusedError(LedgerError):
    """A request key (an HTTP Idempotency-Key) names a request that was carried out already,
    and this is not that request: it has other content, or runs another command."""
