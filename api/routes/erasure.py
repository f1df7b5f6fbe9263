"""Erasing a volunteer (PIPL; 《志愿服务条例》 Art. 20): the person becomes a pseudonym."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Request
from pydantic import ConfigDict, Field

from api.deps import ServicesDep, TokenFirstRoute
from api.erasure import forget_person
from api.login import client_address, refuse_login
from api.permissions import VolunteerViewer
from api.problems import Forbidden
from api.routing import PrefixedRouter
from api.schemas import Command, Created, Secret, Text
from api.security import verify_or_dummy
from domain.errors import InvalidInputError

router = PrefixedRouter(prefix="/v1/volunteers", tags=["volunteers"], route_class=TokenFirstRoute)


class EraseVolunteer(Command):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"password": "wide river under 7 bridges"},
                {"reason": "本人书面申请注销，见第 2026-17 号记录"},
            ]
        }
    )

    password: Secret | None = Field(
        default=None, description="the volunteer's own password, when they erase themselves"
    )
    reason: Annotated[Text, Field(max_length=500)] | None = Field(
        default=None, description="required of an admin; write no personal data in it"
    )


class ErasedPublic(Created):
    pseudonym: str = Field(
        description="what every read shows instead of the name", examples=["已注销志愿者 004217"]
    )


@router.post("/{volunteer_id}/erasure", responses={401: {}, 403: {}, 404: {}, 409: {}, 422: {}})
def erase_volunteer(
    volunteer_id: UUID,
    body: EraseVolunteer,
    services: ServicesDep,
    viewer: VolunteerViewer,
    request: Request,
) -> ErasedPublic:
    """Erase a volunteer: the volunteer themself, confirming with their password, or an admin,
    giving a reason. Their name, phone, birth date and guardian are gone from every read (a
    pseudonym stands for the name), they can no longer log in and their tokens stop working;
    their approved hours still count in statistics and rankings, and certificates already
    issued stay valid. It cannot be undone: erasing again is refused (409)."""
    principal = viewer.principal
    ledger = services.ledger
    if principal.is_volunteer(volunteer_id):
        account = ledger.account(principal.account_id)
        key, address = f"account:{account.id}", client_address(request)
        services.throttle.check(key, address)
        if body.password is None:
            raise InvalidInputError(
                "confirm with your password to erase yourself", field="password"
            )
        if not verify_or_dummy(body.password, account.password_hash):
            raise refuse_login(services, key, address, "the password is wrong")
        reason = ""
    elif principal.is_admin:
        if body.reason is None:
            raise InvalidInputError("an admin gives a reason to erase a volunteer", field="reason")
        reason = body.reason
    else:
        raise Forbidden("only the volunteer themself or an admin may erase a volunteer")
    volunteer = ledger.volunteer(volunteer_id)
    traces = [volunteer.name, volunteer.phone or "", volunteer.guardian_name or ""]
    pseudonym, position = ledger.erase_volunteer.written(volunteer_id, reason, principal.actor)
    forget_person(ledger, request.app.state.idempotency, volunteer_id, traces)
    return ErasedPublic(id=volunteer_id, pseudonym=pseudonym, position=position)
