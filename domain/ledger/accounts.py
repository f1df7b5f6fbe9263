"""Commands and lookups for accounts: admins, organisers, and volunteers' own logins."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from domain.account import Account, check_username, normalise_username
from domain.errors import InvalidInputError, NotFoundError, UsernameTakenError
from domain.ledger.base import LedgerBase
from domain.ledger.command import command, command_issuing_a_secret
from domain.unique_key import UniqueKey
from domain.values import SYSTEM, Actor, is_volunteer_number, normalise_phone

USERNAME = "username"
PHONE = "phone"
VOLUNTEER_NUMBER = "volunteer-number"


class AccountCommands(LedgerBase):
    @command
    def create_staff_account(
        self,
        *,
        username: str,
        display_name: str,
        password_hash: str,
        is_admin: bool = False,
        organisation_id: UUID | None = None,
        actor: Actor = SYSTEM,
    ) -> UUID:
        """An admin, or an organiser of ``organisation_id``; the username must be free."""
        username = check_username(username)
        key = self._unique_key(USERNAME, username, actor)
        account_id = uuid4()
        if key.is_held_by_other_than(account_id):
            raise UsernameTakenError(f"the username {username} is taken", field="username")
        account = Account.for_staff(
            id=account_id,
            username=username,
            display_name=display_name,
            password_hash=password_hash,
            is_admin=is_admin,
            actor=actor,
        )
        if organisation_id is not None:
            self.organisation(organisation_id).require_open()
            account.appoint_organiser(organisation_id, actor)
        key.claim(account.id, actor)
        self._save(account, key)
        return account.id

    @command
    def appoint_organiser(self, account_id: UUID, organisation_id: UUID, actor: Actor) -> None:
        account = self.account(account_id)
        self.organisation(organisation_id).require_open()
        account.appoint_organiser(organisation_id, actor)
        self._save(account)

    @command
    def dismiss_organiser(
        self, account_id: UUID, organisation_id: UUID, reason: str, actor: Actor
    ) -> None:
        account = self.account(account_id)
        account.dismiss_organiser(organisation_id, reason, actor)
        self._save(account)

    @command
    def change_password(self, account_id: UUID, password_hash: str, actor: Actor) -> None:
        account = self.account(account_id)
        account.change_password(password_hash, actor)
        self._save(account)

    @command
    def disable_account(self, account_id: UUID, reason: str, actor: Actor) -> None:
        account = self.account(account_id)
        account.disable(reason, actor)
        self._save(account)

    @command
    def enable_account(self, account_id: UUID, reason: str, actor: Actor) -> None:
        account = self.account(account_id)
        account.enable(reason, actor)
        self._save(account)

    @command
    def log_out(self, account_id: UUID, actor: Actor) -> None:
        """End every access token of the account issued so far."""
        account = self.account(account_id)
        account.log_out(actor)
        self._save(account)

    @command
    def rotate_calendar_feed(self, account_id: UUID, actor: Actor) -> None:
        """A new secret address for the volunteer's calendar feed; the old one stops working."""
        account = self.account(account_id)
        account.rotate_calendar_feed(actor)
        self._save(account)

    @command_issuing_a_secret
    def issue_password_reset(
        self, account_id: UUID, code_hash: str, expires_at: datetime, actor: Actor
    ) -> None:
        account = self.account(account_id)
        account.issue_password_reset(code_hash, expires_at, actor)
        self._save(account)

    @command
    def reset_password(self, account_id: UUID, code_hash: str, password_hash: str) -> None:
        """The account's holder sets a new password with the latest reset code."""
        account = self.account(account_id)
        account.reset_password(code_hash, password_hash, self.now(), account.as_actor())
        self._save(account)

    def account_version(self, id: UUID) -> int | None:
        """The version of the account's latest event, None if there is none: one indexed read
        of one row, for checking on every request that a cached account is still current."""
        events = self.recorder.select_events(id, desc=True, limit=1)
        return events[0].originator_version if events else None

    def account(self, id: UUID) -> Account:
        return self._load(Account, "account", id)

    def account_for_login(self, login: str) -> Account:
        """The account that logs in with a username, a phone number or a volunteer number."""
        try:
            volunteer_id = self.volunteer_id_for_login(login)
        except NotFoundError:
            return self.account(self._key_owner(USERNAME, normalise_username(login.strip())))
        return self.account(Account.id_for_volunteer(volunteer_id))

    def volunteer_id_for_login(self, login: str) -> UUID:
        """The volunteer who logs in with this phone number or volunteer number."""
        login = login.strip()
        if is_volunteer_number(login):
            return self._key_owner(VOLUNTEER_NUMBER, login)
        try:
            phone = normalise_phone(login)
        except InvalidInputError:
            raise NotFoundError("volunteer", login) from None
        return self._key_owner(PHONE, phone)

    def _key_owner(self, namespace: str, value: str) -> UUID:
        try:
            key = self._load(UniqueKey, "login", UniqueKey.id_for(namespace, value, self.id_secret))
        except NotFoundError:
            raise NotFoundError("account", value) from None
        if key.owner_id is None:
            raise NotFoundError("account", value)
        return key.owner_id
