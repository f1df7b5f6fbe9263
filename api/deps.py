"""FastAPI dependencies: the services of the running app, and the principal of a request."""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any, ParamSpec, TypeVar
from uuid import UUID

from fastapi import Depends, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.dependencies.models import Dependant
from fastapi.security import OAuth2PasswordBearer
from fastapi.security.utils import get_authorization_scheme_param

from api.access import Principal
from api.limits import LoginThrottle, PostgresLoginThrottle
from api.places import Places
from api.principals import PrincipalCache
from api.problems import Unauthenticated
from api.registration_limits import PostgresRegistrationThrottle, RegistrationThrottle
from api.routing import AnsweringRoute
from api.security import TokenService
from api.settings import Settings
from domain.errors import NotFoundError
from domain.ledger import Ledger
from projections.running.runner import ProjectionRunner
from projections.stores.protocol import ViewStore


@dataclass
class Services:
    """Everything the routes use, built once by the app's lifespan."""

    settings: Settings
    ledger: Ledger
    views: ViewStore
    runner: ProjectionRunner
    tokens: TokenService
    throttle: LoginThrottle | PostgresLoginThrottle
    registrations: RegistrationThrottle | PostgresRegistrationThrottle
    principals: PrincipalCache
    places: Places
    #: Whether a dependency's read of the store runs on the event loop (SQLite, a local file)
    #: rather than in a worker thread (PostgreSQL): see ``store_read``.
    reads_on_loop: bool = False


P = ParamSpec("P")
T = TypeVar("T")


def store_read(function: Callable[P, T]) -> Callable[P, Coroutine[Any, Any, T]]:
    """A dependency that reads the store (it takes ``services``), run where that is cheapest.

    FastAPI runs a plain ``def`` dependency in a worker thread: on this machine the trip there
    and back costs more processor time than the one or two indexed reads of a local SQLite
    file that a principal or a permission makes (and under load, more again in waiting for
    the loop and the thread to take turns). So on SQLite (``Services.reads_on_loop``) the
    function is called on the event loop; on PostgreSQL, whose queries wait on the network,
    in a worker thread as before, so that a slow query holds up no other request.
    """

    @functools.wraps(function)
    async def dependency(*args: P.args, **values: P.kwargs) -> T:
        services = values["services"]
        assert isinstance(services, Services)
        if services.reads_on_loop:
            return function(*args, **values)
        return await run_in_threadpool(function, *args, **values)

    return dependency


async def get_services(request: Request) -> Services:
    """Async: it only reads the app's state, so it runs on the event loop, not in a thread."""
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]

oauth2 = OAuth2PasswordBearer(tokenUrl="/v1/auth/token", auto_error=False)


@store_read
def get_principal(
    services: ServicesDep, token: Annotated[str | None, Depends(oauth2)]
) -> Principal:
    if token is None:
        raise Unauthenticated("log in first: send Authorization: Bearer <token>")
    return principal_for_token(services, token)


@store_read
def get_optional_principal(
    services: ServicesDep, token: Annotated[str | None, Depends(oauth2)]
) -> Principal | None:
    """The principal if a token was sent (an invalid one is still a 401), else None."""
    return None if token is None else principal_for_token(services, token)


def principal_for_token(services: Services, token: str) -> Principal:
    """Whose token this is now (the API's bearer header and the pages' session cookie)."""
    claims = services.tokens.verify(token)
    kind, _, account_id = claims.subject.partition(":")
    if kind != "account":
        raise Unauthenticated("the token does not name an account")
    try:
        account = services.principals.current(UUID(account_id))
    except (NotFoundError, ValueError):
        account = None
    if account is None:
        raise Unauthenticated("the token's account does not exist")
    if account.is_disabled:
        raise Unauthenticated("the account is disabled")
    if claims.epoch != account.security_epoch:
        raise Unauthenticated("the token was revoked (log-out, new password or new role)")
    return account.principal


class TokenFirstRoute(AnsweringRoute):
    """A route that answers 401 to a request without a bearer token before reading its body.

    FastAPI parses a JSON body before it runs any dependency, so a broken body would otherwise
    be reported (422) to someone not even logged in. Give it as ``route_class`` to a router
    with routes that need a token (``PrincipalDep``) and take a body.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if not needs_token(self.dependant):
            return handler

        async def token_first(request: Request) -> Response:
            scheme, token = get_authorization_scheme_param(request.headers.get("Authorization"))
            if scheme.lower() != "bearer" or not token:
                raise Unauthenticated("log in first: send Authorization: Bearer <token>")
            return await handler(request)

        return token_first


def needs_token(dependant: Dependant) -> bool:
    """Whether a route (or any of its dependencies) depends on the principal of a token."""
    return any(sub.call is get_principal or needs_token(sub) for sub in dependant.dependencies)


PrincipalDep = Annotated[Principal, Depends(get_principal)]
OptionalPrincipalDep = Annotated[Principal | None, Depends(get_optional_principal)]

Limit = Annotated[int, Query(ge=1, le=200, description="items per page")]
Cursor = Annotated[str | None, Query(description="from the previous page's next_cursor")]
MinPosition = Annotated[
    int | None,
    Query(
        ge=0,
        description="wait (briefly) until the read models have processed this position, "
        "the `position` of a command's response",
    ),
]


def wait_for_position(services: Services, min_position: int | None) -> int:
    """Read your own writes: wait until the read models reach ``min_position`` (bounded).

    Returns the position the read models reflect.
    """
    target = min_position if min_position is not None else 0
    return services.runner.wait_for(target, timeout=services.settings.read_wait_seconds)
