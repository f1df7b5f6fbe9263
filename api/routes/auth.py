"""Logging in and out, and passwords: the OAuth2 password flow for staff usernames and
volunteers' phone or number, changing one's password, and redeeming a reset code."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, ConfigDict, Field

from api.deps import PrincipalDep, ServicesDep, TokenFirstRoute
from api.login import (
    client_address,
    hash_reset_code,
    holds_reset_code,
    log_in,
    no_store,
    refuse_login,
    related_inputs,
    resolve_login,
)
from api.passwords import MAX_LENGTH, check_password
from api.routing import PrefixedRouter
from api.schemas import Command, Done, Secret
from api.security import hash_password, verify_or_dummy
from domain.errors import ResetCodeRefusedError

router = PrefixedRouter(prefix="/v1/auth", tags=["auth"], route_class=TokenFirstRoute)


class TokenPublic(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class ChangePassword(Command):
    """Passwords are taken exactly as typed: no whitespace is stripped."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"current_password": "晨光-路口-2026", "new_password": "wide river under 7 bridges"}
            ]
        }
    )

    current_password: Secret = Field(max_length=MAX_LENGTH)
    new_password: Secret = Field(max_length=MAX_LENGTH)


class ResetPassword(Command):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "login": "13910007919",
                    "code": "ABCD-EFGH-JKMN",
                    "new_password": "wide river under 7 bridges",
                }
            ]
        }
    )

    login: str = Field(min_length=1, max_length=64, description="phone or volunteer number")
    code: Secret = Field(min_length=1, max_length=64, description="the code an organiser gave")
    new_password: Secret = Field(max_length=MAX_LENGTH)


#: The demo volunteer's phone and a password of the kind the demo prints.
TOKEN_FORM_EXAMPLE = {"username": "13910007919", "password": "wide river under 7 bridges"}


@router.post(
    "/token",
    summary="Log in: a bearer token for a login and password",
    responses={401: {}, 429: {}},
    openapi_extra={
        "requestBody": {
            "content": {"application/x-www-form-urlencoded": {"example": TOKEN_FORM_EXAMPLE}}
        }
    },
)
def issue_token(
    services: ServicesDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    response: Response,
) -> TokenPublic:
    """Exchange a username (or a volunteer's phone number or volunteer number) and password
    for a short-lived bearer token. Failed attempts are limited per account (whichever
    spelling of its login is used) and per address.
    """
    no_store(response)
    issued = log_in(services, form.username, form.password, client_address(request))
    return TokenPublic(access_token=issued.access_token, expires_in=issued.expires_in)


@router.post("/password", responses={401: {}, 422: {}, 429: {}})
def change_password(
    body: ChangePassword, services: ServicesDep, principal: PrincipalDep, request: Request
) -> Done:
    """Change your own password. Every token issued before, this one included, stops working:
    log in again with the new password."""
    account = services.ledger.account(principal.account_id)
    key, address = f"account:{account.id}", client_address(request)
    services.throttle.check(key, address)
    if not verify_or_dummy(body.current_password, account.password_hash):
        raise refuse_login(services, key, address, "the current password is wrong")
    check_password(
        body.new_password,
        staff=account.username is not None,
        related=related_inputs(services, account),
        field="new_password",
    )
    position = services.ledger.change_password.written(
        account.id, hash_password(body.new_password), principal.actor
    ).position
    return Done(position=position)


@router.post("/logout", responses={401: {}})
def log_out(services: ServicesDep, principal: PrincipalDep) -> Done:
    """End every token of your account at once, this one included."""
    position = services.ledger.log_out.written(principal.account_id, principal.actor).position
    return Done(position=position)


@router.post("/password-reset", responses={401: {}, 422: {}, 429: {}})
def reset_password(body: ResetPassword, services: ServicesDep, request: Request) -> Done:
    """Choose a new password with the one-time code an organiser gave you (valid 24 hours).
    Wrong codes count as failed logins."""
    account, key = resolve_login(services, body.login)
    address = client_address(request)
    services.throttle.check(key, address)
    code_hash = hash_reset_code(body.code)
    # One answer for a login that names nobody and for a wrong code; the password's checks,
    # which know the holder's name and phone, only for the holder of the code.
    if account is None or account.volunteer_id is None or not holds_reset_code(account, code_hash):
        raise refuse_login(services, key, address, "wrong login or reset code")
    check_password(
        body.new_password,
        staff=False,
        related=related_inputs(services, account),
        field="new_password",
    )
    try:
        position = services.ledger.reset_password.written(
            account.id, code_hash, hash_password(body.new_password)
        ).position
    except ResetCodeRefusedError as refused:  # expired, or used meanwhile
        raise refuse_login(services, key, address, refused.message) from None
    services.throttle.succeeded(key, address)
    return Done(position=position)
