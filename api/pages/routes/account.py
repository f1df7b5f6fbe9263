"""``/login``, ``/logout`` and ``/register``: the same checks as the API's token and
registration routes, with errors beside the field they concern."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from api.deps import ServicesDep, principal_for_token
from api.login import client_address, log_in
from api.pages.choices import organisation_choices
from api.pages.forms import PostedForm, blank_to_none, error_field, field_errors, problem_text
from api.pages.rendering import render
from api.pages.routing import home_of, local_target, page_router, require_viewer
from api.pages.sessions import end_session, page_viewer, start_session
from api.problems import ApiError, problem_for
from api.routes.volunteers import RegisterVolunteer, register_volunteer
from domain.errors import LedgerError

router = page_router()

Next = Annotated[str | None, Query(max_length=500)]


@router.get("/login")
def login_page(request: Request, next: Next = None) -> Response:
    return render(request, "login.html", next=local_target(next, ""), login="", error=None)


@router.post("/login")
def login(request: Request, services: ServicesDep, form: PostedForm) -> Response:
    """Log in with a phone, volunteer number or username: the API's one check (throttled)."""
    login_name = form.get("login", "").strip()
    try:
        issued = log_in(services, login_name, form.get("password", ""), client_address(request))
    except (LedgerError, ApiError) as error:
        return render(
            request,
            "login.html",
            _status_of(error),
            next=local_target(form.get("next"), ""),
            login=login_name,
            error=problem_text(request, error),
        )
    fallback = home_of(principal_for_token(services, issued.access_token))
    response = RedirectResponse(local_target(form.get("next"), fallback), status_code=303)
    start_session(request, response, issued)
    return response


@router.get("/logout")
def logout_page(request: Request) -> Response:
    """A page with one button: logging out is a post, so no link from elsewhere does it."""
    if page_viewer(request) is None:
        return RedirectResponse("/", status_code=303)
    return render(request, "logout.html")


@router.post("/logout")
def logout(request: Request, services: ServicesDep, form: PostedForm) -> Response:
    """End the session: the API's log-out, which ends every token of the account."""
    viewer = page_viewer(request)
    if viewer is not None:
        services.ledger.log_out(viewer.account_id, viewer.actor)
    response = RedirectResponse("/?logged_out=1", status_code=303)
    end_session(request, response)
    return response


@router.get("/register")
def register_page(request: Request, services: ServicesDep) -> Response:
    return _register_form(request, services, {}, {}, None)


@router.post("/register")
def register(request: Request, services: ServicesDep, form: PostedForm) -> Response:
    """Self-registration through the API's route: the same checks, limits and consent."""
    values = blank_to_none(form)
    body: dict[str, object] = {
        "name": values.get("name"),
        "phone": values.get("phone"),
        "password": form.get("password", ""),
        "birth_date": values.get("birth_date"),
        "organization_id": values.get("organization_id"),
        "skills": [s.strip() for s in (values.get("skills") or "").split(",") if s.strip()],
        "consent": form.get("consent") == "yes",
    }
    if values.get("guardian_name") or form.get("guardian_consent"):
        body["guardian"] = {
            "name": values.get("guardian_name"),
            "consent": form.get("guardian_consent") == "yes",
        }
    given = {name: value for name, value in body.items() if value is not None}  # None: missing
    try:
        registered = register_volunteer(RegisterVolunteer.model_validate(given), services, request)
    except ValidationError as error:
        return _register_form(request, services, form, field_errors(request, error), None, 422)
    except (LedgerError, ApiError) as error:
        field = error_field(error)
        message = problem_text(request, error)
        errors = {field: message} if field else {}
        general = None if field else message
        return _register_form(request, services, form, errors, general, _status_of(error))
    return render(request, "registered.html", 201, volunteer_number=registered.volunteer_number)


def _status_of(error: Exception) -> int:
    return problem_for(type(error)).status


def _register_form(
    request: Request,
    services: ServicesDep,
    form: dict[str, str],
    errors: dict[str, str],
    general: str | None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "register.html",
        status_code,
        form=form,
        errors=errors,
        general=general,
        organisations=organisation_choices(services),
    )


@router.get("/account")
def account_home(request: Request) -> Response:
    """Where the signed-in reader's pages are: the desk or /me."""
    return RedirectResponse(home_of(require_viewer(request)), status_code=303)
