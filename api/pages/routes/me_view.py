"""What ``/me`` shows, read through the API's own routes: who I am and my stars, my shifts, the
open shifts I may sign up for, my records, my certificates and my listing preference."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from fastapi import Request

from api.access import Principal
from api.deps import Services
from api.me_schemas import MePublic, When
from api.names import Names
from api.pages.choices import category_choices, organisation_choices
from api.pages.forms import problem_text
from api.pages.rendering import translate
from api.permissions import Viewer, volunteer_viewer
from api.problems import ApiError
from api.routes.me import (
    my_certificate_requests,
    my_certificates,
    my_correction_requests,
    my_shifts,
    who_am_i,
)
from api.routes.shift_board import list_shifts
from api.routes.volunteers import (
    ServiceRecordPage,
    ServiceRecordPublic,
    get_summary,
    list_service_records,
)
from domain.errors import LedgerError

#: How many of each list the page shows (the export holds every one).
SHIFTS_SHOWN = 20
RECORDS_SHOWN = 50
REQUESTS_SHOWN = 20
#: The board's filters, as the GET form names them.
FILTER_FIELDS = ("organization_id", "category", "from", "to")
#: Record states a volunteer may still ask to correct.
CORRECTABLE = ("pending", "approved")


@dataclass
class Filters:
    """The open-shift filters as typed (``values``) and as understood (``organization_id``
    …), with a word beside each one that could not be read."""

    values: dict[str, str] = field(default_factory=dict)
    organization_id: UUID | None = None
    category: str | None = None
    from_: date | None = None
    to: date | None = None
    cursor: str | None = None
    records_cursor: str | None = None
    """Where the records shown begin: after the newest ones, for a reader paging back."""
    errors: dict[str, str] = field(default_factory=dict)

    def query(self) -> str:
        """The filters as a query string (for links and for coming back after a post)."""
        return urlencode({k: v for k, v in self.values.items() if v})


def read_filters(request: Request, given: dict[str, str]) -> Filters:
    """The filters of ``given`` (a query or a posted ``filters`` field): blank means none,
    and a value that is not a date or an id is named beside its field and left out."""
    values = {name: given.get(name, "").strip()[:100] for name in FILTER_FIELDS}
    filters = Filters(values=values, category=values["category"] or None)
    if values["organization_id"]:
        try:
            filters.organization_id = UUID(values["organization_id"])
        except ValueError:
            filters.errors["filter.organization_id"] = translate(
                request, "Choose one from the list."
            )
    for name in ("from", "to"):
        if values[name]:
            try:
                setattr(
                    filters, "from_" if name == "from" else name, date.fromisoformat(values[name])
                )
            except ValueError:
                filters.errors[f"filter.{name}"] = translate(
                    request, "Enter a date such as 2010-05-04."
                )
    cursor = given.get("cursor", "").strip()
    filters.cursor = cursor[:500] or None
    records_cursor = given.get("records_cursor", "").strip()
    filters.records_cursor = records_cursor[:500] or None
    return filters


def awaits_my_confirmation(record: ServiceRecordPublic) -> bool:
    """A pending record an organiser entered or corrected, whose minutes I have not confirmed
    since: my confirmation is the second party that lets them approve it."""
    if record.status != "pending" or record.source != "manual":
        return False
    changes = [h.event for h in record.history if h.event in ("Recorded", "Corrected", "Confirmed")]
    return not changes or changes[-1] != "Confirmed"


def star_progress(
    services: Services, stars: int, approved: int, next_at: int | None
) -> dict[str, int]:
    """The way from the star earned to the next one, in minutes: ``value`` of ``max``."""
    thresholds = services.ledger.policy.star_minutes
    start = thresholds[stars - 1] if stars > 0 else 0
    if next_at is None:
        return {"value": 1, "max": 1}
    return {"value": max(0, approved - start), "max": next_at - start}


def me_context(
    request: Request,
    services: Services,
    viewer: Principal,
    filters: Filters,
    at: int | None = None,
) -> dict[str, Any]:
    """Everything the page shows, each list read by the API's route for it."""
    me: MePublic = who_am_i(services, viewer, min_position=at)
    assert me.volunteer is not None  # the page checked the account is a volunteer's
    assert viewer.volunteer_id is not None
    volunteer_id = viewer.volunteer_id
    as_volunteer: Viewer = volunteer_viewer(volunteer_id, services, viewer)
    summary = get_summary(volunteer_id, services, as_volunteer)
    records = list_service_records(
        volunteer_id, services, as_volunteer, "json", RECORDS_SHOWN, filters.records_cursor
    )
    assert isinstance(records, ServiceRecordPage)  # JSON, as asked
    names = Names(services.ledger, services.views)
    names.learn("activity", (str(r.activity_id) for r in records.items))
    names.learn("organisation", (str(r.organisation_id) for r in records.items))
    profile = services.ledger.volunteer(volunteer_id)
    return {
        "me": me.volunteer,
        "display_name": me.account.display_name,
        "summary": summary,
        "progress": star_progress(
            services, summary.stars, summary.approved_minutes, summary.next_star_at_minutes
        ),
        "star_levels": len(services.ledger.policy.star_minutes),
        "upcoming": my_shifts(services, viewer, When.upcoming, SHIFTS_SHOWN).items,
        **_board(request, services, viewer, filters),
        "records": [
            {
                "record": r,
                "title": names.activity(str(r.activity_id)),
                "organisation": names.organisation(str(r.organisation_id)),
                "correctable": r.status in CORRECTABLE and r.requested_minutes is None,
                "to_confirm": awaits_my_confirmation(r),
            }
            for r in records.items
        ],
        "older_records": None
        if records.next_cursor is None
        else "/me?" + urlencode({"records_cursor": records.next_cursor}) + "#records",
        "paging_records": filters.records_cursor is not None,
        "corrections": my_correction_requests(services, viewer, REQUESTS_SHOWN).items,
        "certificate_requests": my_certificate_requests(services, viewer, REQUESTS_SHOWN).items,
        "certificates": my_certificates(request, services, viewer, REQUESTS_SHOWN).items,
        "listed_publicly": profile.listed_publicly,
        "is_minor_unlisted": bool(profile.guardian_name) and not profile.guardian_listing_consent,
        "organisations": organisation_choices(services),
        "categories": category_choices(services),
        "home_organisation": str(me.volunteer.organization.id),
    }


def _board(
    request: Request, services: Services, viewer: Principal, filters: Filters
) -> dict[str, Any]:
    """The open shifts under the filters; an error of a filter beside it, and no shifts."""
    errors = dict(filters.errors)
    shifts: list[Any] = []
    next_cursor = None
    if not errors:
        try:
            page = list_shifts(
                services,
                viewer,
                organization_id=filters.organization_id,
                category=filters.category,
                from_=filters.from_,
                to=filters.to,
                open=True,
                q=None,
                limit=SHIFTS_SHOWN,
                cursor=filters.cursor,
            )
            shifts, next_cursor = page.items, page.next_cursor
        except (LedgerError, ApiError) as error:
            field_name = _filter_field(error)
            errors[f"filter.{field_name}" if field_name else "filter"] = problem_text(
                request, error
            )
    more = None
    if next_cursor:
        more = "?" + urlencode(
            {**{k: v for k, v in filters.values.items() if v}, "cursor": next_cursor}
        )
    return {
        "open_shifts": shifts,
        "filters": filters,
        "filter_errors": errors,
        "more_shifts": more,
    }


def _filter_field(error: Exception) -> str | None:
    if isinstance(error, LedgerError):
        named = error.context.get("field")
        if isinstance(named, str) and named in FILTER_FIELDS:
            return named
        if "category" in error.context:
            return "category"
        if error.context.get("kind") == "organisation":
            return "organization_id"
    return None
