"""Who is asking, and what their role lets them see and do.

Admins may do everything. An organiser acts for the organisations they were appointed to and
every organisation below them. A volunteer acts for themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol
from uuid import UUID

from api.problems import Forbidden, NotFound
from domain.account import Account
from domain.ledger import Ledger
from domain.values import Actor

if TYPE_CHECKING:
    from api.places import Places


class Scopes(Protocol):
    """What tells the organisations that cover one: the ledger, or ``api.places.Places``
    (the same answer, remembered)."""

    def organisation_and_ancestors(self, organisation_id: UUID) -> list[UUID]: ...


@dataclass(frozen=True)
class Principal:
    account_id: UUID
    is_admin: bool
    organisations: tuple[UUID, ...]
    volunteer_id: UUID | None
    actor: Actor

    @classmethod
    def of(cls, account: Account) -> Principal:
        return cls(
            account_id=account.id,
            is_admin=account.is_admin,
            organisations=tuple(account.organisations),
            volunteer_id=account.volunteer_id,
            actor=account.as_actor(),
        )

    @property
    def is_organiser(self) -> bool:
        return bool(self.organisations)

    def is_volunteer(self, volunteer_id: UUID) -> bool:
        return self.volunteer_id == volunteer_id


def covers(ledger: Scopes, principal: Principal, organisation_id: UUID) -> bool:
    """Whether the principal organises this organisation, or one above it (or is an admin)."""
    if principal.is_admin:
        return True
    if not principal.organisations:
        return False
    return any(
        org in principal.organisations for org in ledger.organisation_and_ancestors(organisation_id)
    )


def require_admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise Forbidden("only an admin may do this")


def require_organiser_of(ledger: Ledger, principal: Principal, organisation_id: UUID) -> None:
    if not covers(ledger, principal, organisation_id):
        raise Forbidden(
            "only an organiser of this organisation or one above it may do this",
            organisation_id=str(organisation_id),
        )


def require_self_or_organiser(
    ledger: Ledger, principal: Principal, volunteer_id: UUID, organisation_id: UUID
) -> None:
    """The volunteer themselves, or an organiser of ``organisation_id``."""
    if principal.is_volunteer(volunteer_id):
        return
    require_organiser_of(ledger, principal, organisation_id)


def require_may_see_volunteer(
    places: Places, principal: Principal, volunteer_id: UUID
) -> UUID | None:
    """The volunteer, or an organiser of their home organisation. Returns the home organisation
    when the viewer is an organiser (who sees a masked phone), None for the volunteer. Anyone
    else is told the volunteer does not exist: whether someone is registered is private.
    """
    if principal.is_volunteer(volunteer_id):
        return None
    home = places.home_of(volunteer_id)
    if covers(places, principal, home):
        return home
    raise NotFound(f"volunteer {volunteer_id} was not found")


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:]
