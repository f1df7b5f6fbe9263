"""``/desk/activities/{id}/shifts/new``: schedule one shift, or a weekly series, through the
API's ``schedule_shifts`` (the same checks: organiser of the activity, times, capacity, a
series that exists already); errors beside the field they concern."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from fastapi import Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from api.deps import Services, ServicesDep
from api.pages.forms import PostedForm, error_field, field_errors, problem_text
from api.pages.rendering import render, translate
from api.pages.routes.desk import desk_scope, refused
from api.pages.routing import page_router
from api.permissions import activity_organiser
from api.problems import ApiError, problem_for
from api.routes.activities import ScheduleShift, schedule_shifts
from domain.errors import LedgerError
from domain.values import zone

router = page_router()

WEEKDAYS = range(7)
#: The API's fields, by the form field that holds them.
_FIELDS = {
    "starts_at": "start_time",
    "ends_at": "end_time",
    "recurrence.weekdays": "weekdays",
    "recurrence.first_day": "first_day",
    "recurrence.last_day": "last_day",
    "recurrence.start_time": "start_time",
    "recurrence.end_time": "end_time",
    "recurrence": "weekdays",
}


@router.get("/desk/activities/{activity_id}/shifts/new")
def new_shift_page(activity_id: UUID, request: Request, services: ServicesDep) -> Response:
    scope = desk_scope(request, services)
    if scope is None:
        return refused(request)
    activity_organiser(activity_id, services, scope.viewer)
    return _forms(request, services, activity_id)


@router.post("/desk/activities/{activity_id}/shifts")
def create_shift(
    activity_id: UUID, request: Request, services: ServicesDep, form: PostedForm
) -> Response:
    """One shift: a local day and times in the organisation's zone (an end at or before the
    start is on the next day)."""
    scope = desk_scope(request, services)
    if scope is None:
        return refused(request)
    activity_organiser(activity_id, services, scope.viewer)
    errors: dict[str, str] = {}
    day = _parsed(request, form, "day", date.fromisoformat, errors)
    start = _parsed(request, form, "start_time", time.fromisoformat, errors)
    end = _parsed(request, form, "end_time", time.fromisoformat, errors)
    body: dict[str, Any] = _common(form)
    if day is not None and start is not None and end is not None:
        timezone = zone(
            services.ledger.organisation(_organisation_of(services, activity_id)).timezone
        )
        starts_at = datetime.combine(day, start, timezone)
        ends_at = datetime.combine(day + timedelta(days=int(end <= start)), end, timezone)
        body |= {"starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()}
    return _schedule(request, services, scope.viewer, activity_id, form, body, errors, "one")


@router.post("/desk/activities/{activity_id}/series")
def create_series(
    activity_id: UUID, request: Request, services: ServicesDep, form: PostedForm
) -> Response:
    """A weekly series: the weekdays ticked, from the first day to the last, at local times."""
    scope = desk_scope(request, services)
    if scope is None:
        return refused(request)
    activity_organiser(activity_id, services, scope.viewer)
    weekdays = [day for day in WEEKDAYS if form.get(f"weekday_{day}") == "yes"]
    recurrence: dict[str, Any] = {"weekdays": weekdays}
    for name in ("first_day", "last_day", "start_time", "end_time"):
        if form.get(name, "").strip():
            recurrence[name] = form[name].strip()
    body = _common(form) | {"recurrence": recurrence}
    errors = {} if weekdays else {"weekdays": translate(request, "Tick at least one day.")}
    return _schedule(request, services, scope.viewer, activity_id, form, body, errors, "series")


def _organisation_of(services: Services, activity_id: UUID) -> UUID:
    return services.ledger.activity(activity_id).organisation_id


def _common(form: dict[str, str]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    capacity = form.get("capacity", "").strip()
    if capacity:
        body["capacity"] = int(capacity) if capacity.isdigit() and len(capacity) < 7 else capacity
    if form.get("location", "").strip():
        body["location"] = form["location"].strip()
    return body


def _parsed(
    request: Request, form: dict[str, str], name: str, parse: Any, errors: dict[str, str]
) -> Any:
    text = form.get(name, "").strip()
    if not text:
        errors[name] = translate(request, "This field is required.")
        return None
    try:
        return parse(text)
    except ValueError:
        errors[name] = translate(request, "This value is not valid.")
        return None


def _schedule(
    request: Request,
    services: Services,
    viewer: Any,
    activity_id: UUID,
    form: dict[str, str],
    body: dict[str, Any],
    errors: dict[str, str],
    which: str,
) -> Response:
    general: str | None = None
    status = 422
    if errors:  # the times are wrong: still tell what the API says of the other fields
        try:
            ScheduleShift.model_validate(body)
        except ValidationError as error:
            for field, text in field_errors(request, error).items():
                errors.setdefault(_FIELDS.get(field, field), text)
    else:
        try:
            done = schedule_shifts(
                activity_id, ScheduleShift.model_validate(body), services, viewer
            )
        except ValidationError as error:
            found = field_errors(request, error)
            errors = {_FIELDS.get(field, field): text for field, text in found.items()}
        except (LedgerError, ApiError) as error:
            status = problem_for(type(error)).status
            named = error_field(error)
            if named:
                errors = {_FIELDS.get(named, named): problem_text(request, error)}
            else:
                general = problem_text(request, error)
        else:
            made = "series" if done.series_id else "shift"
            first = f"&first={done.ids[0]}" if done.ids else ""
            return RedirectResponse(f"/desk?done={made}&n={len(done.ids)}{first}", 303)
    return _forms(request, services, activity_id, which, form, errors, general, status)


def _forms(
    request: Request,
    services: Services,
    activity_id: UUID,
    which: str = "",
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    general: str | None = None,
    status_code: int = 200,
) -> Response:
    activity = services.ledger.activity(activity_id)
    empty: dict[str, str] = {}
    return render(
        request,
        "desk_shift_new.html",
        status_code,
        activity=activity,
        which=which,
        one=(form or empty) if which == "one" else empty,
        series=(form or empty) if which == "series" else empty,
        one_errors=(errors or {}) if which == "one" else {},
        series_errors=(errors or {}) if which == "series" else {},
        general=general,
    )
