"""Accounts as admins and organisers manage them: disabling, enabling, and a volunteer's
password-reset code."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from fastapi import Response
from pydantic import BaseModel, Field

from api.deps import ServicesDep, TokenFirstRoute
from api.login import RESET_CODE_LIFETIME, hash_reset_code, new_reset_code, no_store
from api.permissions import Admin, VolunteerOrganiser
from api.routing import PrefixedRouter
from api.schemas import Done, Reason
from domain.account import Account

router = PrefixedRouter(prefix="/v1", tags=["accounts"], route_class=TokenFirstRoute)


class ResetCodePublic(BaseModel):
    code: str = Field(description="shown this once: hand it to the volunteer")
    expires_at: datetime
    position: int | None


@router.post("/accounts/{account_id}/disable", responses={403: {}, 404: {}, 409: {}})
def disable_account(
    account_id: UUID, body: Reason, services: ServicesDep, principal: Admin
) -> Done:
    """An admin stops an account from logging in; its tokens stop working at once."""
    position = services.ledger.disable_account.written(
        account_id, body.reason, principal.actor
    ).position
    return Done(position=position)


@router.post("/accounts/{account_id}/enable", responses={403: {}, 404: {}, 422: {}})
def enable_account(account_id: UUID, body: Reason, services: ServicesDep, principal: Admin) -> Done:
    """An admin lets a disabled account log in again (with a new login: old tokens stay dead)."""
    position = services.ledger.enable_account.written(
        account_id, body.reason, principal.actor
    ).position
    return Done(position=position)


@router.post("/volunteers/{volunteer_id}/password-reset", responses={403: {}, 404: {}, 409: {}})
def issue_password_reset(
    volunteer_id: UUID, services: ServicesDep, principal: VolunteerOrganiser, response: Response
) -> ResetCodePublic:
    """An organiser of the volunteer's organisation (or an admin) gets a one-time code for a
    volunteer who forgot their password. It is valid 24 hours, replaces any earlier code and
    is shown only here: only its hash is stored."""
    ledger = services.ledger
    code = new_reset_code()
    expires_at = ledger.now() + RESET_CODE_LIFETIME
    position = ledger.issue_password_reset.written(
        Account.id_for_volunteer(volunteer_id), hash_reset_code(code), expires_at, principal.actor
    ).position
    no_store(response)
    return ResetCodePublic(code=code, expires_at=expires_at, position=position)
