"""Logging in: the OAuth2 password flow, for staff usernames and volunteers' phone or number."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel

from api.deps import ServicesDep
from api.problems import Unauthenticated
from api.security import verify_or_dummy
from domain.errors import NotFoundError

router = APIRouter(prefix="/v1/auth", tags=["auth"])


class TokenPublic(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


@router.post("/token", responses={401: {}, 429: {}})
def issue_token(
    services: ServicesDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
) -> TokenPublic:
    """Exchange a username (or a volunteer's phone number or volunteer number) and password
    for a short-lived bearer token. Failed attempts are limited per account and per address.
    """
    login = form.username.strip().lower()
    address = request.client.host if request.client else "unknown"
    services.throttle.check(login, address)
    try:
        account = services.ledger.account_for_login(form.username)
        password_hash: str | None = account.password_hash
    except NotFoundError:
        account, password_hash = None, None
    if not verify_or_dummy(form.password, password_hash) or account is None:
        services.throttle.failed(login, address)
        raise Unauthenticated("wrong login or password")
    if account.is_disabled:
        raise Unauthenticated("the account is disabled")
    services.throttle.succeeded(login, address)
    issued = services.tokens.issue(f"account:{account.id}")
    return TokenPublic(access_token=issued.access_token, expires_in=issued.expires_in)
