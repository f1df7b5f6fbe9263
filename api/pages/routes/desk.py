"""``/desk``: the organiser's page — their activities and coming shifts, the links to each
shift's roster, the approval queue, the supervision ledger and the audit trail's file.

What an organiser sees is what the API's own routes answer them (the activity directory and
the shift board, limited to the organisations they organise); ``DeskScope`` is the one place
that says which organisations those are. A volunteer-only account is refused with a page.
Desk pages read at the ledger's latest position (the API's bounded ``min_position`` wait):
an organiser's view of the day is read fresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from fastapi import Query, Request
from fastapi.responses import Response

from api.access import Principal
from api.deps import Services, ServicesDep, wait_for_position
from api.pages.rendering import render
from api.pages.routing import page_router, require_viewer
from api.routes.activity_directory import list_activities
from api.routes.audit import read_audit_trail
from api.routes.shift_board import list_shifts
from domain.organisation import DEFAULT_TIMEZONE
from domain.values import local_date
from projections.directory.tree import organisation_tree

router = page_router()

#: Shifts from yesterday on, for this many days.
DAYS_SHOWN = 14
LISTED = 200


@dataclass(frozen=True)
class DeskScope:
    """The organisations whose desk this is: those the organiser was appointed to (an admin:
    every top organisation), each with what lies below it."""

    viewer: Principal
    organisations: list[dict[str, Any]]

    @property
    def ids(self) -> list[UUID]:
        return [UUID(str(o["id"])) for o in self.organisations]


def desk_scope(request: Request, services: Services) -> DeskScope | None:
    """The signed-in reader's desk (``LoginRequired`` without one); None for a reader who
    organises nothing (a volunteer), who gets ``refused(request)``."""
    viewer = require_viewer(request)
    wait_for_position(services, latest(services))
    if viewer.is_admin:
        return DeskScope(viewer, organisation_tree(services.views))
    if not viewer.is_organiser:
        return None
    found = []
    for organisation in viewer.organisations:
        found += organisation_tree(services.views, str(organisation))
    return DeskScope(viewer, found)


def refused(request: Request) -> Response:
    """The page a volunteer-only account gets at the desk: what it is, and where to go."""
    return render(request, "desk_refused.html", 403)


def latest(services: Services, at: int | None = None) -> int:
    """The position a desk page reads at: the ledger's latest (an organiser's view of the
    day is read fresh; the wait is bounded as for the API's ``min_position``), or ``at``."""
    return at if at is not None else services.ledger.recorder.max_notification_id() or 0


def at_query(position: int | None) -> str:
    """The read-your-writes part of the address a command redirects to (``at=`` is passed on
    as the API's ``min_position``)."""
    return "" if position is None else f"at={position}&"


def desk_shifts(services: Services, scope: DeskScope) -> list[Any]:
    """Shifts in scope from yesterday on, by start, each once (scopes may nest)."""
    today = local_date(services.ledger.now(), DEFAULT_TIMEZONE)
    position = latest(services)
    seen: dict[UUID, Any] = {}
    for organisation in scope.ids:
        page = list_shifts(
            services,
            scope.viewer,
            organization_id=organisation,
            from_=today - timedelta(days=1),
            to=today + timedelta(days=DAYS_SHOWN),
            limit=LISTED,
            min_position=position,
        )
        for shift in page.items:
            seen.setdefault(shift.id, shift)
    return sorted(seen.values(), key=lambda s: (s.starts_at, str(s.id)))


def desk_activities(services: Services, scope: DeskScope) -> list[Any]:
    position = latest(services)
    seen: dict[UUID, Any] = {}
    for organisation in scope.ids:
        found = list_activities(
            services, organization_id=organisation, limit=LISTED, min_position=position
        )
        for activity in found.items:
            seen.setdefault(activity.id, activity)
    return sorted(seen.values(), key=lambda a: (a.closed, a.title, str(a.id)))


@router.get("/desk")
def desk(request: Request, services: ServicesDep, first: UUID | None = None) -> Response:
    """The desk; after scheduling, ``first`` names the (first) new shift, linked to its roster."""
    scope = desk_scope(request, services)
    if scope is None:
        return refused(request)
    return render(
        request,
        "desk.html",
        activities=desk_activities(services, scope),
        shifts=desk_shifts(services, scope),
        organisations=scope.organisations,
        done=request.query_params.get("done", ""),
        first=first,
    )


@router.get("/desk/audit.csv")
def audit_file(
    request: Request,
    services: ServicesDep,
    organization_id: UUID | None = Query(default=None),  # noqa: B008 (FastAPI's way)
) -> Response:
    """The audit trail of the desk's scope (or one organisation in it) as the API's CSV,
    read as the session's viewer: the API's scope checks decide what is in it."""
    scope = desk_scope(request, services)
    if scope is None:
        return refused(request)
    answer = read_audit_trail(services, scope.viewer, "csv", organization_id=organization_id)
    assert isinstance(answer, Response)
    return answer
