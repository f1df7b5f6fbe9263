"""Who am I, and what is mine: the caller's account, roles, shifts, requests and calendar.

Everything here is the caller's own: the volunteer is the one the token names (the calendar
feed: the one its secret address names), never one given in the request, so no route here can
show another person's data. The answers' models are in ``api.me_schemas``, the rows shaped
into them in ``api.my_rows``, the feed's making in ``api.calendar_feed``, and the export of
everything held about the volunteer in ``api.routes.me_export``.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Query, Request, Response

from api.access import Principal
from api.calendar_feed import (
    PAST_SHOWN,
    account_of_token,
    calendar,
    feed_key,
    feed_token,
    feed_url,
    token_matches,
)
from api.deps import (
    Cursor,
    Limit,
    MinPosition,
    PrincipalDep,
    Services,
    ServicesDep,
    TokenFirstRoute,
    wait_for_position,
)
from api.login import NO_STORE
from api.me_schemas import (
    WHEN,
    AccountKind,
    AccountPublic,
    CalendarToken,
    MePublic,
    MyCertificatePage,
    MyCertificateRequestPage,
    MyCorrectionRequestPage,
    MyShiftPage,
    MyVolunteer,
    OrganizationRef,
    PathStep,
    RolePublic,
    When,
)
from api.my_rows import my_certificate, my_certificate_request, my_correction_request, my_shift
from api.pagination import decode_cursor, encode_cursor
from api.problems import Forbidden, NotFound, Unauthenticated
from api.readable import hours, utc
from api.routing import PrefixedRouter
from api.schemas import Done
from domain.errors import NotFoundError
from domain.values import local_date
from projections.hours.queries import volunteer_summary
from projections.personal import queries

router = PrefixedRouter(prefix="/v1/me", tags=["me"], route_class=TokenFirstRoute)


def _organization(services: Services, organisation_id: UUID) -> OrganizationRef:
    ledger = services.ledger
    chain = [
        ledger.organisation(o) for o in reversed(ledger.organisation_and_ancestors(organisation_id))
    ]
    me = chain[-1]
    return OrganizationRef(
        id=organisation_id,
        name=me.name,
        kind=me.kind,
        path=[PathStep(id=o.id, name=o.name) for o in chain],
    )


def _own_volunteer(principal: Principal) -> UUID:
    if principal.volunteer_id is None:
        raise Forbidden("this is a volunteer's own list; the account is not a volunteer's")
    return principal.volunteer_id


def _calendar_url(services: Services, account_id: UUID, generation: int) -> str:
    token = feed_token(feed_key(services.settings.data_dir), account_id, generation)
    return feed_url(services.settings.public_url, token)


@router.get("", responses={401: {}})
def who_am_i(
    services: ServicesDep, principal: PrincipalDep, min_position: MinPosition = None
) -> MePublic:
    """The account, its roles with the organisations they cover, and for a volunteer their
    profile, star level, approved and pending hours, and calendar feed address."""
    ledger = services.ledger
    account = ledger.account(principal.account_id)
    position = wait_for_position(services, min_position)
    roles = [RolePublic(role="admin", organization=None)] if principal.is_admin else []
    roles += [
        RolePublic(role="organiser", organization=_organization(services, o))
        for o in principal.organisations
    ]
    volunteer = None
    if principal.volunteer_id is not None:
        profile = ledger.volunteer(principal.volunteer_id)
        home = _organization(services, profile.home_organisation_id)
        roles.append(RolePublic(role="volunteer", organization=home))
        today = local_date(ledger.now(), ledger.organisation(home.id).timezone)
        summary = volunteer_summary(
            services.views, str(profile.id), today, ledger.policy.star_minutes
        )
        volunteer = MyVolunteer(
            id=profile.id,
            volunteer_number=profile.volunteer_number,
            organization=home,
            stars=summary["stars"],
            approved_minutes=summary["approved_minutes"],
            hours=hours(summary["approved_minutes"]),
            approved_hours=hours(summary["approved_minutes"]),
            pending_minutes=summary["pending_minutes"],
            pending_hours=hours(summary["pending_minutes"]),
            calendar_url=_calendar_url(services, account.id, account.calendar_generation),
        )
    kind: AccountKind = (
        "admin"
        if principal.is_admin
        else "volunteer"
        if principal.volunteer_id
        else "organiser"
        if principal.organisations
        else "staff"
    )
    return MePublic(
        account=AccountPublic(id=account.id, kind=kind, display_name=account.display_name),
        roles=roles,
        volunteer=volunteer,
        position=position,
    )


@router.get("/shifts", responses={401: {}, 403: {}, 422: {}})
def my_shifts(
    services: ServicesDep,
    principal: PrincipalDep,
    when: Annotated[When, Query(description=WHEN)] = When.upcoming,
    limit: Limit = 50,
    cursor: Cursor = None,
    min_position: MinPosition = None,
) -> MyShiftPage:
    """My confirmed and waitlisted places (and shifts the organiser cancelled, while their
    roster keeps me), with my waitlist position, the activity, organisation, place and times."""
    volunteer_id = _own_volunteer(principal)
    position = wait_for_position(services, min_position)
    page = queries.my_shifts(
        services.views,
        str(volunteer_id),
        upcoming=when is When.upcoming,
        now_iso=utc(services.ledger.now()).isoformat(),
        limit=limit,
        after=decode_cursor(cursor),
    )
    items = [my_shift(row) for row in page.items]
    return MyShiftPage(items=items, next_cursor=encode_cursor(page.next_after), position=position)


@router.get("/certificate-requests", responses={401: {}, 403: {}, 422: {}})
def my_certificate_requests(
    services: ServicesDep,
    principal: PrincipalDep,
    limit: Limit = 50,
    cursor: Cursor = None,
    min_position: MinPosition = None,
) -> MyCertificateRequestPage:
    """The certificates I asked for, newest first: open, fulfilled (with the certificate)
    or declined (with the reason)."""
    volunteer_id = _own_volunteer(principal)
    position = wait_for_position(services, min_position)
    page = queries.my_certificate_requests(
        services.views, str(volunteer_id), limit=limit, after=decode_cursor(cursor)
    )
    items = [my_certificate_request(row) for row in page.items]
    return MyCertificateRequestPage(
        items=items, next_cursor=encode_cursor(page.next_after), position=position
    )


@router.get("/certificates", responses={401: {}, 403: {}, 422: {}})
def my_certificates(
    request: Request,
    services: ServicesDep,
    principal: PrincipalDep,
    limit: Limit = 50,
    cursor: Cursor = None,
    min_position: MinPosition = None,
) -> MyCertificatePage:
    """The certificates issued to me, newest first, each with its verification address;
    a revoked one says so, with the reason."""
    volunteer_id = _own_volunteer(principal)
    position = wait_for_position(services, min_position)
    page = queries.my_certificates(
        services.views, str(volunteer_id), limit=limit, after=decode_cursor(cursor)
    )
    verification_url = request.app.state.certificates.verification_url
    items = [my_certificate(row, verification_url) for row in page.items]
    return MyCertificatePage(
        items=items, next_cursor=encode_cursor(page.next_after), position=position
    )


@router.get("/correction-requests", responses={401: {}, 403: {}, 422: {}})
def my_correction_requests(
    services: ServicesDep,
    principal: PrincipalDep,
    limit: Limit = 50,
    cursor: Cursor = None,
    min_position: MinPosition = None,
) -> MyCorrectionRequestPage:
    """The corrections I asked for on my service records, newest first, with the outcome."""
    volunteer_id = _own_volunteer(principal)
    position = wait_for_position(services, min_position)
    page = queries.my_correction_requests(
        services.views, str(volunteer_id), limit=limit, after=decode_cursor(cursor)
    )
    items = [my_correction_request(row) for row in page.items]
    return MyCorrectionRequestPage(
        items=items, next_cursor=encode_cursor(page.next_after), position=position
    )


@router.delete("/shifts/{shift_id}", responses={401: {}, 403: {}, 404: {}, 409: {}, 422: {}})
def cancel_my_sign_up(
    shift_id: UUID,
    services: ServicesDep,
    principal: PrincipalDep,
    reason: Annotated[str, Query(min_length=1, max_length=500)] = "cancelled by the volunteer",
) -> Done:
    """Give up my place (or my place in the queue) on a shift; a freed place goes to the first
    on the waitlist. The same as DELETE /v1/shifts/{id}/signups/{my volunteer id}."""
    volunteer_id = _own_volunteer(principal)
    written = services.ledger.cancel_sign_up.written(
        shift_id, volunteer_id, reason, principal.actor
    )
    return Done(position=written.position)


@router.post("/calendar-token", responses={401: {}, 403: {}})
def rotate_calendar_token(
    response: Response, services: ServicesDep, principal: PrincipalDep
) -> CalendarToken:
    """Replace my calendar feed's secret address: the old one stops working at once."""
    _own_volunteer(principal)
    ledger = services.ledger
    position = ledger.rotate_calendar_feed.written(principal.account_id, principal.actor).position
    account = ledger.account(principal.account_id)
    response.headers.update(NO_STORE)
    return CalendarToken(
        calendar_url=_calendar_url(services, account.id, account.calendar_generation),
        position=position,
    )


@router.get(
    "/calendar.ics",
    response_class=Response,
    responses={
        200: {
            "content": {"text/calendar": {"schema": {"type": "string"}}},
            "description": "an iCalendar (RFC 5545) feed",
        },
        401: {"description": "no token"},
        404: {"description": "no feed at this address (a wrong or replaced token)"},
        422: {},
    },
)
def calendar_feed(
    services: ServicesDep,
    token: Annotated[
        str | None, Query(max_length=100, description="the secret from calendar_url")
    ] = None,
) -> Response:
    """My upcoming shifts, and those of the past 30 days, for a phone's calendar to subscribe
    to: no bearer token, the secret address of GET /v1/me's calendar_url is the key."""
    if not token:
        raise Unauthenticated("this feed's address carries a token: use calendar_url")
    ledger = services.ledger
    account_id = account_of_token(token)
    try:
        account = ledger.account(account_id) if account_id else None
    except NotFoundError:
        account = None
    key = feed_key(services.settings.data_dir)
    if (
        account is None
        or account.volunteer_id is None
        or account.is_disabled
        or not token_matches(key, token, account.id, account.calendar_generation)
    ):
        raise NotFound("there is no calendar feed at this address")
    now = ledger.now()
    shifts = queries.calendar_shifts(
        services.views, str(account.volunteer_id), since_iso=utc(now - PAST_SHOWN).isoformat()
    )
    body = calendar(shifts, public_url=services.settings.public_url, now=now)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, no-store"},
    )
