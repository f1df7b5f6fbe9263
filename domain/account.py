"""An account that logs in: an admin, an organiser of organisations, or a volunteer.

The ledger stores only a password hash made outside the domain; it never sees a password, nor
a password-reset code, only that code's hash.

The security epoch counts the changes that end every access token issued before them: a new
password, a reset, disabling, appointing or dismissing an organiser, logging out. A token
carries the epoch it was issued in, and is refused once the account's epoch has moved on.
"""

from __future__ import annotations

import hmac
import re
import unicodedata
from datetime import datetime
from typing import cast
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from domain.errors import AccountDisabledError, InvalidInputError, ResetCodeRefusedError
from domain.values import Actor, derived_id, require_reason, require_text

_USERNAME = re.compile(r"[\w.\-]{2,32}")


def normalise_username(username: str) -> str:
    """The one spelling a username is stored and looked up by: NFKC (full-width Ｌｉ is Li),
    then case-folded."""
    return unicodedata.normalize("NFKC", username).casefold()


def check_username(username: str) -> str:
    """2 to 32 letters (of any script: 李明华 or li.minghua), digits, ``_.-``, with at least
    one letter, so that a username is never mistaken for a phone number or a volunteer number
    at login; normalised by ``normalise_username``."""
    normalised = normalise_username(username)
    if not _USERNAME.fullmatch(normalised) or not any(c.isalpha() for c in normalised):
        raise InvalidInputError(
            "a username has 2 to 32 letters (Chinese or Latin), digits or _.- and at least "
            "one letter",
            field="username",
        )
    return normalised


class Account(Aggregate):
    """Who may log in, and in what role: admin, organiser of some organisations, or volunteer."""

    class Created(Aggregate.Created):
        username: str | None
        display_name: str
        password_hash: str
        is_admin: bool
        volunteer_id: UUID | None
        actor: str

    class OrganiserAppointed(Aggregate.Event):
        organisation_id: UUID
        actor: str

    class OrganiserDismissed(Aggregate.Event):
        organisation_id: UUID
        reason: str
        actor: str

    class PasswordChanged(Aggregate.Event):
        password_hash: str
        actor: str

    class Disabled(Aggregate.Event):
        reason: str
        actor: str

    class Enabled(Aggregate.Event):
        """An admin let a disabled account log in again."""

        reason: str
        actor: str

    class LoggedOut(Aggregate.Event):
        """The account's holder ended every access token issued so far."""

        actor: str

    class PasswordResetIssued(Aggregate.Event):
        """A one-time reset code was handed out; only its hash is kept, with its expiry."""

        code_hash: str
        expires_at: datetime
        actor: str

    class PasswordReset(Aggregate.Event):
        """The holder of the latest reset code chose a new password with it."""

        password_hash: str
        actor: str

    class Erased(Aggregate.Event):
        """The volunteer this account belongs to was erased: it cannot log in again, and its
        display name is the volunteer's pseudonym."""

        pseudonym: str
        actor: str

    class CalendarFeedRotated(Aggregate.Event):
        """The holder replaced the secret address of their calendar feed; the old one stops
        working. Only the new generation is kept: the address is derived from it and a server
        secret outside the ledger, so no secret is stored here."""

        generation: int
        actor: str

    # Class-level defaults, not annotated (annotations would make the library treat them as
    # constructor fields): they hold for a new account and for snapshots taken before these
    # attributes existed.
    security_epoch = 0
    reset_code_hash = cast("str | None", None)
    reset_code_expires_at = cast("datetime | None", None)
    calendar_generation = 0

    @staticmethod
    def id_for_volunteer(volunteer_id: UUID) -> UUID:
        return derived_id("volunteer-account", volunteer_id)

    @classmethod
    def for_staff(
        cls,
        *,
        id: UUID,
        username: str,
        display_name: str,
        password_hash: str,
        is_admin: bool,
        actor: Actor,
    ) -> Account:
        account: Account = cls._create(
            cls.Created,
            id=id,
            username=check_username(username),
            display_name=require_text(display_name, "a display name", 50),
            password_hash=password_hash,
            is_admin=is_admin,
            volunteer_id=None,
            actor=str(actor),
        )
        return account

    @classmethod
    def for_volunteer(
        cls, *, volunteer_id: UUID, display_name: str, password_hash: str, actor: Actor
    ) -> Account:
        account: Account = cls._create(
            cls.Created,
            id=cls.id_for_volunteer(volunteer_id),
            username=None,
            display_name=display_name,
            password_hash=password_hash,
            is_admin=False,
            volunteer_id=volunteer_id,
            actor=str(actor),
        )
        return account

    @event(Created)
    def __init__(
        self,
        username: str | None,
        display_name: str,
        password_hash: str,
        is_admin: bool,
        volunteer_id: UUID | None,
        actor: str,
    ) -> None:
        self.username = username
        self.display_name = display_name
        self.password_hash = password_hash
        self.is_admin = is_admin
        self.volunteer_id = volunteer_id
        self.organisations: list[UUID] = []
        self.is_disabled = False

    def as_actor(self) -> Actor:
        return Actor.account(self.id, volunteer_id=self.volunteer_id)

    def require_enabled(self) -> None:
        if self.is_disabled:
            raise AccountDisabledError("the account is disabled", account_id=str(self.id))

    def appoint_organiser(self, organisation_id: UUID, actor: Actor) -> None:
        self.require_enabled()
        if self.volunteer_id is not None and self.username is None:
            raise InvalidInputError("a volunteer's own account cannot organise; create a staff one")
        if organisation_id not in self.organisations:
            self._appoint(organisation_id=organisation_id, actor=str(actor))

    def dismiss_organiser(self, organisation_id: UUID, reason: str, actor: Actor) -> None:
        if organisation_id not in self.organisations:
            raise InvalidInputError("the account does not organise that organisation")
        self._dismiss(
            organisation_id=organisation_id, reason=require_reason(reason), actor=str(actor)
        )

    def change_password(self, password_hash: str, actor: Actor) -> None:
        self.require_enabled()
        self._change_password(password_hash=password_hash, actor=str(actor))

    def disable(self, reason: str, actor: Actor) -> None:
        self.require_enabled()
        self._disable(reason=require_reason(reason), actor=str(actor))

    def enable(self, reason: str, actor: Actor) -> None:
        if not self.is_disabled:
            raise InvalidInputError("the account is not disabled", account_id=str(self.id))
        self._enable(reason=require_reason(reason), actor=str(actor))

    def log_out(self, actor: Actor) -> None:
        self._log_out(actor=str(actor))

    def erase(self, pseudonym: str, actor: Actor) -> None:
        """Closed for good: disabled, no password, the pseudonym for a name."""
        self._erase(pseudonym=pseudonym, actor=str(actor))

    def rotate_calendar_feed(self, actor: Actor) -> None:
        """A new secret calendar address for the volunteer: the next generation."""
        if self.volunteer_id is None:
            raise InvalidInputError("only a volunteer's account has a calendar feed")
        self._rotate_calendar(generation=self.calendar_generation + 1, actor=str(actor))

    def issue_password_reset(self, code_hash: str, expires_at: datetime, actor: Actor) -> None:
        """A new code replaces any earlier one still unused."""
        self.require_enabled()
        self._issue_reset(code_hash=code_hash, expires_at=expires_at, actor=str(actor))

    def reset_password(
        self, code_hash: str, password_hash: str, now: datetime, actor: Actor
    ) -> None:
        """Only the latest code, unused and unexpired, resets the password; once. The code is
        checked first, so that only its holder learns whether the account is disabled."""
        expected, expires_at = self.reset_code_hash, self.reset_code_expires_at
        if expected is None or expires_at is None or not hmac.compare_digest(expected, code_hash):
            raise ResetCodeRefusedError("the reset code is wrong, used or replaced by a newer one")
        if now >= expires_at:
            raise ResetCodeRefusedError("the reset code has expired; ask for a new one")
        self.require_enabled()
        self._reset_password(password_hash=password_hash, actor=str(actor))

    @event(OrganiserAppointed)
    def _appoint(self, organisation_id: UUID, actor: str) -> None:
        self.organisations.append(organisation_id)
        self.security_epoch += 1

    @event(OrganiserDismissed)
    def _dismiss(self, organisation_id: UUID, reason: str, actor: str) -> None:
        self.organisations.remove(organisation_id)
        self.security_epoch += 1

    @event(PasswordChanged)
    def _change_password(self, password_hash: str, actor: str) -> None:
        self.password_hash = password_hash
        self.security_epoch += 1

    @event(Disabled)
    def _disable(self, reason: str, actor: str) -> None:
        self.is_disabled = True
        self.security_epoch += 1

    @event(Enabled)
    def _enable(self, reason: str, actor: str) -> None:
        self.is_disabled = False

    @event(LoggedOut)
    def _log_out(self, actor: str) -> None:
        self.security_epoch += 1

    @event(CalendarFeedRotated)
    def _rotate_calendar(self, generation: int, actor: str) -> None:
        self.calendar_generation = generation

    @event(PasswordResetIssued)
    def _issue_reset(self, code_hash: str, expires_at: datetime, actor: str) -> None:
        self.reset_code_hash = code_hash
        self.reset_code_expires_at = expires_at

    @event(PasswordReset)
    def _reset_password(self, password_hash: str, actor: str) -> None:
        self.password_hash = password_hash
        self.reset_code_hash = None
        self.reset_code_expires_at = None
        self.security_epoch += 1

    @event(Erased)
    def _erase(self, pseudonym: str, actor: str) -> None:
        self.display_name = pseudonym
        self.password_hash = ""
        self.is_disabled = True
        self.security_epoch += 1
