"""``/recognition``: leaderboards by organisation, period and category; the published
recognition lists with their status and objection window; approved hours by month.

Everything comes from the API's own route functions, called with the page's viewer: the
public sees masked names and numbers, without those who opted out or minors without a
guardian's consent; an organiser of the scope sees what the API shows them.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from fastapi import Request
from fastapi.responses import Response

from api.deps import Services, ServicesDep
from api.pages.choices import category_choices, organisation_choices
from api.pages.month_chart import month_chart
from api.pages.recognition_choices import period_choices, published_lists
from api.pages.rendering import page_language, render, translate
from api.pages.routing import page_router
from api.pages.sessions import page_viewer
from api.routes.leaderboards import LeaderboardPublic, get_leaderboard
from api.routes.recognition_lists import RecognitionListPublic, RecognitionListSummary, get_list
from domain.periods import Period
from domain.values import local_date
from projections.hours.report import hours_by_month

router = page_router()

#: How many places of a leaderboard the page shows.
BOARD_SIZE = 50


@router.get("/recognition")
def recognition(
    request: Request,
    services: ServicesDep,
    organization_id: UUID | None = None,
    period: str = "current",
    category: str | None = None,
) -> Response:
    organisations = organisation_choices(services)
    if organization_id is None and not organisations:
        return render(request, "recognition.html", board=None, organisations=[])
    scope = organization_id or UUID(organisations[0].value)
    category = category or None
    board = get_leaderboard(
        services,
        page_viewer(request),
        scope,
        "json",
        period=period,
        category=category,
        limit=BOARD_SIZE,
        cursor=None,
        min_position=None,
    )
    assert isinstance(board, LeaderboardPublic)
    picked = Period.parse(board.period)
    today = local_date(services.ledger.now(), services.ledger.organisation(scope).timezone)
    year = today.year if picked.kind == "all" else int(picked.text[:4])
    minutes = hours_by_month(services.views, str(scope), Period.parse(str(year)), category=category)
    return render(
        request,
        "recognition.html",
        board=board,
        organisation=services.ledger.organisation(scope).name,
        organisations=organisations,
        categories=category_choices(services),
        periods=period_choices(
            today,
            picked,
            page_language(request),
            translate(request, "This two-month cycle"),
            translate(request, "All time"),
        ),
        picked={"organization_id": str(scope), "period": period, "category": category or ""},
        chart=month_chart(year, minutes, picked),
        lists=[
            _shown(services, published) for published in published_lists(services, scope, category)
        ],
    )


@router.get("/recognition/lists/{list_id}")
def recognition_list(request: Request, services: ServicesDep, list_id: UUID) -> Response:
    published = get_list(list_id, services)
    return render(request, "recognition_list.html", published=_shown(services, published))


def _shown(
    services: Services, published: RecognitionListPublic | RecognitionListSummary
) -> dict[str, object]:
    """A list as the API shows it, with its organisation's name and where its notice stands:
    final, open to objections, or closed to them and waiting to be made final."""
    now: datetime = services.ledger.now()
    return {
        "list": published,
        "organisation": services.ledger.organisation(published.organization_id).name,
        "state": "final"
        if published.final
        else ("open" if now < published.publicity_ends_at else "closing"),
    }
