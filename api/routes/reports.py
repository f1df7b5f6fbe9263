"""Reports an organiser hands upward: the hours a subtree's activities gave, per volunteer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any
from uuid import UUID

from fastapi import Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from api.access import require_organiser_of
from api.deps import (
    Cursor,
    Limit,
    MinPosition,
    PrincipalDep,
    ServicesDep,
    TokenFirstRoute,
    wait_for_position,
)
from api.exports import CSV, XLSX, ReportFormatDep, csv_response, file_types, xlsx_response
from api.pagination import decode_cursor, encode_cursor
from api.period_query import PERIOD_DESCRIPTION, PERIOD_PATTERN, period_for
from api.readable import PeriodPublic, hours, period_public
from api.routing import PrefixedRouter
from domain.periods import Period
from projections.hours.report import hours_report, hours_totals
from projections.stores.protocol import ViewStore

router = PrefixedRouter(prefix="/v1/reports", tags=["reports"], route_class=TokenFirstRoute)

#: The columns of the report as a file.
FILE_COLUMNS = (
    "volunteer_number",
    "name",
    "home_organization",
    "approved_minutes",
    "hours",
    "records",
)


class OrganizationRef(BaseModel):
    id: UUID
    name: str


class HoursTotals(BaseModel):
    volunteers: int
    records: int
    approved_minutes: int
    hours: str = Field(examples=["4.25"], description="approved_minutes as exact decimal hours")
    approved_hours: str = Field(description="the same as hours, named by the rule")


class HoursRow(BaseModel):
    volunteer_id: UUID
    volunteer_number: str
    name: str
    home_organization_id: UUID
    home_organization: str
    approved_minutes: int
    hours: str = Field(examples=["4.25"])
    approved_hours: str = Field(description="the same as hours, named by the rule")
    records: int = Field(description="approved records counted")


class HoursReport(BaseModel):
    organization: OrganizationRef
    period: PeriodPublic
    totals: HoursTotals
    items: list[HoursRow]
    next_cursor: str | None
    position: int


def _row(item: dict[str, Any]) -> HoursRow:
    shown = hours(item["approved_minutes"])
    return HoursRow(**item, hours=shown, approved_hours=shown)


def _every_row(views: ViewStore, organisation_id: str, period: Period) -> Iterator[list[Any]]:
    after = None
    while True:
        page = hours_report(views, organisation_id, period, limit=500, after=after)
        for item in page.items:
            row = _row(item)
            yield [getattr(row, column) for column in FILE_COLUMNS]
        after = page.next_after
        if after is None:
            return


@router.get(
    "/hours",
    summary="Hours per volunteer for a period and an organisation's subtree",
    response_model=HoursReport,
    responses={**file_types(CSV, XLSX), 403: {}, 404: {}, 422: {}},
)
def hours_per_volunteer(
    services: ServicesDep,
    principal: PrincipalDep,
    organization_id: Annotated[UUID, Query(description="this organisation and those below it")],
    format: ReportFormatDep,
    period: Annotated[
        str, Query(pattern=PERIOD_PATTERN, description=PERIOD_DESCRIPTION, examples=["2026-B6"])
    ] = "all",
    limit: Limit = 50,
    cursor: Cursor = None,
    min_position: MinPosition = None,
) -> HoursReport | Response:
    """Hours per volunteer for a period: every volunteer with approved service on the
    activities of the organisation or those below it (whatever their home), with their home
    organisation, approved minutes, exact hours and number of records, by volunteer number.

    For an organiser of the organisation (or one above it) and admins; an organisation outside
    the caller's scope is a 403. JSON pages by ``cursor`` and gives the totals; ``format=csv``
    (UTF-8 with a BOM, for Excel) or ``format=xlsx``, or the same types in ``Accept``, give
    every row as a file to download.
    """
    ledger = services.ledger
    require_organiser_of(ledger, principal, organization_id)
    parsed = period_for(services, organization_id, period)
    organisation = ledger.organisation(organization_id)
    position = wait_for_position(services, min_position)
    scope = str(organization_id)
    if format != "json":
        rows = _every_row(services.views, scope, parsed)
        name = f"hours-{organisation.name}-{parsed.text}.{format}"
        if format == "xlsx":
            return xlsx_response(FILE_COLUMNS, rows, name, title=f"{parsed.text} hours")
        return csv_response(FILE_COLUMNS, rows, name)
    page = hours_report(services.views, scope, parsed, limit=limit, after=decode_cursor(cursor))
    totals = hours_totals(services.views, scope, parsed)
    return HoursReport(
        organization=OrganizationRef(id=organization_id, name=organisation.name),
        period=period_public(parsed),
        totals=HoursTotals(
            **totals,
            hours=hours(totals["approved_minutes"]),
            approved_hours=hours(totals["approved_minutes"]),
        ),
        items=[_row(item) for item in page.items],
        next_cursor=encode_cursor(page.next_after),
        position=position,
    )
