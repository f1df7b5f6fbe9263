"""``/desk/supervision``: the supervision ledger of each organisation of the desk, as the
API's ``get_supervision`` answers it (long waits, check-ins closed for review, open
correction requests, approvals and raises made alone, no-shows)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import Query, Request
from fastapi.responses import Response

from api.deps import ServicesDep
from api.pages.rendering import render
from api.pages.routes.desk import desk_scope, latest, refused
from api.pages.routing import page_router
from api.period_query import PERIOD_PATTERN
from api.permissions import organisation_organiser
from api.routes.supervision import get_supervision

router = page_router()

Period = Annotated[str, Query(pattern=PERIOD_PATTERN, max_length=20)]


@router.get("/desk/supervision")
def supervision_page(
    request: Request, services: ServicesDep, period: Period = "current"
) -> Response:
    scope = desk_scope(request, services)
    if scope is None:
        return refused(request)
    ledgers = []
    position = latest(services)
    for organisation in scope.organisations:
        organisation_id = UUID(str(organisation["id"]))
        viewer = organisation_organiser(organisation_id, services, scope.viewer)
        ledgers.append(
            {
                "organisation": organisation,
                "ledger": get_supervision(
                    organisation_id, services, viewer, period=period, min_position=position
                ),
            }
        )
    return render(
        request, "desk_supervision.html", ledgers=ledgers, period=period, min_position=position
    )
