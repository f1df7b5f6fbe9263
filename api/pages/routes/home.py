"""``/``: what this service is, the open shifts of the coming week, the current recognition
board, a box to check a certificate, and the way in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from fastapi import Request
from fastapi.responses import Response

from api.deps import ServicesDep
from api.pages.rendering import render
from api.pages.routing import page_router
from api.routes.leaderboards import LeaderboardPublic, get_leaderboard
from api.routes.shift_board import list_shifts
from domain.organisation import DEFAULT_TIMEZONE
from domain.values import local_date
from projections.directory.tree import organisation_tree

router = page_router()

#: How many shifts and board entries the front page shows.
SHIFTS_SHOWN = 8
BOARD_SHOWN = 10


@router.get("/")
def home(request: Request, services: ServicesDep) -> Response:
    today = local_date(services.ledger.now(), DEFAULT_TIMEZONE)
    shifts = list_shifts(
        services,
        None,
        from_=today,
        to=today + timedelta(days=6),
        open=True,
        limit=SHIFTS_SHOWN,
    )
    return render(
        request,
        "home.html",
        shifts=shifts.items,
        board=_board(services),
        logged_out="logged_out" in request.query_params,
    )


def _board(services: ServicesDep) -> dict[str, Any] | None:
    """The current two-month board of the first top organisation, as the public sees it."""
    roots = organisation_tree(services.views)
    if not roots:
        return None
    root = roots[0]
    board = get_leaderboard(
        services, None, UUID(str(root["id"])), "json", period="current", limit=BOARD_SHOWN
    )
    assert isinstance(board, LeaderboardPublic)
    return {"organisation": root["name"], "board": board}
